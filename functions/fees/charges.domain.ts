import { chargeAmount, type FeeItemVersion, moneyKindOf, versionOn } from './fee-schedule.domain';
import { addMonths, calendarMonth, monthOf, type Period, parkingMonth, proRate } from './periods.domain';

/**
 * Which charges a posting makes: one per period (calendar month or parking month) or one lot,
 * each with the rate in force at its period's start. Pure; `today` is passed in.
 */
export const MAX_MONTHS_AHEAD = 12;

export interface ChargeRequest {
  month?: string | undefined;
  months: number;
  signUpDate?: string | undefined;
  fromMonthIndex: number;
  proRateFrom?: string | undefined;
  quantity: number;
  amountFen?: number | undefined;
  note?: string | undefined;
}

export interface PlannedCharge {
  itemCode: string;
  itemName: string;
  category: FeeItemVersion['category'];
  moneyKind: ReturnType<typeof moneyKindOf>;
  period: Period;
  quantity: number;
  rateFen: number;
  rateEffectiveFrom: string;
  amountFen: number;
  dueDate: string;
  proRated?: { from: string } | undefined;
  note?: string | undefined;
}

export type ChargeProblem =
  | { problem: 'missing'; what: string }
  | { problem: 'no_rate'; date: string }
  | { problem: 'too_far_ahead'; label: string; limit: string }
  | { problem: 'zero_amount'; label: string };

/** The last business date a charge may start on: the end of the 12th month from now (prepayment limit). */
export const latestChargeableDate = (today: string) => calendarMonth(addMonths(monthOf(today), MAX_MONTHS_AHEAD)).to;

export const planCharges = (
  versions: FeeItemVersion[],
  unit: { areaCentiM2: number },
  request: ChargeRequest,
  today: string,
): PlannedCharge[] | ChargeProblem => {
  const current = versionOn(versions, today) ?? versions[0];
  if (!current) return { problem: 'no_rate', date: today };
  const rule = current.periodRule;

  let periods: Period[];
  if (rule === 'calendar_month') {
    if (!request.month) return { problem: 'missing', what: '起始月份 month' };
    periods = Array.from({ length: request.months }, (_, i) => calendarMonth(addMonths(request.month as string, i)));
  } else if (rule === 'parking_month') {
    if (!request.signUpDate) return { problem: 'missing', what: '车位签约日 signUpDate' };
    periods = Array.from({ length: request.months }, (_, i) =>
      parkingMonth(request.signUpDate as string, request.fromMonthIndex + i),
    );
  } else {
    periods = [{ label: today, from: today, to: today }];
  }
  if (current.basis === 'entered' && request.amountFen === undefined) return { problem: 'missing', what: '金额 amountFen' };

  const limit = latestChargeableDate(today);
  const charges: PlannedCharge[] = [];
  for (const [index, period] of periods.entries()) {
    if (period.from > limit) return { problem: 'too_far_ahead', label: period.label, limit };
    const version = versionOn(versions, period.from);
    if (!version) return { problem: 'no_rate', date: period.from };
    let amountFen = chargeAmount(version, {
      areaCentiM2: unit.areaCentiM2,
      quantity: request.quantity,
      enteredFen: request.amountFen,
    });
    let proRated: { from: string } | undefined;
    if (
      index === 0 &&
      rule === 'calendar_month' &&
      request.proRateFrom &&
      request.proRateFrom > period.from &&
      request.proRateFrom <= period.to
    ) {
      amountFen = proRate(amountFen, request.proRateFrom);
      proRated = { from: request.proRateFrom };
    }
    if (amountFen <= 0) return { problem: 'zero_amount', label: period.label };
    charges.push({
      itemCode: version.code,
      itemName: version.name,
      category: version.category,
      moneyKind: moneyKindOf(version.category),
      period: proRated ? { ...period, label: `${period.label}（${proRated.from}起折算）`, from: proRated.from } : period,
      quantity: version.basis === 'per_piece' ? request.quantity : 1,
      rateFen: version.rateFen,
      rateEffectiveFrom: version.effectiveFrom,
      amountFen,
      // Monthly fees fall due on the 15th (the bank debit day); parking on its period's first day; the rest at once.
      dueDate: rule === 'calendar_month' ? `${period.label.slice(0, 7)}-15` : rule === 'parking_month' ? period.from : today,
      proRated,
      note: request.note,
    });
  }
  return charges;
};
