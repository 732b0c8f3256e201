import { encodeTime } from 'ulid';
import { cellToWrite } from '../cells.domain';
import type { TabLayout } from '../tab-layout';
import { ID_KEY, STATUS_KEY, SYNCED } from './diff.domain';
import { type CycleReport, renderRow, type SyncOptions, syncCycle } from './engine';
import { Baselines, loadSyncState, saveSyncState } from './sync-state';

/**
 * `npm run sheets:rebuild`: rewrites every tab from the store (the sheet is a view, never the source of truth).
 * A normal cycle runs first, so edits staff made since the last cycle are taken in, not thrown away. Every
 * baseline is replaced by what is written; the outbox cursors move to now (everything is in the sheet).
 */
export const rebuildSheet = async (options: SyncOptions): Promise<{ before: CycleReport; rows: Record<string, number> }> => {
  const before = await syncCycle(options);
  const { store, estateId, backend } = options;
  const now = (options.clock ?? (() => new Date()))();
  const state = await loadSyncState(store, estateId);
  const rows: Record<string, number> = {};
  for (const binding of options.bindings) {
    const layout = binding.layout;
    const records = await binding.loadAll(store, estateId);
    const rendered = [...records].map(([id, view]) => renderRow(layout, id, view));
    sortRows(layout, rendered);
    const baselines = await Baselines.load(store, estateId, layout.tab);
    baselines.clear();
    for (const cells of rendered) baselines.set(cells[layout.columns.findIndex((c) => c.key === ID_KEY)] ?? '', cells);
    const statusAt = layout.columns.findIndex((c) => c.key === STATUS_KEY);
    await backend.replaceRows(
      layout.tab,
      rendered.map((cells) => layout.columns.map((column, i) => cellToWrite(column, i === statusAt ? SYNCED : (cells[i] ?? '')))),
    );
    await baselines.save(store, estateId);
    // Everything committed before the outbox window is in what was just written; the window is read again.
    state.cursors[layout.topic] = encodeTime(Math.max(0, now.getTime() - (options.outboxWindowMs ?? 120_000)), 10);
    rows[layout.tab] = rendered.length;
  }
  await saveSyncState(store, estateId, state, now);
  return { before, rows };
};

const sortRows = (layout: TabLayout, rows: string[][]) => {
  const at = Math.max(
    0,
    layout.columns.findIndex((c) => c.key === layout.sortBy),
  );
  rows.sort((a, b) => (a[at] ?? '').localeCompare(b[at] ?? '', 'zh-CN', { numeric: true }));
};
