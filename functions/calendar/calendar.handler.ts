import { apiHandler } from '../core/api-handler';
import { makeCalendar } from '../core/calendar.domain';
import { addDays } from '../core/dates';
import { officialCalendar } from '../core/official-calendar';
import { listOverrides, putCalendarDay, removeCalendarDay } from './calendar.commands';
import { calendarRoutes } from './calendar.routes';

export const handler = apiHandler(calendarRoutes, {
  listDays: async ({ query, store }) => {
    const overrides = await listOverrides(store);
    const calendar = makeCalendar(officialCalendar, overrides);
    const days = [];
    for (let date = query.from; date <= query.to; date = addDays(date, 1)) days.push(calendar.describe(date));
    const years = new Set(days.map((day) => Number(day.date.slice(0, 4))));
    return {
      body: {
        days,
        overrides: overrides.filter((day) => day.date >= query.from && day.date <= query.to),
        unknownYears: [...years].filter((year) => !calendar.knowsYear(year)),
      },
    };
  },
  putDay: async ({ params, body, ctx, store }) => ({
    body: (await putCalendarDay(store, ctx, { date: params.date, ...body })).result,
  }),
  removeDay: async ({ params, ctx, store }) => ({ body: (await removeCalendarDay(store, ctx, params.date)).result }),
});
