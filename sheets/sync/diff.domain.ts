import { canonicalCell } from '../cells.domain';
import type { TabColumn, TabLayout } from '../tab-layout';
import type { CellRead } from './backend';

/**
 * The sync's decisions, pure: for one row id, given what the sheet shows (V), what was last synced (B) and what
 * the store holds (S), what happens. All three are canonical cell texts in layout order.
 *
 *            staff column                                   system column
 *   V=B, S≠B  store changed → write S                       write S
 *   V≠B, S=B  staff edited  → command                       staff edited → revert to S, keep V in 同步异常
 *   V≠B, S≠B  both changed: V=S settled; else 冲突          write S (revert if V≠B)
 *
 * A row is identified by `_id`, never by its position: sorting or inserting rows changes nothing.
 */

export const STATUS_KEY = '_status';
export const ID_KEY = '_id';
export const SYNCED = '已同步';

export interface SheetRow {
  /** Grid row index as read (0 is the header). */
  rowIndex: number;
  id: string;
  cells: string[];
}

export interface FieldChange {
  key: string;
  header: string;
  sheet: string;
  store: string;
  base: string;
}

export type RowDecision =
  | { kind: 'none' }
  | { kind: 'write'; reverted: FieldChange[] }
  | { kind: 'edit'; changed: string[]; reverted: FieldChange[] }
  | { kind: 'conflict'; fields: FieldChange[] }
  | { kind: 'append' }
  | { kind: 'restore' }
  | { kind: 'unknown' };

export interface TabRead {
  rows: SheetRow[];
  /** Rows with an empty `_id` and something typed: creates. */
  fresh: SheetRow[];
  /** Later rows repeating an `_id` seen above (a copied row): flagged, never synced. */
  duplicates: SheetRow[];
  /** Header cells that differ from the layout (columns moved or renamed): the tab is not synced. */
  headerProblems: string[];
}

const columnIndex = (layout: TabLayout, key: string) => layout.columns.findIndex((c) => c.key === key);

/** The grid of a tab → rows by `_id`, new rows, duplicates; cells canonical. */
export const readTab = (layout: TabLayout, grid: readonly (readonly CellRead[])[]): TabRead => {
  const header = grid[0] ?? [];
  const headerProblems = layout.columns
    .map((column, i) => ({ column, seen: String(header[i] ?? '').trim() }))
    .filter(({ column, seen }) => seen !== column.header)
    .map(({ column, seen }) => `第${i26(layout, column)}列应为「${column.header}」，实为「${seen}」`);
  const idAt = columnIndex(layout, ID_KEY);
  const statusAt = columnIndex(layout, STATUS_KEY);
  const seen = new Set<string>();
  const read: TabRead = { rows: [], fresh: [], duplicates: [], headerProblems };
  for (let rowIndex = 1; rowIndex < grid.length; rowIndex += 1) {
    const raw = grid[rowIndex] ?? [];
    const cells = layout.columns.map((column, i) => canonicalCell(column, raw[i] ?? null));
    const id = cells[idAt] ?? '';
    if (id === '') {
      const typed = cells.some((cell, i) => i !== statusAt && cell !== '');
      if (typed) read.fresh.push({ rowIndex, id, cells });
      continue;
    }
    if (seen.has(id)) read.duplicates.push({ rowIndex, id, cells });
    else {
      seen.add(id);
      read.rows.push({ rowIndex, id, cells });
    }
  }
  return read;
};

/** Column letter of a layout column, for messages staff can follow (A, B, … AA). */
const i26 = (layout: TabLayout, column: TabColumn) => columnLetter(layout.columns.indexOf(column));
export const columnLetter = (index: number): string =>
  index < 26 ? String.fromCharCode(65 + index) : columnLetter(Math.floor(index / 26) - 1) + columnLetter(index % 26);

const compared = (column: TabColumn) => column.key !== STATUS_KEY && column.key !== ID_KEY;

/**
 * The decision for one row id. `sheet` undefined: no row with this id in the sheet; `base` undefined: never synced
 * (then the store is the baseline: nothing the staff did can be told apart); `store` undefined: no record.
 * `editable(column)`: may staff change this column on an existing row (a staff column whose tab has an update).
 */
export const decideRow = (
  layout: TabLayout,
  editable: (column: TabColumn) => boolean,
  sheet: readonly string[] | undefined,
  base: readonly string[] | undefined,
  store: readonly string[] | undefined,
): RowDecision => {
  if (!store) return sheet ? { kind: 'unknown' } : { kind: 'none' };
  if (!sheet) return base ? { kind: 'restore' } : { kind: 'append' };
  const b = base ?? store;
  const conflicts: FieldChange[] = [];
  const changed: string[] = [];
  const reverted: FieldChange[] = [];
  let differs = false;
  layout.columns.forEach((column, i) => {
    if (!compared(column)) return;
    const v = sheet[i] ?? '';
    const bv = b[i] ?? '';
    const s = store[i] ?? '';
    const change = { key: column.key, header: column.header, sheet: v, store: s, base: bv };
    if (v !== s) differs = true;
    if (!editable(column)) {
      if (v !== s && v !== bv) reverted.push(change);
      return;
    }
    if (v === bv || v === s) return; // unchanged in the sheet, or both sides agree
    if (s === bv) changed.push(column.key);
    else conflicts.push(change);
  });
  if (conflicts.length > 0) return { kind: 'conflict', fields: conflicts };
  if (changed.length > 0) return { kind: 'edit', changed, reverted };
  if (differs) return { kind: 'write', reverted };
  return { kind: 'none' };
};

/** What the status column says, in Chinese, for staff. */
export const statusText = {
  synced: (reverted: readonly FieldChange[]) =>
    reverted.length === 0
      ? SYNCED
      : `${SYNCED}（系统列已还原：${reverted.map((f) => f.header).join('、')}，原填写内容见同步异常）`,
  error: (message: string) => `错误：${message}`,
  conflict: (fields: readonly FieldChange[]) =>
    `冲突：${fields.map((f) => `「${f.header}」表格为“${f.sheet}”，系统为“${f.store}”`).join('；')}。请核对后把单元格改为正确的值（见同步异常）`,
  restored: '已恢复：此行曾被删除。记录不能在表格中删除，如需作废请改状态',
  unknown: '错误：系统中没有此编号的记录（请勿修改 _id 列）',
  duplicate: '错误：与上方某行的 _id 重复（复制的行）。此行不会同步，请删除此行或清空其 _id 作为新行登记',
};
