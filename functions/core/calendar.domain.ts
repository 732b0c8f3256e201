import { addDays, type IsoDate, weekdayOf } from './dates';

/**
 * China's working-day calendar: weekends are rest days, official holidays (法定节假日) are rest days,
 * and make-up working days (调休上班) are working days even on a weekend.
 * Pure: the official data and the override table are passed in.
 */
export type DayKind = 'holiday' | 'workday';

export interface CalendarDay {
  date: IsoDate;
  kind: DayKind;
  name: string; // e.g. 春节 / 春节调休上班
}

export interface OfficialCalendarData {
  /** date → "English name,中文名,n" as shipped by the official-data package */
  holidays: Record<string, string>;
  /** make-up working days: date → description */
  workdays: Record<string, string>;
}

export interface WorkingDayCalendar {
  isWorkingDay(date: IsoDate): boolean;
  /** The date n working days after `date` (n ≥ 1); the start date itself is not counted. */
  addWorkingDays(date: IsoDate, n: number): IsoDate;
  /** Years the calendar knows officially (from the package or from overrides). */
  knowsYear(year: number): boolean;
  describe(date: IsoDate): { date: IsoDate; working: boolean; source: 'override' | 'official' | 'weekday'; name?: string };
}

const chineseName = (raw: string): string => raw.split(',')[1] ?? raw;

export const makeCalendar = (official: OfficialCalendarData, overrides: CalendarDay[] = []): WorkingDayCalendar => {
  const overrideByDate = new Map(overrides.map((day) => [day.date, day]));
  const years = new Set<number>();
  for (const date of Object.keys(official.holidays)) years.add(Number(date.slice(0, 4)));
  for (const day of overrides) if (day.kind === 'holiday') years.add(Number(day.date.slice(0, 4)));

  const describe: WorkingDayCalendar['describe'] = (date) => {
    const override = overrideByDate.get(date);
    if (override) return { date, working: override.kind === 'workday', source: 'override', name: override.name };
    const holiday = official.holidays[date];
    if (holiday) return { date, working: false, source: 'official', name: chineseName(holiday) };
    const workday = official.workdays[date];
    if (workday) return { date, working: true, source: 'official', name: `${chineseName(workday)}调休上班` };
    const weekday = weekdayOf(date);
    return { date, working: weekday !== 0 && weekday !== 6, source: 'weekday' };
  };

  const isWorkingDay = (date: IsoDate) => describe(date).working;

  return {
    isWorkingDay,
    describe,
    knowsYear: (year) => years.has(year),
    addWorkingDays(date, n) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`working days must be a positive integer, got ${n}`);
      let current = date;
      let counted = 0;
      while (counted < n) {
        current = addDays(current, 1);
        if (isWorkingDay(current)) counted += 1;
      }
      return current;
    },
  };
};
