import { describe, expect, it } from 'vitest';
import { PostChargesBody, PostPaymentBody } from '../../functions/fees/fees.schema';
import { postCharges, postPayment, statement } from '../../functions/fees/ledger.commands';
import { closeBook, exchangeReceipt, readVoucher, voidVoucher } from '../../functions/fees/vouchers.commands';
import { seedFees } from '../support/fees-seed';
import { allItems, context } from '../support/store';

const charge = (body: Record<string, unknown>) => PostChargesBody.parse({ itemCode: 'property_fee', ...body });
const pay = (body: Record<string, unknown>) =>
  PostPaymentBody.parse({ method: 'cash', voucher: { kind: 'receipt', bookId: 'R1' }, ...body });

describe('vouchers.commands', () => {
  it('voids a receipt: the number stays, the balance returns, a second void is refused', async () => {
    // Prepare
    const store = await seedFees();
    const desk = context('front_desk');
    await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2026-12', months: 3 }));
    await postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 67125 }));
    // Act
    const voided = await voidVoucher(store, context('cashier'), 'lhy', 'R1', 1, '金额录入错误');
    const again = voidVoucher(store, context('cashier'), 'lhy', 'R1', 1, '再次作废');
    // Assess
    expect(voided.result.voucher).toMatchObject({
      voucherNo: 'R1-000001',
      number: 1,
      status: 'voided',
      void: { reason: '金额录入错误' },
    });
    expect(voided.result.account).toMatchObject({ owedFen: 67125, balanceFen: 67125 });
    await expect(again).rejects.toMatchObject({ code: 'VOUCHER_ALREADY_VOID', status: 409 });
    const state = await readVoucher(store, 'lhy', 'R1', 1);
    expect(state?.voucher.amountFen).toBe(67125); // the voucher itself is unchanged
    const final = await statement(store, 'lhy', '3-2-1501');
    expect(final.entries.map((e) => e.entryKind)).toEqual(['charge', 'charge', 'charge', 'payment', 'reversal']);
  });

  it('issues a corrected voucher pointing at the voided one, and refuses one pointing at a valid voucher', async () => {
    const store = await seedFees();
    const desk = context('front_desk');
    await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2026-12' }));
    await postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 20000 }));
    await expect(
      postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 22375, corrects: 'R1-000001' })),
    ).rejects.toMatchObject({
      code: 'CORRECTS_NOT_VOID',
    });
    await voidVoucher(store, context('cashier'), 'lhy', 'R1', 1, '金额错误');
    const corrected = await postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 22375, corrects: 'R1-000001' }));
    expect(corrected.result.voucher).toMatchObject({
      voucherNo: 'R1-000002',
      corrects: 'R1-000001',
      remark: '更正作废凭证 R1-000001；现金',
    });
    expect(corrected.result.account.balanceFen).toBe(0);
  });

  it('re-opens credit already used by later charges as a shortfall when the overpayment is voided', async () => {
    const store = await seedFees();
    const desk = context('front_desk');
    await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2026-12' }));
    await postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 50000 })); // 27625 becomes credit
    await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2027-01' })); // consumes 22375 of it
    const voided = await voidVoucher(store, context('cashier'), 'lhy', 'R1', 1, '收错房号');
    // owed: Dec 22375 + shortfall 22375 (credit used by Jan); credit: 5250 taken back
    expect(voided.result.account).toMatchObject({ owedFen: 44750, creditFen: 0, balanceFen: 44750 });
  });

  it('refuses an invoice dated before the previous invoice of the book', async () => {
    const store = await seedFees();
    const desk = context('front_desk');
    await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2026-12', months: 2 }));
    const invoice = { kind: 'invoice', bookId: 'F1' };
    await postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 10000, voucher: invoice, date: '2026-11-20' }));
    const before = (await allItems(store)).length;
    await expect(
      postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 10000, voucher: invoice, date: '2026-11-19' })),
    ).rejects.toMatchObject({
      code: 'INVOICE_DATE_BACKWARDS',
      status: 422,
    });
    expect((await allItems(store)).length).toBe(before);
    const same = await postPayment(
      store,
      desk,
      'lhy',
      '3-2-1501',
      pay({ amountFen: 10000, voucher: invoice, date: '2026-11-20' }),
    );
    expect(same.result.voucher).toMatchObject({ voucherNo: 'F1-000002', kindLabel: '发票', remark: '现金' });
  });

  it('exchanges a receipt for an invoice once, citing it, without touching the ledger', async () => {
    const store = await seedFees();
    const desk = context('front_desk');
    await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2026-12' }));
    await postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 22375, method: 'transfer' }));
    const before = await statement(store, 'lhy', '3-2-1501');
    const exchanged = await exchangeReceipt(store, desk, 'lhy', 'R1', 1, { invoiceBookId: 'F1' });
    expect(exchanged.result.invoice).toMatchObject({
      voucherNo: 'F1-000001',
      kind: 'invoice',
      exchangeOf: 'R1-000001',
      remark: '换开发票（原收据 R1-000001）；转账',
      amountCapitals: '人民币贰佰贰拾叁元柒角伍分',
    });
    await expect(exchangeReceipt(store, desk, 'lhy', 'R1', 1, { invoiceBookId: 'F1' })).rejects.toMatchObject({
      code: 'VOUCHER_EXCHANGED',
    });
    await expect(voidVoucher(store, context('cashier'), 'lhy', 'R1', 1, '想作废')).rejects.toMatchObject({
      code: 'VOUCHER_EXCHANGED',
    });
    expect((await statement(store, 'lhy', '3-2-1501')).entries).toHaveLength(before.entries.length);
  });

  it('refuses to issue from a closed book or from a book issued to someone else', async () => {
    const store = await seedFees();
    const desk = context('front_desk');
    await postCharges(store, desk, 'lhy', '3-2-1501', charge({ month: '2026-12' }));
    const other = context('front_desk', { actor: { id: 'u-other', name: '王五', role: 'front_desk' } });
    await expect(postPayment(store, other, 'lhy', '3-2-1501', pay({ amountFen: 100 }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await closeBook(store, context('cashier'), 'lhy', 'R1');
    const before = (await allItems(store)).length;
    await expect(postPayment(store, desk, 'lhy', '3-2-1501', pay({ amountFen: 100 }))).rejects.toMatchObject({
      code: 'BOOK_CLOSED',
    });
    expect((await allItems(store)).length).toBe(before);
  });
});
