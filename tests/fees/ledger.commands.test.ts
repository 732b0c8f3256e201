import { describe, expect, it } from 'vitest';
import { PostChargesBody, PostPaymentBody } from '../../functions/fees/fees.schema';
import { postCharges, postPayment, statement } from '../../functions/fees/ledger.commands';
import { seedFees } from '../support/fees-seed';
import { allItems, context } from '../support/store';

const charge = (body: Record<string, unknown>) => PostChargesBody.parse({ itemCode: 'property_fee', ...body });
const pay = (body: Record<string, unknown>) =>
  PostPaymentBody.parse({ method: 'cash', voucher: { kind: 'receipt', bookId: 'R1' }, ...body });

describe('ledger.commands', () => {
  it('takes the seed scenario: 3 months of 89.50 ㎡ × 2.50 yuan paid in cash with a receipt in capitals, balance 0', async () => {
    // Prepare
    const store = await seedFees();
    const desk = context('front_desk');
    // Act
    const charged = await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2026-12', months: 3 }));
    const paid = await postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 67125 }));
    const final = await statement(store, 'lhy', '3-2-1501');
    // Assess
    expect(charged.result.entries.map((e) => [e.period, e.amountFen])).toEqual([
      ['2026-12', 22375],
      ['2027-01', 22375],
      ['2027-02', 22375],
    ]);
    expect(paid.result.voucher).toMatchObject({
      voucherNo: 'R1-000001',
      kindLabel: '公司正式收据',
      payer: '李四',
      methodLabel: '现金',
      amountFen: 67125,
      amountText: '¥671.25',
      amountCapitals: '人民币陆佰柒拾壹元贰角伍分',
    });
    expect(paid.result.voucher.lines).toHaveLength(3);
    expect(final.account).toMatchObject({ owedFen: 0, creditFen: 0, balanceFen: 0 });
    expect(final.entries.at(-1)).toMatchObject({ entryKind: 'payment', runningBalanceFen: 0 });
  });

  it('keeps an overpayment as credit and lets the next month consume it', async () => {
    // Prepare
    const store = await seedFees();
    const desk = context('front_desk');
    await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2026-12', months: 3 }));
    // Act
    const paid = await postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 100000 }));
    const next = await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2027-03' }));
    // Assess
    expect(paid.result.account).toMatchObject({ owedFen: 0, creditFen: 32875, balanceFen: -32875 });
    expect(paid.result.voucher.lines.at(-1)).toMatchObject({ amountFen: 32875 });
    expect(next.result.account).toMatchObject({ owedFen: 0, creditFen: 32875 - 22375, balanceFen: -10500 });
    expect(next.result.entries.find((e) => e.entryKind === 'credit_applied')).toMatchObject({ amountFen: 22375 });
  });

  it('allocates to the charges the payment names, otherwise oldest first', async () => {
    const store = await seedFees();
    const desk = context('front_desk');
    const charged = await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2026-12', months: 2 }));
    const newest = charged.result.entries[1]?.chargeId as string;
    const paid = await postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 22375, chargeIds: [newest] }));
    expect(paid.result.entries[0]).toMatchObject({ allocations: [{ chargeId: newest, amountFen: 22375 }] });
    expect(paid.result.account.open.map((c) => c.period)).toEqual(['2026-12']);
  });

  it('posts every distinct payment of 50 concurrent ones once, with voucher numbers 1..N and no gap', {
    timeout: 240_000,
  }, async () => {
    // Prepare: 40 distinct payments; 10 of them sent twice with the same idempotency key
    const store = await seedFees('fees-concurrent');
    await postCharges(store, context('front_desk'), 'lhy', '3-2-1501', charge({ month: '2026-12', months: 12 }));
    const amounts = Array.from({ length: 40 }, (_, i) => 1000 + i);
    const calls = [
      ...amounts.map((amountFen, i) => ({ amountFen, key: `pay-concurrent-${i}` })),
      ...amounts.slice(0, 10).map((amountFen, i) => ({ amountFen, key: `pay-concurrent-${i}` })),
    ];
    // Act
    const outcomes = await Promise.all(
      calls.map(({ amountFen, key }) =>
        postPayment(store, context('front_desk', { idempotencyKey: key }), 'lhy', '3-2-1501', pay({ amountFen })),
      ),
    );
    // Assess
    const items = await allItems(store);
    const payments = items.filter((item) => item.entryKind === 'payment');
    const vouchers = items
      .filter((item) => item.type === 'voucher')
      .map((item) => Number(item.number))
      .sort((a, b) => a - b);
    const final = await statement(store, 'lhy', '3-2-1501');
    const total = amounts.reduce((a, b) => a + b, 0);
    expect(payments).toHaveLength(40);
    expect(vouchers).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(final.account.owedFen).toBe(12 * 22375 - total);
    expect(outcomes.filter((o) => o.replayed).length).toBeGreaterThanOrEqual(10);
    const book = items.find((item) => item.type === 'voucherBook' && item.bookId === 'R1');
    expect(book?.nextNumber).toBe(41);
  });

  it('refuses bad input with a clear error and writes nothing', async () => {
    // Prepare
    const store = await seedFees();
    const desk = context('front_desk');
    await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2026-12' }));
    const before = (await allItems(store)).length;
    // Act / Assess
    expect(
      PostPaymentBody.safeParse({ amountFen: -100, method: 'cash', voucher: { kind: 'receipt', bookId: 'R1' } }).success,
    ).toBe(false);
    expect(
      PostPaymentBody.safeParse({ amountFen: 100.5, method: 'cash', voucher: { kind: 'receipt', bookId: 'R1' } }).success,
    ).toBe(false);
    await expect(postPayment(store, desk, 'lhy', '9-9-999', pay({ amountFen: 100 }))).rejects.toMatchObject({
      code: 'UNIT_NOT_FOUND',
    });
    await expect(
      postCharges(store, desk, 'lhy', '3-2-1501', charge({ itemCode: 'swimming_pool', month: '2026-12' })),
    ).rejects.toMatchObject({
      code: 'FEE_ITEM_UNKNOWN',
    });
    await expect(postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2028-06' }))).rejects.toMatchObject({
      code: 'PERIOD_TOO_FAR_AHEAD',
    });
    await expect(postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2025-06' }))).rejects.toMatchObject({
      code: 'NO_RATE_FOR_PERIOD',
    });
    await expect(postCharges(store, desk, 'lhy', '3-2-1501', charge({}))).rejects.toMatchObject({ code: 'CHARGE_INPUT_MISSING' });
    await expect(
      postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 100, voucher: { kind: 'receipt', bookId: 'NOPE' } })),
    ).rejects.toMatchObject({
      code: 'BOOK_NOT_FOUND',
    });
    expect((await allItems(store)).length).toBe(before);
  });

  it('charges per piece with the note printed, and pro-rates a month received mid-way', async () => {
    const store = await seedFees();
    const desk = context('front_desk');
    const cards = await postCharges(
      store,
      desk,
      'lhy',
      '3-2-1501',
      charge({ itemCode: 'ic_card', quantity: 2, note: '卡号 0001、0002' }),
    );
    const partial = await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2026-11', proRateFrom: '2026-11-16' }));
    expect(cards.result.entries[0]).toMatchObject({ amountFen: 4000, quantity: 2, note: '卡号 0001、0002' });
    expect(partial.result.entries[0]).toMatchObject({ amountFen: 11188, periodFrom: '2026-11-16' });
  });
});
