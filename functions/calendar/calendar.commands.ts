import { type CalendarDay, makeCalendar, type WorkingDayCalendar } from '../core/calendar.domain';
import { officialCalendar } from '../core/official-calendar';
import type { Store } from '../store/client';
import { type CommandContext, runCommand } from '../store/commit';
import { access, keys } from '../store/keys';

/** The override table (节假日): days staff enter when next year's official holidays are published. */
export const listOverrides = async (store: Store): Promise<Array<CalendarDay & { updatedAt?: string; updatedBy?: string }>> =>
  (await access.listCalendarDays(store)).map((item) => ({
    date: String(item.date),
    kind: item.kind as CalendarDay['kind'],
    name: String(item.name),
    ...(item.updatedAt ? { updatedAt: String(item.updatedAt) } : {}),
    ...(item.updatedBy ? { updatedBy: String(item.updatedBy) } : {}),
  }));

/** The working-day calendar every command uses: official data plus the store's override table. */
export const loadCalendar = async (store: Store): Promise<WorkingDayCalendar> =>
  makeCalendar(officialCalendar, await listOverrides(store));

export const putCalendarDay = (store: Store, ctx: CommandContext, day: CalendarDay) =>
  runCommand(store, ctx, { name: 'calendar.putDay', request: day }, async () => {
    const before = (await access.listCalendarDays(store)).find((item) => item.date === day.date) ?? null;
    const record = { ...day, updatedAt: ctx.now.toISOString(), updatedBy: ctx.actor.name };
    return {
      writes: [
        {
          item: { Put: { TableName: store.tableName, Item: { ...keys.calendarDay(day.date), type: 'calendarDay', ...record } } },
        },
      ],
      audit: [
        {
          entityType: 'calendarDay',
          entityId: day.date,
          entityPk: keys.calendarDay(day.date).pk,
          action: before ? 'update' : 'create',
          before: before ? { date: before.date, kind: before.kind, name: before.name } : null,
          after: day,
        },
      ],
      outbox: [{ topic: 'calendar.changed', entityType: 'calendarDay', entityId: day.date, payload: record }],
      result: record,
    };
  });

export const removeCalendarDay = (store: Store, ctx: CommandContext, date: string) =>
  runCommand(store, ctx, { name: 'calendar.removeDay', request: { date } }, async () => {
    const before = (await access.listCalendarDays(store)).find((item) => item.date === date);
    if (!before) return { writes: [], audit: [], outbox: [], result: { date, removed: false } };
    return {
      writes: [{ item: { Delete: { TableName: store.tableName, Key: keys.calendarDay(date) } } }],
      audit: [
        {
          entityType: 'calendarDay',
          entityId: date,
          entityPk: keys.calendarDay(date).pk,
          action: 'remove',
          before: { date, kind: before.kind, name: before.name },
          after: null,
        },
      ],
      outbox: [{ topic: 'calendar.changed', entityType: 'calendarDay', entityId: date, payload: { date, removed: true } }],
      result: { date, removed: true },
    };
  });
