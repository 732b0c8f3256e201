import { businessDate } from '../../functions/core/dates';
import { ageInDays, type OpenCharge } from '../../functions/fees/ledger.domain';
import type { Store } from '../../functions/store/client';
import { access, keys } from '../../functions/store/keys';
import type { RowView, TabBinding } from '../sync/binding';
import { type AgingBracket, ARREARS_TAB, type ArrearsStatus } from '../tabs/arrears.tab';
import { loadByPairIds, pairId, unitCodesOf } from './load';

/** Row id of an arrears line: `<unit>/<charge id>` (the charge entry's id is its charge id). */
const rowId = pairId;

type Item = Record<string, unknown>;

/** How a closed charge was closed: the day of the last entry that settled it, and whether that was a waiver. */
export interface Settlement {
  on: string;
  waived: boolean;
}

/** The entries that settle a charge: payments and credit applied (their allocations), a late-fee waiver. */
export const settlementsOf = (entries: readonly Item[]): Map<string, Settlement> => {
  const found = new Map<string, Settlement>();
  const sorted = [...entries].sort((a, b) => String(a.entryId).localeCompare(String(b.entryId)));
  for (const entry of sorted) {
    const on = businessDate(new Date(String(entry.postedAt)));
    if (entry.entryKind === 'waiver' && typeof entry.chargeId === 'string') found.set(entry.chargeId, { on, waived: true });
    if (entry.entryKind === 'payment' || entry.entryKind === 'credit_applied') {
      for (const a of (entry.allocations ?? []) as { chargeId: string }[]) found.set(a.chargeId, { on, waived: false });
    }
  }
  return found;
};

export const agingOf = (days: number): AgingBracket => (days <= 30 ? 'd30' : days <= 60 ? 'd60' : days <= 90 ? 'd90' : 'over90');

/**
 * A charge as an arrears line, or undefined when it never was in arrears. Pure, and a function of the store only
 * (no clock): the line is counted to the day of the unit's last ledger movement, so the same store gives the same
 * row. A charge is in arrears once that day is past its due date; a closed charge is a line if it was settled
 * after its due date. Monotone: a line once shown stays a line (the rows of this tab never vanish).
 */
export const arrearsLine = (charge: Item, account: Item | undefined, settlement: Settlement | undefined): RowView | undefined => {
  if (charge.entryKind !== 'charge' || typeof charge.dueDate !== 'string') return undefined;
  const chargeId = String(charge.chargeId ?? charge.entryId);
  const dueDate = charge.dueDate;
  const lastMoved = account?.updatedAt ? businessDate(new Date(String(account.updatedAt))) : undefined;
  const base = {
    unitCode: String(charge.unitCode),
    chargeId,
    itemCode: charge.itemCode,
    itemName: charge.itemName,
    period: charge.period,
    amountFen: Number(charge.amountFen),
    dueDate,
  };
  const open = (account?.open as Record<string, OpenCharge> | undefined)?.[chargeId];
  if (open) {
    if (!lastMoved || !(dueDate < lastMoved)) return undefined;
    const ageDays = ageInDays(dueDate, lastMoved);
    const status: ArrearsStatus = open.outstandingFen < open.amountFen ? 'partly_paid' : 'owing';
    return { ...base, outstandingFen: open.outstandingFen, ageDays, aging: agingOf(ageDays), asOf: lastMoved, status };
  }
  // Closed. Without the settling entry (not yet readable), the account's last movement is the best day known.
  const on = settlement?.on ?? lastMoved;
  if (!on || !(dueDate < on)) return undefined;
  const status: ArrearsStatus = settlement?.waived ? 'waived' : 'settled';
  return { ...base, outstandingFen: 0, ageDays: ageInDays(dueDate, on), asOf: on, status, settledOn: on };
};

const accountsOf = async (store: Store, estateId: string, unitCodes: Iterable<string>) => {
  const items = await access.getItems(
    store,
    [...new Set(unitCodes)].map((unitCode) => keys.account(estateId, unitCode)),
  );
  return new Map(items.map((item) => [String(item.unitCode), item]));
};

/** The charge ids an outbox `ledger.changed` message touches: the unit's open charges and those its entries name. */
const chargeIdsOf = (payload: unknown): string[] => {
  const { account, entries } = (payload ?? {}) as { account?: { open?: { chargeId: string }[] }; entries?: Item[] };
  const ids = new Set<string>((account?.open ?? []).map((c) => c.chargeId));
  for (const entry of entries ?? []) {
    if (typeof entry.chargeId === 'string') ids.add(entry.chargeId);
    for (const a of (entry.allocations ?? []) as { chargeId?: string }[]) if (a.chargeId) ids.add(a.chargeId);
  }
  return [...ids];
};

/**
 * 拖欠款明细 ⇄ the units' ledgers (outbound only). Follows `ledger.changed`: every movement of a unit's ledger
 * re-reads its open charges and the charges the movement settled, so a paid line turns 已结清 instead of vanishing.
 */
export const arrearsBinding: TabBinding = {
  layout: ARREARS_TAB,
  role: 'cashier',
  idsOf: (message, estateId) => {
    const [estate, unitCode] = message.entityId.split('/');
    if (estate !== estateId || !unitCode) return [];
    return chargeIdsOf(message.payload).map((chargeId) => rowId(unitCode, chargeId));
  },
  load: async (store, estateId, ids) => {
    const charges = await loadByPairIds(
      store,
      ids,
      (unitCode, chargeId) => keys.entry(estateId, unitCode, chargeId),
      (item) => item,
    );
    const accounts = await accountsOf(
      store,
      estateId,
      [...charges.values()].map((c) => String(c.unitCode)),
    );
    // Closed charges need the entry that settled them (one query per unit that has any).
    const closedUnits = new Set<string>();
    for (const charge of charges.values()) {
      const open = accounts.get(String(charge.unitCode))?.open as Record<string, unknown> | undefined;
      if (!open?.[String(charge.chargeId ?? charge.entryId)]) closedUnits.add(String(charge.unitCode));
    }
    const settlements = new Map<string, Map<string, Settlement>>();
    for (const unitCode of closedUnits) {
      settlements.set(unitCode, settlementsOf(await access.listEntries(store, estateId, unitCode)));
    }
    const rows = new Map<string, RowView>();
    for (const [id, charge] of charges) {
      const unitCode = String(charge.unitCode);
      const chargeId = String(charge.chargeId ?? charge.entryId);
      const line = arrearsLine(charge, accounts.get(unitCode), settlements.get(unitCode)?.get(chargeId));
      if (line) rows.set(id, line);
    }
    return rows;
  },
  loadAll: async (store, estateId) => {
    const rows = new Map<string, RowView>();
    for (const unitCode of await unitCodesOf(store, estateId)) {
      const collection = await access.getLedgerCollection(store, estateId, unitCode);
      const account = collection.find((item) => item.type === 'ledgerAccount');
      const entries = collection.filter((item) => item.type === 'ledgerEntry');
      const settlements = settlementsOf(entries);
      for (const entry of entries) {
        const chargeId = String(entry.chargeId ?? entry.entryId);
        const line = arrearsLine(entry, account, settlements.get(chargeId));
        if (line) rows.set(rowId(unitCode, chargeId), line);
      }
    }
    return rows;
  },
};
