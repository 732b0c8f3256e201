import { businessDate } from '../core/dates';
import { type ScheduleInput, scheduleHandler } from '../core/schedule-handler';
import { runCommand } from '../store/commit';
import { loadCalendar } from './calendar.commands';
import { calendarCoverageNotice } from './calendar-coverage.domain';

/**
 * Schedule `calendar-coverage`: reminds staff once per day to enter next year's holidays.
 * The run id is the schedule and its business date, so a double trigger reminds once.
 */
export const runCalendarCoverage = async ({ store, scheduledAt, ctx }: ScheduleInput) => {
  const day = businessDate(scheduledAt);
  const runId = `calendar-coverage:${day}`;
  const notice = calendarCoverageNotice(day, await loadCalendar(store));
  if (!notice) return { runId, notice: null, replayed: false };
  const outcome = await runCommand(store, ctx(runId), { name: 'calendar.coverageNotice', request: { day } }, async () => ({
    writes: [],
    audit: [],
    outbox: [
      {
        topic: 'notice.staff',
        entityType: 'calendar',
        entityId: String(notice.year),
        payload: { kind: 'calendar-coverage', day, ...notice },
      },
    ],
    result: notice,
  }));
  return { runId, notice: outcome.result, replayed: outcome.replayed };
};

export const handler = scheduleHandler(runCalendarCoverage);
