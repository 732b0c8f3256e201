import { configFor, generateTestKeys, type TestKeys } from '../../cdk/local/sign-test-notification';
import { PostChargesBody } from '../../functions/fees/fees.schema';
import { postCharges } from '../../functions/fees/ledger.commands';
import { createBook } from '../../functions/fees/vouchers.commands';
import { verifyAlipay } from '../../functions/payments/alipay.domain';
import { createPaymentOrder } from '../../functions/payments/payments.commands';
import type { PaymentConfig } from '../../functions/payments/payments.config';
import type { Provider } from '../../functions/payments/payments.domain';
import { handleNotification } from '../../functions/payments/payments.handler';
import { verifyStripe } from '../../functions/payments/stripe.domain';
import { verifyWechat } from '../../functions/payments/wechat.domain';
import type { Store } from '../../functions/store/client';
import type { CommandContext } from '../../functions/store/commit';
import { seedFees } from '../support/fees-seed';
import { context } from '../support/store';

/** Keys are generated once per test file (never committed); the app sees only the public halves. */
let generated: TestKeys | undefined;
export const testKeys = (): TestKeys => {
  generated ??= generateTestKeys();
  return generated;
};
export const testConfig = (): PaymentConfig => configFor(testKeys(), { lhy: 'W1' });

export const webhookCtx = (now = new Date()): CommandContext => ({
  actor: { id: 'webhook', name: '支付通知', role: 'system' },
  source: 'webhook',
  now,
});

/**
 * The fee seed plus: 3 months of property fee owing on 3-2-1501 (3 × ¥223.75 = ¥671.25) and the
 * online-payments receipt book W1 held by the webhook.
 */
export const seedPayments = async (label = 'pay'): Promise<Store> => {
  const store = await seedFees(label);
  await createBook(store, context('cashier'), 'lhy', {
    bookId: 'W1',
    kind: 'receipt',
    holder: { id: 'webhook', name: '线上支付' },
    firstNumber: 1,
    lastNumber: 5000,
  });
  await postCharges(
    store,
    context('front_desk'),
    'lhy',
    '3-2-1501',
    PostChargesBody.parse({ itemCode: 'property_fee', month: '2026-12', months: 3 }),
  );
  return store;
};

export const openOrder = async (store: Store, amountFen?: number) =>
  (await createPaymentOrder(store, context('front_desk'), 'lhy', '3-2-1501', amountFen ? { amountFen } : {}, testConfig()))
    .result;

/** One delivery through the handler's own path (verify the raw bytes → record → post), as the route runs it. */
export const deliver = async (
  store: Store,
  provider: Provider,
  signed: { body: string; headers: Record<string, string> },
  now = new Date(),
  config: PaymentConfig = testConfig(),
) => {
  const raw = Buffer.from(signed.body, 'utf8');
  const h = signed.headers;
  const verify = () =>
    provider === 'wechat'
      ? verifyWechat(
          config.wechat,
          {
            signature: h['wechatpay-signature'],
            timestamp: h['wechatpay-timestamp'],
            nonce: h['wechatpay-nonce'],
            serial: h['wechatpay-serial'],
          },
          raw,
          now,
        )
      : provider === 'alipay'
        ? verifyAlipay(config.alipay, raw)
        : verifyStripe(config.stripe, h['stripe-signature'], raw, now);
  try {
    return await handleNotification(provider, verify, { rawBody: raw, headers: h, ctx: webhookCtx(now), store });
  } catch (error) {
    return { rejected: error as Error & { code?: string; reason?: string } };
  }
};
