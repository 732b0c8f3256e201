import { describe, expect, it } from 'vitest';
import { addMonths, calendarMonth, monthsBetween, parkingMonth, proRate } from '../../functions/fees/periods.domain';

describe('periods.domain', () => {
  it('runs a parking month from the sign-up day to the day before the same day next month', () => {
    expect(parkingMonth('2026-01-03', 0)).toEqual({ label: '2026-01-03~2026-02-02', from: '2026-01-03', to: '2026-02-02' });
    expect(parkingMonth('2026-01-03', 11).to).toBe('2027-01-02');
  });

  it('anchors a 31 January sign-up on the last day of shorter months', () => {
    expect([0, 1, 2, 3].map((n) => parkingMonth('2026-01-31', n).label)).toEqual([
      '2026-01-31~2026-02-27',
      '2026-02-28~2026-03-30',
      '2026-03-31~2026-04-29',
      '2026-04-30~2026-05-30',
    ]);
  });

  it('handles a 29 February sign-up in a leap year and the year after', () => {
    expect(parkingMonth('2028-02-29', 0).label).toBe('2028-02-29~2028-03-28');
    expect(parkingMonth('2028-02-29', 12).label).toBe('2029-02-28~2029-03-28');
  });

  it('handles a 30 April sign-up across months of 31 days and February', () => {
    expect(parkingMonth('2026-04-30', 0).label).toBe('2026-04-30~2026-05-29');
    expect(parkingMonth('2026-04-30', 10).label).toBe('2027-02-28~2027-03-29');
  });

  it('knows calendar months and month arithmetic across years', () => {
    expect(calendarMonth('2028-02')).toEqual({ label: '2028-02', from: '2028-02-01', to: '2028-02-29' });
    expect(addMonths('2026-11', 3)).toBe('2027-02');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(monthsBetween('2026-11', '2027-02')).toBe(3);
  });

  it('pro-rates a month by days from the receiving day, rounding half up to the fen', () => {
    // 223.75 yuan a month, unit received on 16 Nov 2026: 15 of 30 days
    expect(proRate(22375, '2026-11-16')).toBe(11188); // 111.875 → 111.88
    expect(proRate(22375, '2026-11-01')).toBe(22375);
    expect(proRate(31000, '2026-12-31')).toBe(1000); // 1 of 31 days
  });
});
