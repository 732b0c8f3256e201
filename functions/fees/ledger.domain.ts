import type { FeeCategory } from './fee-schedule.domain';

/**
 * The unit's ledger account, as pure rules. The entries (charges, payments, credits, reversals) are
 * append-only; the account is what they add up to, kept on one item with a version so that every
 * posting checks it saw the latest state.
 *
 * - `owedFen`: outstanding charges (income and on-behalf items, deposits due).
 * - `creditFen`: money the unit has with us beyond its charges (overpayment, compensation); never paid out
 *   in cash by the desk, applied to the next charges.
 * - `heldFen`: deposits paid and not yet refunded (held money, not income).
 * - balance = owed − credit (positive: the unit owes; negative: the unit is in credit).
 */
export interface OpenCharge {
  chargeId: string;
  itemCode: string;
  itemName: string;
  category: FeeCategory;
  period: string;
  amountFen: number;
  outstandingFen: number;
  dueDate: string;
}

export interface Account {
  estateId: string;
  unitCode: string;
  owedFen: number;
  creditFen: number;
  heldFen: number;
  open: Record<string, OpenCharge>;
  version: number;
}

export const emptyAccount = (estateId: string, unitCode: string): Account => ({
  estateId,
  unitCode,
  owedFen: 0,
  creditFen: 0,
  heldFen: 0,
  open: {},
  version: 0,
});

export const balanceOf = (account: Pick<Account, 'owedFen' | 'creditFen'>) => account.owedFen - account.creditFen;

export interface Allocation {
  chargeId: string;
  amountFen: number;
}

/** Open charges in the order money settles them: oldest due date first, then posting order. */
export const settlementOrder = (account: Account): OpenCharge[] =>
  Object.values(account.open).sort((a, b) =>
    a.dueDate !== b.dueDate ? (a.dueDate < b.dueDate ? -1 : 1) : a.chargeId < b.chargeId ? -1 : 1,
  );

export type AllocationProblem = { problem: 'charge_not_open'; chargeId: string };

/**
 * Splits a payment over open charges: the named charges in the order given, otherwise oldest first.
 * What is left becomes credit.
 */
export const allocatePayment = (
  account: Account,
  amountFen: number,
  chargeIds?: string[],
): { allocations: Allocation[]; creditAddedFen: number } | AllocationProblem => {
  let targets: OpenCharge[];
  if (chargeIds && chargeIds.length > 0) {
    targets = [];
    for (const id of chargeIds) {
      const charge = account.open[id];
      if (!charge) return { problem: 'charge_not_open', chargeId: id };
      targets.push(charge);
    }
  } else {
    targets = settlementOrder(account);
  }
  const allocations: Allocation[] = [];
  let left = amountFen;
  for (const charge of targets) {
    if (left === 0) break;
    const take = Math.min(left, charge.outstandingFen);
    if (take > 0) {
      allocations.push({ chargeId: charge.chargeId, amountFen: take });
      left -= take;
    }
  }
  return { allocations, creditAddedFen: left };
};

/** Applies allocations (from a payment or from credit) to the account's open charges. */
const settle = (account: Account, allocations: Allocation[]): Account => {
  const open = { ...account.open };
  let owed = account.owedFen;
  let held = account.heldFen;
  for (const { chargeId, amountFen } of allocations) {
    const charge = open[chargeId];
    if (!charge) throw new Error(`charge ${chargeId} is not open`);
    const outstanding = charge.outstandingFen - amountFen;
    if (outstanding < 0) throw new Error(`over-allocation on ${chargeId}`);
    owed -= amountFen;
    if (charge.category === 'deposit') held += amountFen;
    if (outstanding === 0) delete open[chargeId];
    else open[chargeId] = { ...charge, outstandingFen: outstanding };
  }
  return { ...account, open, owedFen: owed, heldFen: held };
};

export const applyPayment = (account: Account, allocations: Allocation[], creditAddedFen: number): Account => {
  const settled = settle(account, allocations);
  return { ...settled, creditFen: settled.creditFen + creditAddedFen, version: account.version + 1 };
};

/** Credit settles income charges only; deposits and money collected for third parties are paid as such. */
const creditMaySettle = (category: FeeCategory) => category !== 'deposit' && category !== 'on_behalf';

/**
 * Posts new charges and, when the unit has credit, applies it to them at once (oldest first).
 * Returns the credit applications so the ledger shows them.
 */
export const applyCharges = (account: Account, charges: OpenCharge[]): { account: Account; creditApplied: Allocation[] } => {
  const open = { ...account.open };
  let owed = account.owedFen;
  for (const charge of charges) {
    open[charge.chargeId] = charge;
    owed += charge.outstandingFen;
  }
  let next: Account = { ...account, open, owedFen: owed };
  const creditApplied: Allocation[] = [];
  let credit = next.creditFen;
  for (const charge of settlementOrder(next)) {
    if (credit === 0) break;
    if (!creditMaySettle(charge.category)) continue;
    const take = Math.min(credit, charge.outstandingFen);
    if (take > 0) {
      creditApplied.push({ chargeId: charge.chargeId, amountFen: take });
      credit -= take;
    }
  }
  next = settle(next, creditApplied);
  return { account: { ...next, creditFen: credit, version: account.version + 1 }, creditApplied };
};

/**
 * Reverses a payment (its voucher was voided): the charges it settled are open again for those amounts
 * and the credit it added is taken back. Credit already used by later charges cannot be taken back from
 * credit: that part re-opens as a charge of its own (`shortfall`), so the balance still adds up.
 */
export const reversePayment = (
  account: Account,
  payment: { allocations: Allocation[]; creditAddedFen: number; charges: Record<string, OpenCharge> },
  shortfallCharge: (amountFen: number) => OpenCharge,
): { account: Account; shortfallFen: number } => {
  const open = { ...account.open };
  let owed = account.owedFen;
  let held = account.heldFen;
  for (const { chargeId, amountFen } of payment.allocations) {
    const original = payment.charges[chargeId];
    if (!original) throw new Error(`unknown charge ${chargeId}`);
    const current = open[chargeId];
    open[chargeId] = current
      ? { ...current, outstandingFen: current.outstandingFen + amountFen }
      : { ...original, outstandingFen: amountFen };
    owed += amountFen;
    if (original.category === 'deposit') held -= amountFen;
  }
  const takeBack = Math.min(account.creditFen, payment.creditAddedFen);
  const shortfallFen = payment.creditAddedFen - takeBack;
  if (shortfallFen > 0) {
    const shortfall = shortfallCharge(shortfallFen);
    open[shortfall.chargeId] = shortfall;
    owed += shortfallFen;
  }
  return {
    account: {
      ...account,
      open,
      owedFen: owed,
      heldFen: held,
      creditFen: account.creditFen - takeBack,
      version: account.version + 1,
    },
    shortfallFen,
  };
};

/** Adds credit that is not a payment (e.g. late-handover compensation beyond the first fees); applied to open charges at once. */
export const addCredit = (account: Account, amountFen: number): { account: Account; creditApplied: Allocation[] } =>
  applyCharges({ ...account, creditFen: account.creditFen + amountFen }, []);

/** Takes credit out for an approved refund. */
export const takeCredit = (
  account: Account,
  amountFen: number,
): Account | { problem: 'insufficient_credit'; creditFen: number } =>
  amountFen > account.creditFen
    ? { problem: 'insufficient_credit', creditFen: account.creditFen }
    : { ...account, creditFen: account.creditFen - amountFen, version: account.version + 1 };

/** Releases held deposit money for an approved refund. */
export const releaseHeld = (account: Account, amountFen: number): Account | { problem: 'insufficient_held'; heldFen: number } =>
  amountFen > account.heldFen
    ? { problem: 'insufficient_held', heldFen: account.heldFen }
    : { ...account, heldFen: account.heldFen - amountFen, version: account.version + 1 };

/** Days a charge is past its due date on `asOf` (0 when not yet due). */
export const ageInDays = (dueDate: string, asOf: string): number =>
  Math.max(0, Math.round((Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / 86_400_000));
