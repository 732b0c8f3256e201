import { describe, expect, it } from 'vitest';
import { checkPing, signPing } from '../../functions/sheets/ping.domain';

const KEY = 'k-0123456789abcdef';
const NOW = new Date('2026-11-23T02:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);

describe('ping.domain', () => {
  it('accepts a ping signed with the shared key inside the window', () => {
    // Prepare
    const body = '{"changeType":"EDIT"}';
    // Act
    const check = checkPing(KEY, { timestamp: String(T), signature: signPing(KEY, T, body) }, body, NOW);
    // Assess
    expect(check).toEqual({ ok: true });
  });

  it('refuses a ping with another key, a changed body, a stale time or no signature', () => {
    // Prepare
    const body = '{}';
    // Act / Assess
    expect(checkPing(KEY, { timestamp: String(T), signature: signPing('other', T, body) }, body, NOW)).toEqual({
      ok: false,
      reason: 'signature',
    });
    expect(checkPing(KEY, { timestamp: String(T), signature: signPing(KEY, T, body) }, '{"x":1}', NOW)).toEqual({
      ok: false,
      reason: 'signature',
    });
    expect(checkPing(KEY, { timestamp: String(T - 301), signature: signPing(KEY, T - 301, body) }, body, NOW)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(checkPing(KEY, { timestamp: String(T) }, body, NOW)).toEqual({ ok: false, reason: 'missing' });
  });
});
