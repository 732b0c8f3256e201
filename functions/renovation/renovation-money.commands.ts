import type { z } from 'zod';
import { newId } from '../core/ids';
import { fenToCapitals, formatFen } from '../core/money';
import { planCharges } from '../fees/charges.domain';
import type { FeeCategory } from '../fees/fee-schedule.domain';
import { FEE_CATEGORIES } from '../fees/fee-schedule.domain';
import { insufficientHeld } from '../fees/fees.errors';
import {
  accountView,
  accountWrite,
  chargeEntry,
  chargesOrThrow,
  entryWrite,
  type LedgerEntry,
  ledgerAudit,
  ledgerOutbox,
  openChargeOf,
  readAccount,
  readFeeVersions,
  today,
} from '../fees/fees.store';
import { type Account, allocatePayment, applyCharges, applyPayment, releaseHeld } from '../fees/ledger.domain';
import { issueVoucherWrites } from '../fees/vouchers.commands';
import type { Store } from '../store/client';
import type { CommandContext, PlannedWrite } from '../store/commit';
import { keys } from '../store/keys';
import { readUnit } from '../units/units.commands';
import { canTransition } from '../units/units.domain';
import { actorRef, changePermit, nextStatus, unitMove, type Where } from './renovation.commands';
import {
  DEPOSIT_PAYERS,
  depositPlan,
  missingDocuments,
  refundPlan,
  refundProblems,
  requiredDocuments,
  statusAfterRenovation,
} from './renovation.domain';
import {
  depositAlreadyPaid,
  depositAmountMismatch,
  depositNotInPlan,
  feeItemNotConfigured,
  feeItemWrongCategory,
  refundNeedsHead,
  refundRefused,
  taxAlreadyPaid,
  taxNotCollected,
  wrongStatus,
} from './renovation.errors';
import type { DepositBody, RefundApprovalBody, RefundRejectionBody, RefundRequestBody, TaxBody } from './renovation.schema';
import { factsOf, type Permit } from './renovation.store';

/**
 * The money of a renovation permit, posted through the fee ledger in ONE transaction with the permit:
 * deposits (押金/保证金: held money, category `deposit`) with their receipts, the renovation tax collected
 * on behalf (category `on_behalf`, the tax bureau issues the voucher), and the deposit refund.
 *
 * The refund composes the fee module's pieces (`releaseHeld`, `entryWrite`, `accountWrite`, `ledgerAudit`,
 * `ledgerOutbox`) rather than calling `requestRefund`/`approveRefund`: those commit on their own, so the permit,
 * the receipt marks, the unit's status and the ledger could not change together.
 */
const CAN_APPROVE_REFUND = new Set(['centre_head', 'admin']);

/** One charge of a fee item for the unit, checked against the category the renovation needs. */
const planItemCharge = async (
  store: Store,
  ctx: CommandContext,
  p: Permit,
  itemCode: string,
  category: FeeCategory,
  amountFen: number,
  mismatch: () => Error,
) => {
  const [versions, unit] = await Promise.all([readFeeVersions(store, p.estateId), readUnit(store, p.estateId, p.unitCode)]);
  const item = versions.get(itemCode);
  if (!item) throw feeItemNotConfigured(itemCode, FEE_CATEGORIES[category]);
  if (item.some((v) => v.category !== category)) throw feeItemWrongCategory(itemCode, FEE_CATEGORIES[category]);
  const current = item[item.length - 1];
  let quantity = 1;
  if (current?.basis === 'per_piece') {
    if (current.rateFen <= 0 || amountFen % current.rateFen !== 0) throw mismatch();
    quantity = amountFen / current.rateFen;
  }
  const charges = chargesOrThrow(
    planCharges(item, unit, { months: 1, fromMonthIndex: 0, quantity, amountFen }, today(ctx.now)),
    itemCode,
  );
  const entries = charges.map((charge) => chargeEntry(ctx, charge, { permitId: p.permitId, permitNo: p.permitNo }));
  if (entries.reduce((s, e) => s + Number(e.amountFen), 0) !== amountFen) throw mismatch();
  return entries;
};

/** Charge + payment on the account, as one posting; returns the new account and the payment's allocations. */
const chargeAndPay = (account: Account, entries: LedgerEntry[], amountFen: number) => {
  const charged = applyCharges(account, entries.map(openChargeOf)).account;
  const allocation = allocatePayment(
    charged,
    amountFen,
    entries.map((e) => String(e.chargeId)),
  );
  if ('problem' in allocation) throw new Error(`charge ${allocation.chargeId} not open`);
  const paid = applyPayment(charged, allocation.allocations, allocation.creditAddedFen);
  return { account: { ...paid, version: account.version + 1 }, allocation };
};

// ---- deposits (装修保证金) ----

export const collectDeposit = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof DepositBody>) =>
  changePermit(store, ctx, 'renovation.collectDeposit', where, input, async (p) => {
    if (p.status !== 'active') throw wrongStatus(p.status, 'collectDeposit');
    const due = depositPlan(p.selfRenovation).find((d) => d.payer === input.payer);
    if (!due) throw depositNotInPlan(input.payer);
    if (p.deposits.some((d) => d.payer === input.payer)) throw depositAlreadyPaid(input.payer);
    const mismatch = () => depositAmountMismatch(input.payer, due.amountFen, input.amountFen);
    if (input.amountFen !== due.amountFen) throw mismatch();
    const entries = await planItemCharge(store, ctx, p, input.itemCode, 'deposit', input.amountFen, mismatch);
    const { account, exists } = await readAccount(store, p.estateId, p.unitCode);
    const posted = chargeAndPay(account, entries, input.amountFen);
    const payer = input.payer === 'owner' ? p.ownerName : (p.contractor.company ?? p.contractor.lead.name);
    const paymentEntryId = newId(ctx.now);
    const voucher = await issueVoucherWrites(store, ctx, {
      estateId: p.estateId,
      unitCode: p.unitCode,
      bookId: input.voucher.bookId,
      kind: 'receipt',
      date: today(ctx.now),
      payer,
      lines: [
        {
          name: `装修保证金（${DEPOSIT_PAYERS[input.payer]}，登记证 ${p.permitNo}）`,
          period: today(ctx.now),
          amountFen: input.amountFen,
        },
      ],
      method: input.method,
      paymentEntryId,
    });
    const payment: LedgerEntry = {
      entryId: paymentEntryId,
      entryKind: 'payment',
      amountFen: input.amountFen,
      amountCapitals: fenToCapitals(input.amountFen),
      method: input.method,
      payer,
      allocations: posted.allocation.allocations,
      creditAddedFen: posted.allocation.creditAddedFen,
      voucherNo: voucher.voucher.voucherNo,
      bookId: voucher.voucher.bookId,
      voucherNumber: voucher.voucher.number,
      permitId: p.permitId,
      balanceEffectFen: -input.amountFen,
      postedAt: ctx.now.toISOString(),
      postedBy: actorRef(ctx),
    };
    const allEntries = [...entries, payment];
    const next: Permit = {
      ...p,
      deposits: [
        ...p.deposits,
        {
          payer: input.payer,
          payerName: payer,
          amountFen: input.amountFen,
          chargeId: String(entries[0]?.chargeId),
          paymentEntryId,
          voucherNo: voucher.voucher.voucherNo,
          bookId: voucher.voucher.bookId,
          voucherNumber: voucher.voucher.number,
          paidOn: today(ctx.now),
        },
      ],
      version: p.version + 1,
    };
    return {
      next,
      writes: [
        ...allEntries.map((e) => entryWrite(store, p.estateId, p.unitCode, e)),
        accountWrite(store, posted.account, account.version, exists, ctx.now),
        ...voucher.writes,
      ],
      audit: [
        ledgerAudit(posted.account, 'renovationDeposit', account, posted.account, {
          permitId: p.permitId,
          payer: input.payer,
          amount: formatFen(input.amountFen),
        }),
        voucher.audit,
      ],
      outbox: [ledgerOutbox(posted.account, allEntries), voucher.outbox],
    };
  });

// ---- renovation tax collected on behalf (代收装修税) ----

export const collectTax = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof TaxBody>) =>
  changePermit(store, ctx, 'renovation.collectTax', where, input, async (p) => {
    if (!p.taxCollected) throw taxNotCollected();
    if (p.tax) throw taxAlreadyPaid();
    if (p.status === 'applied' || p.status === 'returned' || p.status === 'closed') throw wrongStatus(p.status, 'collectTax');
    const entries = await planItemCharge(store, ctx, p, input.itemCode, 'on_behalf', input.amountFen, () =>
      feeItemWrongCategory(input.itemCode, FEE_CATEGORIES.on_behalf),
    );
    const { account, exists } = await readAccount(store, p.estateId, p.unitCode);
    const posted = chargeAndPay(account, entries, input.amountFen);
    const payer = p.contractor.company ?? p.ownerName;
    const payment: LedgerEntry = {
      entryId: newId(ctx.now),
      entryKind: 'payment',
      amountFen: input.amountFen,
      amountCapitals: fenToCapitals(input.amountFen),
      method: input.method,
      payer,
      allocations: posted.allocation.allocations,
      creditAddedFen: posted.allocation.creditAddedFen,
      // Collected on behalf: the tax bureau issues the voucher; its number is recorded here.
      externalVoucherNo: input.taxVoucherNo,
      permitId: p.permitId,
      balanceEffectFen: -input.amountFen,
      postedAt: ctx.now.toISOString(),
      postedBy: actorRef(ctx),
    };
    const allEntries = [...entries, payment];
    return {
      next: {
        ...p,
        tax: {
          amountFen: input.amountFen,
          taxVoucherNo: input.taxVoucherNo,
          chargeId: String(entries[0]?.chargeId),
          paidOn: today(ctx.now),
        },
        version: p.version + 1,
      },
      writes: [
        ...allEntries.map((e) => entryWrite(store, p.estateId, p.unitCode, e)),
        accountWrite(store, posted.account, account.version, exists, ctx.now),
      ],
      audit: [ledgerAudit(posted.account, 'renovationTax', account, posted.account, { permitId: p.permitId })],
      outbox: [ledgerOutbox(posted.account, allEntries)],
    };
  });

// ---- refund (退装修保证金) ----

/** The desk checks everything the seed asks for and asks the service-centre head to approve. Nothing is posted yet. */
export const requestRefund = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof RefundRequestBody>) =>
  changePermit(store, ctx, 'renovation.requestRefund', where, input, async (p) => {
    const problems = refundProblems({
      status: p.status,
      today: today(ctx.now),
      refundDueDate: p.refundDueDate,
      taxRequired: p.taxCollected,
      taxPaid: Boolean(p.tax),
      missing: missingDocuments(requiredDocuments(factsOf(p)), p.documents),
      passes: p.passes,
      passesCounted: input.passesCounted,
      receiptPresented: input.receiptPresented,
      permitPresented: input.permitPresented,
      deposits: p.deposits,
      deductions: input.deductions,
    });
    if (problems.length > 0) throw refundRefused(problems);
    return {
      next: {
        ...p,
        status: nextStatus(p, 'requestRefund'),
        refund: {
          requestedAt: ctx.now.toISOString(),
          requestedBy: actorRef(ctx),
          method: input.method,
          passesCounted: input.passesCounted,
          deductions: input.deductions,
          lines: refundPlan(p.deposits, input.deductions),
        },
        notes: input.notes ? [...p.notes, { at: ctx.now.toISOString(), by: ctx.actor.name, text: input.notes }] : p.notes,
        version: p.version + 1,
      },
    };
  });

/**
 * The service-centre head approves at payout and the payee signs the receipt: the held deposit is released on
 * the ledger (refund entries per payer, a deduction entry with its reason), each deposit receipt is marked
 * refunded (once), the permit is closed, the active-permit mark released and the unit leaves 装修中 — one
 * transaction. A retry with the same idempotency key replays the result; a second approval is refused.
 */
export const approveRefund = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof RefundApprovalBody>) =>
  changePermit(store, ctx, 'renovation.approveRefund', where, input, async (p) => {
    if (!CAN_APPROVE_REFUND.has(ctx.actor.role)) throw refundNeedsHead();
    const status = nextStatus(p, 'approveRefund');
    const refund = p.refund;
    if (!refund) throw wrongStatus(p.status, 'approveRefund');
    const heldFen = p.deposits.reduce((s, d) => s + d.amountFen, 0);
    const [{ account, exists }, unit] = await Promise.all([
      readAccount(store, p.estateId, p.unitCode),
      readUnit(store, p.estateId, p.unitCode),
    ]);
    const released = releaseHeld(account, heldFen);
    if ('problem' in released) throw insufficientHeld(released.heldFen);
    const decidedBy = actorRef(ctx);
    const base = { permitId: p.permitId, permitNo: p.permitNo, refundId: p.permitId, source: 'deposit', approvedBy: decidedBy };
    const entries: LedgerEntry[] = [
      ...refund.lines
        .filter((line) => line.refundFen > 0)
        .map((line) => {
          const deposit = p.deposits.find((d) => d.payer === line.payer);
          return {
            entryId: newId(ctx.now),
            entryKind: 'refund',
            ...base,
            amountFen: line.refundFen,
            payee: deposit?.payerName ?? line.payer,
            method: refund.method,
            reason: `退装修保证金（${DEPOSIT_PAYERS[line.payer]}）`,
            voucherNo: deposit?.voucherNo,
            signedBy: input.signedBy,
            balanceEffectFen: 0,
            postedAt: ctx.now.toISOString(),
            postedBy: decidedBy,
          };
        }),
      ...refund.deductions.map((d) => ({
        entryId: newId(ctx.now),
        entryKind: 'deposit_deduction',
        ...base,
        payer: d.payer,
        amountFen: d.amountFen,
        reason: d.reason,
        balanceEffectFen: 0,
        postedAt: ctx.now.toISOString(),
        postedBy: decidedBy,
      })),
    ];
    const marks: PlannedWrite[] = p.deposits.map((d) => ({
      item: {
        Put: {
          TableName: store.tableName,
          Item: {
            ...keys.voucherRefunded(p.estateId, d.bookId, d.voucherNumber),
            type: 'voucherRefunded',
            voucherNo: d.voucherNo,
            permitId: p.permitId,
            refundFen: refund.lines.find((l) => l.payer === d.payer)?.refundFen ?? 0,
            text: '已收退装修保证金',
            signedBy: input.signedBy,
            at: ctx.now.toISOString(),
            by: decidedBy,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      onConditionFailed: () => wrongStatus('closed', 'approveRefund'),
    }));
    const target = statusAfterRenovation(p.unitStatusBefore ?? 'handed_over');
    const move = canTransition(unit.status, target, 'renovation.close')
      ? unitMove(store, ctx, unit, target, 'renovation.close')
      : undefined;
    const next: Permit = {
      ...p,
      status,
      refund: {
        ...refund,
        decision: {
          decision: 'approved',
          ...(input.note ? { note: input.note } : {}),
          signedBy: input.signedBy,
          decidedAt: ctx.now.toISOString(),
          decidedBy,
          entryIds: entries.map((e) => e.entryId),
        },
      },
      closedAt: ctx.now.toISOString(),
      version: p.version + 1,
    };
    return {
      next,
      writes: [
        ...entries.map((e) => entryWrite(store, p.estateId, p.unitCode, e)),
        accountWrite(store, released, account.version, exists, ctx.now),
        ...marks,
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: {
                ...keys.renovationActive(p.estateId, p.unitCode),
                type: 'renovationActive',
                permitId: p.permitId,
                permitNo: p.permitNo,
                status: 'closed',
              },
            },
          },
        },
        ...(move ? [move.write] : []),
      ],
      audit: [
        ledgerAudit(released, 'renovationRefund', account, released, {
          permitId: p.permitId,
          released: formatFen(heldFen),
          deducted: formatFen(refund.deductions.reduce((s, d) => s + d.amountFen, 0)),
        }),
        ...(move ? [move.audit] : []),
      ],
      outbox: [
        ledgerOutbox(released, entries),
        { topic: 'refund.decided', entityType: 'renovationPermit', entityId: p.permitId, payload: next.refund },
        ...(move ? [move.outbox] : []),
      ],
      result: { permitId: p.permitId, status, refund: next.refund, account: accountView(released) },
    };
  });

export const rejectRefund = (store: Store, ctx: CommandContext, where: Where, input: z.output<typeof RefundRejectionBody>) =>
  changePermit(store, ctx, 'renovation.rejectRefund', where, input, async (p) => {
    if (!CAN_APPROVE_REFUND.has(ctx.actor.role)) throw refundNeedsHead();
    const status = nextStatus(p, 'rejectRefund');
    return {
      next: {
        ...p,
        status,
        refund: undefined,
        notes: [...p.notes, { at: ctx.now.toISOString(), by: ctx.actor.name, text: `退保证金申请被驳回：${input.note}` }],
        version: p.version + 1,
      },
    };
  });
