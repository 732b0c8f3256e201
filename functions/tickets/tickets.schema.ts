import { z } from 'zod';
import { IsoDateString } from '../calendar/calendar.schema';
import { Fen, ItemCode, Month, VoucherChoice } from '../fees/fees.schema';
import { PAYMENT_METHODS } from '../fees/vouchers.domain';
import { EstateId, Phone, UnitCode } from '../units/units.schema';
import { PAID_SERVICE_TYPES } from './paid-service.domain';
import { ROUTING_MODES, SATISFACTION, TICKET_ACTIONS, TICKET_CHANNELS, TICKET_KINDS } from './tickets.domain';

const keysOf = <T extends Record<string, unknown>>(record: T) =>
  Object.keys(record) as [keyof T & string, ...(keyof T & string)[]];

export const TicketId = z.string().regex(/^[0-9A-Z]{26}$/, '工单编号格式不正确');
export const TeamCode = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, '班组编码应为小写字母开头的2–32位字母、数字或下划线');
export const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:MM');
export const Instant = z.iso.datetime({ offset: true, message: '时间应为带时区的 ISO 8601 格式，如 2026-10-08T09:30:00+08:00' });

export const StaffRefBody = z
  .object({
    id: z.string().trim().min(1).max(128),
    name: z.string().trim().min(1, '姓名不能为空').max(64),
    phone: Phone.optional(),
  })
  .strict();

export const TicketParams = z.object({ estateId: EstateId, ticketId: TicketId });
export const TeamParams = z.object({ estateId: EstateId, teamCode: TeamCode });
export const RosterParams = z.object({ estateId: EstateId, teamCode: TeamCode, date: IsoDateString });
export const OrderParams = z.object({ estateId: EstateId, number: z.coerce.number().int().positive().max(99_999_999) });

// ---- setup: routing rules, SLA targets, teams, rosters ----

const RoutingRuleBody = z
  .object({ mode: z.enum(keysOf(ROUTING_MODES)), teamCode: TeamCode.optional(), visitNeeded: z.boolean() })
  .strict()
  .refine((rule) => rule.mode === 'log_and_answer' || rule.teamCode, { message: '派单类规则须指定班组', path: ['teamCode'] });

export const TicketSettingsBody = z
  .object({
    routing: z
      .partialRecord(z.enum(keysOf(TICKET_KINDS)), RoutingRuleBody)
      .optional()
      .describe('按类别的派单规则；未列出的类别用默认规则'),
    sla: z
      .object({
        contactHours: z.number().int().min(1).max(168),
        onSiteHours: z.number().int().min(1).max(336),
        solveWorkingDays: z.number().int().min(1).max(30),
        complaintRecordWorkingDays: z.number().int().min(1).max(10),
        emergency: z
          .object({
            contactMinutes: z.number().int().min(1).max(1440),
            onSiteMinutes: z.number().int().min(1).max(1440),
            solveHours: z.number().int().min(1).max(720),
          })
          .strict(),
        escalateToHeadAfterHours: z.number().int().min(1).max(720),
        followUpWorkingDays: z.number().int().min(1).max(10).describe('处理完成后几个工作日内回访'),
      })
      .partial()
      .strict()
      .optional(),
    csLead: StaffRefBody.optional().describe('客服负责人：投诉知会与超时上报的对象'),
    departmentHead: StaffRefBody.optional().describe('部门负责人：超时未解决的二级上报对象'),
    expectedVersion: z.number().int().min(0).optional().describe('读取时的版本号（首次设置为 0 或不填）'),
  })
  .strict();

export const TeamBody = z
  .object({
    name: z.string().trim().min(1).max(32),
    lead: StaffRefBody.describe('班组负责人（维修负责人/家政负责人/领班）'),
    members: z.array(StaffRefBody).max(100).default([]),
  })
  .strict();

export const RosterBody = z
  .object({
    shifts: z
      .array(
        z
          .object({ name: z.string().trim().max(16).optional(), from: HourMinute, to: HourMinute, staff: StaffRefBody })
          .strict()
          .refine((shift) => shift.from !== shift.to, { message: '班次起止时间不能相同', path: ['to'] }),
      )
      .max(12),
  })
  .strict();

// ---- tickets ----

export const CreateTicketBody = z
  .object({
    channel: z.enum(keysOf(TICKET_CHANNELS)),
    kind: z.enum(keysOf(TICKET_KINDS)),
    unitCode: UnitCode.optional(),
    publicArea: z.string().trim().min(1).max(64).optional().describe('公共区域，如 3栋大堂、地下车库B2'),
    contact: z
      .object({ name: z.string().trim().min(1).max(64), phone: Phone.optional() })
      .strict()
      .optional(),
    description: z.string().trim().min(2, '请填写事项内容').max(1000),
    receivedAt: Instant.optional().describe('员工巡查收集的信息：听到的时间（须当天告知前台）；默认现在'),
    reportedBy: z
      .object({ name: z.string().trim().min(1).max(64) })
      .strict()
      .optional()
      .describe('收集信息的员工'),
    visitNeeded: z.boolean().optional().describe('是否需要上门（默认按类别的派单规则）'),
  })
  .strict()
  .refine((t) => t.unitCode || t.publicArea, { message: '请填写房号或公共区域', path: ['unitCode'] });

export const ListTicketsQuery = z
  .object({
    state: z.enum(['open', 'closed']).default('open').describe('open = 未关闭；closed = 已关闭或已撤销'),
    owner: z.string().trim().min(1).max(128).optional().describe('首问责任人 id（只查未关闭的）'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(2048).optional(),
  })
  .strict();

export const TransitionBody = z
  .object({
    action: z.enum(keysOf(TICKET_ACTIONS)),
    note: z.string().trim().min(1).max(1000).optional(),
    assignee: StaffRefBody.optional().describe('派单/约时时的处理人；派单不填则按规则取值班人员'),
    appointmentAt: Instant.optional().describe('与业主约定的上门时间'),
    expectedVersion: z.number().int().min(1).optional(),
  })
  .strict();

export const HandOverBody = z
  .object({
    to: StaffRefBody,
    note: z.string().trim().min(2, '请填写交接说明').max(500),
    expectedVersion: z.number().int().min(1).optional(),
  })
  .strict();

export const ShiftHandoverBody = z
  .object({
    from: StaffRefBody.optional().describe('交班人（默认本人）'),
    to: StaffRefBody.describe('接班人'),
    shift: z.string().trim().max(16).optional().describe('班次，如 早班/中班/夜班'),
    note: z.string().trim().min(2, '请填写交接说明').max(1000),
    ticketIds: z.array(TicketId).min(1).max(40).optional().describe('只交接这些工单（默认交班人全部未关闭工单）'),
  })
  .strict();

export const ShiftHandoverQuery = z.object({ date: IsoDateString.optional() }).strict();
export const StockTakeQuery = z.object({ asOf: Instant.optional() }).strict();

export const FollowUpBody = z
  .object({
    method: z.enum(['phone', 'visit', 'online']).default('phone').describe('回访方式：电话/上门/网络'),
    satisfaction: z.enum(keysOf(SATISFACTION)),
    result: z.string().trim().min(2, '请填写回访结果').max(1000),
    close: z.boolean().default(true).describe('满意时是否同时关闭工单'),
  })
  .strict();

export const ComplaintRecordBody = z
  .object({
    cause: z.string().trim().max(1000).optional().describe('投诉原因分析'),
    correctiveMeasures: z.string().trim().min(2, '请填写整改措施').max(2000),
    responsible: StaffRefBody.optional().describe('整改责任人'),
    feedbackToResident: z.string().trim().max(1000).optional().describe('向业主反馈的处理情况'),
    archived: z.boolean().optional().describe('处理完毕后归档'),
  })
  .strict();

// ---- paid-service orders and agreements ----

export const CreateOrderBody = z
  .object({
    unitCode: UnitCode,
    serviceType: z.enum(keysOf(PAID_SERVICE_TYPES)),
    content: z.string().trim().min(2, '请填写服务内容').max(500),
    receivedAt: Instant.optional().describe('接报时间，默认现在'),
    takenBy: StaffRefBody.optional().describe('接单人（领单签字的主管/领班）'),
    ticketId: TicketId.optional().describe('对应的工单'),
  })
  .strict();

export const PriceBody = z
  .object({
    amountFen: Fen,
    agreedWith: z.string().trim().min(1).max(64).describe('与哪位业主/住户议定'),
    note: z.string().trim().max(200).optional(),
  })
  .strict();

export const MaterialsBody = z
  .object({
    items: z
      .array(
        z
          .object({
            name: z.string().trim().min(1).max(64),
            quantity: z.number().positive().max(100_000),
            unit: z.string().trim().min(1).max(8),
          })
          .strict(),
      )
      .min(1)
      .max(30),
    drawnBy: StaffRefBody.describe('领料人'),
    approvedBy: z
      .object({ name: z.string().trim().min(1).max(64) })
      .strict()
      .describe('签字确认的主管/领班'),
  })
  .strict();

export const OrderPaymentBody = z
  .object({
    itemCode: ItemCode.default('paid_service').describe('收费标准中“按实录入”的有偿服务项目'),
    method: z.enum(keysOf(PAYMENT_METHODS)),
    voucher: VoucherChoice,
    payer: z.string().trim().min(1).max(64).optional(),
    reference: z.string().trim().max(64).optional(),
  })
  .strict();

export const AgreementBody = z
  .object({
    unitCode: UnitCode,
    content: z.string().trim().min(2).max(1000),
    monthlyFen: Fen,
    startMonth: Month,
    months: z.number().int().min(1).max(60).describe('协议期（月）'),
    signedBy: z.string().trim().min(1).max(64).describe('签约业主'),
    signedOn: IsoDateString,
    orderNumber: z.number().int().positive().optional().describe('对应的有偿服务单号'),
  })
  .strict();

export const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

// ---- views ----
export const AnyRecord = z.record(z.string(), z.unknown());
export const TicketView = AnyRecord;
export const ItemsView = z.object({ items: z.array(AnyRecord), cursor: z.string().optional() });
export const StockTakeView = z.object({
  asOf: z.string(),
  date: z.string(),
  total: z.number().int(),
  byOwner: z.array(AnyRecord),
  items: z.array(AnyRecord),
});

export type CreateTicketInput = z.output<typeof CreateTicketBody>;
export type TransitionInputBody = z.output<typeof TransitionBody>;
export type TicketSettingsInput = z.output<typeof TicketSettingsBody>;
export type TeamInput = z.output<typeof TeamBody>;
export type RosterInput = z.output<typeof RosterBody>;
export type ShiftHandoverInput = z.output<typeof ShiftHandoverBody>;
export type FollowUpInput = z.output<typeof FollowUpBody>;
export type ComplaintRecordInput = z.output<typeof ComplaintRecordBody>;
export type CreateOrderInput = z.output<typeof CreateOrderBody>;
export type PriceInput = z.output<typeof PriceBody>;
export type MaterialsInput = z.output<typeof MaterialsBody>;
export type OrderPaymentInput = z.output<typeof OrderPaymentBody>;
export type AgreementInput = z.output<typeof AgreementBody>;
