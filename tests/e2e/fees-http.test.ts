import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningTarget, startTarget } from '../support/local-target';

/** The fee desk over real HTTP: fee schedule, book, charges, a cash payment with its receipt, a void. */
let t: RunningTarget;
beforeAll(async () => {
  t = await startTarget('fees');
});
afterAll(async () => {
  await t.target.stop();
});

describe('fees over HTTP', () => {
  it('charges, takes a cash payment with a receipt, and lets only a cashier void it', async () => {
    // Prepare
    const head = await t.token('centre_head', '王主任', { sub: 'head-1' });
    const desk = await t.token('front_desk', '张三', { sub: 'desk-1' });
    const cashier = await t.token('cashier', '赵出纳', { sub: 'cashier-1' });
    await t.call('POST', '/estates', { token: head, json: { id: 'lhy', name: '绿湖苑' } });
    await t.call('POST', '/estates/lhy/buildings', { token: head, json: { code: '3' } });
    await t.call('POST', '/estates/lhy/units', {
      token: desk,
      json: { code: '3-2-1501', buildingCode: '3', area: '89.50', household: { type: 'family', owner: { name: '李四' } } },
    });
    const item = await t.call('POST', '/estates/lhy/fee-schedule/property_fee', {
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
    const book = await t.call('POST', '/estates/lhy/voucher-books', {
      token: cashier,
      json: { bookId: 'R2026-01', kind: 'receipt', holder: { id: 'desk-1', name: '张三' }, firstNumber: 1, lastNumber: 50 },
    });
    // Act
    const charged = await t.call('POST', '/estates/lhy/units/3-2-1501/charges', {
      token: desk,
      json: { itemCode: 'property_fee', month: '2026-12', months: 3 },
    });
    const paid = await t.call('POST', '/estates/lhy/units/3-2-1501/payments', {
      token: desk,
      headers: { 'idempotency-key': 'pay-3-2-1501-2026-12' },
      json: { amountFen: 67125, method: 'cash', voucher: { kind: 'receipt', bookId: 'R2026-01' } },
    });
    const byDesk = await t.call('POST', '/estates/lhy/voucher-books/R2026-01/vouchers/1/void', {
      token: desk,
      json: { reason: '录入错误' },
    });
    const byCashier = await t.call('POST', '/estates/lhy/voucher-books/R2026-01/vouchers/1/void', {
      token: cashier,
      json: { reason: '录入错误' },
    });
    const voucher = await t.call('GET', '/estates/lhy/voucher-books/R2026-01/vouchers/1', { token: desk });
    const statement = await t.call('GET', '/estates/lhy/units/3-2-1501/statement', { token: desk });
    const arrears = await t.call('GET', '/estates/lhy/arrears?asOf=2027-03-01', { token: desk });
    const badAmount = await t.call('POST', '/estates/lhy/units/3-2-1501/payments', {
      token: desk,
      json: { amountFen: 12.5, method: 'cash', voucher: { kind: 'receipt', bookId: 'R2026-01' } },
    });
    // Assess
    expect(item.status).toBe(201);
    expect(book.status).toBe(201);
    expect(charged.status).toBe(201);
    expect(paid.status).toBe(201);
    expect(paid.body.voucher).toMatchObject({
      voucherNo: 'R2026-01-000001',
      amountCapitals: '人民币陆佰柒拾壹元贰角伍分',
      issuer: { name: '张三' },
    });
    expect(byDesk.status).toBe(403);
    expect(byCashier.status).toBe(200);
    expect(voucher.body).toMatchObject({
      number: 1,
      status: 'voided',
      statusLabel: '已作废',
      void: { reason: '录入错误', voidedBy: { name: '赵出纳' } },
    });
    expect(statement.body.account).toMatchObject({ owedFen: 67125, balanceFen: 67125 });
    expect(arrears.body.totalFen).toBe(67125);
    expect(badAmount.status).toBe(400);
    expect(badAmount.body.error.message).toContain('金额须为整数');
  });
});
