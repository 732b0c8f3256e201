import { describe, expect, it } from 'vitest';
import { createUnit } from '../../functions/units/units.commands';
import { CreateUnitBody } from '../../functions/units/units.schema';
import { unitsBinding } from '../../sheets/bindings/units.binding';
import { syncCycle } from '../../sheets/sync/engine';
import { seedFees } from '../support/fees-seed';
import { context } from '../support/store';
import { xlsxDesk } from './sheet-harness';

describe('sheet sync outbox cursor', () => {
  it('works through a burst larger than one cycle takes, a slice per cycle, without stalling', async () => {
    // Prepare: 25 new units in one burst (the seed has one more); a cycle reads at most 10 outbox entries
    const store = await seedFees('sheet-cursor');
    const head = context('centre_head');
    for (let i = 0; i < 25; i += 1) {
      await createUnit(store, head, 'lhy', CreateUnitBody.parse({ code: `6-1-${100 + i}`, buildingCode: '3', area: '70.00' }));
    }
    const desk = await xlsxDesk([unitsBinding.layout]);
    await desk.backend.setup([unitsBinding.layout]);
    const later = new Date(head.now.getTime() + 10 * 60_000);
    const cycle = () =>
      syncCycle({ store, backend: desk.backend, estateId: 'lhy', bindings: [unitsBinding], clock: () => later, outboxLimit: 10 });
    // Act
    const counts: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      await cycle();
      counts.push((await desk.rows('房号')).length);
    }
    // Assess
    expect(counts).toEqual([10, 20, 26, 26]);
    await desk.close();
  });
});
