import { describe, expect, it } from 'vitest';
import { statement } from '../../functions/fees/ledger.commands';
import { readVoucher } from '../../functions/fees/vouchers.commands';
import {
  createAgreement,
  createPaidOrder,
  drawMaterials,
  payPaidOrder,
  pricePaidOrder,
  readOrder,
} from '../../functions/tickets/paid-service.commands';
import { createTicket, ticketDetail } from '../../functions/tickets/tickets.commands';
import {
  AgreementBody,
  CreateOrderBody,
  CreateTicketBody,
  MaterialsBody,
  OrderPaymentBody,
  PriceBody,
} from '../../functions/tickets/tickets.schema';
import { allItems, context } from '../support/store';
import { seedTickets, sh } from './tickets-seed';

const order = (body: Record<string, unknown> = {}) =>
  CreateOrderBody.parse({ unitCode: '3-2-1501', serviceType: 'home_repair', content: '更换卫生间水龙头', ...body });
const pay = (body: Record<string, unknown> = {}) =>
  OrderPaymentBody.parse({ method: 'cash', voucher: { kind: 'receipt', bookId: 'R1' }, ...body });

describe('paid-service orders', () => {
  it('numbers 20 orders opened at the same moment 1..20 without gaps or repeats', async () => {
    // Prepare
    const store = await seedTickets('paid-concurrent');
    const desk = context('front_desk');
    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createPaidOrder(store, desk, 'lhy', order({ content: `专项保洁 第${i + 1}单` }))),
    );
    // Assess
    const numbers = outcomes.map((o) => o.result.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const stored = (await allItems(store)).filter((item) => item.type === 'paidServiceOrder');
    expect(stored.map((item) => item.orderNo).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `YC${String(i + 1).padStart(6, '0')}`),
    );
    expect((await allItems(store)).find((item) => item.type === 'counter' && item.name === 'paidOrder')?.nextNumber).toBe(21);
  });

  it('takes payment of the agreed price onto the unit’s ledger with a receipt citing the order, in one transaction', async () => {
    // Prepare
    const store = await seedTickets('paid-ledger');
    const desk = context('front_desk');
    const ticket = await createTicket(
      store,
      desk,
      'lhy',
      CreateTicketBody.parse({
        channel: 'phone',
        kind: 'paid_service',
        unitCode: '3-2-1501',
        description: '更换卫生间水龙头（有偿）',
      }),
    );
    const opened = await createPaidOrder(
      store,
      desk,
      'lhy',
      order({ ticketId: ticket.result.ticketId, takenBy: { id: 'eng-lead', name: '李工长' } }),
    );
    await pricePaidOrder(store, context('engineering'), 'lhy', 1, PriceBody.parse({ amountFen: 8000, agreedWith: '李四' }));
    await drawMaterials(
      store,
      context('engineering'),
      'lhy',
      1,
      MaterialsBody.parse({
        items: [
          { name: '单把水龙头', quantity: 1, unit: '个' },
          { name: '生料带', quantity: 1, unit: '卷' },
        ],
        drawnBy: { id: 'tech-day', name: '张师傅' },
        approvedBy: { name: '李工长' },
      }),
    );
    // Act
    const paid = await payPaidOrder(store, desk, 'lhy', 1, pay());
    // Assess
    expect(opened.result).toMatchObject({
      orderNo: 'YC000001',
      receiver: { name: '测试员' },
      status: 'open',
      ticketId: ticket.result.ticketId,
    });
    expect(paid.result.order).toMatchObject({
      status: 'paid',
      statusLabel: '已收费',
      payment: { voucherNo: 'R1-000001', paidFen: 8000 },
    });
    expect(paid.result.voucher).toMatchObject({
      voucherNo: 'R1-000001',
      amountFen: 8000,
      amountCapitals: '人民币捌拾元整',
      payer: '李四',
      lines: [{ name: '有偿服务费', amountFen: 8000, note: '有偿服务单 YC000001：更换卫生间水龙头' }],
    });
    const ledger = await statement(store, 'lhy', '3-2-1501');
    expect(ledger.entries.map((entry) => [entry.entryKind, entry.amountFen, entry.paidOrderNo])).toEqual([
      ['charge', 8000, 'YC000001'],
      ['payment', 8000, 'YC000001'],
    ]);
    expect(ledger.entries[1]).toMatchObject({ voucherNo: 'R1-000001' });
    expect(ledger.account).toMatchObject({ owedFen: 0, balanceFen: 0 });
    expect((await readVoucher(store, 'lhy', 'R1', 1))?.voucher.paymentEntryId).toBe(ledger.entries[1]?.entryId);
    const { materials } = await readOrder(store, 'lhy', 1);
    expect(materials).toHaveLength(1);
    expect(materials[0]).toMatchObject({ orderNo: 'YC000001', approvedBy: { name: '李工长' } });
    expect((await ticketDetail(store, 'lhy', ticket.result.ticketId, sh('2026-11-20T10:00:00'))).paidOrderNo).toBe('YC000001');
  });

  it('refuses payment before a price is agreed, a second payment, and a price change after payment', async () => {
    const store = await seedTickets('paid-refuse');
    const desk = context('front_desk');
    await createPaidOrder(store, desk, 'lhy', order());
    await expect(payPaidOrder(store, desk, 'lhy', 1, pay())).rejects.toMatchObject({ code: 'PAID_ORDER_NOT_PRICED' });
    await pricePaidOrder(store, desk, 'lhy', 1, PriceBody.parse({ amountFen: 5000, agreedWith: '李四' }));
    await expect(payPaidOrder(store, desk, 'lhy', 1, pay({ itemCode: 'property_fee' }))).rejects.toMatchObject({
      code: 'PAID_SERVICE_FEE_ITEM',
    });
    await payPaidOrder(store, desk, 'lhy', 1, pay());
    const before = (await allItems(store)).length;
    await expect(payPaidOrder(store, desk, 'lhy', 1, pay())).rejects.toMatchObject({ code: 'PAID_ORDER_ALREADY_PAID' });
    await expect(
      pricePaidOrder(store, desk, 'lhy', 1, PriceBody.parse({ amountFen: 6000, agreedWith: '李四' })),
    ).rejects.toMatchObject({ code: 'PAID_ORDER_ALREADY_PAID' });
    await expect(payPaidOrder(store, desk, 'lhy', 99, pay())).rejects.toMatchObject({
      code: 'PAID_ORDER_NOT_FOUND',
      status: 404,
    });
    expect((await allItems(store)).length).toBe(before);
  });

  it('records a long-term special-service agreement with its monthly schedule of charges', async () => {
    const store = await seedTickets('paid-agreement');
    await createPaidOrder(
      store,
      context('front_desk'),
      'lhy',
      order({ serviceType: 'special_cleaning', content: '每周一次家庭保洁' }),
    );
    const { result } = await createAgreement(
      store,
      context('centre_head'),
      'lhy',
      AgreementBody.parse({
        unitCode: '3-2-1501',
        content: '每周一次家庭保洁（每次3小时）',
        monthlyFen: 48000,
        startMonth: '2026-12',
        months: 3,
        signedBy: '李四',
        signedOn: '2026-11-20',
        orderNumber: 1,
      }),
    );
    expect(result).toMatchObject({ orderNo: 'YC000001', totalFen: 144000, endMonth: '2027-02', status: 'active' });
    expect(result.schedule.map((line) => [line.month, line.amountFen])).toEqual([
      ['2026-12', 48000],
      ['2027-01', 48000],
      ['2027-02', 48000],
    ]);
  });
});
