import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { parseYuan } from '../core/money';
import { beijingToIso, reject, type Verification } from './payments.domain';

/**
 * Alipay asynchronous notifications (支付宝异步通知), as pure rules: a form POST whose `sign` is RSA2
 * (SHA256withRSA, base64) over the URL-decoded parameters except `sign` and `sign_type`, empty values
 * left out, sorted by name in ASCII order and joined as `k=v&k=v`. `sign_type` must be RSA2; `app_id`
 * and `seller_id` must be ours. TRADE_SUCCESS and TRADE_FINISHED both mean paid; a notification with
 * `out_biz_no` and `refund_fee` is a refund, `refund_fee` being the total refunded on the trade so far.
 */
export interface AlipayConfig {
  appId: string;
  sellerId?: string | undefined;
  /** Alipay's public key: PEM, or the bare base64 the Alipay console shows. */
  alipayPublicKey: string;
}

/** application/x-www-form-urlencoded → pairs ('+' is a space, then percent-decoding). */
export const parseForm = (raw: Buffer): Record<string, string> | undefined => {
  const params: Record<string, string> = {};
  const text = raw.toString('utf8');
  if (text === '') return undefined;
  try {
    for (const part of text.split('&')) {
      if (part === '') continue;
      const at = part.indexOf('=');
      const name = decodeURIComponent((at < 0 ? part : part.slice(0, at)).replace(/\+/g, ' '));
      const value = at < 0 ? '' : decodeURIComponent(part.slice(at + 1).replace(/\+/g, ' '));
      if (Object.hasOwn(params, name)) return undefined; // a repeated name is not a notification we sign-check
      params[name] = value;
    }
  } catch {
    return undefined;
  }
  return params;
};

/** The string Alipay signed: sorted `k=v` pairs without `sign`/`sign_type` and without empty values. */
export const alipaySignContent = (params: Record<string, string>): string =>
  Object.keys(params)
    .filter((name) => name !== 'sign' && name !== 'sign_type' && params[name] !== '')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${name}=${params[name]}`)
    .join('&');

const keyCache = new Map<string, KeyObject>();
const publicKeyOf = (text: string): KeyObject => {
  let key = keyCache.get(text);
  if (!key) {
    key = text.includes('BEGIN')
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.from(text.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
    keyCache.set(text, key);
  }
  return key;
};

export const ALIPAY_PAID = new Set(['TRADE_SUCCESS', 'TRADE_FINISHED']);

export const verifyAlipay = (config: AlipayConfig | undefined, raw: Buffer): Verification => {
  if (!config) return reject('NOT_CONFIGURED');
  const params = parseForm(raw);
  if (!params) return reject('MALFORMED');
  if (!params.sign) return reject('MISSING_SIGNATURE');
  if (params.sign_type !== 'RSA2') return reject('WRONG_SIGN_TYPE', params.sign_type);
  if (params.charset && params.charset.toLowerCase() !== 'utf-8') return reject('UNSUPPORTED_CHARSET', params.charset);
  let valid = false;
  try {
    valid = verify(
      'sha256',
      Buffer.from(alipaySignContent(params), 'utf8'),
      publicKeyOf(config.alipayPublicKey),
      Buffer.from(params.sign, 'base64'),
    );
  } catch {
    valid = false;
  }
  if (!valid) return reject('BAD_SIGNATURE');
  if (params.app_id !== config.appId) return reject('WRONG_MERCHANT', params.app_id);
  if (config.sellerId && params.seller_id && params.seller_id !== config.sellerId)
    return reject('WRONG_MERCHANT', params.seller_id);

  const notifyId = params.notify_id;
  const status = params.trade_status ?? '';
  const tradeNo = params.trade_no;
  if (!notifyId || !tradeNo) return reject('MALFORMED');
  const base = { provider: 'alipay' as const, notifyId, eventType: status || String(params.notify_type ?? '') };
  const currency = params.trans_currency ?? 'CNY';

  if (params.out_biz_no && params.refund_fee !== undefined && params.refund_fee !== '') {
    const cumulative = parseYuan(params.refund_fee);
    if (cumulative === undefined || cumulative < 0) return reject('MALFORMED');
    if (cumulative > 0) {
      return {
        ok: true,
        notification: {
          ...base,
          eventType: `REFUND:${status}`,
          event: {
            kind: 'refund',
            outTradeNo: params.out_trade_no,
            tradeNo,
            refundKey: `${tradeNo}:${cumulative}`,
            cumulativeFen: cumulative,
            currency,
          },
        },
      };
    }
  }
  if (ALIPAY_PAID.has(status)) {
    const amount = parseYuan(params.total_amount ?? '');
    if (amount === undefined || amount <= 0) return reject('MALFORMED');
    return {
      ok: true,
      notification: {
        ...base,
        event: {
          kind: 'payment',
          outTradeNo: params.out_trade_no,
          tradeNo,
          amountFen: amount,
          currency,
          paidAt: beijingToIso(params.gmt_payment),
          payer: params.buyer_logon_id ?? params.buyer_id,
        },
      },
    };
  }
  if (status === 'TRADE_CLOSED') {
    return { ok: true, notification: { ...base, event: { kind: 'closed', outTradeNo: params.out_trade_no, tradeNo } } };
  }
  return { ok: true, notification: { ...base, event: { kind: 'ignored', note: `${status}: 无需入账` } } };
};
