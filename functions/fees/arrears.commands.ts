import { newId } from '../core/ids';
import { formatFen } from '../core/money';
import type { Store } from '../store/client';
import { type CommandContext, runCommand } from '../store/commit';
import { access, stripKeys } from '../store/keys';
import { readUnit } from '../units/units.commands';
import { readFeeSettings } from './fee-schedule.commands';
import { chargeNotOpen, lateFeeDisabled, notALateFee } from './fees.errors';
import { accountView, accountWrite, entryWrite, ledgerAudit, ledgerOutbox, readAccount, today } from './fees.store';
import { lateFeeDue } from './late-fee.domain';
import { type Account, ageInDays, applyCharges, type OpenCharge, settlementOrder } from './ledger.domain';

/** Arrears (拖欠款明细): what is owed per unit, item and period, with its age; and the optional late fee. */

const arrearsLines = (account: Account, asOf: string) =>
  settlementOrder(account)
    .filter((charge) => charge.dueDate <= asOf)
    .map((charge) => ({
      estateId: account.estateId,
      unitCode: account.unitCode,
      chargeId: charge.chargeId,
      itemCode: charge.itemCode,
      itemName: charge.itemName,
      period: charge.period,
      outstandingFen: charge.outstandingFen,
      dueDate: charge.dueDate,
      ageDays: ageInDays(charge.dueDate, asOf),
    }));

export const unitArrears = async (store: Store, estateId: string, unitCode: string, asOf: string) => {
  await readUnit(store, estateId, unitCode);
  const { account } = await readAccount(store, estateId, unitCode);
  const lines = arrearsLines(account, asOf);
  return { asOf, totalFen: lines.reduce((sum, line) => sum + line.outstandingFen, 0), lines };
};

/** The whole estate's arrears list, from the sparse index of owing accounts. */
export const estateArrears = async (store: Store, estateId: string, asOf: string) => {
  const lines = (await access.listOwingAccounts(store, estateId)).flatMap((item) => {
    const { type: _type, updatedAt: _u, ...account } = stripKeys(item);
    return arrearsLines(account as unknown as Account, asOf);
  });
  return { asOf, totalFen: lines.reduce((sum, line) => sum + line.outstandingFen, 0), lines };
};

/**
 * Posts late fees (滞纳金) due on the unit's overdue charges as of `asOf`, as charges of their own
 * (category late_fee, linked to the charge they are for). Only what is not yet charged is posted.
 */
export const postLateFees = (store: Store, ctx: CommandContext, estateId: string, unitCode: string, asOf: string) =>
  runCommand(
    store,
    ctx,
    { name: 'fees.postLateFees', request: { estateId, unitCode, asOf } },
    async () => {
      const { lateFee } = await readFeeSettings(store, estateId);
      if (!lateFee.enabled) throw lateFeeDisabled();
      const { account, exists } = await readAccount(store, estateId, unitCode);
      // Late fee already charged per charge; waived amounts count as charged, so a waiver is never re-charged.
      const charged = new Map<string, number>();
      for (const item of await access.listEntries(store, estateId, unitCode)) {
        if (item.category === 'late_fee' && typeof item.lateFeeFor === 'string') {
          charged.set(item.lateFeeFor, (charged.get(item.lateFeeFor) ?? 0) + Number(item.amountFen));
        }
      }
      const entries = settlementOrder(account)
        .map((charge) => ({ charge, due: lateFeeDue(charge, asOf, lateFee, Math.max(0, charged.get(charge.chargeId) ?? 0)) }))
        .filter(({ due }) => due > 0)
        .slice(0, 20)
        .map(({ charge, due }) => {
          const entryId = newId(ctx.now);
          return {
            entryId,
            entryKind: 'charge',
            chargeId: entryId,
            itemCode: 'late_fee',
            itemName: `滞纳金（${charge.itemName} ${charge.period}）`,
            category: 'late_fee' as const,
            moneyKind: 'income',
            period: asOf,
            amountFen: due,
            dueDate: asOf,
            lateFeeFor: charge.chargeId,
            rule: lateFee,
            balanceEffectFen: due,
            postedAt: ctx.now.toISOString(),
            postedBy: { id: ctx.actor.id, name: ctx.actor.name },
          };
        });
      if (entries.length === 0)
        return { writes: [], audit: [], outbox: [], result: { account: accountView(account), entries: [] } };
      const open: OpenCharge[] = entries.map((e) => ({
        chargeId: e.chargeId,
        itemCode: e.itemCode,
        itemName: e.itemName,
        category: e.category,
        period: e.period,
        amountFen: e.amountFen,
        outstandingFen: e.amountFen,
        dueDate: e.dueDate,
      }));
      const { account: next } = applyCharges(account, open);
      return {
        writes: [
          ...entries.map((e) => entryWrite(store, estateId, unitCode, e)),
          accountWrite(store, next, account.version, exists, ctx.now),
        ],
        audit: [
          ledgerAudit(next, 'lateFee', account, next, { asOf, total: formatFen(entries.reduce((s, e) => s + e.amountFen, 0)) }),
        ],
        outbox: [ledgerOutbox(next, entries)],
        result: { account: accountView(next), entries },
      };
    },
    { retriesOnConflict: 20 },
  );

/** A cashier waives (减免) the open part of a late-fee charge, with a reason. Other charges cannot be waived. */
export const waiveLateFee = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  unitCode: string,
  chargeId: string,
  reason: string,
) =>
  runCommand(
    store,
    ctx,
    { name: 'fees.waiveLateFee', request: { estateId, unitCode, chargeId, reason } },
    async () => {
      const { account, exists } = await readAccount(store, estateId, unitCode);
      const charge = account.open[chargeId];
      if (!charge) throw chargeNotOpen(chargeId);
      if (charge.category !== 'late_fee') throw notALateFee(chargeId);
      const original = await access.getEntry(store, estateId, unitCode, chargeId);
      const open = { ...account.open };
      delete open[chargeId];
      const next: Account = { ...account, open, owedFen: account.owedFen - charge.outstandingFen, version: account.version + 1 };
      const entry = {
        entryId: newId(ctx.now),
        entryKind: 'waiver',
        chargeId,
        lateFeeFor: original?.lateFeeFor,
        amountFen: charge.outstandingFen,
        reason,
        balanceEffectFen: -charge.outstandingFen,
        postedAt: ctx.now.toISOString(),
        postedBy: { id: ctx.actor.id, name: ctx.actor.name },
      };
      return {
        writes: [entryWrite(store, estateId, unitCode, entry), accountWrite(store, next, account.version, exists, ctx.now)],
        audit: [ledgerAudit(next, 'waive', account, next, { chargeId, reason })],
        outbox: [ledgerOutbox(next, [entry])],
        result: { account: accountView(next), entries: [entry] },
      };
    },
    { retriesOnConflict: 20 },
  );

export const asOfOrToday = (asOf: string | undefined, now: Date) => asOf ?? today(now);
