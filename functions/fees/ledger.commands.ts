import type { z } from 'zod';
import { newId } from '../core/ids';
import { fenToCapitals, formatFen } from '../core/money';
import type { Store } from '../store/client';
import { type CommandContext, type CommandPlan, runCommand } from '../store/commit';
import { access, stripKeys } from '../store/keys';
import { readUnit } from '../units/units.commands';
import { planCharges } from './charges.domain';
import { chargeNotOpen, feeItemUnknown } from './fees.errors';
import type { PostChargesBody, PostPaymentBody } from './fees.schema';
import {
  accountView,
  accountWrite,
  chargeEntry,
  chargesOrThrow,
  creditAppliedEntry,
  entryWrite,
  ledgerAudit,
  ledgerOutbox,
  openChargeOf,
  readAccount,
  readFeeVersions,
  today,
} from './fees.store';
import { allocatePayment, applyCharges, applyPayment, type OpenCharge } from './ledger.domain';
import { issueVoucherWrites } from './vouchers.commands';
import type { Voucher, VoucherLine } from './vouchers.domain';

/**
 * Posting to a unit's ledger: charges, payments (with their voucher), and the account they add up to,
 * each in one transaction with its audit and outbox entries. Entries are never changed afterwards.
 */
const RETRIES = 150; // concurrent postings on one unit re-plan on the account's version check

type ChargesInput = z.output<typeof PostChargesBody>;

/** Posts charges of one fee item (one per period), applying the unit's credit to them at once. */
export const postCharges = (store: Store, ctx: CommandContext, estateId: string, unitCode: string, input: ChargesInput) =>
  runCommand(
    store,
    ctx,
    { name: 'fees.postCharges', request: { estateId, unitCode, ...input } },
    async () => {
      const unit = await readUnit(store, estateId, unitCode);
      const versions = (await readFeeVersions(store, estateId)).get(input.itemCode);
      if (!versions) throw feeItemUnknown(input.itemCode);
      const planned = chargesOrThrow(planCharges(versions, unit, input, today(ctx.now)), input.itemCode);
      const { account, exists } = await readAccount(store, estateId, unitCode);
      const entries = planned.map((charge) => chargeEntry(ctx, charge));
      const open: OpenCharge[] = entries.map(openChargeOf);
      const { account: next, creditApplied } = applyCharges(account, open);
      const allEntries: Array<Record<string, unknown> & { entryId: string }> = [...entries];
      if (creditApplied.length > 0) allEntries.push(creditAppliedEntry(ctx, creditApplied));
      return {
        writes: [
          ...allEntries.map((entry) => entryWrite(store, estateId, unitCode, entry)),
          accountWrite(store, next, account.version, exists, ctx.now),
        ],
        audit: [
          ledgerAudit(next, 'charge', account, next, {
            items: entries.map((e) => `${String(e.itemName)} ${String(e.period)} ${formatFen(Number(e.amountFen))}`),
          }),
        ],
        outbox: [ledgerOutbox(next, allEntries)],
        result: { account: accountView(next), entries: allEntries },
      };
    },
    { retriesOnConflict: RETRIES },
  );

type PaymentInput = z.output<typeof PostPaymentBody>;

/**
 * Takes a payment: allocates it to open charges (named ones, else oldest first), keeps any excess as
 * credit, and issues the receipt or invoice at once from the staff member's book — all in one transaction.
 */
export const postPayment = (store: Store, ctx: CommandContext, estateId: string, unitCode: string, input: PaymentInput) =>
  runCommand(
    store,
    ctx,
    { name: 'fees.postPayment', request: { estateId, unitCode, ...input } },
    async (): Promise<
      CommandPlan<{ account: ReturnType<typeof accountView>; entries: Array<Record<string, unknown>>; voucher: Voucher }>
    > => {
      const [unit, { account, exists }] = await Promise.all([
        readUnit(store, estateId, unitCode),
        readAccount(store, estateId, unitCode),
      ]);
      const allocation = allocatePayment(account, input.amountFen, input.chargeIds);
      if ('problem' in allocation) throw chargeNotOpen(allocation.chargeId);
      const next = applyPayment(account, allocation.allocations, allocation.creditAddedFen);
      const entryId = newId(ctx.now);
      const lines: VoucherLine[] = allocation.allocations.map(({ chargeId, amountFen }) => {
        const charge = account.open[chargeId] as OpenCharge;
        return { name: charge.itemName, period: charge.period, amountFen };
      });
      if (allocation.creditAddedFen > 0)
        lines.push({ name: '预收款（转入余额，冲抵以后费用）', amountFen: allocation.creditAddedFen });
      const payer = input.payer ?? unit.household?.owner.name ?? '业主';
      const date = input.date ?? today(ctx.now);
      const voucher = await issueVoucherWrites(store, ctx, {
        estateId,
        unitCode,
        bookId: input.voucher.bookId,
        kind: input.voucher.kind,
        date,
        payer,
        lines,
        method: input.method,
        paymentEntryId: entryId,
        corrects: input.corrects,
      });
      const entry = {
        entryId,
        entryKind: 'payment',
        amountFen: input.amountFen,
        amountCapitals: fenToCapitals(input.amountFen),
        method: input.method,
        payer,
        reference: input.reference,
        allocations: allocation.allocations,
        creditAddedFen: allocation.creditAddedFen,
        voucherNo: voucher.voucher.voucherNo,
        bookId: voucher.voucher.bookId,
        voucherNumber: voucher.voucher.number,
        balanceEffectFen: -input.amountFen,
        postedAt: ctx.now.toISOString(),
        postedBy: { id: ctx.actor.id, name: ctx.actor.name },
      };
      return {
        writes: [
          entryWrite(store, estateId, unitCode, entry),
          accountWrite(store, next, account.version, exists, ctx.now),
          ...voucher.writes,
        ],
        audit: [
          ledgerAudit(next, 'payment', account, next, { amountFen: input.amountFen, voucherNo: entry.voucherNo }),
          voucher.audit,
        ],
        outbox: [ledgerOutbox(next, [entry]), voucher.outbox],
        result: { account: accountView(next), entries: [entry], voucher: voucher.voucher },
      };
    },
    { retriesOnConflict: RETRIES },
  );

/** The unit's statement: the account and every entry in posting order with the running balance. */
export const statement = async (store: Store, estateId: string, unitCode: string) => {
  await readUnit(store, estateId, unitCode);
  const { account } = await readAccount(store, estateId, unitCode);
  let running = 0;
  const entries = (await access.listEntries(store, estateId, unitCode)).map((item) => {
    const { type: _type, ...entry } = stripKeys(item) as Record<string, unknown>;
    running += Number(entry.balanceEffectFen ?? 0);
    return { ...entry, runningBalanceFen: running } as Record<string, unknown> & { runningBalanceFen: number };
  });
  return { account: accountView(account), entries };
};
