import { afterEach, describe, expect, it } from 'vitest';
import { openCase } from '../../functions/checkin/checkin.commands';
import { OpenCaseBody } from '../../functions/checkin/checkin.schema';
import { PostChargesBody } from '../../functions/fees/fees.schema';
import { postCharges } from '../../functions/fees/ledger.commands';
import type { Store } from '../../functions/store/client';
import { access } from '../../functions/store/keys';
import { createUnit } from '../../functions/units/units.commands';
import { CreateUnitBody } from '../../functions/units/units.schema';
import { SHEET_BINDINGS } from '../../sheets/bindings';
import { type SyncOptions, syncCycle } from '../../sheets/sync/engine';
import { seedFees } from '../support/fees-seed';
import { context } from '../support/store';
import { type Desk, googleDesk, syncOptionsFor } from './sheet-harness';

const LAYOUTS = SHEET_BINDINGS.map((b) => b.layout);

const options = (store: Store, desk: Desk): SyncOptions => syncOptionsFor(store, desk.backend);

/** Runs `work` over `items`, `width` at a time. */
const inParallel = async <T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
};

describe('sheet sync on Google Sheets', () => {
  let desk: Desk | undefined;
  afterEach(async () => {
    await desk?.close();
  });

  it('writes 1,000 changed records across 3 tabs with one read and one write request', async () => {
    // Prepare: 400 new units (房号), a charge on 300 of them (收费台账) and a check-in case on 300 (入伙办理)
    const store = await seedFees('sheet-count');
    desk = await googleDesk(LAYOUTS);
    await desk.backend.setup(LAYOUTS);
    await syncCycle(options(store, desk));
    const head = context('centre_head');
    const codes = Array.from({ length: 400 }, (_, i) => `5-1-${String(100 + i)}`);
    await inParallel(codes, 6, (code) =>
      createUnit(
        store,
        head,
        'lhy',
        CreateUnitBody.parse({
          code,
          buildingCode: '3',
          area: '60.00',
          household: { type: 'family', owner: { name: '王五', phone: '13812345679' } },
        }),
      ),
    );
    await inParallel(codes.slice(0, 300), 6, (code) =>
      postCharges(store, context('cashier'), 'lhy', code, PostChargesBody.parse({ itemCode: 'ic_card' })),
    );
    await inParallel(codes.slice(100, 400), 6, (code) =>
      openCase(store, context('front_desk'), 'lhy', code, OpenCaseBody.parse({})),
    );
    desk.server?.resetCounts();
    // Act
    const report = await syncCycle(options(store, desk));
    // Assess
    expect(report.rowsWritten).toBe(1000);
    expect(desk.server?.requests.map((r) => r.kind)).toEqual(['batchGet', 'batchUpdate']);
    expect((await desk.rows('房号')).length).toBe(401);
    expect((await desk.rows('收费台账')).length).toBe(300);
    expect((await desk.rows('入伙办理')).length).toBe(300);
  }, 240_000);

  it('loses and doubles nothing when Google answers 429 and then succeeds', async () => {
    // Prepare
    const store = await seedFees('sheet-429');
    desk = await googleDesk(LAYOUTS);
    await desk.backend.setup(LAYOUTS);
    await syncCycle(options(store, desk));
    await desk.addRow('收费台账', { 房号: '3-2-1501', 收费项目: 'IC卡工本费', 数量: '1' });
    desk.server?.resetCounts();
    desk.server?.failNext(1, 429);
    // Act
    const report = await syncCycle(options(store, desk));
    // Assess
    expect(report.attempts).toBe(2);
    expect(desk.server?.requests.map((r) => `${r.kind} ${r.status}`)).toEqual([
      'batchGet 429',
      'batchGet 200',
      'batchUpdate 200',
    ]);
    const entries = (await access.listEntries(store, 'lhy', '3-2-1501')).filter((e) => e.itemCode === 'ic_card');
    expect(entries).toHaveLength(1);
    expect((await desk.rows('收费台账')).filter((r) => r.收费项目 === 'IC卡工本费')).toEqual([
      expect.objectContaining({ 同步状态: '已同步' }),
    ]);
  });

  it('retries the whole cycle when the write is refused, without applying the edit twice', async () => {
    // Prepare
    const store = await seedFees('sheet-503');
    desk = await googleDesk(LAYOUTS);
    await desk.backend.setup(LAYOUTS);
    await syncCycle(options(store, desk));
    await desk.addRow('收费台账', { 房号: '3-2-1501', 收费项目: '复印费（A4）', 数量: '4' });
    desk.server?.resetCounts();
    // Act: the read passes, the write fails once with 503
    const server = desk.server;
    const original = server?.failNext.bind(server);
    let reads = 0;
    const cycle = syncCycle({
      ...options(store, desk),
      checkpoint: (point) => {
        if (point === 'afterCommands' && reads++ === 0) original?.(1, 503);
      },
    });
    const report = await cycle;
    // Assess
    expect(report.attempts).toBe(2);
    const entries = (await access.listEntries(store, 'lhy', '3-2-1501')).filter((e) => e.itemCode === 'copy_a4');
    expect(entries).toHaveLength(1);
    expect((await desk.rows('收费台账')).filter((r) => r.收费项目 === '复印费（A4）')).toHaveLength(1);
  });
});
