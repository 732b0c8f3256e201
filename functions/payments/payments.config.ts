import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readSecretString } from '../core/secrets';
import type { AlipayConfig } from './alipay.domain';
import type { StripeConfig } from './stripe.domain';
import type { WechatConfig } from './wechat.domain';

/**
 * Provider keys and secrets, never in code. Looked up in this order:
 * 1. `PAYMENTS_CONFIG` — the JSON itself in an environment variable (tests, CI);
 * 2. `PAYMENTS_SECRET_ID` in Lambda — the Secrets Manager secret (a JSON string), read through the
 *    AWS Parameters and Secrets Lambda Extension on localhost:2773 (no SDK in the bundle), cached 5 minutes;
 * 3. a JSON file: `PAYMENTS_CONFIG_FILE`, else `${DATA_DIR:-.data}/payments.secrets.json` (the local target).
 * Missing configuration means the provider's webhook refuses everything (NOT_CONFIGURED), recorded.
 */
export interface PaymentConfig {
  wechat?: WechatConfig | undefined;
  alipay?: AlipayConfig | undefined;
  stripe?: StripeConfig | undefined;
  /** The online-payments receipt book (held by `webhook`) per estate, used when an order names none. */
  receiptBooks?: Record<string, string> | undefined;
}

export const PaymentConfigSchema = z.object({
  wechat: z
    .object({
      mchid: z.string().min(1),
      appid: z.string().min(1).optional(),
      apiV3Key: z.string().length(32, 'APIv3 密钥应为32字节'),
      platformKeys: z.record(z.string(), z.string().min(1)),
    })
    .optional(),
  alipay: z
    .object({ appId: z.string().min(1), sellerId: z.string().min(1).optional(), alipayPublicKey: z.string().min(1) })
    .optional(),
  stripe: z.object({ endpointSecrets: z.array(z.string().min(1)).min(1) }).optional(),
  receiptBooks: z.record(z.string(), z.string()).optional(),
});

const SECRET_CACHE_MS = 5 * 60 * 1000;
const FILE_CHECK_MS = 2000;
let cache: { source: string; checkedAt: number; stamp: string; config: PaymentConfig } | undefined;

const parse = (text: string, source: string): PaymentConfig => {
  const parsed = PaymentConfigSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`payment configuration in ${source} is invalid: ${parsed.error.message}`);
  return parsed.data;
};

const fromExtension = readSecretString;

export const loadPaymentConfig = async (nowMs = Date.now()): Promise<PaymentConfig> => {
  const inline = process.env.PAYMENTS_CONFIG;
  if (inline) {
    if (cache?.source === 'env' && cache.stamp === inline) return cache.config;
    const config = parse(inline, 'PAYMENTS_CONFIG');
    cache = { source: 'env', checkedAt: nowMs, stamp: inline, config };
    return config;
  }
  const secretId = process.env.PAYMENTS_SECRET_ID;
  if (secretId && process.env.AWS_LAMBDA_FUNCTION_NAME) {
    if (cache?.source === `secret:${secretId}` && nowMs - cache.checkedAt < SECRET_CACHE_MS) return cache.config;
    const config = parse(await fromExtension(secretId), secretId);
    cache = { source: `secret:${secretId}`, checkedAt: nowMs, stamp: '', config };
    return config;
  }
  const file = process.env.PAYMENTS_CONFIG_FILE ?? join(process.env.DATA_DIR ?? '.data', 'payments.secrets.json');
  if (cache?.source === `file:${file}` && nowMs - cache.checkedAt < FILE_CHECK_MS) return cache.config;
  try {
    const info = await stat(file);
    const stamp = `${info.mtimeMs}:${info.size}`;
    if (cache?.source === `file:${file}` && cache.stamp === stamp) {
      cache.checkedAt = nowMs;
      return cache.config;
    }
    const config = parse(await readFile(file, 'utf8'), file);
    cache = { source: `file:${file}`, checkedAt: nowMs, stamp, config };
    return config;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      cache = { source: `file:${file}`, checkedAt: nowMs, stamp: 'missing', config: {} };
      return {};
    }
    throw error;
  }
};
