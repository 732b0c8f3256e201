import { z } from 'zod';
import { ANY_STAFF } from '../core/roles';
import { defineRoutes } from '../core/route';
import { CalendarDayView, DayParams, DaysQuery, DaysView, PutDayBody } from './calendar.schema';

const CALENDAR_KEEPERS = ['cs_lead', 'centre_head', 'admin'] as const;

/** The holiday table (节假日): official calendar plus staff overrides, and working-day look-ups. */
export const calendarRoutes = defineRoutes({
  listDays: {
    operationId: 'listCalendarDays',
    method: 'GET',
    path: '/calendar/days',
    summary: '查询日期范围内每天是否工作日（含法定节假日、调休与节假日表）',
    tags: ['节假日'],
    auth: 'staff',
    roles: ANY_STAFF,
    query: DaysQuery,
    response: DaysView,
    successStatus: 200,
  },
  putDay: {
    operationId: 'putCalendarDay',
    method: 'PUT',
    path: '/calendar/days/{date}',
    summary: '在节假日表中登记放假日或调休上班日（用于官方数据尚未收录的年份或更正）',
    tags: ['节假日'],
    auth: 'staff',
    roles: CALENDAR_KEEPERS,
    params: DayParams,
    body: PutDayBody,
    response: CalendarDayView,
    successStatus: 200,
    idempotent: true,
  },
  removeDay: {
    operationId: 'removeCalendarDay',
    method: 'DELETE',
    path: '/calendar/days/{date}',
    summary: '删除节假日表中的一天（恢复为官方日历）',
    tags: ['节假日'],
    auth: 'staff',
    roles: CALENDAR_KEEPERS,
    params: DayParams,
    response: z.object({ date: z.string(), removed: z.boolean() }),
    successStatus: 200,
  },
});
