import { businessDate } from '../core/dates';
import { isDeskError, VersionConflictError } from '../core/errors';
import { newId } from '../core/ids';
import { fenToCapitals, formatFen } from '../core/money';
import {
  accountView,
  accountWrite,
  entryWrite,
  type LedgerEntry,
  ledgerAudit,
  ledgerOutbox,
  readAccount,
  readBook,
  today,
} from '../fees/fees.store';
import { type Account, allocatePayment, applyPayment, type OpenCharge, reversePayment } from '../fees/ledger.domain';
import { issueVoucherWrites } from '../fees/vouchers.commands';
import type { PaymentMethod } from '../fees/vouchers.domain';
import type { Store } from '../store/client';
import { type AuditChange, type CommandContext, type OutboxMessage, type PlannedWrite, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import { readUnit } from '../units/units.commands';
import type { PaymentConfig } from './payments.config';
import {
  businessKeyOf,
  decidePayment,
  decideRefund,
  formatOutTradeNo,
  HOLD_REASONS,
  type HoldReason,
  heldRefundOrder,
  ORDER_CURRENCY,
  ORDER_STATUSES,
  orderAmount,
  type PaymentOrder,
  PROVIDER_METHOD,
  PROVIDERS,
  type Provider,
  type ProviderEvent,
  REJECT_REASONS,
  type RejectReason,
  refundPortion,
  safeKeyPart,
  type VerifiedNotification,
} from './payments.domain';
import {
  holdNotAssignable,
  holdNotFound,
  holdNotOpen,
  nothingToPay,
  noticeNotFound,
  onlineBookNotConfigured,
  orderChargeNotOpen,
  paymentOrderNotFound,
} from './payments.errors';

/**
 * Payments from providers: payment orders (our out_trade_no), verified notifications posted to the
 * ledger at most once — idempotency record, notice record, payment entry, allocation, voucher, order
 * and audit in ONE transaction — refunds the other way, and the queue of what waits for a person.
 */
const RETRIES = 150;
const DEFAULT_EXPIRY_MINUTES = 120;

const actorRef = (ctx: CommandContext) => ({ id: ctx.actor.id, name: ctx.actor.name });

// ---------------------------------------------------------------- orders

const cleanItem = <T>(item: Record<string, unknown>): T => {
  const { type: _type, ...rest } = stripKeys(item);
  return rest as unknown as T;
};

export const readPaymentOrder = async (store: Store, outTradeNo: string): Promise<PaymentOrder | undefined> => {
  const item = await access.getPaymentOrder(store, outTradeNo);
  return item ? cleanItem<PaymentOrder>(item) : undefined;
};

export const orderView = (order: PaymentOrder) => ({
  ...order,
  amountText: formatFen(order.amountFen),
  statusLabel: ORDER_STATUSES[order.status],
  ...(order.provider ? { providerLabel: PROVIDERS[order.provider] } : {}),
});

const orderWrite = (store: Store, order: PaymentOrder, readVersion: number | undefined): PlannedWrite => ({
  item: {
    Put: {
      TableName: store.tableName,
      Item: {
        ...keys.paymentOrder(order.outTradeNo),
        ...keys.paymentOrderIndex(order.estateId, order.unitCode, order.outTradeNo),
        type: 'paymentOrder',
        ...order,
      },
      ...(readVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': readVersion } }),
    },
  },
  onConditionFailed: () => new VersionConflictError('支付订单已被同时更新，请重试', { outTradeNo: order.outTradeNo }),
});

const orderAudit = (action: string, before: PaymentOrder | null, after: PaymentOrder): AuditChange => ({
  entityType: 'paymentOrder',
  entityId: after.outTradeNo,
  entityPk: keys.paymentOrder(after.outTradeNo).pk,
  action,
  before: before ? { status: before.status, refundedFen: before.refundedFen, version: before.version } : null,
  after: { status: after.status, amountFen: after.amountFen, refundedFen: after.refundedFen, tradeNo: after.tradeNo },
});

const orderChanged = (order: PaymentOrder): OutboxMessage => ({
  topic: 'paymentOrder.changed',
  entityType: 'paymentOrder',
  entityId: order.outTradeNo,
  payload: orderView(order),
});

export interface CreateOrderInput {
  chargeIds?: string[] | undefined;
  amountFen?: number | undefined;
  bookId?: string | undefined;
  expiresInMinutes?: number | undefined;
  description?: string | undefined;
}

/** Opens a payment order for a unit's open charges: the amount and expiry the provider is asked for. */
export const createPaymentOrder = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  unitCode: string,
  input: CreateOrderInput,
  config: PaymentConfig,
) =>
  runCommand(store, ctx, { name: 'payments.createOrder', request: { estateId, unitCode, ...input } }, async () => {
    const [unit, { account }] = await Promise.all([readUnit(store, estateId, unitCode), readAccount(store, estateId, unitCode)]);
    const chargeIds = input.chargeIds ?? [];
    const amount = orderAmount(account.open, chargeIds, input.amountFen);
    if ('problem' in amount) {
      if (amount.problem === 'charge_not_open') throw orderChargeNotOpen(amount.chargeId);
      throw nothingToPay();
    }
    const bookId = input.bookId ?? config.receiptBooks?.[estateId];
    if (!bookId) throw onlineBookNotConfigured(estateId);
    await readBook(store, estateId, bookId);
    const items = chargeIds.map((id) => account.open[id] as OpenCharge);
    const order: PaymentOrder = {
      outTradeNo: formatOutTradeNo(newId(ctx.now)),
      estateId,
      unitCode: unit.code,
      chargeIds,
      amountFen: amount.amountFen,
      currency: ORDER_CURRENCY,
      bookId,
      description:
        input.description ??
        (items.length > 0 ? items.map((c) => `${c.itemName} ${c.period}`).join('、') : `${unit.code} 物业费用`).slice(0, 120),
      expiresAt: new Date(ctx.now.getTime() + (input.expiresInMinutes ?? DEFAULT_EXPIRY_MINUTES) * 60_000).toISOString(),
      createdAt: ctx.now.toISOString(),
      createdBy: actorRef(ctx),
      status: 'open',
      refundedFen: 0,
      refunds: [],
      heldRefunds: [],
      version: 1,
    };
    return {
      writes: [orderWrite(store, order, undefined)],
      audit: [orderAudit('create', null, order)],
      outbox: [orderChanged(order)],
      result: orderView(order),
    };
  });

// ---------------------------------------------------------------- ledger pieces

interface LedgerPosting {
  account: Account;
  writes: PlannedWrite[];
  audit: AuditChange[];
  outbox: OutboxMessage[];
  entries: LedgerEntry[];
  voucherNo: string;
  payment: NonNullable<PaymentOrder['payment']>;
}

/**
 * The writes of one payment to a unit (the same pieces as fees' postPayment): allocation to the named
 * charges still open (else oldest first), the payment entry, the receipt from the book.
 */
const planLedgerPayment = async (
  store: Store,
  ctx: CommandContext,
  account: Account,
  input: {
    estateId: string;
    unitCode: string;
    amountFen: number;
    chargeIds: string[];
    bookId: string;
    method: PaymentMethod;
    payer: string;
    reference: string;
    extra: Record<string, unknown>;
  },
): Promise<LedgerPosting> => {
  const stillOpen = input.chargeIds.filter((id) => account.open[id]);
  const allocation =
    input.chargeIds.length > 0 && stillOpen.length === 0
      ? { allocations: [], creditAddedFen: input.amountFen }
      : allocatePayment(account, input.amountFen, stillOpen);
  if ('problem' in allocation) throw orderChargeNotOpen(allocation.chargeId);
  const next = applyPayment(account, allocation.allocations, allocation.creditAddedFen);
  const charges: Record<string, OpenCharge> = {};
  for (const { chargeId } of allocation.allocations) charges[chargeId] = account.open[chargeId] as OpenCharge;
  const lines = allocation.allocations.map(({ chargeId, amountFen }) => {
    const charge = charges[chargeId] as OpenCharge;
    return { name: charge.itemName, period: charge.period, amountFen };
  });
  if (allocation.creditAddedFen > 0)
    lines.push({ name: '预收款（转入余额，冲抵以后费用）', period: '', amountFen: allocation.creditAddedFen });
  const entryId = newId(ctx.now);
  const voucher = await issueVoucherWrites(store, ctx, {
    estateId: input.estateId,
    unitCode: input.unitCode,
    bookId: input.bookId,
    kind: 'receipt',
    date: today(ctx.now),
    payer: input.payer,
    lines: lines.map((line) => (line.period ? line : { name: line.name, amountFen: line.amountFen })),
    method: input.method,
    paymentEntryId: entryId,
  });
  const entry: LedgerEntry = {
    entryId,
    entryKind: 'payment',
    amountFen: input.amountFen,
    amountCapitals: fenToCapitals(input.amountFen),
    method: input.method,
    payer: input.payer,
    reference: input.reference,
    allocations: allocation.allocations,
    creditAddedFen: allocation.creditAddedFen,
    voucherNo: voucher.voucher.voucherNo,
    bookId: voucher.voucher.bookId,
    voucherNumber: voucher.voucher.number,
    balanceEffectFen: -input.amountFen,
    ...input.extra,
    postedAt: ctx.now.toISOString(),
    postedBy: actorRef(ctx),
  };
  return {
    account: next,
    writes: [entryWrite(store, input.estateId, input.unitCode, entry), ...voucher.writes],
    audit: [
      ledgerAudit(next, 'payment', account, next, { amountFen: input.amountFen, voucherNo: entry.voucherNo, ...input.extra }),
      voucher.audit,
    ],
    outbox: [voucher.outbox],
    entries: [entry],
    voucherNo: voucher.voucher.voucherNo,
    payment: { allocations: allocation.allocations, creditAddedFen: allocation.creditAddedFen, charges },
  };
};

/** A refund takes back exactly its part of the payment: credit first, then the charges it settled. */
const applyRefund = (ctx: CommandContext, account: Account, order: PaymentOrder, refundKey: string, amountFen: number) => {
  const payment = order.payment ?? { allocations: [], creditAddedFen: 0, charges: {} };
  const portion = refundPortion(payment, order.refundedFen, amountFen);
  const shortfallId = newId(ctx.now);
  const entryId = newId(ctx.now);
  const reversed = reversePayment(
    account,
    { allocations: portion.allocations, creditAddedFen: portion.creditFen, charges: payment.charges },
    (fen) => ({
      chargeId: shortfallId,
      itemCode: 'refund_shortfall',
      itemName: '退款差额（已用预收款）',
      category: 'other',
      period: today(ctx.now),
      amountFen: fen,
      outstandingFen: fen,
      dueDate: today(ctx.now),
    }),
  );
  const entries: LedgerEntry[] = [
    {
      entryId,
      entryKind: 'provider_refund',
      reverses: order.paymentEntryId,
      provider: order.provider,
      tradeNo: order.tradeNo,
      outTradeNo: order.outTradeNo,
      refundKey,
      voucherNo: order.voucherNo,
      allocations: portion.allocations,
      amountFen,
      amountCapitals: fenToCapitals(amountFen),
      creditTakenFen: portion.creditFen - reversed.shortfallFen,
      balanceEffectFen: amountFen - reversed.shortfallFen,
      postedAt: ctx.now.toISOString(),
      postedBy: actorRef(ctx),
    },
  ];
  if (reversed.shortfallFen > 0) {
    entries.push({
      entryId: shortfallId,
      entryKind: 'charge',
      chargeId: shortfallId,
      itemCode: 'refund_shortfall',
      itemName: '退款差额（已用预收款）',
      category: 'other',
      moneyKind: 'income',
      period: today(ctx.now),
      amountFen: reversed.shortfallFen,
      dueDate: today(ctx.now),
      balanceEffectFen: reversed.shortfallFen,
      note: `线上退款 ${refundKey} 时预收款已被后续费用使用`,
      postedAt: ctx.now.toISOString(),
      postedBy: actorRef(ctx),
    });
  }
  const nextOrder: PaymentOrder = {
    ...order,
    refundedFen: order.refundedFen + amountFen,
    refunds: [...order.refunds, { refundKey, amountFen, entryId, at: ctx.now.toISOString() }],
    heldRefunds: order.heldRefunds.filter((r) => r.refundKey !== refundKey),
  };
  return { account: reversed.account, order: nextOrder, entries };
};

// ---------------------------------------------------------------- notifications

export type Verdict =
  | 'posted'
  | 'refund_posted'
  | 'refund_deferred'
  | 'already_posted'
  | 'held'
  | 'already_held'
  | 'recorded'
  | 'rejected';

export const VERDICTS: Record<Verdict, string> = {
  posted: '已入账',
  refund_posted: '退款已冲回',
  refund_deferred: '退款早于支付到达，暂挂待支付入账后冲回',
  already_posted: '重复通知，已入账过，未重复入账',
  held: '待人工处理（待认领）',
  already_held: '重复通知，已在待处理队列',
  recorded: '已记录，无需入账',
  rejected: '验证未通过，已拒绝',
};

export interface NotificationResult {
  provider: Provider;
  notifyId: string;
  verdict: Verdict;
  verdictLabel: string;
  reason?: string | undefined;
  reasonLabel?: string | undefined;
  outTradeNo?: string | undefined;
  voucherNo?: string | undefined;
  holdId?: string | undefined;
  refundedFen?: number | undefined;
}

interface Outcome {
  verdict: Verdict;
  reason?: HoldReason | undefined;
  detail?: string | undefined;
  writes: PlannedWrite[];
  audit: AuditChange[];
  outbox: OutboxMessage[];
  outTradeNo?: string | undefined;
  voucherNo?: string | undefined;
  holdId?: string | undefined;
  refundedFen?: number | undefined;
}

const none = (verdict: Verdict, extra: Partial<Outcome> = {}): Outcome => ({
  verdict,
  writes: [],
  audit: [],
  outbox: [],
  ...extra,
});

const findOrder = async (
  store: Store,
  provider: Provider,
  event: { outTradeNo?: string | undefined; tradeNo?: string | undefined },
) => {
  if (event.outTradeNo) return readPaymentOrder(store, event.outTradeNo);
  if (!event.tradeNo) return undefined;
  const trade = await access.getPaymentTrade(store, provider, event.tradeNo);
  return trade ? readPaymentOrder(store, String(trade.outTradeNo)) : undefined;
};

/** Puts a verified payment/refund in the queue for a person (once per business key, whatever the notify ids). */
const holdOutcome = async (
  store: Store,
  ctx: CommandContext,
  n: VerifiedNotification,
  reason: HoldReason,
  order: PaymentOrder | undefined,
  detail?: string,
  amountOverride?: number,
): Promise<Outcome> => {
  const event = n.event;
  const businessKey = businessKeyOf(n.provider, event) ?? `${n.provider}~notice~${n.notifyId}`;
  const holdId = safeKeyPart(reason === 'refund_excess' ? `${businessKey}~excess` : businessKey);
  const existing = await access.getPaymentHold(store, holdId);
  if (existing) return none('already_held', { reason, holdId, outTradeNo: order?.outTradeNo });
  const amountFen =
    amountOverride ??
    (event.kind === 'payment' ? event.amountFen : event.kind === 'refund' ? (event.amountFen ?? event.cumulativeFen) : undefined);
  const receivedAt = ctx.now.toISOString();
  const hold = {
    holdId,
    provider: n.provider,
    providerLabel: PROVIDERS[n.provider],
    kind: event.kind,
    kindLabel: event.kind === 'payment' ? '收款' : '退款',
    reason,
    reasonLabel: HOLD_REASONS[reason],
    detail,
    notifyId: n.notifyId,
    eventType: n.eventType,
    tradeNo: 'tradeNo' in event ? event.tradeNo : undefined,
    outTradeNo: ('outTradeNo' in event ? event.outTradeNo : undefined) ?? order?.outTradeNo,
    estateId: order?.estateId,
    unitCode: order?.unitCode,
    amountFen,
    amountText: amountFen === undefined ? undefined : formatFen(amountFen),
    currency: 'currency' in event ? event.currency : undefined,
    payer: event.kind === 'payment' ? event.payer : undefined,
    receivedAt,
    status: 'open',
    statusLabel: '待认领',
  };
  return {
    verdict: 'held',
    reason,
    detail,
    holdId,
    outTradeNo: hold.outTradeNo,
    writes: [
      {
        item: {
          Put: {
            TableName: store.tableName,
            Item: { ...keys.paymentHold(holdId), ...keys.paymentQueueIndex(receivedAt, holdId), type: 'paymentHold', ...hold },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: () => new VersionConflictError('待处理记录已被同时写入，请重试', { holdId }),
      },
    ],
    audit: [
      {
        entityType: 'paymentHold',
        entityId: holdId,
        entityPk: keys.paymentHold(holdId).pk,
        action: 'hold',
        before: null,
        after: { reason, amountFen, outTradeNo: hold.outTradeNo, notifyId: n.notifyId },
      },
    ],
    outbox: [{ topic: 'paymentHold.changed', entityType: 'paymentHold', entityId: holdId, payload: hold }],
  };
};

const closeHoldWrite = (store: Store, holdId: string, status: string, fields: Record<string, unknown>): PlannedWrite => {
  const names = Object.keys(fields);
  return {
    item: {
      Update: {
        TableName: store.tableName,
        Key: keys.paymentHold(holdId),
        UpdateExpression: `SET #status = :status, statusLabel = :label${names.map((_name, i) => `, #f${i} = :f${i}`).join('')} REMOVE gsi1pk, gsi1sk`,
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status', ...Object.fromEntries(names.map((n, i) => [`#f${i}`, n])) },
        ExpressionAttributeValues: {
          ':status': status,
          ':label': status === 'assigned' ? '已认领入账' : '已处理',
          ':open': 'open',
          ...Object.fromEntries(names.map((n, i) => [`:f${i}`, fields[n]])),
        },
      },
    },
    onConditionFailed: () => holdNotOpen(holdId),
  };
};

/** Posts a verified payment against its order, and any refunds that arrived before it. */
const postOrderPayment = async (
  store: Store,
  ctx: CommandContext,
  n: VerifiedNotification,
  order: PaymentOrder,
  event: Extract<ProviderEvent, { kind: 'payment' }>,
): Promise<Outcome> => {
  const [unit, { account, exists }] = await Promise.all([
    readUnit(store, order.estateId, order.unitCode),
    readAccount(store, order.estateId, order.unitCode),
  ]);
  const posting = await planLedgerPayment(store, ctx, account, {
    estateId: order.estateId,
    unitCode: order.unitCode,
    amountFen: event.amountFen,
    chargeIds: order.chargeIds,
    bookId: order.bookId,
    method: PROVIDER_METHOD[n.provider],
    payer: unit.household?.owner.name ?? '业主',
    reference: `${PROVIDERS[n.provider]} ${event.tradeNo}`,
    extra: { provider: n.provider, tradeNo: event.tradeNo, outTradeNo: order.outTradeNo, notifyId: n.notifyId },
  });
  let nextAccount = posting.account;
  let nextOrder: PaymentOrder = {
    ...order,
    status: 'paid',
    provider: n.provider,
    tradeNo: event.tradeNo,
    paidAt: event.paidAt ?? ctx.now.toISOString(),
    paymentEntryId: String(posting.entries[0]?.entryId),
    voucherNo: posting.voucherNo,
    payment: posting.payment,
    version: order.version + 1,
  };
  const entries = [...posting.entries];
  let refundedFen = 0;
  for (const held of heldRefundOrder(order.heldRefunds)) {
    const decision = decideRefund(nextOrder, { ...held, tradeNo: event.tradeNo, currency: ORDER_CURRENCY }, n.provider);
    if (decision.action !== 'post') {
      nextOrder = { ...nextOrder, heldRefunds: nextOrder.heldRefunds.filter((r) => r.refundKey !== held.refundKey) };
      continue;
    }
    const applied = applyRefund(ctx, nextAccount, nextOrder, held.refundKey, decision.amountFen);
    nextAccount = applied.account;
    nextOrder = applied.order;
    entries.push(...applied.entries);
    refundedFen += decision.amountFen;
  }
  const writes: PlannedWrite[] = [
    ...posting.writes,
    ...entries.slice(posting.entries.length).map((entry) => entryWrite(store, order.estateId, order.unitCode, entry)),
    accountWrite(store, nextAccount, account.version, exists, ctx.now),
    orderWrite(store, nextOrder, order.version),
    {
      item: {
        Put: {
          TableName: store.tableName,
          Item: {
            ...keys.paymentTrade(n.provider, event.tradeNo),
            type: 'paymentTrade',
            provider: n.provider,
            tradeNo: event.tradeNo,
            outTradeNo: order.outTradeNo,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      onConditionFailed: () => new VersionConflictError('交易号已被同时登记，请重试'),
    },
  ];
  const audit = [...posting.audit, orderAudit('paid', order, nextOrder)];
  if (refundedFen > 0) audit.push(ledgerAudit(nextAccount, 'provider_refund', posting.account, nextAccount, { refundedFen }));
  return {
    verdict: 'posted',
    writes,
    audit,
    outbox: [...posting.outbox, ledgerOutbox(nextAccount, entries), orderChanged(nextOrder)],
    outTradeNo: order.outTradeNo,
    voucherNo: posting.voucherNo,
    refundedFen: refundedFen || undefined,
  };
};

const refundOutcome = async (
  store: Store,
  ctx: CommandContext,
  n: VerifiedNotification,
  event: Extract<ProviderEvent, { kind: 'refund' }>,
): Promise<Outcome> => {
  const order = await findOrder(store, n.provider, event);
  const decision = decideRefund(order, event, n.provider);
  if (decision.action === 'already_posted') return none('already_posted', { outTradeNo: order?.outTradeNo });
  if (decision.action === 'hold' || !order) {
    const reason = decision.action === 'hold' ? decision.reason : 'unmatched_refund';
    return holdOutcome(store, ctx, n, reason, order, undefined, decision.action === 'hold' ? decision.excessFen : undefined);
  }
  if (decision.action === 'defer') {
    if (order.heldRefunds.some((r) => r.refundKey === event.refundKey))
      return none('refund_deferred', { outTradeNo: order.outTradeNo });
    const next: PaymentOrder = {
      ...order,
      heldRefunds: [
        ...order.heldRefunds,
        { refundKey: event.refundKey, notifyId: n.notifyId, amountFen: event.amountFen, cumulativeFen: event.cumulativeFen },
      ],
      version: order.version + 1,
    };
    return {
      verdict: 'refund_deferred',
      outTradeNo: order.outTradeNo,
      writes: [orderWrite(store, next, order.version)],
      audit: [orderAudit('refund_deferred', order, next)],
      outbox: [orderChanged(next)],
    };
  }
  const { account, exists } = await readAccount(store, order.estateId, order.unitCode);
  const applied = applyRefund(ctx, account, order, event.refundKey, decision.amountFen);
  const nextOrder = { ...applied.order, version: order.version + 1 };
  const outcome: Outcome = {
    verdict: 'refund_posted',
    outTradeNo: order.outTradeNo,
    refundedFen: decision.amountFen,
    writes: [
      ...applied.entries.map((entry) => entryWrite(store, order.estateId, order.unitCode, entry)),
      accountWrite(store, applied.account, account.version, exists, ctx.now),
      orderWrite(store, nextOrder, order.version),
    ],
    audit: [
      ledgerAudit(applied.account, 'provider_refund', account, applied.account, {
        refundKey: event.refundKey,
        amountFen: decision.amountFen,
      }),
      orderAudit('refund', order, nextOrder),
    ],
    outbox: [ledgerOutbox(applied.account, applied.entries), orderChanged(nextOrder)],
  };
  if (decision.excessFen > 0) {
    const excess = await holdOutcome(
      store,
      ctx,
      n,
      'refund_excess',
      order,
      `超出 ${formatFen(decision.excessFen)}`,
      decision.excessFen,
    );
    outcome.writes.push(...excess.writes);
    outcome.audit.push(...excess.audit);
    outcome.outbox.push(...excess.outbox);
    outcome.holdId = excess.holdId;
    outcome.reason = 'refund_excess';
  }
  return outcome;
};

const closedOutcome = async (store: Store, n: VerifiedNotification, event: Extract<ProviderEvent, { kind: 'closed' }>) => {
  const order = await findOrder(store, n.provider, event);
  if (order?.status !== 'open') return none('recorded', { outTradeNo: order?.outTradeNo });
  const next: PaymentOrder = { ...order, status: 'closed', version: order.version + 1 };
  return {
    verdict: 'recorded' as const,
    outTradeNo: order.outTradeNo,
    writes: [orderWrite(store, next, order.version)],
    audit: [orderAudit('close', order, next)],
    outbox: [orderChanged(next)],
  };
};

const outcomeOf = async (store: Store, ctx: CommandContext, n: VerifiedNotification): Promise<Outcome> => {
  const event = n.event;
  if (event.kind === 'ignored') return none('recorded', { detail: event.note });
  if (event.kind === 'closed') return closedOutcome(store, n, event);
  if (event.kind === 'refund') return refundOutcome(store, ctx, n, event);
  const order = await findOrder(store, n.provider, { outTradeNo: event.outTradeNo });
  const decision = decidePayment(order, event, n.provider);
  if (decision.action === 'already_posted')
    return none('already_posted', { outTradeNo: order?.outTradeNo, voucherNo: order?.voucherNo });
  if (decision.action === 'hold' || !order)
    return holdOutcome(store, ctx, n, decision.action === 'hold' ? decision.reason : 'unmatched', order);
  try {
    const posted = await postOrderPayment(store, ctx, n, order, event);
    // A replayed notification that waited in the queue leaves it once posted.
    const holdId = safeKeyPart(businessKeyOf(n.provider, event) ?? '');
    const hold = await access.getPaymentHold(store, holdId);
    if (hold && hold.status === 'open') {
      posted.writes.push(
        closeHoldWrite(store, holdId, 'resolved', { voucherNo: posted.voucherNo, resolvedAt: ctx.now.toISOString() }),
      );
    }
    return posted;
  } catch (error) {
    // A business refusal (e.g. the online book is used up) must not lose the money: it waits for a person.
    if (isDeskError(error) && !(error instanceof VersionConflictError)) {
      return holdOutcome(store, ctx, n, 'posting_failed', order, `${error.code}: ${error.message}`);
    }
    throw error;
  }
};

const resultOf = (
  n: { provider: Provider; notifyId: string },
  outcome: Omit<Outcome, 'writes' | 'audit' | 'outbox'>,
): NotificationResult => ({
  provider: n.provider,
  notifyId: n.notifyId,
  verdict: outcome.verdict,
  verdictLabel: VERDICTS[outcome.verdict],
  ...(outcome.reason ? { reason: outcome.reason, reasonLabel: HOLD_REASONS[outcome.reason] } : {}),
  ...(outcome.outTradeNo ? { outTradeNo: outcome.outTradeNo } : {}),
  ...(outcome.voucherNo ? { voucherNo: outcome.voucherNo } : {}),
  ...(outcome.holdId ? { holdId: outcome.holdId } : {}),
  ...(outcome.refundedFen ? { refundedFen: outcome.refundedFen } : {}),
});

/**
 * Records a verified notification and posts it at most once: the provider's notify id is the
 * idempotency key (a redelivery replays the first answer and writes nothing), and the order's version
 * plus the business key keep TRADE_SUCCESS/TRADE_FINISHED, or two concurrent deliveries, from posting twice.
 */
export const receiveNotification = (
  store: Store,
  ctx: CommandContext,
  n: VerifiedNotification,
  raw: Buffer,
  digest: string,
  options: { replay?: boolean } = {},
) =>
  runCommand(
    store,
    {
      ...ctx,
      idempotencyKey: options.replay ? ctx.idempotencyKey : `PAYNOTIFY#${n.provider}#${n.notifyId}`,
    },
    { name: options.replay ? 'payments.replayNotification' : 'payments.receiveNotification', request: { n } },
    async () => {
      const existing = await access.getPaymentNotice(store, n.provider, n.notifyId);
      if (existing && !options.replay) {
        return { writes: [], audit: [], outbox: [], result: existing.result as NotificationResult };
      }
      const outcome = await outcomeOf(store, ctx, n);
      const result = resultOf(n, outcome);
      const event = n.event;
      const notice = {
        ...keys.paymentNotice(n.provider, n.notifyId),
        type: 'paymentNotice',
        provider: n.provider,
        notifyId: n.notifyId,
        eventType: n.eventType,
        digest,
        verdict: outcome.verdict,
        verdictLabel: VERDICTS[outcome.verdict],
        reason: outcome.reason,
        detail: outcome.detail,
        outTradeNo: outcome.outTradeNo,
        tradeNo: 'tradeNo' in event ? event.tradeNo : undefined,
        amountFen:
          event.kind === 'payment'
            ? event.amountFen
            : event.kind === 'refund'
              ? (event.amountFen ?? event.cumulativeFen)
              : undefined,
        event,
        result,
        receivedAt: existing?.receivedAt ?? ctx.now.toISOString(),
        ...(options.replay
          ? {
              replayedAt: ctx.now.toISOString(),
              replayedBy: actorRef(ctx),
              firstResult: existing?.firstResult ?? existing?.result,
            }
          : {}),
        rawBody: raw.toString('utf8'),
      };
      return {
        writes: [
          ...outcome.writes,
          {
            item: {
              Put: {
                TableName: store.tableName,
                Item: notice,
                ConditionExpression: options.replay ? 'attribute_exists(pk)' : 'attribute_not_exists(pk)',
              },
            },
            onConditionFailed: () => new VersionConflictError('支付通知已被同时记录，请重试'),
          },
        ],
        audit: [
          ...outcome.audit,
          {
            entityType: 'paymentNotice',
            entityId: `${n.provider}/${n.notifyId}`,
            entityPk: notice.pk,
            action: options.replay ? 'replay' : 'receive',
            before: existing ? { verdict: existing.verdict } : null,
            after: {
              verdict: outcome.verdict,
              reason: outcome.reason,
              digest,
              eventType: n.eventType,
              outTradeNo: outcome.outTradeNo,
            },
          },
        ],
        outbox: [
          ...outcome.outbox,
          {
            topic: 'paymentNotice.recorded',
            entityType: 'paymentNotice',
            entityId: `${n.provider}/${n.notifyId}`,
            payload: result,
          },
        ],
        result,
      };
    },
    { retriesOnConflict: RETRIES },
  );

/** A delivery that failed verification: recorded (digest, reason, size), nothing believed, nothing posted. */
export const recordRejectedAttempt = (
  store: Store,
  ctx: CommandContext,
  provider: Provider,
  reason: RejectReason,
  raw: Buffer,
  digest: string,
  headers: Record<string, string>,
) => {
  const id = newId(ctx.now);
  const date = businessDate(ctx.now);
  const attempt = {
    attemptId: id,
    provider,
    reason,
    reasonLabel: REJECT_REASONS[reason],
    verdict: 'rejected',
    digest,
    size: raw.length,
    headers,
    bodyPreview: raw.subarray(0, 2048).toString('utf8'),
    at: ctx.now.toISOString(),
  };
  return runCommand(
    store,
    { ...ctx, idempotencyKey: undefined },
    { name: 'payments.rejectNotification', request: attempt },
    async () => ({
      writes: [
        {
          item: {
            Put: { TableName: store.tableName, Item: { ...keys.paymentAttempt(date, id), type: 'paymentAttempt', ...attempt } },
          },
        },
      ],
      audit: [
        {
          entityType: 'paymentAttempt',
          entityId: id,
          entityPk: keys.paymentAttempt(date, id).pk,
          action: 'reject',
          before: null,
          after: { provider, reason, digest },
        },
      ],
      outbox: [],
      result: attempt,
    }),
  );
};

/** Re-runs a stored notification's posting (after a person fixed what held it, e.g. a new online book). */
export const replayNotification = async (store: Store, ctx: CommandContext, provider: Provider, notifyId: string) => {
  const item = await access.getPaymentNotice(store, provider, notifyId);
  if (!item) throw noticeNotFound(provider, notifyId);
  const n: VerifiedNotification = { provider, notifyId, eventType: String(item.eventType), event: item.event as ProviderEvent };
  return receiveNotification(store, ctx, n, Buffer.from(String(item.rawBody ?? ''), 'utf8'), String(item.digest), {
    replay: true,
  });
};

// ---------------------------------------------------------------- the queue (待认领)

export const listQueue = async (store: Store) =>
  (await access.listPaymentQueue(store)).map((item) => cleanItem<Record<string, unknown>>(item));

/** A person assigns a held payment to a unit: posted with its receipt, and the queue entry closes — one transaction. */
export const assignHold = (
  store: Store,
  ctx: CommandContext,
  holdId: string,
  input: { estateId: string; unitCode: string; bookId: string; chargeIds?: string[] | undefined; note?: string | undefined },
) =>
  runCommand(
    store,
    ctx,
    { name: 'payments.assignHold', request: { holdId, ...input } },
    async () => {
      const item = await access.getPaymentHold(store, holdId);
      if (!item) throw holdNotFound(holdId);
      if (item.status !== 'open') throw holdNotOpen(holdId);
      if (item.kind !== 'payment') throw holdNotAssignable(holdId);
      const provider = item.provider as Provider;
      const [unit, { account, exists }] = await Promise.all([
        readUnit(store, input.estateId, input.unitCode),
        readAccount(store, input.estateId, input.unitCode),
      ]);
      const posting = await planLedgerPayment(store, ctx, account, {
        estateId: input.estateId,
        unitCode: input.unitCode,
        amountFen: Number(item.amountFen),
        chargeIds: input.chargeIds ?? [],
        bookId: input.bookId,
        method: PROVIDER_METHOD[provider],
        payer: unit.household?.owner.name ?? '业主',
        reference: `${PROVIDERS[provider]} ${String(item.tradeNo)}（认领）`,
        extra: { provider, tradeNo: item.tradeNo, holdId, note: input.note },
      });
      return {
        writes: [
          ...posting.writes,
          accountWrite(store, posting.account, account.version, exists, ctx.now),
          closeHoldWrite(store, holdId, 'assigned', {
            assignedTo: { estateId: input.estateId, unitCode: input.unitCode },
            assignedBy: actorRef(ctx),
            assignedAt: ctx.now.toISOString(),
            voucherNo: posting.voucherNo,
          }),
        ],
        audit: [
          ...posting.audit,
          {
            entityType: 'paymentHold',
            entityId: holdId,
            entityPk: keys.paymentHold(holdId).pk,
            action: 'assign',
            before: { status: 'open' },
            after: { status: 'assigned', unitCode: input.unitCode, voucherNo: posting.voucherNo, note: input.note },
          },
        ],
        outbox: [
          ...posting.outbox,
          ledgerOutbox(posting.account, posting.entries),
          { topic: 'paymentHold.changed', entityType: 'paymentHold', entityId: holdId, payload: { holdId, status: 'assigned' } },
        ],
        result: { holdId, status: 'assigned', voucherNo: posting.voucherNo, account: accountView(posting.account) },
      };
    },
    { retriesOnConflict: RETRIES },
  );

/** A person closes a held item that is settled outside the ledger (e.g. the duplicate payment was refunded). */
export const resolveHold = (store: Store, ctx: CommandContext, holdId: string, note: string) =>
  runCommand(store, ctx, { name: 'payments.resolveHold', request: { holdId, note } }, async () => {
    const item = await access.getPaymentHold(store, holdId);
    if (!item) throw holdNotFound(holdId);
    if (item.status !== 'open') throw holdNotOpen(holdId);
    return {
      writes: [closeHoldWrite(store, holdId, 'resolved', { note, resolvedBy: actorRef(ctx), resolvedAt: ctx.now.toISOString() })],
      audit: [
        {
          entityType: 'paymentHold',
          entityId: holdId,
          entityPk: keys.paymentHold(holdId).pk,
          action: 'resolve',
          before: { status: 'open' },
          after: { status: 'resolved', note },
        },
      ],
      outbox: [
        { topic: 'paymentHold.changed', entityType: 'paymentHold', entityId: holdId, payload: { holdId, status: 'resolved' } },
      ],
      result: { holdId, status: 'resolved', note },
    };
  });

export const getPaymentOrder = async (store: Store, outTradeNo: string) => {
  const order = await readPaymentOrder(store, outTradeNo);
  if (!order) throw paymentOrderNotFound(outTradeNo);
  return orderView(order);
};
