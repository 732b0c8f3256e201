import { createHash } from 'node:crypto';
import type { Allocation, OpenCharge } from '../fees/ledger.domain';
import type { PaymentMethod } from '../fees/vouchers.domain';

/**
 * Payments from providers, as pure rules: what a verified notification says (normalised across
 * providers), whether it may be posted against our payment order, and which part of a payment a
 * refund takes back. No I/O, no clock: `now` is passed in.
 */
export const PROVIDERS = { wechat: '微信支付', alipay: '支付宝', stripe: 'Stripe' } as const;
export type Provider = keyof typeof PROVIDERS;

/** How a provider's money appears on the voucher (Stripe: bank card — PAYMENT_METHODS has no `stripe`). */
export const PROVIDER_METHOD: Record<Provider, PaymentMethod> = { wechat: 'wechat', alipay: 'alipay', stripe: 'card' };

export const ORDER_CURRENCY = 'CNY';

/** Why an attempt was refused before anything was believed. */
export const REJECT_REASONS = {
  NOT_CONFIGURED: '未配置该支付渠道的密钥',
  MALFORMED: '通知格式不正确',
  MISSING_SIGNATURE: '缺少签名或签名相关请求头',
  SIGNATURE_PROBE: '签名探测请求（按微信支付规范必须验签失败）',
  UNKNOWN_KEY: '未知的平台证书序列号/微信支付公钥ID',
  STALE_TIMESTAMP: '通知时间戳超出允许范围（±5分钟）',
  BAD_SIGNATURE: '签名验证失败',
  DECRYPT_FAILED: '通知资源解密失败（密文或附加数据被篡改）',
  WRONG_SIGN_TYPE: '签名类型必须为 RSA2',
  UNSUPPORTED_CHARSET: '仅支持 utf-8 编码的通知',
  WRONG_MERCHANT: '通知中的应用ID/商户号与本单位配置不符',
} as const;
export type RejectReason = keyof typeof REJECT_REASONS;

/** Why a verified notification waits for a person instead of being posted (待认领/待处理). */
export const HOLD_REASONS = {
  unmatched: '未匹配到支付订单（待认领）',
  amount_mismatch: '支付金额与订单金额不符',
  currency_mismatch: '币种不是人民币',
  order_closed: '订单已关闭',
  order_expired: '订单已过期后才支付',
  duplicate_payment: '订单已支付，重复支付待退款',
  unmatched_refund: '退款未匹配到订单',
  refund_other_trade: '退款对应的交易未入账（如重复支付的退款）',
  refund_excess: '退款累计超过实收金额，超出部分已拒绝',
  posting_failed: '入账失败（如票据本已用完），待处理后重放',
} as const;
export type HoldReason = keyof typeof HOLD_REASONS;

export type ProviderEvent =
  | {
      kind: 'payment';
      outTradeNo?: string | undefined;
      tradeNo: string;
      amountFen: number;
      currency: string;
      paidAt?: string | undefined;
      payer?: string | undefined;
    }
  | {
      kind: 'refund';
      outTradeNo?: string | undefined;
      tradeNo: string;
      /** Stable per refund: WeChat refund_id, Alipay out_biz_no + total, Stripe charge + total. */
      refundKey: string;
      /** This refund's amount (WeChat). */
      amountFen?: number | undefined;
      /** The total refunded so far on the trade (Alipay `refund_fee`, Stripe `amount_refunded`). */
      cumulativeFen?: number | undefined;
      currency: string;
    }
  | { kind: 'closed'; outTradeNo?: string | undefined; tradeNo?: string | undefined }
  | { kind: 'ignored'; note: string };

/** A notification whose signature (and, for WeChat, whose encryption) checked out. */
export interface VerifiedNotification {
  provider: Provider;
  /** The provider's notification id (WeChat `id`, Alipay `notify_id`, Stripe event id). */
  notifyId: string;
  eventType: string;
  event: ProviderEvent;
}

export type Verification =
  | { ok: true; notification: VerifiedNotification }
  | { ok: false; reason: RejectReason; detail?: string };

export const reject = (reason: RejectReason, detail?: string): Verification => ({
  ok: false,
  reason,
  ...(detail ? { detail } : {}),
});

export const digestOf = (raw: Buffer): string => createHash('sha256').update(raw).digest('hex');

/** The business key a notification is about: one payment or one refund of one trade, across notify ids. */
export const businessKeyOf = (provider: Provider, event: ProviderEvent): string | undefined => {
  if (event.kind === 'payment') return `${provider}~pay~${event.tradeNo}`;
  if (event.kind === 'refund') return `${provider}~refund~${event.refundKey}`;
  return undefined;
};

export const HOLD_ID = /^[A-Za-z0-9_~.:-]{3,160}$/;
export const safeKeyPart = (text: string) => text.replace(/[^A-Za-z0-9_.:-]/g, '-');

/** Our payment order (out_trade_no): a unit's open charges, an amount, an expiry. */
export interface PaymentOrder {
  outTradeNo: string;
  estateId: string;
  unitCode: string;
  chargeIds: string[];
  amountFen: number;
  currency: 'CNY';
  /** The online-payments receipt book the voucher comes from. */
  bookId: string;
  description: string;
  expiresAt: string;
  createdAt: string;
  createdBy: { id: string; name: string };
  status: 'open' | 'paid' | 'closed';
  provider?: Provider | undefined;
  tradeNo?: string | undefined;
  paidAt?: string | undefined;
  paymentEntryId?: string | undefined;
  voucherNo?: string | undefined;
  /** What the payment settled, so a refund can take back exactly its part. */
  payment?: { allocations: Allocation[]; creditAddedFen: number; charges: Record<string, OpenCharge> } | undefined;
  refundedFen: number;
  refunds: Array<{ refundKey: string; amountFen: number; entryId: string; at: string }>;
  /** Refunds that arrived before their payment: applied when it arrives. */
  heldRefunds: Array<{ refundKey: string; notifyId: string; amountFen?: number | undefined; cumulativeFen?: number | undefined }>;
  version: number;
}

export const ORDER_STATUSES = { open: '待支付', paid: '已支付', closed: '已关闭' } as const;

export type PaymentDecision = { action: 'post' } | { action: 'already_posted' } | { action: 'hold'; reason: HoldReason };

/** May this verified payment be posted against the order? Amount, currency, state, expiry. */
export const decidePayment = (
  order: PaymentOrder | undefined,
  event: Extract<ProviderEvent, { kind: 'payment' }>,
  provider: Provider,
): PaymentDecision => {
  if (!order) return { action: 'hold', reason: 'unmatched' };
  if (order.status === 'paid') {
    return order.provider === provider && order.tradeNo === event.tradeNo
      ? { action: 'already_posted' }
      : { action: 'hold', reason: 'duplicate_payment' };
  }
  if (event.currency.toUpperCase() !== order.currency) return { action: 'hold', reason: 'currency_mismatch' };
  if (event.amountFen !== order.amountFen) return { action: 'hold', reason: 'amount_mismatch' };
  if (order.status === 'closed') return { action: 'hold', reason: 'order_closed' };
  if (event.paidAt && Date.parse(event.paidAt) > Date.parse(order.expiresAt)) return { action: 'hold', reason: 'order_expired' };
  return { action: 'post' };
};

export type RefundDecision =
  | { action: 'post'; amountFen: number; excessFen: number }
  | { action: 'defer' }
  | { action: 'already_posted' }
  | { action: 'hold'; reason: HoldReason; excessFen?: number };

/**
 * May this verified refund be applied? Exactly the refunded amount, never beyond what was paid;
 * a refund before its payment waits on the order. Cumulative amounts (Alipay, Stripe) become the
 * increase over what is already refunded.
 */
export const decideRefund = (
  order: PaymentOrder | undefined,
  refund: {
    refundKey: string;
    tradeNo: string;
    amountFen?: number | undefined;
    cumulativeFen?: number | undefined;
    currency: string;
  },
  provider: Provider,
): RefundDecision => {
  if (!order) return { action: 'hold', reason: 'unmatched_refund' };
  if (order.refunds.some((r) => r.refundKey === refund.refundKey)) return { action: 'already_posted' };
  if (refund.currency.toUpperCase() !== order.currency) return { action: 'hold', reason: 'currency_mismatch' };
  if (order.status !== 'paid') return { action: 'defer' };
  if (order.provider !== provider || order.tradeNo !== refund.tradeNo) return { action: 'hold', reason: 'refund_other_trade' };
  const wanted = refund.amountFen ?? (refund.cumulativeFen ?? 0) - order.refundedFen;
  if (wanted <= 0) return { action: 'already_posted' };
  const room = order.amountFen - order.refundedFen;
  if (room <= 0) return { action: 'hold', reason: 'refund_excess', excessFen: wanted };
  return wanted > room
    ? { action: 'post', amountFen: room, excessFen: wanted - room }
    : { action: 'post', amountFen: wanted, excessFen: 0 };
};

/**
 * The part of a payment a refund takes back: first the credit the payment added, then its allocations
 * from the last back to the first. `alreadyRefundedFen` has been taken back by earlier refunds.
 */
export const refundPortion = (
  payment: { allocations: Allocation[]; creditAddedFen: number },
  alreadyRefundedFen: number,
  refundFen: number,
): { allocations: Allocation[]; creditFen: number } => {
  const layers: Array<{ chargeId?: string; amountFen: number }> = [
    { amountFen: payment.creditAddedFen },
    ...[...payment.allocations].reverse(),
  ];
  let skip = alreadyRefundedFen;
  let take = refundFen;
  let creditFen = 0;
  const allocations: Allocation[] = [];
  for (const layer of layers) {
    let available = layer.amountFen;
    const skipped = Math.min(skip, available);
    skip -= skipped;
    available -= skipped;
    const taken = Math.min(take, available);
    take -= taken;
    if (taken > 0) {
      if (layer.chargeId) allocations.push({ chargeId: layer.chargeId, amountFen: taken });
      else creditFen += taken;
    }
  }
  return { allocations, creditFen };
};

/** Out-of-order refunds, in the order they add up (cumulative ones by their running total). */
export const heldRefundOrder = (held: PaymentOrder['heldRefunds']) =>
  [...held].sort((a, b) => (a.cumulativeFen ?? 0) - (b.cumulativeFen ?? 0));

/** A new order's amount: what is asked, or what the named open charges still owe. */
export const orderAmount = (
  open: Record<string, OpenCharge>,
  chargeIds: string[],
  amountFen: number | undefined,
): { amountFen: number } | { problem: 'charge_not_open'; chargeId: string } | { problem: 'nothing_to_pay' } => {
  let sum = 0;
  for (const id of chargeIds) {
    const charge = open[id];
    if (!charge) return { problem: 'charge_not_open', chargeId: id };
    sum += charge.outstandingFen;
  }
  const total = amountFen ?? (chargeIds.length > 0 ? sum : Object.values(open).reduce((s, c) => s + c.outstandingFen, 0));
  return total > 0 ? { amountFen: total } : { problem: 'nothing_to_pay' };
};

/** Our out_trade_no: 6–32 of letters/digits (accepted by WeChat, Alipay and Stripe metadata). */
export const formatOutTradeNo = (id: string) => `PD${id}`;
export const OUT_TRADE_NO = /^PD[0-9A-Z]{26}$/;

/** Local wall-clock "yyyy-MM-dd HH:mm:ss" in Beijing time (Alipay) → ISO instant. */
export const beijingToIso = (text: string | undefined): string | undefined => {
  if (!text || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text.replace(' ', 'T')}+08:00`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};
