import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { OfficialCalendarData } from './calendar.domain';

/** China's official holidays and make-up working days, as published (shipped by the `chinese-days` package). */
export const officialCalendar: OfficialCalendarData = {
  holidays: data.holidays as Record<string, string>,
  workdays: data.workdays as Record<string, string>,
};
