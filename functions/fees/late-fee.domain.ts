import type { FeeCategory } from './fee-schedule.domain';
import { ageInDays } from './ledger.domain';

/**
 * Optional late fee (滞纳金), off by default: a daily rate (万分之N) on the overdue principal after a grace
 * period, capped at a share of the principal, never on late fees themselves (no compounding), never on
 * deposits or money collected for third parties. Posted as charges of their own so a cashier can waive them.
 */
export interface LateFeeRule {
  enabled: boolean;
  dailyRatePerTenThousand: number;
  graceDays: number;
  capPercent: number;
}

export const DEFAULT_LATE_FEE_RULE: LateFeeRule = { enabled: false, dailyRatePerTenThousand: 5, graceDays: 30, capPercent: 100 };

export const lateFeeApplies = (category: FeeCategory) =>
  category !== 'late_fee' && category !== 'deposit' && category !== 'on_behalf';

/** Late fee owed on one charge as of `asOf`, less what was already charged for it. */
export const lateFeeDue = (
  charge: { outstandingFen: number; dueDate: string; category: FeeCategory },
  asOf: string,
  rule: LateFeeRule,
  alreadyChargedFen: number,
): number => {
  if (!rule.enabled || !lateFeeApplies(charge.category)) return 0;
  const days = ageInDays(charge.dueDate, asOf) - rule.graceDays;
  if (days <= 0) return 0;
  const raw = charge.outstandingFen * rule.dailyRatePerTenThousand * days; // in 1/10000 fen
  const fee = Math.floor((raw + 5000) / 10_000);
  const cap = Math.floor((charge.outstandingFen * rule.capPercent) / 100);
  return Math.max(0, Math.min(fee, cap) - alreadyChargedFen);
};
