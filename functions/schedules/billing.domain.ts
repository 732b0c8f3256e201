import type { ChargeRequest } from '../fees/charges.domain';
import type { FeeItemVersion } from '../fees/fee-schedule.domain';
import { calendarMonth, type Month, monthOf, monthsBetween } from '../fees/periods.domain';
import type { UnitStatus } from '../units/units.domain';

/**
 * Monthly billing (月度计费) as pure rules: which units are billed, which charges a unit gets for a month,
 * and the keys that make a run and each unit's billing happen once. No I/O, no clock.
 */

/** Received units are billed (已交房/装修中/已入住/空置); 未交房 is not. */
export const BILLABLE_STATUSES: readonly UnitStatus[] = ['handed_over', 'renovating', 'occupied', 'vacant'];

export const billingRunId = (estateId: string, month: Month) => `monthly-billing:${estateId}:${month}`;
/** Per-unit idempotency key: each unit is billed once per month, even after a crash mid-run. */
export const billingKey = (estateId: string, month: Month, unitCode: string) => `billing:${estateId}:${month}:${unitCode}`;

export interface BillableUnit {
  code: string;
  status: UnitStatus;
  areaCentiM2: number;
  receivedOn?: string | undefined;
}

export interface ParkingAgreementFacts {
  bayNo: string;
  itemCode: string;
  signUpDate: string;
}

/** A charge request for one fee item, in the shape `planCharges` takes. */
export interface BillingLine {
  itemCode: string;
  request: ChargeRequest;
  bayNo?: string | undefined;
}

export type BillingSkip = { skip: 'not_received' | 'received_after_month' };

/**
 * The month's billing lines of a unit: every monthly area/per-month item on calendar months (the property
 * service fee), pro-rated from `receivedOn` when the unit was received within the month; and every parking
 * agreement's parking month that starts within the month (month 0 was charged at check-in).
 */
export const billingLinesFor = (
  unit: BillableUnit,
  month: Month,
  feeItems: Map<string, FeeItemVersion[]>,
  parking: ParkingAgreementFacts[],
): BillingLine[] | BillingSkip => {
  if (!BILLABLE_STATUSES.includes(unit.status)) return { skip: 'not_received' };
  const period = calendarMonth(month);
  if (unit.receivedOn && unit.receivedOn > period.to) return { skip: 'received_after_month' };
  const lines: BillingLine[] = [];
  for (const [code, versions] of [...feeItems.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const first = versions[0];
    if (first?.category !== 'property_fee' || first.periodRule !== 'calendar_month') continue;
    if (first.basis !== 'area_month' && first.basis !== 'per_month') continue;
    const proRateFrom = unit.receivedOn && unit.receivedOn > period.from ? unit.receivedOn : undefined;
    lines.push({ itemCode: code, request: { month, months: 1, fromMonthIndex: 0, quantity: 1, proRateFrom } });
  }
  for (const agreement of [...parking].sort((a, b) => (a.bayNo < b.bayNo ? -1 : 1))) {
    const index = monthsBetween(monthOf(agreement.signUpDate), month);
    if (index < 1) continue;
    lines.push({
      itemCode: agreement.itemCode,
      bayNo: agreement.bayNo,
      request: {
        signUpDate: agreement.signUpDate,
        months: 1,
        fromMonthIndex: index,
        quantity: 1,
        note: `车位 ${agreement.bayNo}`,
      },
    });
  }
  return lines;
};

/**
 * True when the ledger already holds this charge (e.g. prepaid ahead, or charged at check-in): for a calendar
 * month, any charge of the item in that month (a pro-rated month starts after the 1st); for a parking month,
 * a charge of the item starting on the same day.
 */
export const alreadyCharged = (
  entries: Array<Record<string, unknown>>,
  line: { itemCode: string; periodFrom: string; calendarMonth: boolean },
): boolean =>
  entries.some(
    (entry) =>
      entry.entryKind === 'charge' &&
      entry.itemCode === line.itemCode &&
      typeof entry.periodFrom === 'string' &&
      (line.calendarMonth ? entry.periodFrom.slice(0, 7) === line.periodFrom.slice(0, 7) : entry.periodFrom === line.periodFrom),
  );

/** The month a run bills: the Asia/Shanghai month of the scheduled date. */
export const billingMonthOf = (businessDate: string): Month => monthOf(businessDate);
