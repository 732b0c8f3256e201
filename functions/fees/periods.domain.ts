import { addDays, type IsoDate } from '../core/dates';

/**
 * Billing periods, as pure date arithmetic.
 *
 * - Property service fee (物业服务费): calendar months, `YYYY-MM`.
 * - Parking monthly rent (车位月租费): a month runs from the sign-up day to the day before the same day next month
 *   (3 Jan – 2 Feb). Months are anchored on the sign-up day: when that day does not exist in a month, the period
 *   starts on the month's last day (sign-up 31 Jan → 31 Jan–27 Feb, 28 Feb–30 Mar, 31 Mar–29 Apr …).
 * - Pro-rating (a unit received mid-month): monthly fee × days from the receiving day to the month's end
 *   (both included) ÷ days in the month, rounded half up to the fen.
 */
export type Month = string; // YYYY-MM
export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export interface Period {
  /** Shown on the ledger and the voucher: 2026-12 or 2026-01-31~2026-02-27 */
  label: string;
  from: IsoDate;
  to: IsoDate;
}

export const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (year: number, month: number, day: number): IsoDate => `${year}-${pad(month)}-${pad(day)}`;

export const monthOf = (date: IsoDate): Month => date.slice(0, 7);

export const addMonths = (month: Month, n: number): Month => {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
};

/** Whole months from `a` to `b` (b − a). */
export const monthsBetween = (a: Month, b: Month): number =>
  Number(b.slice(0, 4)) * 12 + Number(b.slice(5, 7)) - (Number(a.slice(0, 4)) * 12 + Number(a.slice(5, 7)));

export const calendarMonth = (month: Month): Period => {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return { label: month, from: ymd(year, m, 1), to: ymd(year, m, daysInMonth(year, m)) };
};

/** The start of parking month `n` (0-based) for a sign-up on `signUp`. */
const anchoredStart = (signUp: IsoDate, n: number): IsoDate => {
  const day = Number(signUp.slice(8, 10));
  const month = addMonths(monthOf(signUp), n);
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return ymd(year, m, Math.min(day, daysInMonth(year, m)));
};

/** Parking month `n` (0-based) after a sign-up: from the anchored day to the day before the next one. */
export const parkingMonth = (signUp: IsoDate, n: number): Period => {
  const from = anchoredStart(signUp, n);
  const to = addDays(anchoredStart(signUp, n + 1), -1);
  return { label: `${from}~${to}`, from, to };
};

/** Days from `from` to the end of its month, both included. */
export const daysToMonthEnd = (from: IsoDate): number => {
  const year = Number(from.slice(0, 4));
  const m = Number(from.slice(5, 7));
  return daysInMonth(year, m) - Number(from.slice(8, 10)) + 1;
};

/** Monthly fee for the part of `from`'s month from `from` on (both ends included), rounded half up. */
export const proRate = (monthlyFen: number, from: IsoDate): number => {
  const year = Number(from.slice(0, 4));
  const m = Number(from.slice(5, 7));
  const total = daysInMonth(year, m);
  const days = daysToMonthEnd(from);
  return Math.floor((monthlyFen * days * 2 + total) / (2 * total));
};
