import { z } from 'zod';
import { checkResidentIdNumber, ID_NUMBER_PROBLEM_MESSAGES } from '../core/personal-data.domain';
import { HOUSEHOLD_TYPES, ID_TYPES, UNIT_STATUSES } from './units.domain';

/** Estate code chosen by the office, e.g. `lhy` (绿湖苑). */
export const EstateId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,31}$/, '小区编码应为2–32位小写字母、数字或连字符');
export const BuildingCode = z.string().regex(/^[A-Za-z0-9]{1,16}$/, '楼栋编号应为1–16位字母或数字');
/** 房号 such as 3-2-1501 (楼栋-单元-房间). */
export const UnitCode = z
  .string()
  .regex(/^[A-Za-z0-9]{1,16}(-[A-Za-z0-9]{1,16}){0,3}$/, '房号格式应如 3-2-1501（字母或数字，用连字符分隔）');

export const Phone = z
  .string()
  .trim()
  .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/, '电话号码应为11位手机号或带区号的座机号');

/** Floor area in ㎡ with at most 2 decimals: "89.50" or 89.5. Stored as integer hundredths of a ㎡. */
export const Area = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^(\d{1,6})(?:\.(\d{1,2}))?$/.exec(text);
  const centi = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : Number.NaN;
  if (!match || centi <= 0 || centi > 10_000_000) {
    ctx.addIssue({ code: 'custom', message: '建筑面积应为大于0、最多两位小数的平方米数，如 89.50' });
    return z.NEVER;
  }
  return centi;
});

export const Party = z
  .object({
    name: z.string().trim().min(1, '姓名不能为空').max(64),
    idType: z.enum(ID_TYPES).default('resident_id'),
    idNumber: z.string().trim().min(1).max(32).optional(),
    phone: Phone.optional(),
  })
  .strict()
  .superRefine((party, ctx) => {
    if (party.idType === 'resident_id' && party.idNumber) {
      const checked = checkResidentIdNumber(party.idNumber);
      if (!checked.ok) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: ID_NUMBER_PROBLEM_MESSAGES[checked.problem] });
    }
  })
  .transform((party) => ({
    ...party,
    ...(party.idNumber && party.idType === 'resident_id' ? { idNumber: party.idNumber.toUpperCase() } : {}),
  }));

export const BankAccount = z
  .object({
    bank: z.string().trim().min(1).max(64),
    accountName: z.string().trim().min(1).max(64),
    accountNumber: z
      .string()
      .transform((v) => v.replace(/\s+/g, ''))
      .pipe(z.string().regex(/^\d{8,30}$/, '银行账号应为8–30位数字')),
  })
  .strict();

export const Household = z
  .object({
    type: z.enum(HOUSEHOLD_TYPES),
    owner: Party,
    companyName: z.string().trim().min(1).max(128).optional(),
    delegate: Party.optional(),
    occupants: z.array(Party).max(20).default([]),
    debitAccount: BankAccount.optional(),
  })
  .strict()
  .superRefine((household, ctx) => {
    if (household.type === 'company' && !household.companyName) {
      ctx.addIssue({ code: 'custom', path: ['companyName'], message: '公司户须填写公司名称' });
    }
    if (household.type === 'delegate' && !household.delegate) {
      ctx.addIssue({ code: 'custom', path: ['delegate'], message: '委托办理须填写业主委托人' });
    }
  });

export const CreateEstateBody = z
  .object({
    id: EstateId,
    name: z.string().trim().min(1, '小区名称不能为空').max(64),
    address: z.string().trim().max(256).optional(),
    serviceCentrePhone: Phone.optional(),
    complaintPhone: Phone.optional(),
  })
  .strict();

export const UpdateEstateBody = z
  .object({
    expectedVersion: z.number().int().min(1, '请提供读取时的版本号 expectedVersion'),
    name: z.string().trim().min(1, '小区名称不能为空').max(64).optional(),
    address: z.string().trim().max(256).optional(),
    serviceCentrePhone: Phone.optional(),
    complaintPhone: Phone.optional(),
  })
  .strict();

export const UpdateBuildingBody = z
  .object({
    expectedVersion: z.number().int().min(1, '请提供读取时的版本号 expectedVersion'),
    name: z.string().trim().min(1).max(64).optional(),
    floors: z.number().int().min(1).max(200).optional(),
  })
  .strict();

export const CreateBuildingBody = z
  .object({
    code: BuildingCode,
    name: z.string().trim().min(1).max(64).optional(),
    floors: z.number().int().min(1).max(200).optional(),
  })
  .strict();

export const CreateUnitBody = z
  .object({
    code: UnitCode,
    buildingCode: BuildingCode,
    floor: z.number().int().min(-10).max(200).optional(),
    area: Area,
    /** Only at creation (e.g. migrating an occupied estate); afterwards the owning commands change it. */
    status: z.enum(UNIT_STATUSES).default('not_handed_over'),
    household: Household.optional(),
  })
  .strict();

export const UpdateUnitBody = z
  .object({
    expectedVersion: z.number().int().min(1, '请提供读取时的版本号 expectedVersion'),
    floor: z.number().int().min(-10).max(200).optional(),
    area: Area.optional(),
    household: Household.optional(),
    status: z
      .unknown()
      .optional()
      .refine((value) => value === undefined, '房屋状态只能由入伙、装修等业务办理变更，不能直接修改'),
  })
  .strict();

export const EstateParams = z.object({ estateId: EstateId });
export const UnitParams = z.object({ estateId: EstateId, unitCode: UnitCode });
export const BuildingParams = z.object({ estateId: EstateId, buildingCode: BuildingCode });
export const ListUnitsQuery = z
  .object({
    building: BuildingCode.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(2048).optional(),
  })
  .strict();

// ---- views (what leaves the store: personal data masked) ----

export const PartyView = z.object({
  name: z.string(),
  idType: z.enum(ID_TYPES),
  idNumberMasked: z.string().optional(),
  phone: z.string().optional(),
});

export const HouseholdView = z.object({
  type: z.enum(HOUSEHOLD_TYPES),
  typeLabel: z.string(),
  owner: PartyView,
  companyName: z.string().optional(),
  delegate: PartyView.optional(),
  occupants: z.array(PartyView),
  debitAccount: z.object({ bank: z.string(), accountName: z.string(), accountNumberMasked: z.string() }).optional(),
});

export const EstateView = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string().optional(),
  serviceCentrePhone: z.string().optional(),
  complaintPhone: z.string().optional(),
  createdAt: z.string(),
  version: z.number().int().optional(),
});

export const BuildingView = z.object({
  estateId: z.string(),
  code: z.string(),
  name: z.string().optional(),
  floors: z.number().optional(),
  version: z.number().int().optional(),
});

export const UnitView = z.object({
  estateId: z.string(),
  code: z.string(),
  buildingCode: z.string(),
  floor: z.number().optional(),
  area: z.string().describe('建筑面积（㎡，两位小数）'),
  areaCentiM2: z.number().int(),
  status: z.enum(UNIT_STATUSES),
  statusLabel: z.string(),
  statusSince: z.string(),
  household: HouseholdView.optional(),
  receivedOn: z.string().optional().describe('交房日期'),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const UnitPage = z.object({ items: z.array(UnitView), cursor: z.string().optional() });

export const AuditEntryView = z.object({
  id: z.string(),
  action: z.string(),
  command: z.string(),
  actor: z.object({ id: z.string(), name: z.string(), role: z.string() }),
  source: z.enum(['api', 'sheet', 'webhook', 'schedule']),
  at: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});

export const ImportRowOutcome = z.object({
  row: z.number().int().describe('文件中的行号（含表头，表头为第1行）'),
  unitCode: z.string().optional(),
  outcome: z.enum(['created', 'updated', 'unchanged', 'rejected']),
  outcomeLabel: z.string(),
  reason: z.string().optional(),
});

export const ImportReport = z.object({
  estateId: z.string(),
  total: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  rows: z.array(ImportRowOutcome),
});

export type CreateEstateInput = z.output<typeof CreateEstateBody>;
export type CreateBuildingInput = z.output<typeof CreateBuildingBody>;
export type UpdateEstateInput = z.output<typeof UpdateEstateBody>;
export type UpdateBuildingInput = z.output<typeof UpdateBuildingBody>;
export type CreateUnitInput = z.output<typeof CreateUnitBody>;
export type UpdateUnitInput = z.output<typeof UpdateUnitBody>;
export type HouseholdInput = z.output<typeof Household>;
export type UnitViewT = z.output<typeof UnitView>;
export type ImportReportT = z.output<typeof ImportReport>;
export type ImportRowOutcomeT = z.output<typeof ImportRowOutcome>;
