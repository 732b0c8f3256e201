import { describe, expect, it } from 'vitest';
import { encryptWechatResource } from '../../cdk/local/sign-test-notification';
import { alipaySignContent, parseForm } from '../../functions/payments/alipay.domain';
import { decidePayment, decideRefund, type PaymentOrder, refundPortion } from '../../functions/payments/payments.domain';
import { parseStripeHeader } from '../../functions/payments/stripe.domain';
import { decryptResource } from '../../functions/payments/wechat.domain';

const order = (over: Partial<PaymentOrder> = {}): PaymentOrder => ({
  outTradeNo: 'PD01JTESTTESTTESTTESTTESTTE',
  estateId: 'lhy',
  unitCode: '3-2-1501',
  chargeIds: [],
  amountFen: 67125,
  currency: 'CNY',
  bookId: 'W1',
  description: '物业服务费',
  expiresAt: '2026-11-20T04:00:00.000Z',
  createdAt: '2026-11-20T02:00:00.000Z',
  createdBy: { id: 'u', name: '测试员' },
  status: 'open',
  refundedFen: 0,
  refunds: [],
  heldRefunds: [],
  version: 1,
  ...over,
});
const pay = (amountFen = 67125, tradeNo = 'T1', paidAt?: string) => ({
  kind: 'payment' as const,
  tradeNo,
  amountFen,
  currency: 'CNY',
  paidAt,
});

describe('payments.domain', () => {
  it('builds the Alipay sign content from URL-decoded, ASCII-sorted pairs without sign, sign_type and empty values', () => {
    // Prepare
    const params = parseForm(
      Buffer.from(
        'total_amount=2.00&subject=%E5%A4%A7%E4%B9%90%E9%80%8F+2.1&sign_type=RSA2&sign=abc%2B%3D&app_id=2015&empty=&a%26b=x%3Dy',
      ),
    );
    // Act
    const content = alipaySignContent(params ?? {});
    // Assess
    expect(content).toBe('a&b=x=y&app_id=2015&subject=大乐透 2.1&total_amount=2.00');
    expect(params?.sign).toBe('abc+=');
  });

  it('posts only when the amount, currency, state and expiry agree with the order', () => {
    expect(decidePayment(undefined, pay(), 'wechat')).toEqual({ action: 'hold', reason: 'unmatched' });
    expect(decidePayment(order(), pay(100), 'wechat')).toEqual({ action: 'hold', reason: 'amount_mismatch' });
    expect(decidePayment(order(), { ...pay(), currency: 'USD' }, 'wechat')).toEqual({
      action: 'hold',
      reason: 'currency_mismatch',
    });
    expect(decidePayment(order({ status: 'closed' }), pay(), 'wechat')).toEqual({ action: 'hold', reason: 'order_closed' });
    expect(decidePayment(order(), pay(67125, 'T1', '2026-11-20T05:00:00.000Z'), 'wechat')).toEqual({
      action: 'hold',
      reason: 'order_expired',
    });
    expect(decidePayment(order({ status: 'paid', provider: 'wechat', tradeNo: 'T1' }), pay(), 'wechat')).toEqual({
      action: 'already_posted',
    });
    expect(decidePayment(order({ status: 'paid', provider: 'wechat', tradeNo: 'T1' }), pay(67125, 'T2'), 'wechat')).toEqual({
      action: 'hold',
      reason: 'duplicate_payment',
    });
    expect(decidePayment(order(), pay(), 'wechat')).toEqual({ action: 'post' });
  });

  it('refunds exactly the amount, defers a refund before its payment, and refuses what exceeds the payment', () => {
    const paid = order({ status: 'paid', provider: 'alipay', tradeNo: 'T1', refundedFen: 60000 });
    const refund = { refundKey: 'k', tradeNo: 'T1', currency: 'CNY' };
    expect(decideRefund(order(), { ...refund, amountFen: 100 }, 'alipay')).toEqual({ action: 'defer' });
    expect(decideRefund(paid, { ...refund, cumulativeFen: 61000 }, 'alipay')).toEqual({
      action: 'post',
      amountFen: 1000,
      excessFen: 0,
    });
    expect(decideRefund(paid, { ...refund, cumulativeFen: 60000 }, 'alipay')).toEqual({ action: 'already_posted' });
    expect(decideRefund(paid, { ...refund, amountFen: 9000 }, 'alipay')).toEqual({
      action: 'post',
      amountFen: 7125,
      excessFen: 1875,
    });
    expect(decideRefund({ ...paid, refundedFen: 67125 }, { ...refund, amountFen: 1 }, 'alipay')).toEqual({
      action: 'hold',
      reason: 'refund_excess',
      excessFen: 1,
    });
  });

  it('takes a refund back from the credit first, then from the last allocation backwards', () => {
    const payment = {
      allocations: [
        { chargeId: 'A', amountFen: 100 },
        { chargeId: 'B', amountFen: 100 },
      ],
      creditAddedFen: 50,
    };
    expect(refundPortion(payment, 0, 120)).toEqual({ creditFen: 50, allocations: [{ chargeId: 'B', amountFen: 70 }] });
    expect(refundPortion(payment, 120, 100)).toEqual({
      creditFen: 0,
      allocations: [
        { chargeId: 'B', amountFen: 30 },
        { chargeId: 'A', amountFen: 70 },
      ],
    });
  });

  it('decrypts an AEAD_AES_256_GCM resource and refuses a changed tag, nonce or associated data', () => {
    const key = '0123456789abcdef0123456789abcdef';
    const r = encryptWechatResource(key, '{"a":1}', 'transaction', 'abcdefghijkl');
    expect(decryptResource(key, r)).toBe('{"a":1}');
    expect(decryptResource(key, { ...r, associated_data: 'x' })).toBeUndefined();
    expect(decryptResource(key, { ...r, nonce: 'abcdefghijkm' })).toBeUndefined();
    expect(decryptResource('f'.repeat(32), r)).toBeUndefined();
  });

  it('reads every v1 of a Stripe-Signature header', () => {
    expect(parseStripeHeader('t=1,v1=aa,v0=zz,v1=bb')).toEqual({ t: '1', v1: ['aa', 'bb'] });
  });
});
