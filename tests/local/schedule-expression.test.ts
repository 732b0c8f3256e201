import { describe, expect, it } from 'vitest';
import { nextFireTime, parseExpression } from '../../cdk/local/schedule-expression';
import { allSchedules } from '../../functions/manifest';

describe('schedule-expression', () => {
  it('fires a daily 09:00 Asia/Shanghai cron at 01:00 UTC', () => {
    // Prepare
    const after = new Date('2026-11-22T21:00:00Z'); // 05:00 on the 23rd in Shanghai
    // Act
    const next = nextFireTime('cron(0 9 * * ? *)', after);
    // Assess
    expect(next.toISOString()).toBe('2026-11-23T01:00:00.000Z');
  });

  it('fires a monthly 1st-of-month cron on the 1st in Shanghai even when UTC is still the previous day', () => {
    const next = nextFireTime('cron(30 0 1 * ? *)', new Date('2026-11-22T00:00:00Z'));
    expect(next.toISOString()).toBe('2026-11-30T16:30:00.000Z'); // 00:30 on 1 Dec in Shanghai
  });

  it('understands day-of-week names with Sunday as 1', () => {
    const next = nextFireTime('cron(0 18 ? * MON-FRI *)', new Date('2026-11-21T00:00:00Z')); // a Saturday
    expect(next.toISOString()).toBe('2026-11-23T10:00:00.000Z'); // Monday 18:00 Shanghai
    expect(nextFireTime('cron(0 8 ? * 1 *)', new Date('2026-11-22T12:00:00Z')).toISOString()).toBe('2026-11-29T00:00:00.000Z');
  });

  it('adds the interval for a rate expression', () => {
    const after = new Date('2026-11-22T00:00:00Z');
    expect(nextFireTime('rate(15 minutes)', after).toISOString()).toBe('2026-11-22T00:15:00.000Z');
    expect(parseExpression('rate(1 hour)')).toEqual({ kind: 'rate', everyMs: 3_600_000 });
  });

  it('refuses an expression EventBridge would refuse or that the runner cannot honour', () => {
    expect(() => parseExpression('cron(0 9 * * * *)')).toThrow(/exactly one/);
    expect(() => parseExpression('cron(0 9 L * ? *)')).toThrow(/unsupported/);
    expect(() => parseExpression('every day')).toThrow();
  });

  it('parses every schedule of the manifest', () => {
    for (const { schedule } of allSchedules()) {
      expect(() => parseExpression(schedule.expression), schedule.id).not.toThrow();
      expect(schedule.timezone).toBe('Asia/Shanghai');
    }
  });
});
