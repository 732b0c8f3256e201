import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningTarget, startTarget } from '../support/local-target';

/** A renovation permit over real HTTP, from application to the approved deposit refund. */
let t: RunningTarget;
beforeAll(async () => {
  t = await startTarget('renovation');
});
afterAll(async () => {
  await t.target.stop();
});

describe('renovation over HTTP', () => {
  it('takes a permit from application to refund; the ledger shows the deposits held and released once', async () => {
    // Prepare: estate, a handed-over unit, the deposit fee item, a receipt book
    const head = await t.token('centre_head', '王主任', { sub: 'head-1' });
    const desk = await t.token('front_desk', '张三', { sub: 'desk-1' });
    const cashier = await t.token('cashier', '赵出纳', { sub: 'cashier-1' });
    const manager = await t.token('renovation_manager', '钱经理', { sub: 'mgr-1' });
    const ok = t.ok.bind(t);
    await ok('POST', '/estates', head, { id: 'lhy', name: '绿湖苑' });
    await ok('POST', '/estates/lhy/buildings', head, { code: '3' });
    await ok('POST', '/estates/lhy/units', desk, {
      code: '3-2-1501',
      buildingCode: '3',
      area: '89.50',
      status: 'handed_over',
      household: { type: 'family', owner: { name: '李四', idNumber: '11010519491231002X', phone: '13812345678' } },
    });
    await ok('POST', '/estates/lhy/fee-schedule/renovation_deposit', head, {
      name: '装修保证金',
      category: 'deposit',
      basis: 'entered',
      rateFen: 0,
      unitLabel: '笔',
      effectiveFrom: '2026-01-01',
    });
    await ok('POST', '/estates/lhy/voucher-books', cashier, {
      bookId: 'R1',
      kind: 'receipt',
      holder: { id: 'desk-1', name: '张三' },
      firstNumber: 1,
      lastNumber: 100,
    });
    const base = '/estates/lhy/units/3-2-1501/renovations';

    // Act: application, documents, approval, deposits, a pass, inspection
    const applied = await ok('POST', base, desk, {
      applicant: { name: '李四', idNumber: '11010519491231002X', phone: '13812345678' },
      selfRenovation: true,
      contractor: { lead: { name: '李四', idNumber: '11010519491231002X', phone: '13812345678' } },
      works: ['simple_surface'],
      mainWorks: '铺木地板、墙面粉刷',
      plannedFrom: '2026-07-01',
      plannedTo: '2026-09-30',
    });
    expect(JSON.stringify(applied)).not.toContain('11010519491231002X');
    expect(applied.requiredDocuments.map((d: { code: string }) => d.code)).toEqual([
      'contractor_licence',
      'lead_id',
      'worker_ids',
    ]);
    const p = `${base}/${applied.permitId}`;
    // self-renovation: no contractor company, so the owner signs the 装修声明 in place of its licence
    await ok('PUT', `${p}/documents/contractor_licence`, desk, { state: 'declared' });
    await ok('PUT', `${p}/documents/lead_id`, desk, { state: 'received' });
    await ok('PUT', `${p}/documents/worker_ids`, desk, { state: 'received' });
    const forbidden = await t.call('POST', `${p}/review`, { token: desk, json: { decision: 'approve' } });
    expect(forbidden.status).toBe(403);
    const issued = await ok('POST', `${p}/review`, manager, { decision: 'approve', agreementSigned: true });
    expect(issued).toMatchObject({ status: 'active', permitNo: 'ZX-000001' });
    const paid = await ok('POST', `${p}/deposits`, desk, {
      payer: 'owner',
      amountFen: 200_000,
      method: 'cash',
      voucher: { kind: 'receipt', bookId: 'R1' },
    });
    expect(paid.deposits[0]).toMatchObject({ voucherNo: 'R1-000001', amountFen: 200_000 });
    const withPass = await ok('POST', `${p}/passes`, desk, {
      workers: [{ worker: { name: '王五', idNumber: '440301198001010018' }, photoRefs: ['a.jpg', 'b.jpg'] }],
    });
    expect(withPass.passes[0]).toMatchObject({ passNo: 'LS-000001', validUntil: '2026-09-30' });
    await ok('POST', `${p}/passes/LS-000001/return`, desk, {});
    await ok('POST', `${p}/inspection-request`, desk, {});
    const inspected = await ok('POST', `${p}/inspection`, manager, { result: 'pass', date: '2026-09-28' });
    expect(inspected.refundDueDate).toBe('2026-10-13');
    const requested = await ok('POST', `${p}/refund-request`, desk, {
      passesCounted: 1,
      receiptPresented: true,
      permitPresented: true,
      method: 'cash',
    });
    expect(requested.status).toBe('refund_pending');
    const approval = { signedBy: '李四', signed: true };
    const key = { 'idempotency-key': 'renovation-refund-1' };
    const first = await ok('POST', `${p}/refund-approval`, head, approval, key);
    const retried = await ok('POST', `${p}/refund-approval`, head, approval, key);

    // Assess
    expect(retried).toEqual(first);
    expect(first.account).toMatchObject({ heldFen: 0 });
    const ledger = await ok('GET', '/estates/lhy/units/3-2-1501/statement', desk);
    const refunds = ledger.entries.filter((e: { entryKind: string }) => e.entryKind === 'refund');
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amountFen: 200_000, source: 'deposit' });
    const sheet = await ok('GET', '/estates/lhy/renovation-ledger', desk);
    expect(sheet.rows[0]).toMatchObject({ permitNo: 'ZX-000001', contractor: '业主自装', refundStatus: 'refunded' });
    const unit = await ok('GET', '/estates/lhy/units/3-2-1501', desk);
    expect(unit.status).toBe('handed_over');
  });
});
