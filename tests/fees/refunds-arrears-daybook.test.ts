import { describe, expect, it } from 'vitest';
import { estateArrears, postLateFees, unitArrears, waiveLateFee } from '../../functions/fees/arrears.commands';
import { addDayBookEntry, closeDayBook, readDayBook } from '../../functions/fees/daybook.commands';
import { putFeeSettings } from '../../functions/fees/fee-schedule.commands';
import { PostChargesBody, PostPaymentBody } from '../../functions/fees/fees.schema';
import { postCharges, postPayment, statement } from '../../functions/fees/ledger.commands';
import { approveRefund, listUnitRefunds, rejectRefund, requestRefund } from '../../functions/fees/refunds.commands';
import { seedFees } from '../support/fees-seed';
import { context } from '../support/store';

const charge = (body: Record<string, unknown>) => PostChargesBody.parse({ itemCode: 'property_fee', ...body });
const pay = (body: Record<string, unknown>) =>
  PostPaymentBody.parse({ method: 'cash', voucher: { kind: 'receipt', bookId: 'R1' }, ...body });

describe('refunds, arrears and the copying day book', () => {
  it('pays credit back only after the service-centre head approves, once', async () => {
    // Prepare: 100.00 of credit
    const store = await seedFees();
    const desk = context('front_desk');
    await postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 10000 }));
    // Act
    const requested = await requestRefund(store, desk, 'lhy', '3-2-1501', {
      source: 'credit',
      amountFen: 10000,
      reason: '业主搬离，退还预收款',
      payee: '李四',
      method: 'transfer',
    });
    const untouched = await statement(store, 'lhy', '3-2-1501');
    const approved = await approveRefund(store, context('centre_head'), 'lhy', '3-2-1501', requested.result.refundId, '同意');
    // Assess
    expect(untouched.account.creditFen).toBe(10000);
    expect(approved.result.account).toMatchObject({ creditFen: 0, balanceFen: 0 });
    await expect(
      approveRefund(store, context('centre_head'), 'lhy', '3-2-1501', requested.result.refundId),
    ).rejects.toMatchObject({
      code: 'REFUND_ALREADY_DECIDED',
    });
    expect((await listUnitRefunds(store, 'lhy', '3-2-1501'))[0]).toMatchObject({ status: 'approved' });
  });

  it('refuses a refund larger than the credit, and writes nothing on rejection but the decision', async () => {
    const store = await seedFees();
    const desk = context('front_desk');
    await postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 5000 }));
    await expect(
      requestRefund(store, desk, 'lhy', '3-2-1501', {
        source: 'credit',
        amountFen: 5001,
        reason: '退款',
        payee: '李四',
        method: 'cash',
      }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDIT' });
    const requested = await requestRefund(store, desk, 'lhy', '3-2-1501', {
      source: 'credit',
      amountFen: 5000,
      reason: '退款',
      payee: '李四',
      method: 'cash',
    });
    await rejectRefund(store, context('centre_head'), 'lhy', '3-2-1501', requested.result.refundId, '余额留作下月物业费');
    expect((await statement(store, 'lhy', '3-2-1501')).account.creditFen).toBe(5000);
  });

  it('lists arrears per item and period with their age, for the unit and the whole estate', async () => {
    const store = await seedFees();
    await postCharges(store, context('front_desk'), 'lhy', '3-2-1501', charge({ month: '2026-09', months: 3 }));
    const unit = await unitArrears(store, 'lhy', '3-2-1501', '2026-11-20');
    const estate = await estateArrears(store, 'lhy', '2026-11-20');
    expect(unit.lines.map((l) => [l.period, l.ageDays])).toEqual([
      ['2026-09', 66],
      ['2026-10', 36],
      ['2026-11', 5],
    ]);
    expect(unit.totalFen).toBe(3 * 22375);
    expect(estate.lines).toHaveLength(3);
  });

  it('charges a late fee once per day of delay on the principal only, and a cashier can waive it', async () => {
    // Prepare: 万分之五 per day after 30 days' grace, capped at the principal
    const store = await seedFees();
    await putFeeSettings(store, context('centre_head'), 'lhy', {
      lateFee: { enabled: true, dailyRatePerTenThousand: 5, graceDays: 30, capPercent: 100 },
    });
    await postCharges(store, context('front_desk'), 'lhy', '3-2-1501', charge({ month: '2026-09' })); // due 2026-09-15
    // Act: 66 days late on 2026-11-20 → 36 chargeable days × 0.05% × 223.75 = 4.0275 → 4.03
    const first = await postLateFees(store, context('cashier'), 'lhy', '3-2-1501', '2026-11-20');
    const again = await postLateFees(store, context('cashier'), 'lhy', '3-2-1501', '2026-11-20');
    const later = await postLateFees(store, context('cashier'), 'lhy', '3-2-1501', '2026-11-30'); // 10 more days → 1.12
    const lateFeeId = first.result.entries[0]?.chargeId as string;
    const waived = await waiveLateFee(store, context('cashier'), 'lhy', '3-2-1501', lateFeeId, '业主困难，经批准减免');
    // Assess
    expect(first.result.entries.map((e) => e.amountFen)).toEqual([403]);
    expect(again.result.entries).toHaveLength(0);
    expect(later.result.entries.map((e) => e.amountFen)).toEqual([112]);
    expect(waived.result.account.owedFen).toBe(22375 + 112);
    const afterWaiver = await postLateFees(store, context('cashier'), 'lhy', '3-2-1501', '2026-11-30');
    expect(afterWaiver.result.entries).toHaveLength(0); // the waived 4.03 is not charged again
    const feeLines = (await statement(store, 'lhy', '3-2-1501')).account.open.filter((c) => c.category === 'late_fee');
    expect(feeLines).toHaveLength(1);
  });

  it('refuses to waive a charge that is not a late fee', async () => {
    const store = await seedFees();
    const charged = await postCharges(store, context('front_desk'), 'lhy', '3-2-1501', charge({ month: '2026-11' }));
    await expect(
      waiveLateFee(store, context('cashier'), 'lhy', '3-2-1501', charged.result.entries[0]?.chargeId as string, '想减免'),
    ).rejects.toMatchObject({ code: 'NOT_A_LATE_FEE' });
  });

  it('closes the copying day book into one receipt listing the entries, and takes no entry afterwards', async () => {
    const store = await seedFees();
    const desk = context('front_desk');
    await addDayBookEntry(store, desk, 'lhy', '2026-11-20', { itemCode: 'copy_a4', pages: 3 });
    await addDayBookEntry(store, desk, 'lhy', '2026-11-20', { itemCode: 'copy_a4', pages: 10, payer: '张先生' });
    const closed = await closeDayBook(store, desk, 'lhy', '2026-11-20', 'R1');
    expect(closed.result).toMatchObject({ totalFen: 650, entryCount: 2, voucherNo: 'R1-000001' });
    expect(closed.result.voucher.lines).toHaveLength(2);
    expect(closed.result.voucher.amountCapitals).toBe('人民币陆元伍角');
    await expect(addDayBookEntry(store, desk, 'lhy', '2026-11-20', { itemCode: 'copy_a4', pages: 1 })).rejects.toMatchObject({
      code: 'DAY_CLOSED',
    });
    expect((await readDayBook(store, 'lhy', '2026-11-20')).closed).toBe(true);
  });
});
