/**
 * Time: instants are ISO-8601 UTC strings; business dates are Asia/Shanghai calendar dates (YYYY-MM-DD).
 * China has no daylight saving time since 1991, so Asia/Shanghai is a fixed UTC+08:00.
 */
export const BUSINESS_TIMEZONE = 'Asia/Shanghai';
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

export type IsoDate = string; // YYYY-MM-DD
export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** The Asia/Shanghai calendar date of an instant. */
export const businessDate = (instant: Date): IsoDate =>
  new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** The instant at which an Asia/Shanghai wall-clock time happens. */
export const shanghaiWallClockToInstant = (date: IsoDate, hour = 0, minute = 0): Date =>
  new Date(Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS + (hour * 60 + minute) * 60_000);

/** Wall-clock fields of an instant in Asia/Shanghai. */
export const shanghaiFields = (instant: Date) => {
  const shifted = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    weekday: shifted.getUTCDay(), // 0 = Sunday
  };
};

/** True for a real calendar date in YYYY-MM-DD form (rejects 2026-02-30). */
export const isValidIsoDate = (text: string): boolean => {
  if (!ISO_DATE.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
};

export const addDays = (date: IsoDate, days: number): IsoDate => {
  const parsed = new Date(`${date}T00:00:00Z`);
  parsed.setUTCDate(parsed.getUTCDate() + days);
  return parsed.toISOString().slice(0, 10);
};

/** 0 = Sunday … 6 = Saturday. */
export const weekdayOf = (date: IsoDate): number => new Date(`${date}T00:00:00Z`).getUTCDay();
