import { afterEach, describe, expect, it } from 'vitest';
import { alipayPaid, signAlipay } from '../../cdk/local/sign-test-notification';
import { putCalendarDay, removeCalendarDay } from '../../functions/calendar/calendar.commands';
import { putFeeItemVersion } from '../../functions/fees/fee-schedule.commands';
import { PostChargesBody } from '../../functions/fees/fees.schema';
import { postCharges, postPayment } from '../../functions/fees/ledger.commands';
import { resolveHold } from '../../functions/payments/payments.commands';
import type { Store } from '../../functions/store/client';
import { access } from '../../functions/store/keys';
import { EXCEPTIONS_TAB, SHEET_BINDINGS } from '../../sheets/bindings';
import { renderRow, syncCycle } from '../../sheets/sync/engine';
import { deliver, openOrder, seedPayments, testKeys } from '../payments/support';
import { APPLICANT_ID, issuedPermit, LEAD_ID, seedRenovation } from '../renovation/renovation-seed';
import { recordingPort, runSchedule, sh } from '../schedules/schedules-seed';
import { seedFees } from '../support/fees-seed';
import { context } from '../support/store';
import { type Desk, xlsxDesk } from './sheet-harness';

const LAYOUTS = SHEET_BINDINGS.map((b) => b.layout);
const NOW = new Date('2026-11-20T02:00:00Z'); // 10:00 in Shanghai

let desk: Desk | undefined;
afterEach(async () => {
  await desk?.close();
  desk = undefined;
});

/** A fresh workbook with every tab set up (the outbound tabs are read-only for staff: nothing is typed here). */
const openDesk = async () => {
  desk = await xlsxDesk(LAYOUTS);
  await desk.backend.setup(LAYOUTS);
  return desk;
};

const cycle = (store: Store, at: Date = NOW) => {
  if (!desk) throw new Error('no desk');
  return syncCycle({
    store,
    backend: desk.backend,
    estateId: 'lhy',
    bindings: SHEET_BINDINGS,
    exceptionsTab: EXCEPTIONS_TAB,
    clock: () => at,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  });
};

const rowsOf = async (tab: string) => (desk ? desk.rows(tab) : []);

/**
 * The tab's rows as `sheets:rebuild` would write them (`loadAll`) and as the cycles wrote them (`load` of the
 * sheet's ids), both rendered: a rebuild must not change what the cycles showed.
 */
const rebuiltAndCycled = async (store: Store, tab: string) => {
  const binding = SHEET_BINDINGS.find((b) => b.layout.tab === tab);
  if (!binding) throw new Error(`no binding for ${tab}`);
  const render = (rows: Map<string, Record<string, unknown>>) =>
    [...rows].map(([id, view]) => renderRow(binding.layout, id, view)).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const ids = (await rowsOf(tab)).map((r) => String(r._id));
  return {
    rebuilt: render(await binding.loadAll(store, 'lhy')),
    cycled: render(await binding.load(store, 'lhy', ids)),
  };
};

describe('outbound tabs', () => {
  it('shows fee item versions in tab 收费标准 after a cycle', async () => {
    // Prepare: the seed's three items, a new property-fee rate from 2027 and an item charged as entered
    const store = await seedFees('tab-fee-schedule');
    const head = context('centre_head');
    await putFeeItemVersion(store, head, 'lhy', 'property_fee', {
      name: '物业服务费',
      category: 'property_fee',
      basis: 'area_month',
      rateFen: 280,
      unitLabel: '㎡·月',
      effectiveFrom: '2027-01-01',
    });
    await putFeeItemVersion(store, head, 'lhy', 'housekeeping', {
      name: '家政服务费',
      category: 'housekeeping',
      basis: 'entered',
      rateFen: 0,
      unitLabel: '次',
      effectiveFrom: '2026-06-01',
    });
    await openDesk();
    // Act
    await cycle(store);
    const again = await cycle(store);
    // Assess
    const rows = await rowsOf('收费标准');
    expect(rows).toHaveLength(5);
    expect(rows.find((r) => r._id === 'property_fee/2026-01-01')).toMatchObject({
      项目编码: 'property_fee',
      项目名称: '物业服务费',
      类别: '物业服务费',
      计费方式: '按建筑面积每月（元/㎡·月）',
      单价: 2.5,
      计量单位: '㎡·月',
      计费周期: '自然月',
      生效日期: '2026-01-01',
      同步状态: '已同步',
    });
    expect(rows.find((r) => r._id === 'property_fee/2027-01-01')).toMatchObject({ 单价: 2.8, 生效日期: '2027-01-01' });
    expect(rows.find((r) => r._id === 'housekeeping/2026-06-01')).toMatchObject({ 计费方式: '按实际金额录入', 单价: null });
    expect(again.rowsWritten).toBe(0);
    const { rebuilt, cycled } = await rebuiltAndCycled(store, '收费标准');
    expect(rebuilt).toEqual(cycled);
  });

  it('shows overdue charges in tab 拖欠款明细 after a cycle, and a paid one as 已结清 instead of removing it', async () => {
    // Prepare: September to November owing (due on the 15th), December billed but not yet due
    const store = await seedFees('tab-arrears');
    const cashier = context('cashier', { now: NOW });
    await postCharges(
      store,
      cashier,
      'lhy',
      '3-2-1501',
      PostChargesBody.parse({ itemCode: 'property_fee', month: '2026-09', months: 3 }),
    );
    await postCharges(store, cashier, 'lhy', '3-2-1501', PostChargesBody.parse({ itemCode: 'property_fee', month: '2026-12' }));
    const september = (await access.listEntries(store, 'lhy', '3-2-1501')).find((e) => e.dueDate === '2026-09-15');
    const rowOfSeptember = `3-2-1501/${String(september?.entryId)}`;
    await openDesk();

    // Act
    await cycle(store);
    // Assess
    const owing = await rowsOf('拖欠款明细');
    expect(owing.map((r) => r.应收日).sort()).toEqual(['2026-09-15', '2026-10-15', '2026-11-15']);
    expect(owing.find((r) => r._id === rowOfSeptember)).toMatchObject({
      房号: '3-2-1501',
      收费项目: '物业服务费',
      应收金额: 223.75,
      欠费金额: 223.75,
      逾期天数: 66,
      账龄: '61-90天',
      统计日期: '2026-11-20',
      状态: '欠费',
      结清日期: null,
      同步状态: '已同步',
    });

    // Act: the owner pays September the next day
    const nextDay = new Date('2026-11-21T02:00:00Z');
    await postPayment(store, context('front_desk', { now: nextDay }), 'lhy', '3-2-1501', {
      amountFen: 22375,
      method: 'cash',
      chargeIds: [String(september?.entryId)],
      voucher: { kind: 'receipt', bookId: 'R1' },
    });
    await cycle(store, nextDay);
    const again = await cycle(store, nextDay);
    // Assess
    const after = await rowsOf('拖欠款明细');
    expect(after).toHaveLength(3);
    expect(after.find((r) => r._id === rowOfSeptember)).toMatchObject({
      欠费金额: 0,
      逾期天数: 67,
      账龄: null,
      状态: '已结清',
      结清日期: '2026-11-21',
      同步状态: '已同步',
    });
    expect(after.find((r) => r.应收日 === '2026-11-15')).toMatchObject({ 状态: '欠费', 逾期天数: 6, 统计日期: '2026-11-21' });
    expect(again.rowsWritten).toBe(0);
    const { rebuilt, cycled } = await rebuiltAndCycled(store, '拖欠款明细');
    expect(rebuilt).toEqual(cycled);
  });

  it('shows renovation permits in tab 装修台账 after a cycle, without ID numbers', async () => {
    // Prepare
    const store = await seedRenovation();
    const { permitId, permit } = await issuedPermit(store);
    await openDesk();
    // Act
    await cycle(store);
    const again = await cycle(store);
    // Assess
    const rows = await rowsOf('装修台账');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      _id: `3-2-1501/${permitId}`,
      登记证号: (permit as { permitNo?: string }).permitNo,
      房号: '3-2-1501',
      业主姓名: '李四',
      装修单位: '美家装饰工程有限公司',
      装修负责人: '张工',
      状态: '装修中（已发登记证）',
      退保证金状态: '—',
      同步状态: '已同步',
    });
    const cells = JSON.stringify(rows);
    expect(cells).not.toContain(LEAD_ID);
    expect(cells).not.toContain(APPLICANT_ID);
    expect(again.rowsWritten).toBe(0);
    const { rebuilt, cycled } = await rebuiltAndCycled(store, '装修台账');
    expect(rebuilt).toEqual(cycled);
  });

  it('shows reminders in tab 提醒 after a cycle', async () => {
    // Prepare: September unpaid; the overdue-reminder run of 20 November (66 days: the 60-day stage)
    const store = await seedFees('tab-reminders');
    await postCharges(
      store,
      context('cashier', { now: NOW }),
      'lhy',
      '3-2-1501',
      PostChargesBody.parse({ itemCode: 'property_fee', month: '2026-09' }),
    );
    const { port } = recordingPort();
    await runSchedule(store, 'overdue-reminders', sh('2026-11-20', 9, 5), { ports: () => [port] });
    await openDesk();
    // Act
    await cycle(store);
    const again = await cycle(store);
    // Assess
    const rows = await rowsOf('提醒');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      _id: expect.stringMatching(/^overdue:3-2-1501:.*:overdue_60$/),
      提醒日期: '2026-11-20',
      类别: '催缴',
      提醒阶段: '逾期60天催缴',
      房号: '3-2-1501',
      欠费金额: 223.75,
      逾期天数: 66,
      提醒内容: expect.stringContaining('3-2-1501'),
      发送渠道: expect.stringContaining('提醒表'),
      发送状态: '已发送',
      发送次数: 1,
      跟进情况: null,
      同步状态: '已同步',
    });
    expect(again.rowsWritten).toBe(0);
    const { rebuilt, cycled } = await rebuiltAndCycled(store, '提醒');
    expect(rebuilt).toEqual(cycled);
  });

  it('shows held payments in tab 待认领款项 after a cycle, and a resolved one as 已处理', async () => {
    // Prepare: an Alipay payment of ¥1.00 for a ¥671.25 order, and one that matches no order at all
    const store = await seedPayments('tab-holds');
    const order = await openOrder(store);
    const alipay = (outTradeNo: string, totalAmount: string, tradeNo: string) => {
      const k = testKeys().alipay;
      return signAlipay(k.privateKey, alipayPaid({ appId: k.appId, sellerId: k.sellerId, outTradeNo, tradeNo, totalAmount }));
    };
    await deliver(store, 'alipay', alipay(order.outTradeNo, '1.00', '2026112022001400000000000001'));
    await deliver(store, 'alipay', alipay('PD01KNOWNNOTHINGHERE000000', '10.00', '2026112022001400000000000002'));
    await openDesk();

    // Act
    await cycle(store);
    // Assess
    const held = await rowsOf('待认领款项');
    expect(held).toHaveLength(2);
    const mismatch = held.find((r) => r.待处理原因 === '支付金额与订单金额不符');
    expect(mismatch).toMatchObject({
      支付渠道: '支付宝',
      类型: '收款',
      金额: 1,
      小区: 'lhy',
      房号: '3-2-1501',
      商户订单号: order.outTradeNo,
      付款人: '2088****3037',
      状态: '待认领',
      同步状态: '已同步',
    });
    expect(held.find((r) => r.待处理原因 === '未匹配到支付订单（待认领）')).toMatchObject({ 小区: null, 金额: 10 });

    // Act: the cashier refunds the ¥1.00 through Alipay and closes it
    await resolveHold(store, context('cashier'), String(mismatch?._id), '已原路退回');
    await cycle(store);
    const again = await cycle(store);
    // Assess
    expect((await rowsOf('待认领款项')).find((r) => r._id === mismatch?._id)).toMatchObject({
      状态: '已处理',
      处理说明: '已原路退回',
      同步状态: '已同步',
    });
    expect(again.rowsWritten).toBe(0);
    // A rebuild lists open holds only: no access pattern finds the closed ones (the queue index drops them).
    const { rebuilt, cycled } = await rebuiltAndCycled(store, '待认领款项');
    expect(rebuilt).toEqual(cycled.filter((cells) => cells[0] !== mismatch?._id));
  });

  it('shows the holiday table in tab 节假日 after a cycle, and a removed day as 已删除', async () => {
    // Prepare: the CS lead enters two days over the official calendar
    const store = await seedFees('tab-holidays');
    const lead = context('cs_lead');
    await putCalendarDay(store, lead, { date: '2027-10-08', kind: 'holiday', name: '国庆节' });
    await putCalendarDay(store, lead, { date: '2027-10-09', kind: 'workday', name: '国庆节调休上班' });
    await openDesk();

    // Act
    await cycle(store);
    // Assess
    const rows = await rowsOf('节假日');
    expect(rows.map((r) => r._id)).toEqual(['2027-10-08', '2027-10-09']);
    expect(rows[0]).toMatchObject({
      日期: '2027-10-08',
      星期: '周五',
      类型: '放假',
      名称: '国庆节',
      登记人: '测试员',
      登记时间: '2026-11-20 10:00',
      状态: '有效',
      同步状态: '已同步',
    });
    expect(rows[1]).toMatchObject({ 星期: '周六', 类型: '调休上班' });

    // Act: the make-up working day is taken out of the table
    await removeCalendarDay(store, lead, '2027-10-09');
    await cycle(store);
    const again = await cycle(store);
    // Assess
    const after = await rowsOf('节假日');
    expect(after).toHaveLength(2);
    expect(after.find((r) => r._id === '2027-10-09')).toMatchObject({ 类型: null, 名称: null, 状态: '已删除（按官方日历）' });
    expect(again.rowsWritten).toBe(0);
    // A rebuild lists the table as it is: the removed day has no record left.
    const { rebuilt, cycled } = await rebuiltAndCycled(store, '节假日');
    expect(rebuilt).toEqual(cycled.filter((cells) => cells[0] !== '2027-10-09'));
  });
});
