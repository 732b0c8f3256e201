import type { WorkingDayCalendar } from '../core/calendar.domain';
import type { IsoDate } from '../core/dates';

/**
 * China publishes next year's holidays late (usually November/December). From November on, staff
 * are reminded daily to enter them in the holiday table until the calendar knows the year;
 * without them, deposit-refund and SLA deadlines would count holidays as working days.
 */
export interface CoverageNotice {
  year: number;
  level: 'warning' | 'urgent';
  text: string;
}

export const REMIND_FROM_MONTH = 11;

export const calendarCoverageNotice = (today: IsoDate, calendar: WorkingDayCalendar): CoverageNotice | undefined => {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  if (!calendar.knowsYear(year)) {
    return {
      year,
      level: 'urgent',
      text: `${year}年法定节假日尚未录入，工作日目前只按周末计算，押金退还和工单时限可能算错。请立即在“节假日”表中录入${year}年放假与调休安排。`,
    };
  }
  if (month >= REMIND_FROM_MONTH && !calendar.knowsYear(year + 1)) {
    return {
      year: year + 1,
      level: 'warning',
      text: `${year + 1}年法定节假日尚未录入。国务院办公厅公布放假安排后，请在“节假日”表中录入${year + 1}年放假与调休上班日期。`,
    };
  }
  return undefined;
};
