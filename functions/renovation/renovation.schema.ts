import { z } from 'zod';
import { IsoDateString } from '../calendar/calendar.schema';
import { BookId, Fen, ItemCode } from '../fees/fees.schema';
import { EstateId, Party, UnitCode } from '../units/units.schema';
import { DOCUMENTS, WORK_SCOPES } from './renovation.domain';

const keysOf = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...Array<keyof T & string>];

export const UnitParams = z.object({ estateId: EstateId, unitCode: UnitCode });
export const EstateParams = z.object({ estateId: EstateId });
export const PermitParams = UnitParams.extend({
  permitId: z.string().regex(/^[0-9A-Z]{26}$/, '装修备案编号格式不正确'),
});
export const DocumentParams = PermitParams.extend({ document: z.enum(keysOf(DOCUMENTS)) });
export const PassParams = PermitParams.extend({ passNo: z.string().regex(/^LS-\d{6,}$/, '出入卡号格式应如 LS-000001') });

/** A person with a resident ID number (ID required here: the register and the passes need it). */
const PersonWithId = Party.refine((p) => Boolean(p.idNumber), { message: '须填写身份证号', path: ['idNumber'] });

export const ApplyBody = z
  .object({
    applicant: PersonWithId.describe('申办人（姓名、身份证号、联系电话）'),
    applicantIsOwner: z.boolean().default(true).describe('申办人是否业主本人；否则须业主同意装修的书面证明'),
    selfRenovation: z.boolean().default(false).describe('业主自装（不委托装修单位）：业主交保证金2000元'),
    contractor: z
      .object({
        company: z.string().trim().min(1).max(128).optional().describe('装修单位名称；业主自装可不填'),
        lead: PersonWithId.describe('装修负责人（姓名、身份证号、联系电话）'),
      })
      .strict(),
    works: z
      .array(z.enum(keysOf(WORK_SCOPES)))
      .min(1, '至少选择一项装修范围')
      .max(8),
    mainWorks: z.string().trim().min(2, '请填写主要装修项目').max(500),
    nonResidential: z.boolean().default(false).describe('非住宅用途房屋'),
    plannedFrom: IsoDateString,
    plannedTo: IsoDateString,
    notes: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((a) => a.selfRenovation || Boolean(a.contractor.company), {
    message: '委托装修单位的须填写装修单位名称',
    path: ['contractor', 'company'],
  });

export const DocumentBody = z
  .object({
    state: z.enum(['received', 'declared']).describe('received = 已收；declared = 装修单位不能提供，业主签《装修声明》代替'),
    note: z.string().trim().max(200).optional(),
  })
  .strict();

export const ReviewBody = z
  .object({
    decision: z.enum(['approve', 'return']),
    reasons: z.array(z.string().trim().min(2).max(200)).max(20).default([]).describe('退回原因'),
    term: z.object({ from: IsoDateString, to: IsoDateString }).strict().optional().describe('核定装修期限，默认按申请日期'),
    agreementSigned: z.boolean().default(false).describe('《装修管理服务协议书》一式三份已签'),
    documentsToFollow: z
      .array(z.enum(keysOf(DOCUMENTS)))
      .max(20)
      .default([])
      .describe('准予后补的资料（退保证金前须补齐）'),
    notes: z.string().trim().max(500).optional(),
  })
  .strict();

export const ResubmitBody = z.object({ notes: z.string().trim().max(500).optional() }).strict();

export const DepositBody = z
  .object({
    payer: z.enum(['owner', 'contractor']),
    amountFen: Fen,
    method: z.enum(['cash', 'transfer', 'card', 'wechat', 'alipay']),
    voucher: z.object({ kind: z.literal('receipt'), bookId: BookId }).strict(),
    itemCode: ItemCode.default('renovation_deposit'),
  })
  .strict();

export const TaxBody = z
  .object({
    amountFen: Fen,
    method: z.enum(['cash', 'transfer', 'card', 'wechat', 'alipay']),
    taxVoucherNo: z.string().trim().min(1).max(64).describe('税务机关出具的票据号（代收费由第三方开票）'),
    itemCode: ItemCode.default('renovation_tax'),
  })
  .strict();

export const PassesBody = z
  .object({
    workers: z
      .array(
        z
          .object({
            worker: PersonWithId,
            photoRefs: z.array(z.string().trim().min(1).max(256)).min(2, '每位施工人员须交照片两张').max(4),
          })
          .strict(),
      )
      .min(1)
      .max(30),
  })
  .strict();

export const ReturnPassBody = z.object({ date: IsoDateString.optional() }).strict();

export const ExtensionBody = z
  .object({
    to: IsoDateString,
    permitPresented: z.literal(true, '办理延期须出示装修备案登记证'),
    passesPresented: z
      .array(z.string().regex(/^LS-\d{6,}$/))
      .max(30)
      .default([]),
    notes: z.string().trim().max(500).optional(),
  })
  .strict();

export const InspectionRequestBody = z.object({ notes: z.string().trim().max(500).optional() }).strict();

export const InspectionBody = z
  .object({
    result: z.enum(['pass', 'fail']),
    findings: z.array(z.string().trim().min(2).max(200)).max(50).default([]),
    date: IsoDateString.optional().describe('验收日期，默认今天'),
  })
  .strict()
  .refine((i) => i.result === 'pass' || i.findings.length > 0, { message: '验收不合格须写明问题', path: ['findings'] });

export const RefundRequestBody = z
  .object({
    passesCounted: z.number().int().min(0).max(100).describe('点收的临时出入卡张数'),
    receiptPresented: z.boolean().describe('出示保证金收据原件（红联）'),
    permitPresented: z.boolean().describe('出示《装修备案登记证》原件'),
    method: z.enum(['cash', 'transfer']),
    deductions: z
      .array(
        z.object({ payer: z.enum(['owner', 'contractor']), amountFen: Fen, reason: z.string().trim().min(2).max(200) }).strict(),
      )
      .max(10)
      .default([])
      .describe('扣款（如损坏公共设施），须写明原因'),
    notes: z.string().trim().max(500).optional(),
  })
  .strict();

export const RefundApprovalBody = z
  .object({
    signedBy: z.string().trim().min(1).max(64).describe('在收据上签写“已收退装修保证金”的领款人'),
    signed: z.literal(true, '领款人须在正式收据上签收'),
    note: z.string().trim().max(200).optional(),
  })
  .strict();

export const RefundRejectionBody = z.object({ note: z.string().trim().min(2, '请填写驳回原因').max(200) }).strict();
