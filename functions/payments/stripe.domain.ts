import { createHmac, timingSafeEqual } from 'node:crypto';
import { reject, type Verification } from './payments.domain';

/**
 * Stripe webhooks, as pure rules: `Stripe-Signature: t=…,v1=…[,v1=…]`, each v1 an HMAC-SHA256 (hex)
 * of `${t}.${raw body}` with the endpoint's signing secret; any matching v1 is accepted (constant-time
 * compare); `t` must be within 300 s of `now`. `payment_intent.succeeded` carries the amount in the
 * smallest currency unit (fen for CNY) and our order number in `metadata.out_trade_no`;
 * `charge.refunded` carries the total refunded on the charge (`amount_refunded`).
 */
export interface StripeConfig {
  /** Endpoint signing secrets (`whsec_…`); two while rolling. */
  endpointSecrets: string[];
}

export const STRIPE_TOLERANCE_SECONDS = 300;

export const parseStripeHeader = (header: string): { t?: string; v1: string[] } => {
  const out: { t?: string; v1: string[] } = { v1: [] };
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (name === 't') out.t = value;
    if (name === 'v1') out.v1.push(value);
  }
  return out;
};

export const stripeSignature = (secret: string, timestamp: string, raw: Buffer) =>
  createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(raw).digest('hex');

const sameHex = (a: string, b: string) => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
};

type Json = Record<string, unknown>;
const obj = (value: unknown): Json | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const int = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;

export const verifyStripe = (
  config: StripeConfig | undefined,
  header: string | undefined,
  raw: Buffer,
  now: Date,
): Verification => {
  if (!config || config.endpointSecrets.length === 0) return reject('NOT_CONFIGURED');
  if (!header) return reject('MISSING_SIGNATURE');
  const { t, v1 } = parseStripeHeader(header);
  if (!t || !/^\d{1,12}$/.test(t) || v1.length === 0) return reject('MISSING_SIGNATURE');
  if (Math.abs(now.getTime() / 1000 - Number(t)) > STRIPE_TOLERANCE_SECONDS) return reject('STALE_TIMESTAMP', t);
  const expected = config.endpointSecrets.map((secret) => stripeSignature(secret, t, raw));
  // Compare every candidate against every secret, without stopping early.
  let matched = false;
  for (const candidate of v1) for (const wanted of expected) matched = sameHex(candidate, wanted) || matched;
  if (!matched) return reject('BAD_SIGNATURE');

  let event: Json | undefined;
  try {
    event = obj(JSON.parse(raw.toString('utf8')));
  } catch {
    event = undefined;
  }
  const id = str(event?.id);
  const type = str(event?.type);
  const object = obj(obj(event?.data)?.object);
  if (!event || !id || !type || !object) return reject('MALFORMED');
  const base = { provider: 'stripe' as const, notifyId: id, eventType: type };
  const metadata = obj(object.metadata);
  if (type === 'payment_intent.succeeded') {
    const tradeNo = str(object.id);
    const amount = int(object.amount_received) ?? int(object.amount);
    const currency = str(object.currency);
    if (!tradeNo || amount === undefined || !currency) return reject('MALFORMED');
    const created = int(event.created);
    return {
      ok: true,
      notification: {
        ...base,
        event: {
          kind: 'payment',
          outTradeNo: str(metadata?.out_trade_no),
          tradeNo,
          amountFen: amount,
          currency: currency.toUpperCase(),
          paidAt: created ? new Date(created * 1000).toISOString() : undefined,
        },
      },
    };
  }
  if (type === 'charge.refunded') {
    const tradeNo = str(object.payment_intent) ?? str(object.id);
    const cumulative = int(object.amount_refunded);
    const currency = str(object.currency);
    if (!tradeNo || cumulative === undefined || !currency) return reject('MALFORMED');
    return {
      ok: true,
      notification: {
        ...base,
        event: {
          kind: 'refund',
          outTradeNo: str(metadata?.out_trade_no),
          tradeNo,
          refundKey: `${tradeNo}:${cumulative}`,
          cumulativeFen: cumulative,
          currency: currency.toUpperCase(),
        },
      },
    };
  }
  return { ok: true, notification: { ...base, event: { kind: 'ignored', note: `${type}: 无需入账` } } };
};
