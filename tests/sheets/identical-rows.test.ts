import { describe, expect, it } from 'vitest';
import { access } from '../../functions/store/keys';
import { SHEET_BINDINGS } from '../../sheets/bindings';
import { syncCycle } from '../../sheets/sync/engine';
import { seedFees } from '../support/fees-seed';
import { syncOptionsFor, xlsxDesk } from './sheet-harness';

const LAYOUTS = SHEET_BINDINGS.map((b) => b.layout);
const ROW = { 房号: '3-2-1501', 收费项目: '复印费（A4）', 数量: '2' };

describe('identical new rows', () => {
  it('makes one record per typed row, also for a row typed later with the same content', async () => {
    // Prepare: two identical rows at once
    const store = await seedFees('sheet-twins');
    const desk = await xlsxDesk(LAYOUTS);
    await desk.backend.setup(LAYOUTS);
    const options = syncOptionsFor(store, desk.backend);
    await desk.addRow('收费台账', ROW);
    await desk.addRow('收费台账', ROW);
    // Act
    await syncCycle(options);
    await desk.addRow('收费台账', ROW);
    await syncCycle(options);
    await syncCycle(options);
    // Assess
    const copies = (await access.listEntries(store, 'lhy', '3-2-1501')).filter((e) => e.itemCode === 'copy_a4');
    expect(copies).toHaveLength(3);
    const rows = (await desk.rows('收费台账')).filter((r) => r.收费项目 === '复印费（A4）');
    expect(new Set(rows.map((r) => r._id)).size).toBe(3);
    expect(rows.every((r) => r.同步状态 === '已同步')).toBe(true);
    await desk.close();
  });
});
