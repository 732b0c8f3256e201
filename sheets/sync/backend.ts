import type { TabLayout } from '../tab-layout';

/**
 * What the sync engine needs of a spreadsheet, whatever holds it: Google Sheets (`google.backend.ts`) or a local
 * .xlsx workbook (`xlsx.backend.ts`). The engine is written once against this; both backends pass the same
 * scenario tests.
 *
 * Grid coordinates are 0-based and include the header row: row 0 is the header, row 1 the first data row.
 */

/**
 * A cell as read, before the engine canonicalises it per column type:
 * - text as typed; a formula as its text starting with `=` (never its result);
 * - numbers as numbers;
 * - dates/date-times as text (`2026-11-23`, `2026-11-23 14:05` — a backend turns a date cell into that form);
 * - booleans as booleans; an empty cell as `null`.
 */
export type CellRead = string | number | boolean | null;

/**
 * A cell to write. A string is always written as plain text (Google `stringValue`, an xlsx string cell), so
 * `=…`, `+…`, `-…`, `@…` stay text and never become formulas. A number is written as a number (money columns
 * carry the yuan amount with 2 decimals, formatted `0.00` by the tab setup). `null` empties the cell.
 */
export type CellWrite = string | number | null;

export interface RowWrite {
  tab: string;
  /** 0-based grid row index as read in this cycle (never 0: the header is not written here), or `append`. */
  row: number | 'append';
  /** The whole row, one entry per layout column, in layout order. */
  cells: readonly CellWrite[];
}

export interface SheetBackend {
  readonly kind: 'google' | 'xlsx';
  /**
   * Reads every named tab in ONE request (Google: one `values.batchGet`). Rows include the header row; trailing
   * empty rows/cells may be trimmed (a short row means the missing cells are empty). A tab that does not exist
   * raises `SheetSetupNeededError` (the engine then asks for `npm run sheets:setup`).
   */
  read(tabs: readonly string[]): Promise<Map<string, CellRead[][]>>;
  /**
   * Writes every change in ONE request (Google: one `spreadsheets.batchUpdate`; atomic: all or nothing).
   * Row writes replace the whole row from column A; appends land after the last row with data, in the order
   * given. An empty list writes nothing and sends nothing.
   */
  write(changes: readonly RowWrite[]): Promise<void>;
  /**
   * Replaces every data row of a tab with these rows (the header stays): used by `sheets:rebuild`.
   */
  replaceRows(tab: string, rows: readonly (readonly CellWrite[])[]): Promise<void>;
  /**
   * Idempotent set-up of the given tabs: creates missing tabs with their header row (layout headers), freezes the
   * header, column widths, shades/protects system-owned columns (warning-only in Google so staff can still sort),
   * dropdowns (data validation of the enum labels) on enum columns, number formats (money `0.00`), and conditional
   * formatting from `layout.highlights` plus the status column (冲突 red, 错误 amber). Running it twice changes
   * nothing the second time (no duplicate rules, ranges or tabs). A header row that differs from the layout is
   * rewritten.
   */
  setup(layouts: readonly TabLayout[]): Promise<void>;
  /**
   * True while a person has the workbook open for editing in a way that a write now would lose (an office app's
   * lock file beside a local workbook). The engine skips the cycle; the next one catches up. Google: always false.
   */
  busy(): Promise<boolean>;
}

/** Raised by a backend when the service refuses for now (HTTP 429 / 5xx): the engine retries the whole cycle. */
export class SheetBackendBusyError extends Error {
  readonly retryable = true;
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SheetBackendBusyError';
  }
}

/** A tab the sync needs is missing from the spreadsheet/workbook: run `npm run sheets:setup`. */
export class SheetSetupNeededError extends Error {
  constructor(readonly tabs: readonly string[]) {
    super(`表格缺少工作表：${tabs.join('、')}，请先运行 npm run sheets:setup`);
    this.name = 'SheetSetupNeededError';
  }
}
