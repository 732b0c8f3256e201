import { z } from 'zod';
import { IsoDateString } from '../calendar/calendar.schema';
import { BookId, Fen, FenOrZero, ItemCode, Month, VoucherChoice } from '../fees/fees.schema';
import { BankAccount, EstateId, Household, UnitCode } from '../units/units.schema';
import { CASE_KINDS, DOCUMENTS, STEP_LABELS } from './checkin.domain';

const keysOf = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...Array<keyof T & string>];

export const CaseParams = z.object({
  estateId: EstateId,
  unitCode: UnitCode,
  caseId: z.string().regex(/^[0-9A-Z]{26}$/, '办理单编号格式不正确'),
});
export const UnitParams = z.object({ estateId: EstateId, unitCode: UnitCode });
export const DocumentParams = CaseParams.extend({ document: z.enum(keysOf(DOCUMENTS)) });
export const StepParams = CaseParams.extend({ step: z.enum(keysOf(STEP_LABELS)) });
export const DefectParams = CaseParams.extend({ defectId: z.string().regex(/^[0-9A-Z]{26}$/) });

export const OpenCaseBody = z
  .object({
    kind: z.enum(keysOf(CASE_KINDS)).default('handover'),
    lateHandover: z
      .object({ agreementNo: z.string().trim().min(1).max(64), signedOn: IsoDateString })
      .strict()
      .optional()
      .describe('延期交房：在接待时签订《延期交房费用补偿协议》'),
    notes: z.string().trim().max(500).optional(),
  })
  .strict();

export const DocumentBody = z
  .object({ state: z.enum(['received', 'copied', 'waived']), reason: z.string().trim().max(200).optional() })
  .strict()
  .refine((d) => d.state !== 'waived' || (d.reason && d.reason.length >= 2), { message: '免收资料须填写原因', path: ['reason'] });

export const CompleteStepBody = z
  .object({
    notes: z.string().trim().max(500).optional(),
    finance: z
      .object({
        receiptsVerified: z.literal(true, '须核实已付款项收据'),
        approvedCompensationFen: FenOrZero.optional().describe('延期交房补偿核准金额（分）'),
        discount: z
          .object({ agreementNo: z.string().trim().min(1).max(64), amountFen: Fen })
          .strict()
          .optional()
          .describe('物业费优惠协议'),
      })
      .strict()
      .optional(),
  })
  .strict();

export const CollectFeesBody = z
  .object({
    firstMonth: Month.describe('首期物业费起始月份'),
    months: z.number().int().min(1).max(12).default(3),
    propertyFeeItem: ItemCode.default('property_fee'),
    prepayment: z.object({ itemCode: ItemCode, amountFen: Fen }).strict().optional().describe('水电预收款；分户抄表的小区不收'),
    payment: z
      .object({
        amountFen: Fen,
        method: z.enum(['cash', 'transfer', 'card', 'wechat', 'alipay']),
        voucher: VoucherChoice,
        payer: z.string().trim().max(64).optional(),
      })
      .strict()
      .optional(),
    notes: z.string().trim().max(500).optional(),
  })
  .strict();

export const KeysBody = z
  .object({
    items: z
      .array(
        z
          .object({
            what: z.string().trim().min(1).max(32),
            count: z.number().int().min(1).max(50),
            numbers: z.array(z.string().max(32)).max(50).optional(),
          })
          .strict(),
      )
      .min(1, '至少登记一项钥匙或门禁卡'),
    receivedBy: z.string().trim().min(1).max(64),
    signed: z.literal(true, '领取人须在《顾客钥匙/物品领用清单》上签名'),
    date: IsoDateString.optional(),
  })
  .strict();

const Reading = z.number().min(0).max(99_999_999);
export const InspectionBody = z
  .object({
    readings: z.object({ water: Reading, electricity: Reading, gas: Reading.optional() }).strict(),
    defects: z
      .array(
        z
          .object({
            location: z.string().trim().min(1).max(64),
            description: z.string().trim().min(1).max(500),
            responsibility: z.enum(['developer', 'owner']),
            photos: z.array(z.string().max(256)).max(20).default([]),
          })
          .strict(),
      )
      .max(100)
      .default([]),
    notes: z.string().trim().max(500).optional(),
  })
  .strict();

export const CloseDefectBody = z.object({ resolution: z.string().trim().min(2).max(500) }).strict();

export const ServicesBody = z
  .object({
    debitAgreement: BankAccount.optional().describe('《委托银行代收款协议书》'),
    utilities: z
      .array(z.enum(['water', 'electricity', 'gas', 'cable_tv', 'broadband', 'phone']))
      .max(6)
      .default([]),
    parking: z
      .object({
        agreement: z.enum(['rent', 'service']).describe('rent = 《车位租用协议书》；service = 购买/赠送车位的《车位服务协议书》'),
        bayNo: z.string().trim().min(1).max(16),
        itemCode: ItemCode,
        signUpDate: IsoDateString,
      })
      .strict()
      .optional(),
    contactsGiven: z.boolean().default(true).describe('已告知验房负责人及投诉电话'),
    notes: z.string().trim().max(500).optional(),
  })
  .strict();

export const TransferBody = z
  .object({
    household: Household,
    effectiveDate: IsoDateString,
    notes: z.string().trim().max(500).optional(),
  })
  .strict();

export { BookId };
