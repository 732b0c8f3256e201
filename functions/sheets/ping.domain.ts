import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The Apps Script `onChange` ping: the script signs `<unix seconds>.<body>` with HMAC-SHA256 and a shared key
 * (the `sheets-ping` secret), so only the estate's own spreadsheet can trigger a cycle early. Pure: the clock is
 * passed in. A ping only triggers a cycle — it carries no data — so replaying one inside the window is harmless.
 */
export const PING_WINDOW_SECONDS = 300;

export const signPing = (key: string, timestamp: number, body: string) =>
  createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex');

export type PingCheck = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'signature' };

export const checkPing = (
  key: string,
  headers: { timestamp?: string | undefined; signature?: string | undefined },
  body: string,
  now: Date,
): PingCheck => {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp)) return { ok: false, reason: 'missing' };
  if (Math.abs(now.getTime() / 1000 - timestamp) > PING_WINDOW_SECONDS) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signPing(key, timestamp, body), 'hex');
  const given = Buffer.from(headers.signature, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'signature' };
};
