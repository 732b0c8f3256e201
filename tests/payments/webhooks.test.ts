import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  alipayPaid,
  alipayRefunded,
  signAlipay,
  signStripe,
  signWechat,
  stripeRefunded,
  stripeSucceeded,
  wechatRefund,
  wechatTransaction,
} from '../../cdk/local/sign-test-notification';
import { statement } from '../../functions/fees/ledger.commands';
import { readPaymentOrder } from '../../functions/payments/payments.commands';
import type { Store } from '../../functions/store/client';
import { allItems } from '../support/store';
import { deliver, openOrder, seedPayments, testKeys } from './support';

const wechatPay = (
  outTradeNo: string,
  totalFen: number,
  transactionId = `4200${Date.now()}${Math.random()}`.slice(0, 28),
  id?: string,
) => {
  const k = testKeys().wechat;
  return signWechat({
    privateKey: k.privateKey,
    serial: k.serial,
    apiV3Key: k.apiV3Key,
    eventType: 'TRANSACTION.SUCCESS',
    resource: wechatTransaction({ mchid: k.mchid, appid: k.appid, outTradeNo, transactionId, totalFen }),
    ...(id ? { id } : {}),
  });
};
const wechatRefundOf = (outTradeNo: string, transactionId: string, refundId: string, refundFen: number) => {
  const k = testKeys().wechat;
  return signWechat({
    privateKey: k.privateKey,
    serial: k.serial,
    apiV3Key: k.apiV3Key,
    eventType: 'REFUND.SUCCESS',
    resource: wechatRefund({ mchid: k.mchid, outTradeNo, transactionId, refundId, totalFen: 67125, refundFen }),
  });
};
const alipayPay = (
  outTradeNo: string,
  totalAmount: string,
  tradeNo: string,
  status: 'TRADE_SUCCESS' | 'TRADE_FINISHED' = 'TRADE_SUCCESS',
) => {
  const k = testKeys().alipay;
  return signAlipay(k.privateKey, alipayPaid({ appId: k.appId, sellerId: k.sellerId, outTradeNo, tradeNo, totalAmount, status }));
};
const stripePay = (outTradeNo: string, amountFen: number, paymentIntent: string, currency = 'cny') =>
  signStripe(testKeys().stripe.secret, stripeSucceeded({ outTradeNo, paymentIntent, amountFen, currency }));

const countOf = (
  items: Array<Record<string, unknown>>,
  type: string,
  extra: (i: Record<string, unknown>) => boolean = () => true,
) => items.filter((item) => item.type === type && extra(item)).length;
const payments = async (store: Store) => countOf(await allItems(store), 'ledgerEntry', (i) => i.entryKind === 'payment');
const vouchers = async (store: Store) => countOf(await allItems(store), 'voucher', (i) => i.bookId === 'W1');

describe('payment webhooks', () => {
  const providers = [
    ['wechat', (no: string) => wechatPay(no, 67125, '4200000001202611201234567890')],
    ['alipay', (no: string) => alipayPay(no, '671.25', '2026112022001456380542497258')],
    ['stripe', (no: string) => stripePay(no, 67125, 'pi_3TestPaymentIntent')],
  ] as const;

  it.each(providers)('posts a valid %s notification once with its receipt from the online book', async (provider, make) => {
    // Prepare
    const store = await seedPayments(`pay-${provider}`);
    const order = await openOrder(store);
    // Act
    const result = await deliver(store, provider, make(order.outTradeNo));
    // Assess
    expect(result).toMatchObject({ verdict: 'posted', voucherNo: 'W1-000001' });
    const { account } = await statement(store, 'lhy', '3-2-1501');
    expect(account.owedFen).toBe(0);
    expect((await readPaymentOrder(store, order.outTradeNo))?.status).toBe('paid');
    const items = await allItems(store);
    expect(
      countOf(
        items,
        'voucher',
        (i) => i.bookId === 'W1' && i.method === { wechat: 'wechat', alipay: 'alipay', stripe: 'card' }[provider],
      ),
    ).toBe(1);
    expect(countOf(items, 'paymentNotice', (i) => i.verdict === 'posted' && typeof i.digest === 'string')).toBe(1);
  });

  it.each(providers)(
    'posts once and answers success every time when the same %s notification arrives 10 times, also concurrently',
    async (provider, make) => {
      // Prepare
      const store = await seedPayments(`dup-${provider}`);
      const order = await openOrder(store);
      const signed = make(order.outTradeNo);
      // Act
      const concurrent = await Promise.all(Array.from({ length: 10 }, () => deliver(store, provider, signed)));
      const sequential = [];
      for (let i = 0; i < 10; i += 1) sequential.push(await deliver(store, provider, signed));
      // Assess
      for (const result of [...concurrent, ...sequential])
        expect(result).toMatchObject({ verdict: 'posted', voucherNo: 'W1-000001' });
      expect(await payments(store)).toBe(1);
      expect(await vouchers(store)).toBe(1);
      expect((await statement(store, 'lhy', '3-2-1501')).account.owedFen).toBe(0);
    },
  );

  it('posts an Alipay payment once when both TRADE_SUCCESS and TRADE_FINISHED arrive (different notify ids)', async () => {
    // Prepare
    const store = await seedPayments('ali-finished');
    const order = await openOrder(store);
    // Act
    const [a, b] = await Promise.all([
      deliver(store, 'alipay', alipayPay(order.outTradeNo, '671.25', '2026112099', 'TRADE_SUCCESS')),
      deliver(store, 'alipay', alipayPay(order.outTradeNo, '671.25', '2026112099', 'TRADE_FINISHED')),
    ]);
    // Assess
    expect([a, b].map((r) => (r as { verdict: string }).verdict).sort()).toEqual(['already_posted', 'posted']);
    expect(await payments(store)).toBe(1);
  });

  describe('rejects and records, posting nothing', () => {
    const k = () => testKeys();
    // a second key pair, generated here: a signature by another key
    const otherKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const cases: Array<
      [string, 'wechat' | 'alipay' | 'stripe', string, (no: string) => { body: string; headers: Record<string, string> }]
    > = [
      [
        'a forged WeChat signature',
        'wechat',
        'BAD_SIGNATURE',
        (no) => {
          const s = wechatPay(no, 67125);
          return { ...s, headers: { ...s.headers, 'wechatpay-signature': Buffer.alloc(256, 7).toString('base64') } };
        },
      ],
      [
        'a WeChat signature by another key',
        'wechat',
        'BAD_SIGNATURE',
        (no) =>
          signWechat({
            privateKey: otherKey(),
            serial: k().wechat.serial,
            apiV3Key: k().wechat.apiV3Key,
            eventType: 'TRANSACTION.SUCCESS',
            resource: wechatTransaction({ ...k().wechat, outTradeNo: no, transactionId: '42001', totalFen: 67125 }),
          }),
      ],
      [
        'a tampered WeChat body',
        'wechat',
        'BAD_SIGNATURE',
        (no) => {
          const s = wechatPay(no, 67125);
          return { ...s, body: s.body.replace('"支付成功"', '"支付成功 "') };
        },
      ],
      [
        'a stale WeChat timestamp',
        'wechat',
        'STALE_TIMESTAMP',
        (no) =>
          signWechat({
            privateKey: k().wechat.privateKey,
            serial: k().wechat.serial,
            apiV3Key: k().wechat.apiV3Key,
            eventType: 'TRANSACTION.SUCCESS',
            timestamp: Math.floor(Date.now() / 1000) - 301,
            resource: wechatTransaction({ ...k().wechat, outTradeNo: no, transactionId: '42002', totalFen: 67125 }),
          }),
      ],
      [
        'a WeChat signature probe',
        'wechat',
        'SIGNATURE_PROBE',
        (no) => {
          const s = wechatPay(no, 67125);
          return {
            ...s,
            headers: { ...s.headers, 'wechatpay-signature': `WECHATPAY/SIGNTEST/${s.headers['wechatpay-signature']}` },
          };
        },
      ],
      [
        'an unknown WeChat serial',
        'wechat',
        'UNKNOWN_KEY',
        (no) => {
          const s = wechatPay(no, 67125);
          return { ...s, headers: { ...s.headers, 'wechatpay-serial': 'PUB_KEY_ID_OTHER' } };
        },
      ],
      [
        'a tampered GCM ciphertext (re-signed)',
        'wechat',
        'DECRYPT_FAILED',
        (no) =>
          tamperResource(no, (r) => {
            const data = Buffer.from(String(r.ciphertext), 'base64');
            data[3] = (data[3] ?? 0) ^ 1;
            return { ...r, ciphertext: data.toString('base64') };
          }),
      ],
      [
        'tampered GCM associated_data (re-signed)',
        'wechat',
        'DECRYPT_FAILED',
        (no) => tamperResource(no, (r) => ({ ...r, associated_data: 'refund' })),
      ],
      [
        'a forged Alipay signature',
        'alipay',
        'BAD_SIGNATURE',
        (no) => {
          const s = alipayPay(no, '671.25', '2026A');
          return {
            ...s,
            body: s.body.replace(/sign=[^&]+/, `sign=${encodeURIComponent(Buffer.alloc(256, 1).toString('base64'))}`),
          };
        },
      ],
      [
        'an Alipay signature by another key',
        'alipay',
        'BAD_SIGNATURE',
        (no) => signAlipay(otherKey(), alipayPaid({ ...k().alipay, outTradeNo: no, tradeNo: '2026B', totalAmount: '671.25' })),
      ],
      [
        'a tampered Alipay amount',
        'alipay',
        'BAD_SIGNATURE',
        (no) => {
          const s = alipayPay(no, '671.25', '2026C');
          return { ...s, body: s.body.replace('total_amount=671.25', 'total_amount=0.01') };
        },
      ],
      [
        'an Alipay notification with sign_type RSA',
        'alipay',
        'WRONG_SIGN_TYPE',
        (no) => {
          const s = alipayPay(no, '671.25', '2026D');
          return { ...s, body: s.body.replace('sign_type=RSA2', 'sign_type=RSA') };
        },
      ],
      [
        'an Alipay notification for another app',
        'alipay',
        'WRONG_MERCHANT',
        (no) =>
          signAlipay(
            k().alipay.privateKey,
            alipayPaid({ ...k().alipay, appId: '2021999', outTradeNo: no, tradeNo: '2026E', totalAmount: '671.25' }),
          ),
      ],
      [
        'a forged Stripe signature',
        'stripe',
        'BAD_SIGNATURE',
        (no) => {
          const s = stripePay(no, 67125, 'pi_forged');
          return {
            ...s,
            headers: {
              ...s.headers,
              'stripe-signature': s.headers['stripe-signature'].replace(/v1=\w+/, `v1=${'0'.repeat(64)}`),
            },
          };
        },
      ],
      [
        'a Stripe signature by another secret',
        'stripe',
        'BAD_SIGNATURE',
        (no) => signStripe('whsec_other', stripeSucceeded({ outTradeNo: no, paymentIntent: 'pi_other', amountFen: 67125 })),
      ],
      [
        'a tampered Stripe body',
        'stripe',
        'BAD_SIGNATURE',
        (no) => {
          const s = stripePay(no, 67125, 'pi_tamper');
          return { ...s, body: s.body.replace('"amount":67125', '"amount":1') };
        },
      ],
      [
        'a stale Stripe timestamp',
        'stripe',
        'STALE_TIMESTAMP',
        (no) =>
          signStripe(
            k().stripe.secret,
            stripeSucceeded({ outTradeNo: no, paymentIntent: 'pi_stale', amountFen: 67125 }),
            Math.floor(Date.now() / 1000) - 301,
          ),
      ],
    ];
    const tamperResource = (no: string, change: (r: Record<string, unknown>) => Record<string, unknown>) => {
      // Decrypt-level tampering with a valid signature over the tampered body (the signature alone cannot catch it).
      const s = wechatPay(no, 67125);
      const body = JSON.parse(s.body) as { resource: Record<string, unknown> };
      body.resource = change(body.resource);
      const raw = JSON.stringify(body);
      const ts = s.headers['wechatpay-timestamp'];
      const nonce = s.headers['wechatpay-nonce'];
      const signature = sign('sha256', Buffer.from(`${ts}\n${nonce}\n${raw}\n`), k().wechat.privateKey).toString('base64');
      return { body: raw, headers: { ...s.headers, 'wechatpay-signature': signature } };
    };

    it.each(cases)('rejects %s', async (_, provider, reason, make) => {
      // Prepare
      const store = await seedPayments('reject');
      const order = await openOrder(store);
      // Act
      const result = await deliver(store, provider, make(order.outTradeNo));
      // Assess
      expect(result).toMatchObject({ rejected: { code: 'NOTIFICATION_REJECTED', reason } });
      const items = await allItems(store);
      expect(
        countOf(items, 'paymentAttempt', (i) => i.reason === reason && i.provider === provider && i.verdict === 'rejected'),
      ).toBe(1);
      expect(countOf(items, 'ledgerEntry', (i) => i.entryKind === 'payment')).toBe(0);
      expect(countOf(items, 'paymentNotice')).toBe(0);
    });
  });

  it('holds a payment whose amount differs from the order for a person, posting nothing', async () => {
    // Prepare
    const store = await seedPayments('mismatch');
    const order = await openOrder(store);
    // Act
    const result = await deliver(store, 'wechat', wechatPay(order.outTradeNo, 100));
    // Assess
    expect(result).toMatchObject({ verdict: 'held', reason: 'amount_mismatch' });
    expect(await payments(store)).toBe(0);
    const holds = (await allItems(store)).filter((i) => i.type === 'paymentHold');
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ reason: 'amount_mismatch', amountFen: 100, gsi1pk: 'PAYQUEUE#open', unitCode: '3-2-1501' });
  });

  it('holds a payment in another currency and an unmatched payment (待认领)', async () => {
    // Prepare
    const store = await seedPayments('unmatched');
    const order = await openOrder(store);
    // Act
    const usd = await deliver(store, 'stripe', stripePay(order.outTradeNo, 67125, 'pi_usd', 'usd'));
    const unknown = await deliver(store, 'alipay', alipayPay('PD01KNOWNNOTHINGHERE000000', '10.00', '2026X'));
    // Assess
    expect(usd).toMatchObject({ verdict: 'held', reason: 'currency_mismatch' });
    expect(unknown).toMatchObject({ verdict: 'held', reason: 'unmatched' });
    expect(await payments(store)).toBe(0);
  });

  it('records a second payment for an already-paid order as a duplicate to refund', async () => {
    // Prepare
    const store = await seedPayments('second');
    const order = await openOrder(store);
    await deliver(store, 'wechat', wechatPay(order.outTradeNo, 67125, '4200FIRST'));
    // Act
    const second = await deliver(store, 'alipay', alipayPay(order.outTradeNo, '671.25', '2026SECOND'));
    // Assess
    expect(second).toMatchObject({ verdict: 'held', reason: 'duplicate_payment' });
    expect(await payments(store)).toBe(1);
  });

  it('holds a refund that arrives before its payment, then applies it when the payment arrives', async () => {
    // Prepare
    const store = await seedPayments('early-refund');
    const order = await openOrder(store);
    // Act
    const refund = await deliver(store, 'wechat', wechatRefundOf(order.outTradeNo, '4200EARLY', '5030001', 22375));
    const refundAgain = await deliver(store, 'wechat', wechatRefundOf(order.outTradeNo, '4200EARLY', '5030001', 22375));
    const pay = await deliver(store, 'wechat', wechatPay(order.outTradeNo, 67125, '4200EARLY'));
    // Assess
    expect(refund).toMatchObject({ verdict: 'refund_deferred' });
    expect(refundAgain).toMatchObject({ verdict: 'refund_deferred' });
    expect(pay).toMatchObject({ verdict: 'posted', refundedFen: 22375 });
    const { account, entries } = await statement(store, 'lhy', '3-2-1501');
    expect(account.owedFen).toBe(22375);
    expect(entries.filter((e) => e.entryKind === 'provider_refund')).toHaveLength(1);
    expect(await readPaymentOrder(store, order.outTradeNo)).toMatchObject({ refundedFen: 22375, heldRefunds: [] });
  });

  it('adds up partial refunds and refuses the excess beyond the payment (Alipay cumulative refund_fee)', async () => {
    // Prepare
    const store = await seedPayments('partial');
    const order = await openOrder(store);
    const a = testKeys().alipay;
    await deliver(store, 'alipay', alipayPay(order.outTradeNo, '671.25', '2026PART'));
    const refund = (total: string, biz: string) =>
      signAlipay(
        a.privateKey,
        alipayRefunded({
          ...a,
          outTradeNo: order.outTradeNo,
          tradeNo: '2026PART',
          totalAmount: '671.25',
          refundFee: total,
          outBizNo: biz,
        }),
      );
    // Act
    const first = await deliver(store, 'alipay', refund('100.00', 'RF1'));
    const second = await deliver(store, 'alipay', refund('600.00', 'RF2'));
    const beyond = await deliver(store, 'alipay', refund('700.00', 'RF3'));
    // Assess
    expect(first).toMatchObject({ verdict: 'refund_posted', refundedFen: 10000 });
    expect(second).toMatchObject({ verdict: 'refund_posted', refundedFen: 50000 });
    expect(beyond).toMatchObject({ verdict: 'refund_posted', refundedFen: 7125, reason: 'refund_excess' });
    const saved = await readPaymentOrder(store, order.outTradeNo);
    expect(saved?.refundedFen).toBe(67125);
    expect((await statement(store, 'lhy', '3-2-1501')).account.owedFen).toBe(67125);
    const excess = (await allItems(store)).find((i) => i.type === 'paymentHold');
    expect(excess).toMatchObject({ reason: 'refund_excess', amountFen: 2875 });
  });

  it('refuses WeChat partial refunds beyond the payment and applies a Stripe refund found by its payment intent', async () => {
    // Prepare
    const store = await seedPayments('refund-mix');
    const order = await openOrder(store);
    await deliver(store, 'wechat', wechatPay(order.outTradeNo, 67125, '4200MIX'));
    const order2 = await openOrder(store, 5000);
    await deliver(store, 'stripe', stripePay(order2.outTradeNo, 5000, 'pi_mix'));
    // Act
    const r1 = await deliver(store, 'wechat', wechatRefundOf(order.outTradeNo, '4200MIX', 'R1', 60000));
    const r2 = await deliver(store, 'wechat', wechatRefundOf(order.outTradeNo, '4200MIX', 'R2', 10000));
    const s1 = await deliver(
      store,
      'stripe',
      signStripe(testKeys().stripe.secret, stripeRefunded({ paymentIntent: 'pi_mix', amountFen: 5000, refundedFen: 2000 })),
    );
    // Assess
    expect(r1).toMatchObject({ verdict: 'refund_posted', refundedFen: 60000 });
    expect(r2).toMatchObject({ verdict: 'refund_posted', refundedFen: 7125, reason: 'refund_excess' });
    expect(s1).toMatchObject({ verdict: 'refund_posted', refundedFen: 2000 });
    expect((await readPaymentOrder(store, order.outTradeNo))?.refundedFen).toBe(67125);
  });

  it('records the notification with its provider, id, digest and verdict', async () => {
    // Prepare
    const store = await seedPayments('record');
    const order = await openOrder(store);
    const id = randomUUID();
    // Act
    await deliver(store, 'wechat', wechatPay(order.outTradeNo, 67125, '4200REC', id));
    // Assess
    const notice = (await allItems(store)).find((i) => i.type === 'paymentNotice');
    expect(notice).toMatchObject({ provider: 'wechat', notifyId: id, verdict: 'posted', eventType: 'TRANSACTION.SUCCESS' });
    expect(String(notice?.digest)).toMatch(/^[0-9a-f]{64}$/);
  });
});
