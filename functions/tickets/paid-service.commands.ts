import { VersionConflictError } from '../core/errors';
import { newId } from '../core/ids';
import { fenToCapitals, formatFen } from '../core/money';
import { planCharges } from '../fees/charges.domain';
import { versionOn } from '../fees/fee-schedule.domain';
import { chargeInputMissing, feeItemUnknown, noRateForPeriod } from '../fees/fees.errors';
import {
  accountView,
  accountWrite,
  entryWrite,
  ledgerAudit,
  ledgerOutbox,
  readAccount,
  readFeeVersions,
  today,
} from '../fees/fees.store';
import { allocatePayment, applyCharges, applyPayment, type OpenCharge } from '../fees/ledger.domain';
import { monthOf } from '../fees/periods.domain';
import { issueVoucherWrites } from '../fees/vouchers.commands';
import type { Voucher } from '../fees/vouchers.domain';
import type { Store } from '../store/client';
import { type AuditChange, type CommandContext, type OutboxMessage, type PlannedWrite, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import { readEstate, readUnit } from '../units/units.commands';
import {
  agreementSchedule,
  canPay,
  canPrice,
  formatOrderNo,
  PAID_ORDER_STATUSES,
  PAID_SERVICE_TYPES,
  type PaidServiceOrder,
  priceRecord,
} from './paid-service.domain';
import { feeItemNotForService, orderAlreadyPaid, orderNotFound, orderNotPriced, ticketLinkedToOrder } from './tickets.errors';
import type { AgreementInput, CreateOrderInput, MaterialsInput, OrderPaymentInput, PriceInput } from './tickets.schema';
import { counterWrite, logWrite, readCounter, readTicket, ticketAudit, ticketChanged, ticketWrite } from './tickets.store';

/**
 * Paid-service orders (有偿服务单): gap-free numbers from a counter moved in the same transaction, a price
 * agreed with the resident, materials drawn against the order number, and the payment posted through the
 * fee ledger — charge, payment entry, account and voucher in one transaction with the order's status.
 */
const RETRIES = 60;

const orderItem = (order: PaidServiceOrder) => ({
  ...keys.paidOrder(order.estateId, order.number),
  ...keys.paidOrderIndex(order.estateId, order.number),
  type: 'paidServiceOrder',
  ...order,
});

const orderWrite = (store: Store, order: PaidServiceOrder, readVersion: number | undefined): PlannedWrite => ({
  item: {
    Put: {
      TableName: store.tableName,
      Item: orderItem(order),
      ...(readVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': readVersion } }),
    },
  },
  onConditionFailed: () => new VersionConflictError('有偿服务单已被他人同时修改，请刷新后重试', { orderNo: order.orderNo }),
});

const orderAudit = (action: string, before: PaidServiceOrder | null, after: PaidServiceOrder): AuditChange => ({
  entityType: 'paidServiceOrder',
  entityId: after.orderNo,
  entityPk: keys.paidOrder(after.estateId, after.number).pk,
  action,
  before,
  after,
});

const orderChanged = (order: PaidServiceOrder): OutboxMessage => ({
  topic: 'paidServiceOrder.changed',
  entityType: 'paidServiceOrder',
  entityId: order.orderNo,
  payload: orderView(order),
});

export const orderView = (order: PaidServiceOrder) => ({
  ...order,
  serviceTypeLabel: PAID_SERVICE_TYPES[order.serviceType],
  statusLabel: PAID_ORDER_STATUSES[order.status],
});

export const readOrder = async (store: Store, estateId: string, number: number) => {
  const items = await access.getPaidOrderCollection(store, estateId, number);
  const item = items.find((entry) => entry.sk === 'ORDER');
  if (!item) throw orderNotFound(number);
  const clean = (entry: Record<string, unknown>) => {
    const { type: _type, ...rest } = stripKeys(entry);
    return rest;
  };
  return {
    order: clean(item) as unknown as PaidServiceOrder,
    materials: items.filter((entry) => String(entry.sk).startsWith('MATERIAL#')).map(clean),
  };
};

/** Opens a numbered paid-service order (two copies: the receiver's and the taker's). */
export const createPaidOrder = (store: Store, ctx: CommandContext, estateId: string, input: CreateOrderInput) =>
  runCommand(
    store,
    ctx,
    { name: 'tickets.createPaidOrder', request: { estateId, ...input } },
    async () => {
      await readUnit(store, estateId, input.unitCode);
      const [counter, ticket] = await Promise.all([
        readCounter(store, estateId, 'paidOrder'),
        input.ticketId ? readTicket(store, estateId, input.ticketId) : Promise.resolve(undefined),
      ]);
      if (ticket?.paidOrderNo) throw ticketLinkedToOrder(ticket.ticketNo, ticket.paidOrderNo);
      const at = ctx.now.toISOString();
      const order: PaidServiceOrder = {
        orderNo: formatOrderNo(counter.next),
        number: counter.next,
        estateId,
        unitCode: input.unitCode,
        serviceType: input.serviceType,
        content: input.content,
        receivedAt: input.receivedAt ? new Date(input.receivedAt).toISOString() : at,
        receiver: { id: ctx.actor.id, name: ctx.actor.name },
        ...(input.takenBy ? { takenBy: input.takenBy } : {}),
        ...(input.ticketId ? { ticketId: input.ticketId } : {}),
        status: 'open',
        materialsCount: 0,
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      const writes: PlannedWrite[] = [counterWrite(store, estateId, 'paidOrder', counter), orderWrite(store, order, undefined)];
      const audit: AuditChange[] = [orderAudit('create', null, order)];
      const outbox: OutboxMessage[] = [orderChanged(order)];
      if (ticket) {
        const linked = { ...ticket, paidOrderNo: order.orderNo, version: ticket.version + 1, updatedAt: at };
        writes.push(
          ticketWrite(store, linked, ticket.version),
          logWrite(
            store,
            linked,
            {
              event: 'transition',
              action: 'paid_order',
              actionLabel: '开具有偿服务单',
              from: ticket.status,
              to: ticket.status,
              note: `有偿服务单 ${order.orderNo}：${order.content}`,
            },
            { actor: ctx.actor, source: ctx.source, now: ctx.now },
          ),
        );
        audit.push(ticketAudit('link_paid_order', ticket, linked));
        outbox.push(ticketChanged(linked));
      }
      return { writes, audit, outbox, result: orderView(order) };
    },
    { retriesOnConflict: RETRIES },
  );

/** Records the price the supervisor agreed with the resident (may be corrected until paid). */
export const pricePaidOrder = (store: Store, ctx: CommandContext, estateId: string, number: number, input: PriceInput) =>
  runCommand(
    store,
    ctx,
    { name: 'tickets.pricePaidOrder', request: { estateId, number, ...input } },
    async () => {
      const { order } = await readOrder(store, estateId, number);
      if (canPrice(order)) throw orderAlreadyPaid(order.orderNo);
      const at = ctx.now.toISOString();
      const next: PaidServiceOrder = {
        ...order,
        status: 'priced',
        price: priceRecord(input.amountFen, input.agreedWith, { id: ctx.actor.id, name: ctx.actor.name }, at),
        version: order.version + 1,
        updatedAt: at,
      };
      return {
        writes: [orderWrite(store, next, order.version)],
        audit: [orderAudit('price', order, next)],
        outbox: [orderChanged(next)],
        result: orderView(next),
      };
    },
    { retriesOnConflict: 3 },
  );

/** A material requisition (领料单) drawn against the order number, signed by the supervisor. */
export const drawMaterials = (store: Store, ctx: CommandContext, estateId: string, number: number, input: MaterialsInput) =>
  runCommand(
    store,
    ctx,
    { name: 'tickets.drawMaterials', request: { estateId, number, ...input } },
    async () => {
      const { order } = await readOrder(store, estateId, number);
      const drawId = newId(ctx.now);
      const at = ctx.now.toISOString();
      const draw = { drawId, orderNo: order.orderNo, ...input, at, recordedBy: { id: ctx.actor.id, name: ctx.actor.name } };
      const next: PaidServiceOrder = {
        ...order,
        materialsCount: order.materialsCount + 1,
        version: order.version + 1,
        updatedAt: at,
      };
      return {
        writes: [
          orderWrite(store, next, order.version),
          {
            item: {
              Put: {
                TableName: store.tableName,
                Item: { ...keys.materialDraw(estateId, number, drawId), type: 'materialDraw', ...draw },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          },
        ],
        audit: [
          {
            entityType: 'materialDraw',
            entityId: `${order.orderNo}/${drawId}`,
            entityPk: keys.paidOrder(estateId, number).pk,
            action: 'draw',
            before: null,
            after: draw,
          },
        ],
        outbox: [{ topic: 'materialDraw.created', entityType: 'materialDraw', entityId: drawId, payload: draw }],
        result: draw,
      };
    },
    { retriesOnConflict: 3 },
  );

/**
 * Takes payment for an order through the fee ledger: the charge (an "entered amount" fee item of the
 * estate's fee schedule, at the agreed price), the unit's credit applied to it as the ledger always does,
 * the payment of what is left with its receipt/invoice, the account and the order's status — one transaction.
 */
export const payPaidOrder = (store: Store, ctx: CommandContext, estateId: string, number: number, input: OrderPaymentInput) =>
  runCommand(
    store,
    ctx,
    { name: 'tickets.payPaidOrder', request: { estateId, number, ...input } },
    async () => {
      const { order } = await readOrder(store, estateId, number);
      const problem = canPay(order);
      if (problem?.problem === 'already_paid') throw orderAlreadyPaid(order.orderNo);
      if (problem || !order.price) throw orderNotPriced(order.orderNo);
      const day = today(ctx.now);
      const [unit, versions, { account, exists }] = await Promise.all([
        readUnit(store, estateId, order.unitCode),
        readFeeVersions(store, estateId).then((all) => all.get(input.itemCode)),
        readAccount(store, estateId, order.unitCode),
      ]);
      if (!versions) throw feeItemUnknown(input.itemCode);
      if (versionOn(versions, day)?.basis !== 'entered') throw feeItemNotForService(input.itemCode);
      const note = `有偿服务单 ${order.orderNo}`;
      const planned = planCharges(
        versions,
        unit,
        { month: monthOf(day), months: 1, fromMonthIndex: 0, quantity: 1, amountFen: order.price.amountFen, note },
        day,
      );
      if (!Array.isArray(planned)) {
        if (planned.problem === 'no_rate') throw noRateForPeriod(input.itemCode, planned.date);
        throw chargeInputMissing('大于0的金额');
      }
      const [charge] = planned;
      if (!charge) throw chargeInputMissing('大于0的金额');
      const postedAt = ctx.now.toISOString();
      const postedBy = { id: ctx.actor.id, name: ctx.actor.name };
      const chargeId = newId(ctx.now);
      const chargeEntry = {
        entryId: chargeId,
        entryKind: 'charge',
        chargeId,
        ...charge,
        period: charge.period.label,
        periodFrom: charge.period.from,
        periodTo: charge.period.to,
        paidOrderNo: order.orderNo,
        balanceEffectFen: charge.amountFen,
        postedAt,
        postedBy,
      };
      const open: OpenCharge = {
        chargeId,
        itemCode: charge.itemCode,
        itemName: charge.itemName,
        category: charge.category,
        period: chargeEntry.period,
        amountFen: charge.amountFen,
        outstandingFen: charge.amountFen,
        dueDate: charge.dueDate,
      };
      const { account: charged, creditApplied } = applyCharges(account, [open]);
      const entries: Array<Record<string, unknown> & { entryId: string }> = [chargeEntry];
      const fromCreditFen = creditApplied.filter((a) => a.chargeId === chargeId).reduce((sum, a) => sum + a.amountFen, 0);
      if (creditApplied.length > 0) {
        entries.push({
          entryId: newId(ctx.now),
          entryKind: 'credit_applied',
          allocations: creditApplied,
          amountFen: creditApplied.reduce((sum, a) => sum + a.amountFen, 0),
          balanceEffectFen: 0,
          postedAt,
          postedBy,
        });
      }
      const dueFen = charged.open[chargeId]?.outstandingFen ?? 0;
      let final = charged;
      let voucher: { voucher: Voucher; writes: PlannedWrite[]; audit: AuditChange; outbox: OutboxMessage } | undefined;
      let paymentEntryId: string | undefined;
      if (dueFen > 0) {
        const allocation = allocatePayment(charged, dueFen, [chargeId]);
        if ('problem' in allocation) throw orderNotPriced(order.orderNo);
        final = applyPayment(charged, allocation.allocations, allocation.creditAddedFen);
        paymentEntryId = newId(ctx.now);
        const payer = input.payer ?? order.price.agreedWith;
        voucher = await issueVoucherWrites(store, ctx, {
          estateId,
          unitCode: order.unitCode,
          bookId: input.voucher.bookId,
          kind: input.voucher.kind,
          date: day,
          payer,
          lines: [{ name: charge.itemName, period: chargeEntry.period, amountFen: dueFen, note: `${note}：${order.content}` }],
          method: input.method,
          paymentEntryId,
        });
        entries.push({
          entryId: paymentEntryId,
          entryKind: 'payment',
          amountFen: dueFen,
          amountCapitals: fenToCapitals(dueFen),
          method: input.method,
          payer,
          reference: input.reference,
          allocations: allocation.allocations,
          creditAddedFen: allocation.creditAddedFen,
          voucherNo: voucher.voucher.voucherNo,
          bookId: voucher.voucher.bookId,
          voucherNumber: voucher.voucher.number,
          paidOrderNo: order.orderNo,
          balanceEffectFen: -dueFen,
          postedAt,
          postedBy,
        });
      }
      const paid: PaidServiceOrder = {
        ...order,
        status: 'paid',
        payment: {
          ...(voucher && paymentEntryId ? { voucherNo: voucher.voucher.voucherNo, paymentEntryId } : {}),
          chargeId,
          paidFen: dueFen,
          fromCreditFen,
          at: postedAt,
        },
        version: order.version + 1,
        updatedAt: postedAt,
      };
      return {
        writes: [
          ...entries.map((entry) => entryWrite(store, estateId, order.unitCode, entry)),
          accountWrite(store, final, account.version, exists, ctx.now),
          ...(voucher?.writes ?? []),
          orderWrite(store, paid, order.version),
        ],
        audit: [
          ledgerAudit(final, 'paid_service', account, final, { orderNo: order.orderNo, amountFen: charge.amountFen }),
          ...(voucher ? [voucher.audit] : []),
          orderAudit('pay', order, paid),
        ],
        outbox: [ledgerOutbox(final, entries), ...(voucher ? [voucher.outbox] : []), orderChanged(paid)],
        result: {
          order: orderView(paid),
          account: accountView(final),
          entries,
          ...(voucher ? { voucher: voucher.voucher } : {}),
          paidText: formatFen(dueFen),
        },
      };
    },
    { retriesOnConflict: RETRIES },
  );

/**
 * Records a long-term special-service agreement (业主特约服务协议书), approved and stamped by the service
 * centre, with its schedule of monthly charges. Posting those charges month by month is the schedules' job.
 */
export const createAgreement = (store: Store, ctx: CommandContext, estateId: string, input: AgreementInput) =>
  runCommand(store, ctx, { name: 'tickets.createAgreement', request: { estateId, ...input } }, async () => {
    await readEstate(store, estateId);
    await readUnit(store, estateId, input.unitCode);
    const order = input.orderNumber ? (await readOrder(store, estateId, input.orderNumber)).order : undefined;
    const agreementId = newId(ctx.now);
    const schedule = agreementSchedule(input.startMonth, input.months, input.monthlyFen);
    const agreement = {
      agreementId,
      estateId,
      ...input,
      ...(order ? { orderNo: order.orderNo } : {}),
      monthlyText: formatFen(input.monthlyFen),
      totalFen: input.monthlyFen * input.months,
      endMonth: schedule[schedule.length - 1]?.month ?? input.startMonth,
      schedule,
      status: 'active',
      approvedBy: { id: ctx.actor.id, name: ctx.actor.name },
      createdAt: ctx.now.toISOString(),
    };
    return {
      writes: [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: {
                ...keys.agreement(estateId, agreementId),
                ...keys.agreementIndex(estateId, input.unitCode, agreementId),
                type: 'serviceAgreement',
                ...agreement,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
      ],
      audit: [
        {
          entityType: 'serviceAgreement',
          entityId: agreementId,
          entityPk: keys.agreement(estateId, agreementId).pk,
          action: 'create',
          before: null,
          after: agreement,
        },
      ],
      outbox: [{ topic: 'serviceAgreement.changed', entityType: 'serviceAgreement', entityId: agreementId, payload: agreement }],
      result: agreement,
    };
  });
