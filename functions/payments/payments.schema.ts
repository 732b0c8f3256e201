import { z } from 'zod';
import { BookId, Fen } from '../fees/fees.schema';
import { EstateId, UnitCode } from '../units/units.schema';
import { HOLD_ID, PROVIDERS } from './payments.domain';

const ChargeId = z.string().regex(/^[0-9A-Z]{26}$/, '费用编号格式不正确');
export const OutTradeNoParams = z.object({ outTradeNo: z.string().regex(/^PD[0-9A-Z]{26}$/, '支付订单号格式不正确') });
export const HoldParams = z.object({ holdId: z.string().regex(HOLD_ID, '待处理编号格式不正确') });
export const NoticeParams = z.object({
  provider: z.enum(Object.keys(PROVIDERS) as [keyof typeof PROVIDERS]),
  notifyId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, '通知编号格式不正确'),
});
export const AttemptsQuery = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
      .optional(),
  })
  .strict();

export const CreatePaymentOrderBody = z
  .object({
    chargeIds: z.array(ChargeId).max(24).optional(),
    amountFen: Fen.optional(),
    bookId: BookId.optional().describe('线上支付收据本；不填则用支付配置中本小区的收据本'),
    expiresInMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .optional(),
    description: z.string().trim().min(1).max(120).optional(),
  })
  .strict();

export const AssignHoldBody = z
  .object({
    estateId: EstateId,
    unitCode: UnitCode,
    bookId: BookId,
    chargeIds: z.array(ChargeId).max(24).optional(),
    note: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export const ResolveHoldBody = z.object({ note: z.string().trim().min(1, '请填写处理说明').max(200) }).strict();

const AnyRecord = z.record(z.string(), z.unknown());
export const OrderView = AnyRecord;
export const NotificationReply = z.union([z.object({ code: z.string(), message: z.string() }), z.string(), AnyRecord]);
