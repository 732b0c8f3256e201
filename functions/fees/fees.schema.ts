import { z } from 'zod';
import { IsoDateString } from '../calendar/calendar.schema';
import { EstateId, UnitCode } from '../units/units.schema';
import { FEE_BASES, FEE_CATEGORIES } from './fee-schedule.domain';
import { MONTH } from './periods.domain';
import { PAYMENT_METHODS, VOUCHER_KINDS } from './vouchers.domain';

/** Money in integer fen: 67125 = ¥671.25. Fractions of a fen and negative amounts are refused. */
export const Fen = z.number().int('金额须为整数（单位：分）').positive('金额须大于0').max(10_000_000_000);
export const FenOrZero = z.number().int('金额须为整数（单位：分）').min(0).max(10_000_000_000);
export const ItemCode = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, '收费项目编码应为小写字母开头的字母、数字或下划线');
export const BookId = z.string().regex(/^[A-Za-z0-9-]{2,32}$/, '票据本编号应为2–32位字母、数字或连字符');
export const Month = z.string().regex(MONTH, '月份格式应为 YYYY-MM');

export const UnitLedgerParams = z.object({ estateId: EstateId, unitCode: UnitCode });
export const FeeItemParams = z.object({ estateId: EstateId, itemCode: ItemCode });
export const BookParams = z.object({ estateId: EstateId, bookId: BookId });
export const VoucherParams = z.object({ estateId: EstateId, bookId: BookId, number: z.coerce.number().int().positive() });
export const RefundParams = z.object({ estateId: EstateId, unitCode: UnitCode, refundId: z.string().regex(/^[0-9A-Z]{26}$/) });
export const ChargeParams = z.object({ estateId: EstateId, unitCode: UnitCode, chargeId: z.string().regex(/^[0-9A-Z]{26}$/) });
export const DayParams = z.object({ estateId: EstateId, date: IsoDateString });
export const AsOfQuery = z.object({ asOf: IsoDateString.optional() }).strict();

export const PutFeeItemBody = z
  .object({
    name: z.string().trim().min(1).max(32),
    category: z.enum(Object.keys(FEE_CATEGORIES) as [keyof typeof FEE_CATEGORIES]),
    basis: z.enum(Object.keys(FEE_BASES) as [keyof typeof FEE_BASES]),
    rateFen: FenOrZero.describe('单价（分）：元/㎡·月、元/月或元/个；按实录入的项目填 0'),
    unitLabel: z.string().trim().min(1).max(8),
    effectiveFrom: IsoDateString,
    periodRule: z.enum(['calendar_month', 'parking_month', 'none']).optional(),
  })
  .strict()
  .superRefine((item, ctx) => {
    if (item.basis === 'entered' && item.rateFen !== 0)
      ctx.addIssue({ code: 'custom', path: ['rateFen'], message: '按实录入的项目单价应为0' });
    if (item.basis !== 'entered' && item.rateFen === 0)
      ctx.addIssue({ code: 'custom', path: ['rateFen'], message: '单价须大于0' });
    if (item.category === 'late_fee')
      ctx.addIssue({ code: 'custom', path: ['category'], message: '滞纳金由滞纳金规则生成，不能作为收费项目' });
  });

export const PostChargesBody = z
  .object({
    itemCode: ItemCode,
    month: Month.optional().describe('按月收费项目的起始月份'),
    months: z.number().int().min(1).max(12).default(1),
    signUpDate: IsoDateString.optional().describe('车位月租：签约日，月租期为签约日至次月同日前一天'),
    fromMonthIndex: z.number().int().min(0).max(240).default(0).describe('车位月租：从签约后的第几个月开始（0 为第一个月）'),
    proRateFrom: IsoDateString.optional().describe('首月按天折算的起算日（如月中交房）'),
    quantity: z.number().int().min(1).max(10_000).default(1),
    amountFen: Fen.optional().describe('按实录入的金额（分）'),
    note: z.string().trim().max(200).optional().describe('如家政服务单号、IC卡卡号'),
  })
  .strict();

export const VoucherChoice = z.object({ kind: z.enum(['receipt', 'invoice']), bookId: BookId }).strict();

export const PostPaymentBody = z
  .object({
    amountFen: Fen,
    method: z.enum(Object.keys(PAYMENT_METHODS) as [keyof typeof PAYMENT_METHODS]),
    payer: z.string().trim().min(1).max(64).optional().describe('缴款人，默认为业主'),
    reference: z.string().trim().max(64).optional().describe('转账流水号、托收批次号等'),
    chargeIds: z
      .array(z.string().regex(/^[0-9A-Z]{26}$/))
      .max(50)
      .optional()
      .describe('指定冲抵的费用；不填则从最早的欠费开始冲抵'),
    voucher: VoucherChoice,
    date: IsoDateString.optional().describe('票据日期，默认今天'),
    corrects: z.string().max(64).optional().describe('更正的已作废票据号'),
  })
  .strict();

export const CreateBookBody = z
  .object({
    bookId: BookId,
    kind: z.enum(Object.keys(VOUCHER_KINDS) as [keyof typeof VOUCHER_KINDS]),
    holder: z.object({ id: z.string().min(1).max(128), name: z.string().trim().min(1).max(64) }).strict(),
    firstNumber: z.number().int().min(1),
    lastNumber: z.number().int().min(1),
  })
  .strict()
  .refine((book) => book.lastNumber >= book.firstNumber, { message: '末号不能小于首号', path: ['lastNumber'] })
  .refine((book) => book.lastNumber - book.firstNumber < 100_000, { message: '一本票据最多 100000 号', path: ['lastNumber'] });

export const VoidBody = z.object({ reason: z.string().trim().min(2, '请填写作废原因').max(200) }).strict();

export const ExchangeBody = z.object({ invoiceBookId: BookId, date: IsoDateString.optional() }).strict();

export const RefundRequestBody = z
  .object({
    source: z.enum(['credit', 'deposit']).describe('credit = 预收余额；deposit = 押金'),
    amountFen: Fen,
    reason: z.string().trim().min(2).max(200),
    payee: z.string().trim().min(1).max(64),
    method: z.enum(['cash', 'transfer']),
  })
  .strict();

export const DecisionBody = z.object({ note: z.string().trim().max(200).optional() }).strict();
export const RejectBody = z.object({ note: z.string().trim().min(2, '请填写驳回原因').max(200) }).strict();

export const DayBookEntryBody = z
  .object({ itemCode: ItemCode, pages: z.number().int().min(1).max(10_000), payer: z.string().trim().max(64).optional() })
  .strict();
export const CloseDayBody = z.object({ bookId: BookId }).strict();

export const FeeSettingsBody = z
  .object({
    lateFee: z
      .object({
        enabled: z.boolean(),
        dailyRatePerTenThousand: z.number().int().min(1).max(100).describe('日费率（万分之几），如 5 = 每日万分之五'),
        graceDays: z.number().int().min(0).max(365),
        capPercent: z.number().int().min(1).max(100).describe('滞纳金上限：不超过欠费本金的百分之几'),
      })
      .strict(),
  })
  .strict();

export const WaiveBody = z.object({ reason: z.string().trim().min(2, '请填写减免原因').max(200) }).strict();

// ---- views ----
export const OpenChargeView = z.object({
  chargeId: z.string(),
  itemCode: z.string(),
  itemName: z.string(),
  category: z.string(),
  period: z.string(),
  amountFen: z.number().int(),
  outstandingFen: z.number().int(),
  dueDate: z.string(),
});
export const AccountView = z.object({
  estateId: z.string(),
  unitCode: z.string(),
  owedFen: z.number().int(),
  creditFen: z.number().int(),
  heldFen: z.number().int(),
  balanceFen: z.number().int().describe('欠费 − 预收余额；正数为欠费，负数为预收'),
  balanceText: z.string(),
  version: z.number().int(),
  open: z.array(OpenChargeView),
});
export const EntryView = z.record(z.string(), z.unknown());
export const VoucherView = z.record(z.string(), z.unknown());
export const PostingResult = z.object({
  account: AccountView,
  entries: z.array(EntryView),
  voucher: VoucherView.optional(),
});
export const StatementView = z.object({ account: AccountView, entries: z.array(EntryView) });
export const ArrearsLine = z.object({
  estateId: z.string(),
  unitCode: z.string(),
  chargeId: z.string(),
  itemCode: z.string(),
  itemName: z.string(),
  period: z.string(),
  outstandingFen: z.number().int(),
  dueDate: z.string(),
  ageDays: z.number().int(),
});
export const ArrearsView = z.object({ asOf: z.string(), totalFen: z.number().int(), lines: z.array(ArrearsLine) });
