import { describe, expect, it } from 'vitest';
import { putCalendarDay } from '../../functions/calendar/calendar.commands';
import { calendarCoverageNotice } from '../../functions/calendar/calendar-coverage.domain';
import { runCalendarCoverage } from '../../functions/calendar/calendar-coverage.handler';
import { makeCalendar } from '../../functions/core/calendar.domain';
import { officialCalendar } from '../../functions/core/official-calendar';
import { scheduleHandler } from '../../functions/core/schedule-handler';
import { allItems, context, freshStore } from '../support/store';

describe('calendar-coverage', () => {
  it('warns from November when next year is unknown, and says nothing in summer', () => {
    const calendar = makeCalendar(officialCalendar);
    expect(calendarCoverageNotice('2026-11-22', calendar)).toMatchObject({ year: 2027, level: 'warning' });
    expect(calendarCoverageNotice('2026-06-01', calendar)).toBeUndefined();
    expect(calendarCoverageNotice('2027-01-04', calendar)).toMatchObject({ year: 2027, level: 'urgent' });
  });

  it('stops warning once staff enter next year in the holiday table', () => {
    const calendar = makeCalendar(officialCalendar, [{ date: '2027-01-01', kind: 'holiday', name: '元旦' }]);
    expect(calendarCoverageNotice('2026-11-22', calendar)).toBeUndefined();
  });

  it('reminds once per day however often the schedule is triggered', async () => {
    // Prepare
    const store = await freshStore('coverage');
    const run = scheduleHandler(runCalendarCoverage, { store: () => store });
    const event = { scheduleId: 'calendar-coverage', scheduledTime: '2026-11-23T01:00:00Z' };
    // Act
    const first = await run(event);
    const second = await run({ ...event, manual: true });
    // Assess
    expect(first).toMatchObject({ runId: 'calendar-coverage:2026-11-23', replayed: false, notice: { year: 2027 } });
    expect(second).toMatchObject({ runId: 'calendar-coverage:2026-11-23', replayed: true });
    const outbox = (await allItems(store)).filter((item) => item.type === 'outbox');
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ topic: 'notice.staff', source: 'schedule' });
  });

  it('writes nothing once the year is in the holiday table', async () => {
    const store = await freshStore('coverage');
    await putCalendarDay(store, context('cs_lead'), { date: '2027-01-01', kind: 'holiday', name: '元旦' });
    const run = scheduleHandler(runCalendarCoverage, { store: () => store });
    const result = await run({ scheduleId: 'calendar-coverage', scheduledTime: '2026-11-23T01:00:00Z' });
    expect(result.notice).toBeNull();
    expect((await allItems(store)).filter((item) => item.topic === 'notice.staff')).toHaveLength(0);
  });
});
