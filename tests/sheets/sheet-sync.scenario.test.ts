import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase, recordDocument } from '../../functions/checkin/checkin.commands';
import { requiredDocuments, STEP_LABELS } from '../../functions/checkin/checkin.domain';
import { OpenCaseBody } from '../../functions/checkin/checkin.schema';
import type { Store } from '../../functions/store/client';
import { access } from '../../functions/store/keys';
import { readUnit, updateUnit } from '../../functions/units/units.commands';
import { EXCEPTIONS_TAB, SHEET_BINDINGS } from '../../sheets/bindings';
import { type Checkpoint, type SyncOptions, syncCycle } from '../../sheets/sync/engine';
import { context } from '../support/store';
import { seedTickets } from '../tickets/tickets-seed';
import { DESKS, type Desk, syncOptionsFor } from './sheet-harness';

const LAYOUTS = SHEET_BINDINGS.map((b) => b.layout);
const FEES = '收费台账';
const LOG = '工作信息记录本';
const UNITS = '房号';
const CHECKIN = '入伙办理';
const RECEPTION = STEP_LABELS.reception.split(' · ').at(-1) ?? '';
const FORMULA = '=HYPERLINK("http://x","y")';

const seed = async (label: string) => {
  const store = await seedTickets(label);
  const desk = context('front_desk');
  const opened = await openCase(store, desk, 'lhy', '3-2-1501', OpenCaseBody.parse({}));
  const where = { estateId: 'lhy', unitCode: '3-2-1501', caseId: opened.result.caseId };
  for (const code of requiredDocuments('handover', 'family', false)) {
    await recordDocument(
      store,
      desk,
      where,
      code,
      code === 'family_ids' ? { state: 'waived', reason: '独居' } : { state: 'received' },
    );
  }
  return { store, caseRow: `3-2-1501/${opened.result.caseId}`, where };
};

const charges = async (store: Store) =>
  (await access.listEntries(store, 'lhy', '3-2-1501')).filter((e) => e.entryKind === 'charge' && e.itemCode === 'ic_card');
const tickets = async (store: Store) => (await access.listTicketsByState(store, 'lhy', 'open', { limit: 500 })).items;

describe.each(DESKS)('sheet sync on the %s backend', (_kind, makeDesk) => {
  let desk: Desk;
  const options = (store: Store, extra: Partial<SyncOptions> = {}): SyncOptions => syncOptionsFor(store, desk.backend, extra);
  const fresh = async (label: string) => {
    await desk.close().catch(() => {});
    desk = await makeDesk(LAYOUTS);
    await desk.backend.setup(LAYOUTS);
    const seeded = await seed(label);
    await syncCycle(options(seeded.store));
    return seeded;
  };
  beforeAll(async () => {
    desk = await makeDesk(LAYOUTS);
  });
  afterAll(async () => {
    await desk.close();
  });

  it('turns a fee row, a ticket row and a check-in tick typed in the sheet into records, and marks them synced', async () => {
    // Prepare
    const { store, caseRow, where } = await fresh('sheet-in');
    await desk.addRow(FEES, { 房号: '3-2-1501', 收费项目: 'IC卡工本费', 数量: '2', 经办人: '王芳' });
    await desk.addRow(LOG, { 信息来源: '来电', 类别: '维修', 房号: '3-2-1501', 联系人: '李四', 事项内容: FORMULA });
    await desk.edit(CHECKIN, caseRow, RECEPTION, '是');
    // Act
    const report = await syncCycle(options(store));
    // Assess
    expect(report.tabs[FEES]?.created).toBe(1);
    const [charge] = await charges(store);
    expect(charge).toMatchObject({ amountFen: 4000, quantity: 2, postedBy: { name: '王芳' } });
    const [ticket] = await tickets(store);
    expect(ticket).toMatchObject({ description: FORMULA, unitCode: '3-2-1501' });
    const { checkinCase } = await import('../../functions/checkin/checkin.store').then((m) =>
      m.readCase(store, 'lhy', where.unitCode, where.caseId),
    );
    expect(checkinCase.steps.reception?.by.name).toBe('表格录入');
    const feeRow = (await desk.rows(FEES)).find((r) => r.收费项目 === 'IC卡工本费');
    expect(feeRow).toMatchObject({ _id: `3-2-1501/${String(charge?.entryId)}`, 同步状态: '已同步', 金额: 40 });
    const logRow = (await desk.rows(LOG)).find((r) => r._id === ticket?.ticketId);
    expect(logRow).toMatchObject({ 事项内容: FORMULA, 同步状态: '已同步' });
    expect(await desk.isText(LOG, String(ticket?.ticketId), '事项内容')).toBe(true);
    const checkinRow = (await desk.rows(CHECKIN)).find((r) => r._id === caseRow);
    expect(checkinRow).toMatchObject({ [RECEPTION]: '是', 同步状态: '已同步' });
  });

  it('refuses bad rows with their reason in the status column, writes nothing and keeps them as typed', async () => {
    // Prepare
    const { store } = await fresh('sheet-bad');
    await desk.addRow(FEES, { 房号: '3-2-1501', 收费项目: 'IC卡工本费', 录入金额: '-5' });
    await desk.addRow(FEES, { 房号: '9-9-999', 收费项目: 'IC卡工本费' });
    await desk.addRow(LOG, { 接报时间: '上周五下午', 信息来源: '来电', 类别: '维修', 房号: '3-2-1501', 事项内容: '漏水' });
    await desk.addRow(LOG, { 信息来源: '飞鸽传书', 类别: '维修', 房号: '3-2-1501', 事项内容: '门禁坏了' });
    // Act
    await syncCycle(options(store));
    // Assess
    expect(await charges(store)).toHaveLength(0);
    expect(await tickets(store)).toHaveLength(0);
    const fees = await desk.rows(FEES);
    expect(fees.find((r) => r.录入金额 === -5)?.同步状态).toMatch(/^错误：.*录入金额.*负数/);
    expect(fees.find((r) => r.房号 === '9-9-999')).toMatchObject({
      _id: null,
      同步状态: expect.stringMatching(/^错误：.*9-9-999/),
    });
    const log = await desk.rows(LOG);
    expect(log.find((r) => r.事项内容 === '漏水')?.同步状态).toMatch(/^错误：「接报时间」时间格式不正确/);
    expect(log.find((r) => r.事项内容 === '门禁坏了')).toMatchObject({
      信息来源: '飞鸽传书',
      同步状态: expect.stringMatching(/^错误：「信息来源」不是可选值/),
    });
  });

  it('changes nothing when staff sort a tab and insert blank rows between cycles', async () => {
    // Prepare
    const { store } = await fresh('sheet-sort');
    await desk.addRow(FEES, { 房号: '3-2-1501', 收费项目: 'IC卡工本费', 数量: '1' });
    await desk.addRow(FEES, { 房号: '3-2-1501', 收费项目: '复印费（A4）', 数量: '3' });
    await desk.addRow(LOG, { 信息来源: '来访', 类别: '维修', 房号: '3-2-1501', 事项内容: '阳台渗水' });
    await syncCycle(options(store));
    const before = { fees: (await desk.rows(FEES)).length, entries: (await access.listEntries(store, 'lhy', '3-2-1501')).length };
    await desk.sort(FEES, '收费项目', true);
    await desk.insertBlankRows(FEES, 1, 2);
    await desk.insertBlankRows(LOG, 1, 3);
    // Act
    const report = await syncCycle(options(store));
    // Assess
    expect(report.rowsWritten).toBe(0);
    expect((await desk.rows(FEES)).length).toBe(before.fees);
    expect((await access.listEntries(store, 'lhy', '3-2-1501')).length).toBe(before.entries);
  });

  it('marks a conflict when the sheet and the store both changed, keeps both values, and settles as a person decides', async () => {
    // Prepare
    const { store } = await fresh('sheet-conflict');
    await desk.edit(UNITS, '3-2-1501', '联系电话', '13900000001');
    const unit = await readUnit(store, 'lhy', '3-2-1501');
    const household = { ...unit.household, owner: { ...unit.household?.owner, phone: '13700000002' } };
    await updateUnit(store, context('front_desk'), 'lhy', '3-2-1501', { expectedVersion: unit.version, household } as never);
    // Act
    const report = await syncCycle(options(store));
    // Assess
    expect(report.tabs[UNITS]?.conflicts).toBe(1);
    expect((await readUnit(store, 'lhy', '3-2-1501')).household?.owner.phone).toBe('13700000002');
    const row = (await desk.rows(UNITS)).find((r) => r._id === '3-2-1501');
    expect(row?.联系电话).toBe('13900000001');
    expect(row?.同步状态).toMatch(/^冲突：「联系电话」表格为“13900000001”，系统为“13700000002”/);
    const exception = (await desk.rows(EXCEPTIONS_TAB)).find((r) => r.行编号 === '3-2-1501' && r.列 === '联系电话');
    expect(exception).toMatchObject({ 表格中的值: '13900000001', 系统中的值: '13700000002' });

    // Act: the person decides for the sheet's value
    await desk.edit(EXCEPTIONS_TAB, String(exception?._id), '处理', '采用表格值');
    await syncCycle(options(store));
    await syncCycle(options(store));
    // Assess
    expect((await readUnit(store, 'lhy', '3-2-1501')).household?.owner.phone).toBe('13900000001');
    expect((await desk.rows(UNITS)).find((r) => r._id === '3-2-1501')?.同步状态).toBe('已同步');
  });

  it('brings a deleted row back, flagged, and records it in 同步异常', async () => {
    // Prepare
    const { store } = await fresh('sheet-delete');
    await desk.deleteRowOf(UNITS, '3-2-1501');
    // Act
    const report = await syncCycle(options(store));
    // Assess
    expect(report.tabs[UNITS]?.restored).toBe(1);
    expect((await desk.rows(UNITS)).find((r) => r._id === '3-2-1501')?.同步状态).toMatch(/^已恢复/);
    expect((await desk.rows(EXCEPTIONS_TAB)).some((r) => r.行编号 === '3-2-1501' && String(r.类别).startsWith('行被删除'))).toBe(
      true,
    );
  });

  it('reverts an edit to a system column and keeps what was typed in 同步异常', async () => {
    // Prepare
    const { store } = await fresh('sheet-system');
    await desk.edit(UNITS, '3-2-1501', '业主', '王五');
    // Act
    await syncCycle(options(store));
    // Assess
    const row = (await desk.rows(UNITS)).find((r) => r._id === '3-2-1501');
    expect(row).toMatchObject({ 业主: '李四', 同步状态: expect.stringMatching(/系统列已还原：业主/) });
    expect((await desk.rows(EXCEPTIONS_TAB)).some((r) => r.表格中的值 === '王五')).toBe(true);
  });

  it.each<Checkpoint>(['afterRead', 'afterCommands', 'afterWrite'])(
    'neither loses nor doubles an edit when the cycle crashes %s',
    async (point) => {
      // Prepare
      const { store } = await fresh(`sheet-crash-${point}`);
      await desk.addRow(FEES, { 房号: '3-2-1501', 收费项目: 'IC卡工本费', 数量: '1' });
      await desk.addRow(LOG, { 信息来源: '来电', 类别: '维修', 房号: '3-2-1501', 事项内容: '电梯异响' });
      const crash = async (at: Checkpoint) => {
        if (at === point) throw new Error(`crash ${at}`);
      };
      // Act
      await expect(syncCycle(options(store, { checkpoint: crash }))).rejects.toThrow(`crash ${point}`);
      await syncCycle(options(store));
      await syncCycle(options(store));
      // Assess
      expect(await charges(store)).toHaveLength(1);
      expect(await tickets(store)).toHaveLength(1);
      const feeRows = (await desk.rows(FEES)).filter((r) => r.收费项目 === 'IC卡工本费');
      expect(feeRows).toHaveLength(1);
      expect(feeRows[0]).toMatchObject({ 同步状态: '已同步', _id: expect.stringMatching(/^3-2-1501\//) });
      expect((await desk.rows(LOG)).filter((r) => r.事项内容 === '电梯异响')).toHaveLength(1);
    },
  );
});
