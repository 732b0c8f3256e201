import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alipayPaid,
  configFor,
  generateTestKeys,
  signAlipay,
  signStripe,
  signWechat,
  stripeSucceeded,
  wechatTransaction,
} from '../../cdk/local/sign-test-notification';
import { type RunningTarget, startTarget } from '../support/local-target';

/** The three payment webhooks over real HTTP through the local target: exact replies, exactly-once posting, the queue. */
const keys = generateTestKeys();
let t: RunningTarget;
let desk: string;
let cashier: string;

const post = (path: string, signed: { body: string; headers: Record<string, string> }) =>
  t.call('POST', path, { body: signed.body, headers: signed.headers });

const newOrder = async () => {
  const created = await t.call('POST', '/estates/lhy/units/3-2-1501/payment-orders', { token: desk, json: { amountFen: 22375 } });
  expect(created.status).toBe(201);
  return created.body.outTradeNo as string;
};

beforeAll(async () => {
  process.env.PAYMENTS_CONFIG = JSON.stringify(configFor(keys, { lhy: 'W1' }));
  t = await startTarget('payments');
  const head = await t.token('centre_head', '王主任', { sub: 'head-1' });
  desk = await t.token('front_desk', '张三', { sub: 'desk-1' });
  cashier = await t.token('cashier', '赵出纳', { sub: 'cashier-1' });
  await t.call('POST', '/estates', { token: head, json: { id: 'lhy', name: '绿湖苑' } });
  await t.call('POST', '/estates/lhy/buildings', { token: head, json: { code: '3' } });
  await t.call('POST', '/estates/lhy/units', {
    token: desk,
    json: { code: '3-2-1501', buildingCode: '3', area: '89.50', household: { type: 'family', owner: { name: '李四' } } },
  });
  await t.call('POST', '/estates/lhy/fee-schedule/property_fee', {
    token: head,
    json: {
      name: '物业服务费',
      category: 'property_fee',
      basis: 'area_month',
      rateFen: 250,
      unitLabel: '㎡·月',
      effectiveFrom: '2026-01-01',
    },
  });
  for (const [bookId, holder] of [
    ['W1', { id: 'webhook', name: '线上支付' }],
    ['R1', { id: 'cashier-1', name: '赵出纳' }],
  ] as const) {
    await t.call('POST', '/estates/lhy/voucher-books', {
      token: cashier,
      json: { bookId, kind: 'receipt', holder, firstNumber: 1, lastNumber: 500 },
    });
  }
  await t.call('POST', '/estates/lhy/units/3-2-1501/charges', {
    token: desk,
    json: { itemCode: 'property_fee', month: '2026-12', months: 6 },
  });
});
afterAll(async () => {
  await t.target.stop();
  delete process.env.PAYMENTS_CONFIG;
});

describe('payments over HTTP', () => {
  it('posts a WeChat Pay notification once, answers 200 each time, and answers 401 {"code":"FAIL"} to a forgery', async () => {
    // Prepare
    const outTradeNo = await newOrder();
    const signed = signWechat({
      privateKey: keys.wechat.privateKey,
      serial: keys.wechat.serial,
      apiV3Key: keys.wechat.apiV3Key,
      eventType: 'TRANSACTION.SUCCESS',
      resource: wechatTransaction({ ...keys.wechat, outTradeNo, transactionId: '4200000000HTTP', totalFen: 22375 }),
    });
    // Act
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('/payments/wechat/notify', signed)));
    const forged = await post('/payments/wechat/notify', { ...signed, body: signed.body.replace('支付成功', '支付成功!') });
    const order = await t.call('GET', `/payment-orders/${outTradeNo}`, { token: desk });
    // Assess
    for (const answer of answers) expect(answer.status).toBe(200);
    expect(forged.status).toBe(401);
    expect(forged.body).toEqual({ code: 'FAIL', message: '签名验证失败' });
    expect(order.body).toMatchObject({ status: 'paid', provider: 'wechat', voucherNo: expect.stringMatching(/^W1-/) });
  });

  it('answers Alipay with the exact text success (and fail to a bad signature), posting once', async () => {
    // Prepare
    const outTradeNo = await newOrder();
    const signed = signAlipay(
      keys.alipay.privateKey,
      alipayPaid({ ...keys.alipay, outTradeNo, tradeNo: '2026HTTP01', totalAmount: '223.75' }),
    );
    // Act
    const first = await fetch(`${t.url}/payments/alipay/notify`, { method: 'POST', headers: signed.headers, body: signed.body });
    const again = await fetch(`${t.url}/payments/alipay/notify`, { method: 'POST', headers: signed.headers, body: signed.body });
    const bad = await fetch(`${t.url}/payments/alipay/notify`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body.replace('total_amount=223.75', 'total_amount=0.01'),
    });
    const statement = await t.call('GET', '/estates/lhy/units/3-2-1501/statement', { token: desk });
    // Assess
    expect([first.status, await first.text()]).toEqual([200, 'success']);
    expect(first.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await again.text()).toBe('success');
    expect(await bad.text()).toBe('fail');
    const alipayPayments = statement.body.entries.filter(
      (e: { entryKind: string; method: string }) => e.entryKind === 'payment' && e.method === 'alipay',
    );
    expect(alipayPayments).toHaveLength(1);
  });

  it('posts a Stripe payment_intent.succeeded once and answers 400 to a stale signature', async () => {
    // Prepare
    const outTradeNo = await newOrder();
    const event = stripeSucceeded({ outTradeNo, paymentIntent: 'pi_http_1', amountFen: 22375 });
    const signed = signStripe(keys.stripe.secret, event);
    const stale = signStripe(keys.stripe.secret, event, Math.floor(Date.now() / 1000) - 600);
    // Act
    const first = await post('/payments/stripe/webhook', signed);
    const again = await post('/payments/stripe/webhook', signed);
    const old = await post('/payments/stripe/webhook', stale);
    const order = await t.call('GET', `/payment-orders/${outTradeNo}`, { token: desk });
    const attempts = await t.call('GET', '/payment-attempts', { token: cashier });
    // Assess
    expect(first).toMatchObject({ status: 200, body: { received: true, verdict: 'posted' } });
    expect(again).toMatchObject({ status: 200, body: { received: true, verdict: 'posted' } });
    expect(old.status).toBe(400);
    expect(order.body).toMatchObject({ status: 'paid', provider: 'stripe', tradeNo: 'pi_http_1' });
    expect(attempts.body.items.some((a: { reason: string }) => a.reason === 'STALE_TIMESTAMP')).toBe(true);
  });

  it('queues an unmatched payment (待认领) that a person assigns to a unit with a receipt', async () => {
    // Prepare
    const signed = signStripe(
      keys.stripe.secret,
      stripeSucceeded({ outTradeNo: 'PD01UNKNOWNUNKNOWNUNKNOWN0', paymentIntent: 'pi_lost', amountFen: 5000 }),
    );
    await post('/payments/stripe/webhook', signed);
    const queue = await t.call('GET', '/payment-queue', { token: desk });
    const hold = queue.body.items.find((i: { tradeNo: string }) => i.tradeNo === 'pi_lost');
    // Act
    const assigned = await t.call('POST', `/payment-queue/${hold.holdId}/assign`, {
      token: cashier,
      json: { estateId: 'lhy', unitCode: '3-2-1501', bookId: 'R1', note: '业主来电确认' },
    });
    const twice = await t.call('POST', `/payment-queue/${hold.holdId}/assign`, {
      token: cashier,
      json: { estateId: 'lhy', unitCode: '3-2-1501', bookId: 'R1' },
    });
    const after = await t.call('GET', '/payment-queue', { token: desk });
    const replay = await t.call('POST', `/payment-notices/stripe/${JSON.parse(signed.body).id}/replay`, { token: cashier });
    // Assess
    expect(hold).toMatchObject({ reason: 'unmatched', amountFen: 5000, statusLabel: '待认领' });
    expect(assigned).toMatchObject({ status: 200, body: { status: 'assigned', voucherNo: 'R1-000001' } });
    expect(twice.status).toBe(422);
    expect(twice.body.error.code).toBe('PAYMENT_HOLD_CLOSED');
    expect(after.body.items.some((i: { holdId: string }) => i.holdId === hold.holdId)).toBe(false);
    expect(replay).toMatchObject({ status: 200, body: { verdict: 'already_held' } });
  });
});
