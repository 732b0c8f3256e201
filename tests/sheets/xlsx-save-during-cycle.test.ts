import { describe, expect, it } from 'vitest';
import { readUnit, updateUnit } from '../../functions/units/units.commands';
import { SHEET_BINDINGS } from '../../sheets/bindings';
import { syncCycle } from '../../sheets/sync/engine';
import { seedFees } from '../support/fees-seed';
import { context } from '../support/store';
import { syncOptionsFor, xlsxDesk } from './sheet-harness';

const LAYOUTS = SHEET_BINDINGS.map((b) => b.layout);

describe('xlsx workbook saved during a cycle', () => {
  it('does not overwrite a cell a person saved between the read and the write: the cycle runs again and keeps it', async () => {
    // Prepare: the unit's floor changes in the system, so the cycle will rewrite its 房号 row
    const store = await seedFees('sheet-save-race');
    const desk = await xlsxDesk(LAYOUTS);
    await desk.backend.setup(LAYOUTS);
    const options = syncOptionsFor(store, desk.backend);
    await syncCycle(options);
    const unit = await readUnit(store, 'lhy', '3-2-1501');
    await updateUnit(store, context('centre_head'), 'lhy', '3-2-1501', { expectedVersion: unit.version, floor: 15 });
    let saved = false;
    // Act: while the cycle runs, the clerk corrects the owner's phone in that same row and saves
    const report = await syncCycle({
      ...options,
      checkpoint: async (point) => {
        if (point === 'afterCommands' && !saved) {
          saved = true;
          await desk.edit('房号', '3-2-1501', '联系电话', '13900002222');
        }
      },
    });
    // Assess
    expect(report.attempts).toBe(2);
    const after = await readUnit(store, 'lhy', '3-2-1501');
    expect(after.floor).toBe(15);
    expect(after.household?.owner.phone).toBe('13900002222');
    expect((await desk.rows('房号')).find((r) => r._id === '3-2-1501')).toMatchObject({
      楼层: 15,
      联系电话: '13900002222',
      同步状态: '已同步',
    });
    await desk.close();
  });
});
