import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredDocuments } from '../../functions/checkin/checkin.domain';
import { type RunningTarget, startTarget } from '../support/local-target';

/** A full family check-in over real HTTP, from reception to archive. */
let t: RunningTarget;
beforeAll(async () => {
  t = await startTarget('checkin');
});
afterAll(async () => {
  await t.target.stop();
});

describe('check-in over HTTP', () => {
  it('takes a family through every step; the ledger shows the 3 months and the utility prepayment paid', async () => {
    // Prepare: estate, unit with its owner, fee schedule, a receipt book
    const head = await t.token('centre_head', '王主任', { sub: 'head-1' });
    const desk = await t.token('front_desk', '张三', { sub: 'desk-1' });
    const cashier = await t.token('cashier', '赵出纳', { sub: 'cashier-1' });
    const engineer = await t.token('engineering', '钱工', { sub: 'eng-1' });
    const ok = t.ok.bind(t);
    await ok('POST', '/estates', head, { id: 'lhy', name: '绿湖苑' });
    await ok('POST', '/estates/lhy/buildings', head, { code: '3' });
    await ok('POST', '/estates/lhy/units', desk, {
      code: '3-2-1501',
      buildingCode: '3',
      area: '89.50',
      household: { type: 'family', owner: { name: '李四', idNumber: '11010519491231002X', phone: '13812345678' } },
    });
    await ok('POST', '/estates/lhy/fee-schedule/property_fee', head, {
      name: '物业服务费',
      category: 'property_fee',
      basis: 'area_month',
      rateFen: 250,
      unitLabel: '㎡·月',
      effectiveFrom: '2026-01-01',
    });
    await ok('POST', '/estates/lhy/fee-schedule/utility_prepay', head, {
      name: '水电预收款',
      category: 'other',
      basis: 'entered',
      rateFen: 0,
      unitLabel: '笔',
      effectiveFrom: '2026-01-01',
    });
    await ok('POST', '/estates/lhy/fee-schedule/parking_rent', head, {
      name: '车位月租费',
      category: 'parking_rent',
      basis: 'per_month',
      rateFen: 30000,
      unitLabel: '月',
      effectiveFrom: '2026-01-01',
    });
    await ok('POST', '/estates/lhy/voucher-books', cashier, {
      bookId: 'R1',
      kind: 'receipt',
      holder: { id: 'desk-1', name: '张三' },
      firstNumber: 1,
      lastNumber: 100,
    });
    const base = '/estates/lhy/units/3-2-1501/checkin-cases';

    // Act
    const opened = await ok('POST', base, desk, {});
    const c = `${base}/${opened.caseId}`;
    for (const code of requiredDocuments('handover', 'family', false)) {
      await ok(
        'PUT',
        `${c}/documents/${code}`,
        desk,
        code === 'family_ids' ? { state: 'waived', reason: '独居' } : { state: 'received' },
      );
    }
    await ok('POST', `${c}/steps/reception/complete`, desk, { notes: '已发《交房手续流转单》' });
    await ok('POST', `${c}/steps/finance/complete`, cashier, { finance: { receiptsVerified: true } });
    const early = await t.call('POST', `${c}/keys`, {
      token: desk,
      json: { items: [{ what: '钥匙', count: 3 }], receivedBy: '李四', signed: true },
    });
    const paid = await ok('POST', `${c}/fees`, desk, {
      firstMonth: '2026-12',
      prepayment: { itemCode: 'utility_prepay', amountFen: 50000 },
      payment: { amountFen: 117125, method: 'cash', voucher: { kind: 'receipt', bookId: 'R1' } },
    });
    await ok('POST', `${c}/keys`, desk, {
      items: [
        { what: '入户门钥匙', count: 3 },
        { what: '门禁卡', count: 2, numbers: ['A01', 'A02'] },
      ],
      receivedBy: '李四',
      signed: true,
    });
    const inspected = await ok('POST', `${c}/inspection`, engineer, {
      readings: { water: 12.5, electricity: 305, gas: 0 },
      defects: [{ location: '主卧', description: '墙面裂缝', responsibility: 'developer', photos: ['photo://1501-1.jpg'] }],
    });
    const ticket = await ok('GET', `/estates/lhy/tickets/${inspected.rectificationTickets[0].ticketId}`, desk);
    const notArchivable = await t.call('POST', `${c}/steps/archive/complete`, { token: desk, json: {} });
    await ok('POST', `${c}/services`, desk, {
      debitAgreement: { bank: '工商银行', accountName: '李四', accountNumber: '6222021234567890123' },
      utilities: ['water', 'electricity', 'broadband'],
      parking: { agreement: 'rent', bayNo: 'B2-018', itemCode: 'parking_rent', signUpDate: '2026-11-22' },
    });
    await ok('POST', `${c}/defects/${inspected.defects[0].defectId}/close`, engineer, { resolution: '开发商已修补' });
    const archived = await ok('POST', `${c}/steps/archive/complete`, desk, {});
    const statement = await ok('GET', '/estates/lhy/units/3-2-1501/statement', desk);
    const unit = await ok('GET', '/estates/lhy/units/3-2-1501', desk);

    // Assess
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('KEYS_BEFORE_PAYMENT');
    expect(paid.fees).toMatchObject({
      voucherNo: 'R1-000001',
      plan: { propertyFeeFen: 67125, prepaymentFen: 50000, payNowFen: 117125 },
    });
    expect(notArchivable.status).toBe(422);
    expect(inspected.rectificationTickets).toHaveLength(1);
    expect(ticket).toMatchObject({ kind: 'repair', unitCode: '3-2-1501' });
    expect(JSON.stringify(ticket)).toContain('验房整改');
    expect(archived).toMatchObject({ status: 'archived', openDefects: 0, missingDocuments: [] });
    const fee = statement.entries.filter(
      (e: { entryKind: string; itemCode?: string }) => e.entryKind === 'charge' && e.itemCode === 'property_fee',
    );
    expect(fee.map((e: { period: string; amountFen: number }) => [e.period, e.amountFen])).toEqual([
      ['2026-12', 22375],
      ['2027-01', 22375],
      ['2027-02', 22375],
    ]);
    expect(statement.entries.find((e: { entryKind: string }) => e.entryKind === 'payment')).toMatchObject({ amountFen: 117125 });
    // paid in full; only the first parking month (300.00) is open
    expect(statement.account.open.map((o: { itemCode: string }) => o.itemCode)).toEqual(['parking_rent']);
    expect(unit).toMatchObject({
      status: 'handed_over',
      household: { debitAccount: { accountNumberMasked: '6222***********0123' } },
    });
  });
});
