import { describe, expect, it } from 'vitest';
import { access } from '../../functions/store/keys';
import { SHEET_BINDINGS } from '../../sheets/bindings';
import { syncCycle } from '../../sheets/sync/engine';
import { rebuildSheet } from '../../sheets/sync/rebuild';
import { seedFees } from '../support/fees-seed';
import { syncOptionsFor, xlsxDesk } from './sheet-harness';

const LAYOUTS = SHEET_BINDINGS.map((b) => b.layout);

describe('sheet rebuild', () => {
  it('rewrites a mangled workbook from the store, after taking in the edits staff made since the last cycle', async () => {
    // Prepare: a charge synced, then the fee tab emptied by mistake and a new row typed on the units tab's copy
    const store = await seedFees('sheet-rebuild');
    const desk = await xlsxDesk(LAYOUTS);
    await desk.backend.setup(LAYOUTS);
    const options = syncOptionsFor(store, desk.backend);
    await desk.addRow('收费台账', { 房号: '3-2-1501', 收费项目: 'IC卡工本费', 数量: '1' });
    await syncCycle(options);
    await desk.backend.replaceRows('收费台账', []);
    await desk.addRow('收费台账', { 房号: '3-2-1501', 收费项目: '复印费（A4）', 数量: '5' });
    // Act
    const { rows } = await rebuildSheet(options);
    // Assess: the typed row became a charge before the rewrite; every entry is a row, synced, once
    const entries = await access.listEntries(store, 'lhy', '3-2-1501');
    expect(entries.map((e) => e.itemCode).sort()).toEqual(['copy_a4', 'ic_card']);
    expect(rows.收费台账).toBe(2);
    const fees = await desk.rows('收费台账');
    expect(fees.map((r) => r.收费项目).sort()).toEqual(['IC卡工本费', '复印费（A4）']);
    expect(fees.every((r) => r.同步状态 === '已同步')).toBe(true);
    expect((await syncCycle(options)).rowsWritten).toBe(0);
    await desk.close();
  });
});
