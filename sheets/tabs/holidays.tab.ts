import type { TabLayout } from '../tab-layout';

export const CALENDAR_DAY_KINDS = { holiday: '放假', workday: '调休上班' } as const;
export const CALENDAR_DAY_STATES = { active: '有效', removed: '已删除（按官方日历）' } as const;

/**
 * The 节假日 tab (holiday table): the days entered over the official calendar — holidays and make-up working days
 * for years the official data does not cover yet, or corrections — which every working-day count uses (refund
 * due dates, follow-up windows, SLA). Row id: the date. The table is shared by every estate, so each estate's
 * spreadsheet shows the same rows. A day taken out of the table keeps its row, marked 已删除.
 *
 * Every column is system-owned: days are entered through `PUT /calendar/days/{date}` (putCalendarDay; the CS
 * lead, the service-centre head, admin). Not from the sheet: one estate's spreadsheet would change the working
 * days of all estates, and the sheet cannot tell whether the person typing holds one of those roles.
 */
export const HOLIDAYS_TAB: TabLayout = {
  tab: '节假日',
  entity: 'calendarDay',
  topic: 'calendar.changed',
  sortBy: '_id',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 11, note: '日期（系统编号），勿改' },
    { key: 'date', header: '日期', type: 'date', owner: 'system', width: 11 },
    { key: 'weekday', header: '星期', type: 'text', owner: 'system', width: 6 },
    { key: 'kind', header: '类型', type: 'enum', owner: 'system', values: CALENDAR_DAY_KINDS, width: 9 },
    { key: 'name', header: '名称', type: 'text', owner: 'system', width: 16 },
    { key: 'official', header: '官方日历', type: 'text', owner: 'system', width: 18, note: '官方数据中这一天的安排' },
    { key: 'updatedBy', header: '登记人', type: 'text', owner: 'system', width: 8 },
    { key: 'updatedAt', header: '登记时间', type: 'datetime', owner: 'system', width: 16 },
    { key: 'state', header: '状态', type: 'enum', owner: 'system', values: CALENDAR_DAY_STATES, width: 16 },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 14, note: '已同步 / 错误原因 / 冲突' },
  ],
};
