import { describe, expect, it } from 'vitest';
import { makeCalendar } from '../../functions/core/calendar.domain';
import { officialCalendar } from '../../functions/core/official-calendar';

describe('calendar.domain', () => {
  const calendar = makeCalendar(officialCalendar);

  it('treats official holidays as rest days and make-up Saturdays as working days', () => {
    // 2026 National Day holiday: 1–7 Oct; Sat 10 Oct 2026 is a make-up working day.
    expect(calendar.isWorkingDay('2026-10-01')).toBe(false);
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true);
    expect(calendar.describe('2026-10-10').source).toBe('official');
    expect(calendar.isWorkingDay('2026-10-11')).toBe(false); // ordinary Sunday
    expect(calendar.isWorkingDay('2026-10-12')).toBe(true); // ordinary Monday
  });

  it('counts 7 working days across the National Day holiday', () => {
    // Prepare: inspection passed on Wed 30 Sep 2026
    // Act
    const due = calendar.addWorkingDays('2026-09-30', 7);
    // Assess: 1–7 Oct off; 8 Thu, 9 Fri, 10 Sat (make-up), 12, 13, 14, 15 → the 7th is Thu 15 Oct
    expect(due).toBe('2026-10-15');
  });

  it('uses the override table for a year the official data does not know', () => {
    // Prepare
    expect(calendar.knowsYear(2027)).toBe(false);
    const withOverrides = makeCalendar(officialCalendar, [
      { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      { date: '2027-02-06', kind: 'workday', name: '春节调休上班' },
    ]);
    // Act / Assess
    expect(withOverrides.knowsYear(2027)).toBe(true);
    expect(withOverrides.isWorkingDay('2027-01-01')).toBe(false); // a Friday, made a holiday
    expect(withOverrides.isWorkingDay('2027-02-06')).toBe(true); // a Saturday, made a working day
    expect(withOverrides.describe('2027-02-06')).toMatchObject({ source: 'override', name: '春节调休上班' });
  });

  it('lets an override correct the official data', () => {
    const corrected = makeCalendar(officialCalendar, [{ date: '2026-10-10', kind: 'holiday', name: '更正' }]);
    expect(corrected.isWorkingDay('2026-10-10')).toBe(false);
  });

  it('refuses a non-positive number of working days', () => {
    expect(() => calendar.addWorkingDays('2026-01-05', 0)).toThrow(RangeError);
  });
});
