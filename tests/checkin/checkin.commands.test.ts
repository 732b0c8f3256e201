import { describe, expect, it } from 'vitest';
import { completeStep, completeTransfer, issueKeys, openCase, recordDocument } from '../../functions/checkin/checkin.commands';
import { requiredDocuments } from '../../functions/checkin/checkin.domain';
import {
  CollectFeesBody,
  CompleteStepBody,
  KeysBody,
  OpenCaseBody,
  ServicesBody,
  TransferBody,
} from '../../functions/checkin/checkin.schema';
import { collectFees, recordServices } from '../../functions/checkin/checkin-fees.commands';
import { putFeeItemVersion } from '../../functions/fees/fee-schedule.commands';
import { PostChargesBody, PostPaymentBody } from '../../functions/fees/fees.schema';
import { postCharges, postPayment, statement } from '../../functions/fees/ledger.commands';
import { access } from '../../functions/store/keys';
import { readUnit } from '../../functions/units/units.commands';
import { seedFees } from '../support/fees-seed';
import { allItems, context } from '../support/store';

const desk = context('front_desk');
const where = (caseId: string) => ({ estateId: 'lhy', unitCode: '3-2-1501', caseId });

const seed = async () => {
  const store = await seedFees('checkin');
  await putFeeItemVersion(store, context('centre_head'), 'lhy', 'utility_prepay', {
    name: '水电预收款',
    category: 'other',
    basis: 'entered',
    rateFen: 0,
    unitLabel: '笔',
    effectiveFrom: '2026-01-01',
  });
  return store;
};

/** Opens a case and takes it through reception and finance. */
const throughFinance = async (
  store: Awaited<ReturnType<typeof seed>>,
  options: { late?: boolean; compensationFen?: number } = {},
) => {
  const opened = await openCase(
    store,
    desk,
    'lhy',
    '3-2-1501',
    OpenCaseBody.parse({ ...(options.late ? { lateHandover: { agreementNo: 'YQ-2026-015', signedOn: '2026-11-20' } } : {}) }),
  );
  const caseId = opened.result.caseId;
  for (const code of requiredDocuments('handover', 'family', Boolean(options.late))) {
    await recordDocument(
      store,
      desk,
      where(caseId),
      code,
      code === 'family_ids' ? { state: 'waived', reason: '独居，无家庭成员' } : { state: 'received' },
    );
  }
  await completeStep(store, desk, where(caseId), 'reception', CompleteStepBody.parse({}));
  await completeStep(
    store,
    context('cashier'),
    where(caseId),
    'finance',
    CompleteStepBody.parse({
      finance: {
        receiptsVerified: true,
        ...(options.compensationFen !== undefined ? { approvedCompensationFen: options.compensationFen } : {}),
      },
    }),
  );
  return caseId;
};

const fees = (body: Record<string, unknown>) => CollectFeesBody.parse({ firstMonth: '2026-12', ...body });
const cash = (amountFen: number) => ({ amountFen, method: 'cash', voucher: { kind: 'receipt', bookId: 'R1' } });

describe('checkin.commands', () => {
  it('offsets a 1,500.00 late-handover compensation against the 671.25 first fee and keeps 828.75 as credit, no cash out', async () => {
    // Prepare
    const store = await seed();
    const caseId = await throughFinance(store, { late: true, compensationFen: 150000 });
    // Act
    const outcome = await collectFees(store, desk, where(caseId), fees({}));
    // Assess
    const ledger = await statement(store, 'lhy', '3-2-1501');
    expect(ledger.account).toMatchObject({ owedFen: 0, creditFen: 82875, balanceFen: -82875 });
    expect(ledger.entries.map((e) => e.entryKind)).toEqual(['charge', 'charge', 'charge', 'credit', 'credit_applied']);
    expect(ledger.entries.find((e) => e.entryKind === 'credit')).toMatchObject({ creditKind: 'compensation', amountFen: 150000 });
    expect(ledger.entries.some((e) => e.entryKind === 'payment' || e.entryKind === 'refund')).toBe(false);
    expect((outcome.result as { fees: unknown }).fees).toMatchObject({
      plan: { propertyFeeFen: 67125, payNowFen: 0, creditFen: 82875 },
    });
  });

  it('takes the utility prepayment out of the compensation too', async () => {
    const store = await seed();
    const caseId = await throughFinance(store, { late: true, compensationFen: 150000 });
    await collectFees(store, desk, where(caseId), fees({ prepayment: { itemCode: 'utility_prepay', amountFen: 50000 } }));
    expect((await statement(store, 'lhy', '3-2-1501')).account).toMatchObject({ owedFen: 0, creditFen: 32875 });
  });

  it('has the shortfall paid now when the compensation is smaller than the fees', async () => {
    const store = await seed();
    const caseId = await throughFinance(store, { late: true, compensationFen: 50000 });
    await expect(collectFees(store, desk, where(caseId), fees({ payment: cash(10000) }))).rejects.toMatchObject({
      code: 'PAYMENT_MISMATCH',
      details: { expectedFen: 17125 },
    });
    const paid = await collectFees(store, desk, where(caseId), fees({ payment: cash(17125) }));
    expect((paid.result as { fees: { voucherNo: string } }).fees.voucherNo).toBe('R1-000001');
    expect((await statement(store, 'lhy', '3-2-1501')).account).toMatchObject({ owedFen: 0, creditFen: 0 });
  });

  it('refuses keys before the fees are paid, reception with a missing document, and steps out of order', async () => {
    // Prepare
    const store = await seed();
    const opened = await openCase(store, desk, 'lhy', '3-2-1501', OpenCaseBody.parse({}));
    const caseId = opened.result.caseId;
    // Act / Assess
    await expect(completeStep(store, desk, where(caseId), 'reception', CompleteStepBody.parse({}))).rejects.toMatchObject({
      code: 'DOCUMENTS_MISSING',
    });
    await expect(
      completeStep(
        store,
        context('cashier'),
        where(caseId),
        'finance',
        CompleteStepBody.parse({ finance: { receiptsVerified: true } }),
      ),
    ).rejects.toMatchObject({ code: 'STEP_OUT_OF_ORDER' });
    const keys = KeysBody.parse({ items: [{ what: '入户门钥匙', count: 3 }], receivedBy: '李四', signed: true });
    await expect(issueKeys(store, desk, where(caseId), keys)).rejects.toMatchObject({ code: 'KEYS_BEFORE_PAYMENT' });
  });

  it('marks the unit received on the day the keys are taken', async () => {
    const store = await seed();
    const caseId = await throughFinance(store);
    await collectFees(store, desk, where(caseId), fees({ payment: cash(67125) }));
    await issueKeys(
      store,
      desk,
      where(caseId),
      KeysBody.parse({
        items: [{ what: '门禁卡', count: 2, numbers: ['0001', '0002'] }],
        receivedBy: '李四',
        signed: true,
        date: '2026-11-20',
      }),
    );
    const unit = await readUnit(store, 'lhy', '3-2-1501');
    expect(unit).toMatchObject({ status: 'handed_over', receivedOn: '2026-11-20' });
  });

  it('lets one of two staff completing the same step at once win; the other gets a conflict and nothing is duplicated', async () => {
    // Prepare
    const store = await seed();
    const opened = await openCase(store, desk, 'lhy', '3-2-1501', OpenCaseBody.parse({}));
    const caseId = opened.result.caseId;
    for (const code of requiredDocuments('handover', 'family', false))
      await recordDocument(store, desk, where(caseId), code, { state: 'copied' });
    // Act
    const results = await Promise.allSettled([
      completeStep(
        store,
        context('front_desk', { actor: { id: 'a', name: '甲', role: 'front_desk' } }),
        where(caseId),
        'reception',
        CompleteStepBody.parse({}),
      ),
      completeStep(
        store,
        context('front_desk', { actor: { id: 'b', name: '乙', role: 'front_desk' } }),
        where(caseId),
        'reception',
        CompleteStepBody.parse({}),
      ),
    ]);
    // Assess
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason.status).toBe(409);
    const audits = (await allItems(store)).filter((i) => i.type === 'audit' && i.command === 'checkin.complete_reception');
    expect(audits).toHaveLength(1);
  });

  it('refuses a transfer while the previous owner owes, listing the arrears, and accepts it once paid, keeping history', async () => {
    // Prepare: the unit was handed over and owes December's fee
    const store = await seed();
    const caseId = await throughFinance(store);
    await collectFees(store, desk, where(caseId), fees({ payment: cash(67125) }));
    await issueKeys(
      store,
      desk,
      where(caseId),
      KeysBody.parse({ items: [{ what: '钥匙', count: 3 }], receivedBy: '李四', signed: true }),
    );
    await postCharges(store, desk, 'lhy', '3-2-1501', PostChargesBody.parse({ itemCode: 'property_fee', month: '2027-03' }));
    const transfer = await openCase(store, desk, 'lhy', '3-2-1501', OpenCaseBody.parse({ kind: 'transfer' })).catch((e) => e);
    // the first case is still open (not archived): a second case is refused
    expect(transfer).toMatchObject({ code: 'CASE_ALREADY_OPEN' });
    await recordServices(store, desk, where(caseId), ServicesBody.parse({}));
    const { recordInspection } = await import('../../functions/checkin/checkin.commands');
    await recordInspection(store, context('engineering'), where(caseId), { readings: { water: 1, electricity: 2 }, defects: [] });
    await completeStep(store, desk, where(caseId), 'archive', CompleteStepBody.parse({}));
    const t = await openCase(store, desk, 'lhy', '3-2-1501', OpenCaseBody.parse({ kind: 'transfer' }));
    const tid = t.result.caseId;
    // Act 1: settlement refused with the arrears listed
    const refused = await completeStep(store, desk, where(tid), 'settlement', CompleteStepBody.parse({})).catch((e) => e);
    // Act 2: paid, then the transfer goes through
    await postPayment(
      store,
      desk,
      'lhy',
      '3-2-1501',
      PostPaymentBody.parse({ amountFen: 22375, method: 'cash', voucher: { kind: 'receipt', bookId: 'R1' } }),
    );
    await completeStep(store, desk, where(tid), 'settlement', CompleteStepBody.parse({}));
    for (const code of requiredDocuments('transfer', 'family', false))
      await recordDocument(store, desk, where(tid), code, { state: 'received' });
    await completeStep(store, desk, where(tid), 'reception', CompleteStepBody.parse({}));
    await completeTransfer(
      store,
      desk,
      where(tid),
      TransferBody.parse({
        household: { type: 'family', owner: { name: '王五', idNumber: '110105199001011232', phone: '13900000000' } },
        effectiveDate: '2027-03-20',
      }),
    );
    // Assess
    expect(refused).toMatchObject({ code: 'TRANSFER_BLOCKED_BY_ARREARS', details: { totalFen: 22375 } });
    expect(refused.message).toContain('物业服务费 2027-03');
    const unit = await readUnit(store, 'lhy', '3-2-1501');
    expect(unit.household?.owner.name).toBe('王五');
    const history = await access.listOwnerHistory(store, 'lhy', '3-2-1501');
    expect(history[0]).toMatchObject({ until: '2027-03-20', household: { owner: { name: '李四' } } });
    const notices = (await allItems(store)).filter((i) => i.topic === 'notice.finance');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.payload).toMatchObject({
      newOwner: { name: '王五', idNumberMasked: '110***********1232' },
      effectiveDate: '2027-03-20',
    });
    expect(JSON.stringify(notices[0])).not.toContain('110105199001011232');
    expect((await statement(store, 'lhy', '3-2-1501')).entries.length).toBeGreaterThan(3); // the ledger history stays on the unit
  });
});
