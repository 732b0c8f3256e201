import { createHash } from 'node:crypto';
import { encodeTime } from 'ulid';
import { isDeskError } from '../../functions/core/errors';
import type { FieldProblem } from '../../functions/core/validation';
import type { Store } from '../../functions/store/client';
import type { CommandContext } from '../../functions/store/commit';
import { access } from '../../functions/store/keys';
import { canonicalValue, cellToWrite, parseCell } from '../cells.domain';
import { headerAt, staffRowSchema } from '../row-schema';
import type { TabColumn, TabLayout } from '../tab-layout';
import type { CellRead, RowWrite, SheetBackend } from './backend';
import { SheetBackendBusyError } from './backend';
import type { OutboxRef, RowView, TabBinding } from './binding';
import { decideRow, ID_KEY, type RowDecision, readTab, type SheetRow, STATUS_KEY, statusText, type TabRead } from './diff.domain';
import {
  Baselines,
  exceptionId,
  listExceptions,
  loadSyncState,
  recordException,
  type SyncException,
  saveSyncState,
} from './sync-state';

/**
 * One sync cycle between the store and the spreadsheet:
 *   read every tab (ONE request) → find staff edits by comparison with the baseline and store changes from the
 *   outbox → run staff edits as the API's own commands (source `sheet`) → write every row that must change
 *   (ONE request) → remember the new baseline and outbox cursors.
 *
 * Crash safety comes from the order: nothing is remembered before the sheet holds it, and everything written is
 * derived from the store and the sheet as read. A crash after the commands re-finds the same edits next cycle;
 * their idempotency keys (derived from the row's content) replay the first result instead of doing them twice.
 * A crash after the sheet write finds rows that already agree with the store and only records the baseline.
 */

export type Checkpoint = 'afterRead' | 'afterCommands' | 'afterWrite';

export interface SyncOptions {
  store: Store;
  backend: SheetBackend;
  estateId: string;
  bindings: readonly TabBinding[];
  /** The tab that lists exceptions (同步异常): filled from the exceptions found. */
  exceptionsTab?: string;
  clock?: () => Date;
  /** Test hook: throw here to simulate a crash at that point of the cycle. */
  checkpoint?: (point: Checkpoint) => void | Promise<void>;
  retry?: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  /** Outbox entries are re-read this far back from the cursor (commit order vs ulid order). */
  outboxWindowMs?: number;
  /** At most this many outbox entries per topic and cycle; the rest next cycle. */
  outboxLimit?: number;
}

export interface TabReport {
  created: number;
  updated: number;
  written: number;
  appended: number;
  restored: number;
  conflicts: number;
  errors: number;
}

export interface CycleReport {
  skipped?: 'busy';
  attempts: number;
  tabs: Record<string, TabReport>;
  rowsWritten: number;
  exceptions: number;
}

/** Identical new rows typed at once each get their own record; past this many the row is refused. */
const MAX_CREATE_TRIES = 50;
const DEFAULT_RETRY = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 32_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);

/**
 * Runs a cycle; on 429/5xx from the spreadsheet the WHOLE cycle is retried after a truncated exponential
 * backoff with full jitter (it re-reads first, so a write that did reach the sheet is not applied twice).
 */
export const syncCycle = async (options: SyncOptions): Promise<CycleReport> => {
  const retry = options.retry ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { ...(await runCycle(options)), attempts: attempt };
    } catch (error) {
      if (!(error instanceof SheetBackendBusyError) || attempt >= retry.attempts) throw error;
      const cap = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.random() * cap);
    }
  }
};

const emptyReport = (): TabReport => ({ created: 0, updated: 0, written: 0, appended: 0, restored: 0, conflicts: 0, errors: 0 });

/** Reads the value at a dotted key of a view. */
const valueAt = (view: RowView, key: string): unknown =>
  key
    .split('.')
    .reduce<unknown>(
      (value, part) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined),
      view,
    );

/** A record → its row's canonical cells (the status column empty: the engine sets it). */
export const renderRow = (layout: TabLayout, id: string, view: RowView): string[] =>
  layout.columns.map((column) => {
    if (column.key === ID_KEY) return id;
    if (column.key === STATUS_KEY) return '';
    return canonicalValue(column, valueAt(view, column.key));
  });

const toWrite = (layout: TabLayout, tab: string, row: number | 'append', cells: readonly string[]): RowWrite => ({
  tab,
  row,
  cells: layout.columns.map((column, i) => cellToWrite(column, cells[i] ?? '')),
});

const withStatus = (layout: TabLayout, cells: readonly string[], status: string) =>
  layout.columns.map((column, i) => (column.key === STATUS_KEY ? status : (cells[i] ?? '')));

const sameCells = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((c, i) => c === b[i]);

/** Baselines keep the compared cells only: the status column is the sync's own voice. */
const baselineCells = (layout: TabLayout, cells: readonly string[]) => withStatus(layout, cells, '');

/** Chinese reason of a failed command, with field keys turned into the tab's column headers. */
export const reasonOf = (layout: TabLayout, error: unknown): string => {
  if (!isDeskError(error)) return `系统错误，请联系管理员（${error instanceof Error ? error.message : String(error)}）`;
  const problems = (error.details?.problems ?? []) as FieldProblem[];
  if (problems.length === 0) return error.message;
  const headerOf = (path: string) =>
    layout.columns.find((c) => c.key === path || path.startsWith(`${c.key}.`) || c.key.startsWith(`${path}.`))?.header ?? path;
  return problems.map((p) => `「${headerOf(p.path)}」${p.message}`).join('；');
};

interface TabWork {
  binding: TabBinding;
  layout: TabLayout;
  read: TabRead;
  baselines: Baselines;
  outboxIds: Set<string>;
  cursor?: string;
}

class Cycle {
  readonly now: Date;
  readonly writes: RowWrite[] = [];
  readonly exceptions: SyncException[] = [];
  readonly report: Record<string, TabReport> = {};
  resolutions = new Map<string, SyncException>();

  constructor(readonly options: SyncOptions) {
    this.now = (options.clock ?? (() => new Date()))();
  }

  get store() {
    return this.options.store;
  }

  ctx(binding: TabBinding, idempotencyKey: string, actorName?: string): CommandContext {
    return {
      actor: { id: `sheet:${this.options.estateId}`, name: actorName || '表格录入', role: binding.role },
      source: 'sheet',
      now: this.now,
      idempotencyKey,
      requestId: idempotencyKey,
    };
  }

  exception(work: TabWork, rowId: string, e: Omit<SyncException, 'excId' | 'estateId' | 'tab' | 'rowId' | 'foundAt'>) {
    const base = { tab: work.layout.tab, rowId, ...e };
    this.exceptions.push({ ...base, excId: exceptionId(base), estateId: this.options.estateId, foundAt: this.now.toISOString() });
  }
}

/**
 * Outbox entries of a topic after the cursor, and the next cursor. The cursor means "every entry at or before it
 * has been processed". Entries carry the ulid of their command's start, and a command commits up to its timeout
 * later, so only entries older than `now − window` are sure to be visible: the cursor never passes that point,
 * and entries of the last `window` are read again next cycle (rewriting a row that is right changes nothing).
 * A burst larger than `limit` is read in slices: the cursor moves to the last entry read, so every cycle advances.
 */
const readOutbox = async (options: SyncOptions, topic: string, cursor: string | undefined, now: Date) => {
  const window = options.outboxWindowMs ?? 120_000;
  const limit = options.outboxLimit ?? 5000;
  // '0' sorts before every ulid (an index key condition may not compare with an empty string).
  const from = cursor ?? '0';
  const settled = encodeTime(Math.max(0, now.getTime() - window), 10);
  const messages: OutboxRef[] = [];
  let lastSk = from;
  let truncated = false;
  let page = await access.listOutbox(options.store, { topic, after: from, limit: 500 });
  for (;;) {
    for (const item of page.items) {
      messages.push(item as unknown as OutboxRef);
      lastSk = String(item.sk);
      if (messages.length >= limit) break;
    }
    if (messages.length >= limit) {
      truncated = Boolean(page.cursor) || page.items.at(-1)?.sk !== lastSk;
      break;
    }
    if (!page.cursor) break;
    page = await access.listOutbox(options.store, { topic, after: lastSk, limit: 500 });
  }
  const reached = truncated && lastSk < settled ? lastSk : settled;
  return { messages, cursor: reached > from ? reached : from };
};

const runCycle = async (options: SyncOptions): Promise<Omit<CycleReport, 'attempts'>> => {
  const { backend, store, estateId } = options;
  if (await backend.busy()) return { skipped: 'busy', tabs: {}, rowsWritten: 0, exceptions: 0 };
  const cycle = new Cycle(options);
  const state = await loadSyncState(store, estateId);
  const grids = await backend.read(options.bindings.map((b) => b.layout.tab));

  const works: TabWork[] = [];
  for (const binding of options.bindings) {
    const layout = binding.layout;
    const baselines = await Baselines.load(store, estateId, layout.tab);
    const { messages, cursor } = await readOutbox(options, layout.topic, state.cursors[layout.topic], cycle.now);
    const outboxIds = new Set(messages.flatMap((m) => binding.idsOf(m, estateId)));
    works.push({
      binding,
      layout,
      read: readTab(layout, grids.get(layout.tab) ?? []),
      baselines,
      outboxIds,
      ...(cursor ? { cursor } : {}),
    });
    cycle.report[layout.tab] = emptyReport();
  }
  for (const exception of await listExceptions(store, estateId)) cycle.resolutions.set(exception.excId, exception);
  await options.checkpoint?.('afterRead');

  const exceptionsWork = works.find((w) => w.layout.tab === options.exceptionsTab);
  for (const work of works) if (work !== exceptionsWork) await syncTab(cycle, work);

  // Exceptions are remembered before the sheet is written: the 同步异常 rows derive from them.
  const fresh: string[] = [];
  for (const exception of cycle.exceptions) if (await recordException(store, exception)) fresh.push(exception.excId);
  if (exceptionsWork) {
    for (const exception of cycle.exceptions) exceptionsWork.outboxIds.add(exception.excId);
    await syncTab(cycle, exceptionsWork);
  }
  await options.checkpoint?.('afterCommands');

  await backend.write(cycle.writes);
  await options.checkpoint?.('afterWrite');

  for (const work of works) {
    await work.baselines.save(store, estateId);
    if (work.cursor) state.cursors[work.layout.topic] = work.cursor;
  }
  await saveSyncState(store, estateId, state, cycle.now);
  return { tabs: cycle.report, rowsWritten: cycle.writes.length, exceptions: fresh.length };
};

const editableFor = (binding: TabBinding) => (column: TabColumn) => column.owner === 'staff' && Boolean(binding.update);

/**
 * The staff-owned cells of a row parsed for a command, or the reasons they cannot be: each cell by its column type,
 * then the tab's row schema (`staffRowSchema`, derived from the layout).
 */
const parseStaffCells = (layout: TabLayout, cells: readonly string[], isNew: boolean) => {
  const values: Record<string, unknown> = {};
  const reasons: string[] = [];
  layout.columns.forEach((column, i) => {
    if (column.owner !== 'staff') return;
    const parsed = parseCell(column, cells[i] ?? '');
    if (!parsed.ok) reasons.push(`「${column.header}」${parsed.reason}`);
    else if (parsed.value !== undefined) setAt(values, column.key, parsed.value);
  });
  if (reasons.length > 0) return { values, reasons };
  const checked = staffRowSchema(layout, isNew).safeParse(values);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const missing = issue.code === 'invalid_type' && issue.input === undefined;
      reasons.push(`「${headerAt(layout, issue.path)}」${missing ? '必填' : issue.message}`);
    }
  }
  return { values, reasons };
};

const setAt = (target: Record<string, unknown>, key: string, value: unknown) => {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] = (node[part] as Record<string, unknown> | undefined) ?? {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) ?? key] = value;
};

const actorNameOf = (work: TabWork, cells: readonly string[]) => {
  const at = work.binding.actorColumn ? work.layout.columns.findIndex((c) => c.key === work.binding.actorColumn) : -1;
  return at >= 0 ? cells[at] : undefined;
};

const syncTab = async (cycle: Cycle, work: TabWork) => {
  const { layout, read, baselines, binding } = work;
  const { store, estateId } = cycle.options;
  const tab = layout.tab;
  const report = cycle.report[tab] ?? emptyReport();
  if (read.headerProblems.length > 0) {
    cycle.exception(work, '', { kind: 'layout', detail: read.headerProblems.join('；') });
    return;
  }
  const bySheet = new Map(read.rows.map((row) => [row.id, row]));
  const candidates = new Set(work.outboxIds);
  const statusAt = layout.columns.findIndex((c) => c.key === STATUS_KEY);
  for (const row of read.rows) {
    const base = baselines.get(row.id);
    const status = row.cells[statusAt] ?? '';
    const unsettled = status !== '' && !status.startsWith('已同步') && !status.startsWith('已恢复');
    if (!base || unsettled || !sameCells(baselineCells(layout, row.cells), base)) candidates.add(row.id);
  }
  for (const id of baselines.ids()) if (!bySheet.has(id)) candidates.add(id);
  for (const row of read.duplicates) {
    cycle.exception(work, row.id, { kind: 'duplicate_id', detail: `第${row.rowIndex + 1}行` });
    pushRow(cycle, work, row.rowIndex, withStatus(layout, row.cells, statusText.duplicate), row.cells);
  }

  const views = await binding.load(store, estateId, [...candidates]);
  const rendered = (id: string) => {
    const view = views.get(id);
    return view ? renderRow(layout, id, view) : undefined;
  };
  const editable = editableFor(binding);

  // New rows first: a record created by a crashed earlier cycle is in the outbox but belongs to its typed row,
  // which the replayed create claims (it must not also be appended as a row of its own).
  const claimed = new Set([...bySheet.keys(), ...baselines.ids()]);
  const created = new Set<string>();
  const occurrences = new Map<string, number>();
  for (const row of read.fresh) {
    const id = await createRow(cycle, work, row, report, claimed, occurrences);
    if (id) created.add(id);
  }

  for (const id of candidates) {
    if (created.has(id)) continue;
    const row = bySheet.get(id);
    const base = baselines.get(id);
    const storeCells = rendered(id);
    let decision: RowDecision = decideRow(layout, editable, row?.cells, base, storeCells);
    if (decision.kind === 'conflict') decision = resolveConflict(cycle, work, id, decision);
    await applyDecision(cycle, work, id, decision, row, storeCells, report, views);
  }

  cycle.report[tab] = report;
};

/** A conflict a person decided in 同步异常: their choice becomes an edit (sheet wins) or a write (store wins). */
const resolveConflict = (
  cycle: Cycle,
  work: TabWork,
  id: string,
  decision: Extract<RowDecision, { kind: 'conflict' }>,
): RowDecision => {
  const choices = decision.fields.map((f) => {
    const excId = exceptionId({
      tab: work.layout.tab,
      rowId: id,
      kind: 'conflict',
      field: f.key,
      sheetValue: f.sheet,
      storeValue: f.store,
    });
    return cycle.resolutions.get(excId)?.resolution;
  });
  if (choices.some((c) => c === undefined)) return decision;
  const sheetWins = decision.fields.filter((_, i) => choices[i] === 'sheet').map((f) => f.key);
  return sheetWins.length > 0 ? { kind: 'edit', changed: sheetWins, reverted: [] } : { kind: 'write', reverted: [] };
};

const pushRow = (
  cycle: Cycle,
  work: TabWork,
  rowIndex: number | 'append',
  cells: readonly string[],
  current?: readonly string[],
) => {
  if (current && sameCells(cells, current)) return;
  cycle.writes.push(toWrite(work.layout, work.layout.tab, rowIndex, cells));
};

const applyDecision = async (
  cycle: Cycle,
  work: TabWork,
  id: string,
  decision: RowDecision,
  row: SheetRow | undefined,
  storeCells: string[] | undefined,
  report: TabReport,
  views: Map<string, RowView>,
) => {
  const { layout, baselines, binding } = work;
  const { store, estateId } = cycle.options;
  switch (decision.kind) {
    case 'none': {
      if (!row || !storeCells) return;
      const status = row.cells[layout.columns.findIndex((c) => c.key === STATUS_KEY)] ?? '';
      if (status !== '' && !status.startsWith('已同步') && !status.startsWith('已恢复')) {
        pushRow(cycle, work, row.rowIndex, withStatus(layout, storeCells, statusText.synced([])), row.cells);
      }
      baselines.set(id, baselineCells(layout, storeCells));
      return;
    }
    case 'unknown':
      if (!row) return;
      cycle.exception(work, id, { kind: 'unknown_id' });
      report.errors += 1;
      pushRow(cycle, work, row.rowIndex, withStatus(layout, row.cells, statusText.unknown), row.cells);
      return;
    case 'append':
    case 'restore': {
      if (!storeCells) return;
      if (decision.kind === 'restore') {
        cycle.exception(work, id, { kind: 'deleted', detail: '行被删除，已按系统记录恢复' });
        report.restored += 1;
      } else report.appended += 1;
      pushRow(
        cycle,
        work,
        'append',
        withStatus(layout, storeCells, decision.kind === 'restore' ? statusText.restored : statusText.synced([])),
      );
      baselines.set(id, baselineCells(layout, storeCells));
      return;
    }
    case 'write': {
      if (!row || !storeCells) return;
      for (const f of decision.reverted) {
        const kind = layout.columns.find((c) => c.key === f.key)?.owner === 'staff' ? 'not_editable' : 'system_column';
        cycle.exception(work, id, { kind, field: f.key, header: f.header, sheetValue: f.sheet, storeValue: f.store });
      }
      report.written += 1;
      pushRow(cycle, work, row.rowIndex, withStatus(layout, storeCells, statusText.synced(decision.reverted)), row.cells);
      baselines.set(id, baselineCells(layout, storeCells));
      return;
    }
    case 'conflict': {
      if (!row) return;
      for (const f of decision.fields) {
        cycle.exception(work, id, { kind: 'conflict', field: f.key, header: f.header, sheetValue: f.sheet, storeValue: f.store });
      }
      report.conflicts += 1;
      pushRow(cycle, work, row.rowIndex, withStatus(layout, row.cells, statusText.conflict(decision.fields)), row.cells);
      return;
    }
    case 'edit': {
      if (!row || !storeCells || !binding.update) return;
      const { values, reasons } = parseStaffCells(layout, row.cells, false);
      const base = baselines.get(id) ?? storeCells;
      const fail = (reason: string) => {
        report.errors += 1;
        const kept = layout.columns.map((c, i) => (c.owner === 'staff' ? (row.cells[i] ?? '') : (storeCells[i] ?? '')));
        pushRow(cycle, work, row.rowIndex, withStatus(layout, kept, statusText.error(reason)), row.cells);
      };
      if (reasons.length > 0) return fail(reasons.join('；'));
      const key = `sheet:${estateId}:${layout.tab}:${id}:${hash({ values, base })}`;
      try {
        const current = views.get(id) ?? {};
        await binding.update({
          store,
          ctx: cycle.ctx(binding, key, actorNameOf(work, row.cells)),
          estateId,
          values,
          id,
          changed: decision.changed,
          current,
        });
      } catch (error) {
        return fail(reasonOf(layout, error));
      }
      const after = (await binding.load(store, estateId, [id])).get(id);
      const cells = after ? renderRow(layout, id, after) : storeCells;
      report.updated += 1;
      pushRow(cycle, work, row.rowIndex, withStatus(layout, cells, statusText.synced(decision.reverted)), row.cells);
      baselines.set(id, baselineCells(layout, cells));
      return;
    }
  }
};

/**
 * A new row → the create command. Its idempotency key is the row's content plus its place among identical new
 * rows of this read; a replayed id that another row already holds means this is a later, separate row with the
 * same content, so the next key is tried.
 */
const createRow = async (
  cycle: Cycle,
  work: TabWork,
  row: SheetRow,
  report: TabReport,
  claimed: Set<string>,
  occurrences: Map<string, number>,
): Promise<string | undefined> => {
  const { layout, binding, baselines } = work;
  const { store, estateId } = cycle.options;
  const fail = (reason: string) => {
    report.errors += 1;
    pushRow(cycle, work, row.rowIndex, withStatus(layout, row.cells, statusText.error(reason)), row.cells);
  };
  if (!binding.create) {
    fail('此表不能在表格中新增记录，请通过系统办理');
    return undefined;
  }
  const { values, reasons } = parseStaffCells(layout, row.cells, true);
  if (reasons.length > 0) {
    fail(reasons.join('；'));
    return undefined;
  }
  const content = hash(values);
  const contentKey = `sheet:${estateId}:${layout.tab}:new:${content}`;
  // Its place among the identical new rows of this read (rows are taken in sheet order).
  const place = (occurrences.get(content) ?? 0) + 1;
  occurrences.set(content, place);
  let id: string | undefined;
  try {
    // Bounded: a create that keeps answering with a record another row holds is refused, not retried forever.
    for (let n = place; n < place + MAX_CREATE_TRIES; n += 1) {
      const candidate = await binding.create({
        store,
        ctx: cycle.ctx(binding, `${contentKey}:${n}`, actorNameOf(work, row.cells)),
        estateId,
        values,
      });
      if (!claimed.has(candidate)) {
        id = candidate;
        break;
      }
    }
  } catch (error) {
    fail(reasonOf(layout, error));
    return undefined;
  }
  if (!id) {
    fail('与表中已有的行是同一条记录（重复登记），请删除此行');
    return undefined;
  }
  claimed.add(id);
  const view = (await binding.load(store, estateId, [id])).get(id);
  const cells = view
    ? renderRow(layout, id, view)
    : withStatus(layout, row.cells, '').map((c, i) => (layout.columns[i]?.key === ID_KEY ? id : c));
  report.created += 1;
  pushRow(cycle, work, row.rowIndex, withStatus(layout, cells, statusText.synced([])), row.cells);
  baselines.set(id, baselineCells(layout, cells));
  return id;
};

export type { CellRead };
