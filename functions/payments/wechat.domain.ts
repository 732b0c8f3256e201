import { createDecipheriv, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { reject, type Verification } from './payments.domain';

/**
 * WeChat Pay API v3 notifications (微信支付 APIv3 回调通知), as pure rules:
 * - signature: SHA256withRSA (base64 in `Wechatpay-Signature`) over
 *   `${Wechatpay-Timestamp}\n${Wechatpay-Nonce}\n${raw body}\n`, with the platform key chosen by
 *   `Wechatpay-Serial` (a platform-certificate serial or a `PUB_KEY_ID_…`; several are held during rotation);
 * - a timestamp more than 5 minutes from `now` is refused; `WECHATPAY/SIGNTEST/` probes must fail;
 * - `resource` is AEAD_AES_256_GCM with the APIv3 key, `nonce` and `associated_data`; the 16-byte tag
 *   ends the base64 ciphertext.
 */
export interface WechatConfig {
  mchid: string;
  appid?: string | undefined;
  /** The 32-byte APIv3 key. */
  apiV3Key: string;
  /** Platform public keys (PEM) by certificate serial or public-key id. */
  platformKeys: Record<string, string>;
}

export const WECHAT_TOLERANCE_SECONDS = 300;
const PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';

export interface WechatHeaders {
  signature?: string | undefined;
  timestamp?: string | undefined;
  nonce?: string | undefined;
  serial?: string | undefined;
}

export const wechatSignedMessage = (timestamp: string, nonce: string, raw: Buffer) =>
  Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), raw, Buffer.from('\n', 'utf8')]);

const keyCache = new Map<string, KeyObject>();
const publicKeyOf = (pem: string): KeyObject => {
  let key = keyCache.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    keyCache.set(pem, key);
  }
  return key;
};

/** AEAD_AES_256_GCM decryption of a notification resource; undefined when the tag does not verify. */
export const decryptResource = (
  apiV3Key: string,
  resource: { ciphertext: string; nonce: string; associated_data?: string | undefined },
): string | undefined => {
  try {
    const data = Buffer.from(resource.ciphertext, 'base64');
    if (data.length <= 16) return undefined;
    const key = Buffer.from(apiV3Key, 'utf8');
    if (key.length !== 32) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
};

type Json = Record<string, unknown>;
const obj = (value: unknown): Json | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const int = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;

/** Verifies and decrypts one WeChat Pay notification. */
export const verifyWechat = (config: WechatConfig | undefined, headers: WechatHeaders, raw: Buffer, now: Date): Verification => {
  if (!config) return reject('NOT_CONFIGURED');
  const { signature, timestamp, nonce, serial } = headers;
  if (!signature || !timestamp || !nonce || !serial) return reject('MISSING_SIGNATURE');
  if (signature.startsWith(PROBE_PREFIX)) return reject('SIGNATURE_PROBE');
  const pem = config.platformKeys[serial];
  if (!pem) return reject('UNKNOWN_KEY', serial);
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now.getTime() / 1000 - Number(timestamp)) > WECHAT_TOLERANCE_SECONDS) {
    return reject('STALE_TIMESTAMP', timestamp);
  }
  let valid = false;
  try {
    valid = verify('sha256', wechatSignedMessage(timestamp, nonce, raw), publicKeyOf(pem), Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return reject('BAD_SIGNATURE');

  let body: Json | undefined;
  try {
    body = obj(JSON.parse(raw.toString('utf8')));
  } catch {
    body = undefined;
  }
  const resource = obj(body?.resource);
  const id = str(body?.id);
  const eventType = str(body?.event_type);
  if (!body || !resource || !id || !eventType) return reject('MALFORMED');
  if (resource.algorithm !== 'AEAD_AES_256_GCM' || !str(resource.ciphertext) || !str(resource.nonce)) return reject('MALFORMED');
  const plain = decryptResource(config.apiV3Key, {
    ciphertext: String(resource.ciphertext),
    nonce: String(resource.nonce),
    associated_data: typeof resource.associated_data === 'string' ? resource.associated_data : '',
  });
  if (plain === undefined) return reject('DECRYPT_FAILED');
  let data: Json | undefined;
  try {
    data = obj(JSON.parse(plain));
  } catch {
    data = undefined;
  }
  if (!data) return reject('MALFORMED');
  if (str(data.mchid) && data.mchid !== config.mchid) return reject('WRONG_MERCHANT', String(data.mchid));
  if (config.appid && str(data.appid) && data.appid !== config.appid) return reject('WRONG_MERCHANT', String(data.appid));

  const base = { provider: 'wechat' as const, notifyId: id, eventType };
  const amount = obj(data.amount);
  if (eventType === 'TRANSACTION.SUCCESS') {
    const tradeNo = str(data.transaction_id);
    const total = int(amount?.total);
    if (!tradeNo || total === undefined || data.trade_state !== 'SUCCESS') return reject('MALFORMED');
    const successTime = str(data.success_time);
    return {
      ok: true,
      notification: {
        ...base,
        event: {
          kind: 'payment',
          outTradeNo: str(data.out_trade_no),
          tradeNo,
          amountFen: total,
          currency: str(amount?.currency) ?? 'CNY',
          paidAt: successTime && !Number.isNaN(Date.parse(successTime)) ? new Date(successTime).toISOString() : undefined,
          payer: str(obj(data.payer)?.openid),
        },
      },
    };
  }
  if (eventType === 'REFUND.SUCCESS') {
    const tradeNo = str(data.transaction_id);
    const refundId = str(data.refund_id);
    const refund = int(amount?.refund);
    if (!tradeNo || !refundId || refund === undefined || data.refund_status !== 'SUCCESS') return reject('MALFORMED');
    return {
      ok: true,
      notification: {
        ...base,
        event: {
          kind: 'refund',
          outTradeNo: str(data.out_trade_no),
          tradeNo,
          refundKey: refundId,
          amountFen: refund,
          currency: str(amount?.currency) ?? 'CNY',
        },
      },
    };
  }
  // REFUND.ABNORMAL / REFUND.CLOSED and anything else: recorded, nothing to post.
  return { ok: true, notification: { ...base, event: { kind: 'ignored', note: `${eventType}: 无需入账` } } };
};
