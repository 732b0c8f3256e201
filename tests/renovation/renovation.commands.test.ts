import { describe, expect, it } from 'vitest';
import { statement } from '../../functions/fees/ledger.commands';
import { readVoucher } from '../../functions/fees/vouchers.commands';
import {
  apply,
  extend,
  issuePasses,
  recordDocument,
  recordInspection,
  requestInspection,
  returnPass,
  review,
} from '../../functions/renovation/renovation.commands';
import {
  DepositBody,
  ExtensionBody,
  InspectionBody,
  PassesBody,
  RefundApprovalBody,
  RefundRequestBody,
  ReviewBody,
  TaxBody,
} from '../../functions/renovation/renovation.schema';
import { readPermit } from '../../functions/renovation/renovation.store';
import { renovationLedger } from '../../functions/renovation/renovation-ledger';
import { approveRefund, collectDeposit, collectTax, requestRefund } from '../../functions/renovation/renovation-money.commands';
import type { Store } from '../../functions/store/client';
import { readUnit } from '../../functions/units/units.commands';
import { allItems, context } from '../support/store';
import {
  APPLICANT_ID,
  application,
  issuedPermit,
  LEAD_ID,
  seedRenovation,
  WORKER_ID,
  WORKER_ID_2,
  where,
} from './renovation-seed';

const desk = context('front_desk');
const manager = context('renovation_manager');
const at = (date: string, role: Parameters<typeof context>[0] = 'front_desk', key?: string) =>
  context(role, { now: new Date(`${date}T02:00:00Z`), ...(key ? { idempotencyKey: key } : {}) });

const deposit = (payer: 'owner' | 'contractor', amountFen: number) =>
  DepositBody.parse({ payer, amountFen, method: 'cash', voucher: { kind: 'receipt', bookId: 'R1' } });

const passes = (...ids: string[]) =>
  PassesBody.parse({
    workers: ids.map((idNumber, i) => ({ worker: { name: `工人${i + 1}`, idNumber }, photoRefs: ['p1.jpg', 'p2.jpg'] })),
  });

/** Permit issued, deposits paid, passes out and returned, inspection passed on 2026-09-28. */
const readyForRefund = async (store: Store, options: { returnAll?: boolean } = {}) => {
  const { permitId } = await issuedPermit(store);
  await collectDeposit(store, desk, where(permitId), deposit('owner', 100_000));
  await collectDeposit(store, desk, where(permitId), deposit('contractor', 100_000));
  const issued = await issuePasses(store, desk, where(permitId), passes(WORKER_ID, WORKER_ID_2));
  const passNos = issued.result.passes.map((p) => p.passNo);
  await returnPass(store, desk, where(permitId), passNos[0] as string, {});
  if (options.returnAll !== false) await returnPass(store, desk, where(permitId), passNos[1] as string, {});
  await requestInspection(store, desk, where(permitId), {});
  const inspected = await recordInspection(
    store,
    manager,
    where(permitId),
    InspectionBody.parse({ result: 'pass', date: '2026-09-28' }),
  );
  return { permitId, passNos, inspected: inspected.result };
};

const refundRequest = (over: Record<string, unknown> = {}) =>
  RefundRequestBody.parse({ passesCounted: 2, receiptPresented: true, permitPresented: true, method: 'cash', ...over });

describe('renovation.commands', () => {
  it('issues the permit with a gap-free number and the term, and moves the unit to 装修中', async () => {
    // Prepare
    const store = await seedRenovation();
    // Act
    const { permit } = await issuedPermit(store);
    // Assess
    expect(permit).toMatchObject({ status: 'active', permitNo: 'ZX-000001', term: { from: '2026-07-01', to: '2026-09-30' } });
    expect((await readUnit(store, 'lhy', '3-2-1501')).status).toBe('renovating');
  });

  it('takes 2,000 from the owner when self-renovating, with a receipt, and refuses a contractor deposit', async () => {
    // Prepare
    const store = await seedRenovation();
    const { permitId } = await issuedPermit(store, {
      selfRenovation: true,
      contractor: { lead: { name: '李四', idNumber: APPLICANT_ID } },
    });
    // Act
    const paid = await collectDeposit(store, desk, where(permitId), deposit('owner', 200_000));
    // Assess
    expect(paid.result.deposits).toEqual([
      expect.objectContaining({ payer: 'owner', amountFen: 200_000, voucherNo: 'R1-000001' }),
    ]);
    const receipt = await readVoucher(store, 'lhy', 'R1', 1);
    expect(receipt?.voucher).toMatchObject({ payer: '李四', amountFen: 200_000, amountCapitals: '人民币贰仟元整' });
    expect((await statement(store, 'lhy', '3-2-1501')).account).toMatchObject({ heldFen: 200_000, owedFen: 0 });
    await expect(collectDeposit(store, desk, where(permitId), deposit('contractor', 100_000))).rejects.toMatchObject({
      code: 'DEPOSIT_NOT_DUE',
    });
  });

  it('takes 1,000 from the owner and 1,000 from the contractor, each with its own receipt', async () => {
    // Prepare
    const store = await seedRenovation();
    const { permitId } = await issuedPermit(store);
    // Act
    await collectDeposit(store, desk, where(permitId), deposit('owner', 100_000));
    const both = await collectDeposit(store, desk, where(permitId), deposit('contractor', 100_000));
    // Assess
    expect(both.result.deposits.map((d) => [d.payer, d.amountFen, d.voucherNo, d.payerName])).toEqual([
      ['owner', 100_000, 'R1-000001', '李四'],
      ['contractor', 100_000, 'R1-000002', '美家装饰工程有限公司'],
    ]);
    const { account, entries } = await statement(store, 'lhy', '3-2-1501');
    expect(account).toMatchObject({ heldFen: 200_000, owedFen: 0 });
    expect(entries.filter((e) => e.entryKind === 'charge').map((e) => e.category)).toEqual(['deposit', 'deposit']);
    await expect(collectDeposit(store, desk, where(permitId), deposit('owner', 100_000))).rejects.toMatchObject({
      code: 'DEPOSIT_ALREADY_PAID',
    });
    await expect(collectDeposit(store, desk, where(permitId), deposit('contractor', 50_000))).rejects.toMatchObject({
      code: 'DEPOSIT_ALREADY_PAID',
    });
  });

  it('refuses a permit of more than 3 months, at application and at approval', async () => {
    // Prepare
    const store = await seedRenovation();
    // Act / Assess
    await expect(apply(store, desk, 'lhy', '3-2-1501', application({ plannedTo: '2026-10-01' }))).rejects.toMatchObject({
      code: 'TERM_TOO_LONG',
    });
    const applied = await apply(store, desk, 'lhy', '3-2-1501', application());
    for (const code of ['contractor_licence', 'contractor_qualification', 'drawings', 'lead_id', 'worker_ids'] as const) {
      await recordDocument(store, desk, where(applied.result.permitId), code, { state: 'received' });
    }
    await expect(
      review(
        store,
        manager,
        where(applied.result.permitId),
        ReviewBody.parse({ decision: 'approve', term: { from: '2026-07-01', to: '2026-10-01' } }),
      ),
    ).rejects.toMatchObject({ code: 'TERM_TOO_LONG', message: expect.stringContaining('三个月') });
  });

  it('refuses approval while documents are missing; a declaration stands in for contractor documents only', async () => {
    // Prepare
    const store = await seedRenovation();
    const applied = await apply(store, desk, 'lhy', '3-2-1501', application({ works: ['general', 'waterproofing'] }));
    const w = where(applied.result.permitId);
    // Act / Assess
    await expect(review(store, manager, w, ReviewBody.parse({ decision: 'approve' }))).rejects.toMatchObject({
      code: 'DOCUMENTS_MISSING',
    });
    await expect(recordDocument(store, desk, w, 'waterproofing_pledge', { state: 'declared' })).rejects.toMatchObject({
      code: 'DOCUMENT_NOT_DECLARABLE',
    });
    await expect(recordDocument(store, desk, w, 'fire_approval', { state: 'received' })).rejects.toMatchObject({
      code: 'DOCUMENT_NOT_REQUIRED',
    });
    for (const code of ['contractor_licence', 'contractor_qualification'] as const) {
      await recordDocument(store, desk, w, code, { state: 'declared', note: '装修单位为个体施工队' });
    }
    for (const code of ['drawings', 'lead_id', 'worker_ids', 'waterproofing_pledge'] as const) {
      await recordDocument(store, desk, w, code, { state: 'received' });
    }
    const approved = await review(store, manager, w, ReviewBody.parse({ decision: 'approve' }));
    expect(approved.result.status).toBe('active');
  });

  it('returns an application with reasons, and takes it back after resubmission', async () => {
    // Prepare
    const store = await seedRenovation();
    const applied = await apply(store, desk, 'lhy', '3-2-1501', application());
    const w = where(applied.result.permitId);
    // Act
    await expect(review(store, manager, w, ReviewBody.parse({ decision: 'return' }))).rejects.toMatchObject({
      code: 'RETURN_NEEDS_REASONS',
    });
    const returned = await review(store, manager, w, ReviewBody.parse({ decision: 'return', reasons: ['施工图不清晰'] }));
    // Assess
    expect(returned.result.status).toBe('returned');
    expect(returned.result.reviews[0]).toMatchObject({ decision: 'return', reasons: ['施工图不清晰'] });
  });

  it('refuses a second active permit for the same unit', async () => {
    // Prepare
    const store = await seedRenovation();
    const second = await apply(store, desk, 'lhy', '3-2-1501', application());
    for (const code of ['contractor_licence', 'contractor_qualification', 'drawings', 'lead_id', 'worker_ids'] as const) {
      await recordDocument(store, desk, where(second.result.permitId), code, { state: 'received' });
    }
    await issuedPermit(store);
    // Act / Assess
    await expect(
      review(store, manager, where(second.result.permitId), ReviewBody.parse({ decision: 'approve' })),
    ).rejects.toMatchObject({
      code: 'RENOVATION_ALREADY_ACTIVE',
    });
    await expect(apply(store, desk, 'lhy', '3-2-1501', application())).rejects.toMatchObject({
      code: 'RENOVATION_ALREADY_ACTIVE',
    });
  });

  it('issues numbered passes to the permit end, extends the permit and every open pass, and refuses more than 3 months', async () => {
    // Prepare
    const store = await seedRenovation();
    const { permitId } = await issuedPermit(store);
    const issued = await issuePasses(store, desk, where(permitId), passes(WORKER_ID, WORKER_ID_2));
    await returnPass(store, desk, where(permitId), 'LS-000001', {});
    // Act
    await expect(
      extend(
        store,
        desk,
        where(permitId),
        ExtensionBody.parse({ to: '2027-01-01', permitPresented: true, passesPresented: ['LS-000002'] }),
      ),
    ).rejects.toMatchObject({ code: 'EXTENSION_TOO_LONG' });
    await expect(
      extend(store, desk, where(permitId), ExtensionBody.parse({ to: '2026-12-31', permitPresented: true })),
    ).rejects.toMatchObject({ code: 'PASSES_NOT_PRESENTED' });
    const extended = await extend(
      store,
      desk,
      where(permitId),
      ExtensionBody.parse({ to: '2026-12-31', permitPresented: true, passesPresented: ['LS-000002'] }),
    );
    // Assess
    expect(issued.result.passes.map((p) => [p.passNo, p.validUntil])).toEqual([
      ['LS-000001', '2026-09-30'],
      ['LS-000002', '2026-09-30'],
    ]);
    expect(extended.result.term).toEqual({ from: '2026-07-01', to: '2026-12-31' });
    expect(extended.result.passes.map((p) => [p.passNo, p.validUntil, p.status])).toEqual([
      ['LS-000001', '2026-09-30', 'returned'],
      ['LS-000002', '2026-12-31', 'out'],
    ]);
    expect(extended.result.passes[1]?.worker).toEqual({ name: '工人2', idNumberMasked: '440***********1235' });
    await expect(returnPass(store, desk, where(permitId), 'LS-000001', {})).rejects.toMatchObject({
      code: 'PASS_ALREADY_RETURNED',
    });
  });

  it('keeps ID numbers out of every way out: results, audit, outbox and idempotency records show them masked', async () => {
    // Prepare
    const store = await seedRenovation();
    const { permitId } = await issuedPermit(store);
    // Act
    const issued = await issuePasses(store, at('2026-07-02', 'front_desk', 'passes-1'), where(permitId), passes(WORKER_ID));
    // Assess
    const out = JSON.stringify(issued.result);
    expect(out).not.toContain(WORKER_ID);
    expect(out).not.toContain(LEAD_ID);
    expect(out).toContain('110***********002X'.slice(0, 3));
    const leaks = (await allItems(store)).filter(
      (item) =>
        ['audit', 'outbox', 'idempotency'].includes(String(item.type)) &&
        /11010519491231002X|110101199003078515|440301198001010018/.test(JSON.stringify(item)),
    );
    expect(leaks).toEqual([]);
  });

  it('sets the refund due date from the calendar: passed on 2026-09-28 → due 2026-10-13', async () => {
    // Prepare
    const store = await seedRenovation();
    // Act
    const { inspected } = await readyForRefund(store);
    // Assess
    expect(inspected).toMatchObject({ status: 'inspected', refundDueDate: '2026-10-13' });
  });

  it('refuses the refund before the due date, and with one pass outstanding, naming it', async () => {
    // Prepare
    const store = await seedRenovation();
    const { permitId, passNos } = await readyForRefund(store, { returnAll: false });
    // Act / Assess
    await expect(
      requestRefund(store, at('2026-10-13'), where(permitId), refundRequest({ passesCounted: 1 })),
    ).rejects.toMatchObject({
      code: 'REFUND_REFUSED',
      message: expect.stringContaining(`临时出入卡未退还：${passNos[1]}`),
    });
    await returnPass(store, desk, where(permitId), passNos[1] as string, {});
    await expect(requestRefund(store, at('2026-10-12'), where(permitId), refundRequest())).rejects.toMatchObject({
      code: 'REFUND_NOT_DUE',
      message: expect.stringContaining('2026-10-13'),
    });
    await expect(
      requestRefund(store, at('2026-10-13'), where(permitId), refundRequest({ receiptPresented: false })),
    ).rejects.toMatchObject({ code: 'REFUND_REFUSED', message: expect.stringContaining('收据原件') });
  });

  it('posts nothing until the service-centre head approves, and refuses approval by anyone else', async () => {
    // Prepare
    const store = await seedRenovation();
    const { permitId } = await readyForRefund(store);
    // Act
    const requested = await requestRefund(store, at('2026-10-13'), where(permitId), refundRequest());
    // Assess
    expect(requested.result.status).toBe('refund_pending');
    expect((await statement(store, 'lhy', '3-2-1501')).account.heldFen).toBe(200_000);
    await expect(
      approveRefund(
        store,
        at('2026-10-13', 'front_desk'),
        where(permitId),
        RefundApprovalBody.parse({ signedBy: '李四', signed: true }),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await statement(store, 'lhy', '3-2-1501')).account.heldFen).toBe(200_000);
  });

  it('reverses the deposit once on approval even when the approval is retried with the same key, marks the receipts and closes', async () => {
    // Prepare
    const store = await seedRenovation();
    const { permitId } = await readyForRefund(store);
    await requestRefund(
      store,
      at('2026-10-13'),
      where(permitId),
      refundRequest({ deductions: [{ payer: 'contractor', amountFen: 30_000, reason: '损坏电梯轿厢壁板' }] }),
    );
    const body = RefundApprovalBody.parse({ signedBy: '李四', signed: true });
    // Act
    const first = await approveRefund(store, at('2026-10-13', 'centre_head', 'refund-approve-1'), where(permitId), body);
    const again = await approveRefund(store, at('2026-10-13', 'centre_head', 'refund-approve-1'), where(permitId), body);
    // Assess
    expect(again.replayed).toBe(true);
    expect(again.result).toEqual(first.result);
    const { account, entries } = await statement(store, 'lhy', '3-2-1501');
    expect(account).toMatchObject({ heldFen: 0, owedFen: 0, creditFen: 0 });
    expect(entries.filter((e) => e.entryKind === 'refund').map((e) => [e.payee, e.amountFen])).toEqual([
      ['李四', 100_000],
      ['美家装饰工程有限公司', 70_000],
    ]);
    expect(entries.filter((e) => e.entryKind === 'deposit_deduction').map((e) => [e.amountFen, e.reason])).toEqual([
      [30_000, '损坏电梯轿厢壁板'],
    ]);
    const marks = (await allItems(store)).filter((i) => i.type === 'voucherRefunded').map((i) => [i.voucherNo, i.refundFen]);
    expect(marks.sort()).toEqual([
      ['R1-000001', 100_000],
      ['R1-000002', 70_000],
    ]);
    const permit = await readPermit(store, 'lhy', '3-2-1501', permitId);
    expect(permit.status).toBe('closed');
    expect((await readUnit(store, 'lhy', '3-2-1501')).status).toBe('handed_over');
    await expect(approveRefund(store, at('2026-10-13', 'centre_head'), where(permitId), body)).rejects.toMatchObject({
      code: 'RENOVATION_WRONG_STATUS',
    });
    // The unit may have a new permit now.
    expect((await apply(store, desk, 'lhy', '3-2-1501', application())).result.status).toBe('applied');
  });

  it('collects the renovation tax on behalf where the estate is configured for it, and refuses the refund until it is paid', async () => {
    // Prepare
    const store = await seedRenovation({ tax: true });
    const { permitId } = await issuedPermit(store);
    await collectDeposit(store, desk, where(permitId), deposit('owner', 100_000));
    await collectDeposit(store, desk, where(permitId), deposit('contractor', 100_000));
    await requestInspection(store, desk, where(permitId), {});
    await recordInspection(store, manager, where(permitId), InspectionBody.parse({ result: 'pass', date: '2026-09-28' }));
    // Act / Assess
    await expect(
      requestRefund(store, at('2026-10-13'), where(permitId), refundRequest({ passesCounted: 0 })),
    ).rejects.toMatchObject({ code: 'REFUND_REFUSED', message: expect.stringContaining('装修税尚未缴纳') });
    const taxed = await collectTax(
      store,
      desk,
      where(permitId),
      TaxBody.parse({ amountFen: 35_000, method: 'cash', taxVoucherNo: 'DS-2026-0815' }),
    );
    expect(taxed.result.tax).toMatchObject({ amountFen: 35_000, taxVoucherNo: 'DS-2026-0815' });
    const { entries } = await statement(store, 'lhy', '3-2-1501');
    expect(entries.find((e) => e.entryKind === 'charge' && e.category === 'on_behalf')).toMatchObject({ amountFen: 35_000 });
    const ok = await requestRefund(store, at('2026-10-13'), where(permitId), refundRequest({ passesCounted: 0 }));
    expect(ok.result.status).toBe('refund_pending');
  });

  it('shows each permit on the renovation ledger with deposits, passes, inspection and refund status', async () => {
    // Prepare
    const store = await seedRenovation();
    await readyForRefund(store);
    // Act
    const rows = await renovationLedger(store, 'lhy', '2026-10-13');
    // Assess
    expect(rows).toEqual([
      expect.objectContaining({
        permitNo: 'ZX-000001',
        unitCode: '3-2-1501',
        ownerName: '李四',
        contractor: '美家装饰工程有限公司',
        ownerDepositFen: 100_000,
        contractorDepositFen: 100_000,
        passesOut: 0,
        passesReturned: 2,
        inspection: '2026-09-28 合格',
        refundDueDate: '2026-10-13',
        refundStatus: 'due',
      }),
    ]);
  });
});
