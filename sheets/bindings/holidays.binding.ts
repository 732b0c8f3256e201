import { makeCalendar } from '../../functions/core/calendar.domain';
import { isValidIsoDate, weekdayOf } from '../../functions/core/dates';
import { officialCalendar } from '../../functions/core/official-calendar';
import { access, keys } from '../../functions/store/keys';
import type { RowView, TabBinding } from '../sync/binding';
import { HOLIDAYS_TAB } from '../tabs/holidays.tab';
import { loadByIds } from './load';

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const official = makeCalendar(officialCalendar, []);

/** What the official calendar alone says of a date (the override table left out). */
const officialOf = (date: string) => {
  const day = official.describe(date);
  if (day.source === 'official') return day.working ? `调休上班（${day.name ?? ''}）` : `法定节假日（${day.name ?? ''}）`;
  return day.working ? '工作日' : '周末';
};

const dateView = (date: string) => ({ date, weekday: WEEKDAYS[weekdayOf(date)] ?? '', official: officialOf(date) });

const view = (item: Record<string, unknown>): RowView => ({
  ...dateView(String(item.date)),
  kind: item.kind,
  name: item.name,
  updatedBy: item.updatedBy,
  updatedAt: item.updatedAt,
  state: 'active',
});

/**
 * 节假日 ⇄ the calendar override table (outbound only). The table is not per estate: every estate's sheet
 * follows every `calendar.changed`. A removed day has no record left; its row stays, marked 已删除 (the sheet
 * never loses a row), and the date follows the official calendar again.
 */
export const holidaysBinding: TabBinding = {
  layout: HOLIDAYS_TAB,
  role: 'cs_lead',
  idsOf: (message) => (isValidIsoDate(message.entityId) ? [message.entityId] : []),
  load: async (store, _estateId, ids) => {
    const dates = ids.filter(isValidIsoDate);
    const found = await loadByIds(store, dates, (date) => keys.calendarDay(date), view);
    for (const date of dates) if (!found.has(date)) found.set(date, { ...dateView(date), state: 'removed' });
    return found;
  },
  loadAll: async (store) => new Map((await access.listCalendarDays(store)).map((item) => [String(item.date), view(item)])),
};
