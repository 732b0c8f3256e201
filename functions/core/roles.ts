/**
 * Staff roles. In AWS they are Cognito user-pool groups (the `cognito:groups` claim);
 * locally the token command puts the same claim in a locally signed JWT.
 */
export const ROLES = {
  front_desk: '前台客服',
  cashier: '出纳/财务',
  renovation_manager: '装修负责人',
  engineering: '工程/验房',
  cs_lead: '客服负责人',
  centre_head: '服务中心负责人',
  admin: '系统管理员',
} as const;

export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as Role[];
export const isRole = (value: string): value is Role => Object.hasOwn(ROLES, value);

/** Every staff role: for read routes any staff member may call. */
export const ANY_STAFF: readonly Role[] = ROLE_NAMES;

/** Where a command came from. */
export type Source = 'api' | 'sheet' | 'webhook' | 'schedule';

/** Who is acting: a staff member, or the system itself for webhooks and schedules. */
export interface Actor {
  id: string;
  name: string;
  role: Role | 'system';
}

export const SYSTEM_ACTOR: Actor = { id: 'system', name: '系统', role: 'system' };
