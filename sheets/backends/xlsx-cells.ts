import ExcelJS from 'exceljs';
import type { CellRead, CellWrite } from '../sync/backend';
import type { TabColumn } from '../tab-layout';

/**
 * Cell values between exceljs and the sync engine, for the local .xlsx backend: what a saved workbook holds
 * (whatever Excel, WPS, LibreOffice or exceljs wrote) → `CellRead`, and `CellWrite` → an exceljs cell.
 */

/** `TRUE()`/`FALSE()`: how LibreOffice saves a plain boolean cell; they are values, not formulas a person typed. */
const BOOLEAN_FORMULA = /^(TRUE|FALSE)\(\)$/i;

const two = (n: number) => String(n).padStart(2, '0');

/**
 * `2026-11-23` at midnight, else `2026-11-23 14:05`. exceljs turns the sheet's serial day number (wall time, no
 * zone) into a Date whose UTC fields are that wall time, so the UTC getters give back what the person typed.
 * The serial is a float: round to the second first so 14:05 stored as 14:04:59.9999 stays 14:05.
 */
export function dateText(date: Date): string | null {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return null;
  const d = new Date(Math.round(ms / 1000) * 1000);
  const day = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
  const hours = d.getUTCHours();
  const minutes = d.getUTCMinutes();
  return hours === 0 && minutes === 0 ? day : `${day} ${two(hours)}:${two(minutes)}`;
}

/** Plain text of a string or rich-text value (notes, formatted runs and hyperlink captions come back rich). */
function plainText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'richText' in value) {
    return (value as ExcelJS.CellRichTextValue).richText.map((run) => run.text ?? '').join('');
  }
  return value === null || value === undefined ? '' : String(value);
}

/** An empty string is an empty cell for the engine (Google omits both alike). */
const textOrNull = (text: string): string | null => (text === '' ? null : text);

/** The formula text as the person typed it; `TRUE()`/`FALSE()` are LibreOffice's booleans. */
function formulaRead(cell: ExcelJS.Cell): CellRead {
  // `cell.formula` also translates a shared formula's follower cells (`sharedFormula`) from its master.
  const formula = cell.formula ?? '';
  if (BOOLEAN_FORMULA.test(formula)) return formula.toUpperCase().startsWith('TRUE');
  return `=${formula}`;
}

/** One cell as the engine reads it (see `CellRead`). */
export function readCell(cell: ExcelJS.Cell): CellRead {
  const value = cell.value;
  switch (cell.type) {
    case ExcelJS.ValueType.Null:
    case ExcelJS.ValueType.Merge: // the value of merged cells lives in the top-left cell only
      return null;
    case ExcelJS.ValueType.Number:
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case ExcelJS.ValueType.Boolean:
      return value === true;
    case ExcelJS.ValueType.Date:
      return value instanceof Date ? dateText(value) : null;
    case ExcelJS.ValueType.Formula:
      return formulaRead(cell);
    case ExcelJS.ValueType.Error:
      return (value as ExcelJS.CellErrorValue).error ?? null;
    case ExcelJS.ValueType.Hyperlink:
      return textOrNull(plainText((value as ExcelJS.CellHyperlinkValue).text));
    default:
      return textOrNull(plainText(value));
  }
}

/**
 * A row as read: index = column − 1, trailing empty cells trimmed, so a blank row is `[]`.
 */
export function readRow(row: ExcelJS.Row): CellRead[] {
  const cells: CellRead[] = [];
  row.eachCell((cell, column) => {
    cells[column - 1] = readCell(cell);
  });
  let length = cells.length;
  while (length > 0 && (cells[length - 1] ?? null) === null) length--;
  return Array.from({ length }, (_, index) => cells[index] ?? null);
}

/**
 * Every row of a worksheet as read: index = Excel row number − 1 (header at 0); rows staff left blank stay
 * in place as `[]` and trailing blank rows are trimmed. `rowCount` is not used: a LibreOffice save can stretch it
 * to the end of the data-validation range; only rows that hold a value count.
 */
export function readRows(worksheet: ExcelJS.Worksheet): CellRead[][] {
  const rows: CellRead[][] = [];
  worksheet.eachRow((row, rowNumber) => {
    const cells = readRow(row);
    if (cells.length > 0) rows[rowNumber - 1] = cells;
  });
  return Array.from({ length: rows.length }, (_, index) => rows[index] ?? []);
}

/** Excel row number of the last row holding a value (1 when only the header, 0 when the tab is empty). */
export const lastRowWithData = (worksheet: ExcelJS.Worksheet): number => readRows(worksheet).length;

/** Fill of the system-owned columns: staff see at a glance which columns the system keeps. */
export const SYSTEM_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };

/**
 * The number format a column's cells carry, so a value typed later keeps its kind: text-like columns `@` (a
 * typed `5/9` or `0571…` stays text instead of becoming a date or a number), money `0.00`, and dates in the
 * same form the system writes them (a typed date becomes a real date, which reads back in that form).
 */
export function numberFormat(column: TabColumn): string | undefined {
  switch (column.type) {
    case 'money':
      return '0.00';
    case 'date':
      return 'yyyy-mm-dd';
    case 'datetime':
      return 'yyyy-mm-dd hh:mm';
    case 'number':
      return undefined;
    default:
      return '@';
  }
}

/** The part of a cell style a layout column decides; `undefined` entries remove what an older layout set. */
export function columnStyle(column: TabColumn | undefined): Partial<ExcelJS.Style> {
  if (!column) return {};
  return {
    numFmt: numberFormat(column),
    fill: column.owner === 'system' ? SYSTEM_FILL : undefined,
    alignment: column.type === 'longtext' ? { vertical: 'top', wrapText: true } : undefined,
  };
}

/**
 * A style with the column's part applied, as a NEW object: exceljs shares one style object between every cell
 * loaded with the same style id, so changing a property in place would restyle unrelated cells.
 */
export function styled(base: Partial<ExcelJS.Style>, part: Partial<ExcelJS.Style>): Partial<ExcelJS.Style> {
  const style: Record<string, unknown> = { ...base, ...part };
  for (const key of Object.keys(style)) if (style[key] === undefined) delete style[key];
  return style as Partial<ExcelJS.Style>;
}

/**
 * Writes one value: a string ALWAYS as a plain string cell (exceljs never parses `=…`, `+…`, `-…`, `@…` given
 * as a string, and saves it as a shared string, which no office app evaluates), a number as a number, `null`
 * (or an empty string) clears the value but keeps the cell's formatting.
 */
export function writeCell(cell: ExcelJS.Cell, value: CellWrite, column: TabColumn | undefined): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`单元格 ${cell.address} 的数值无效：${value}`);
  }
  cell.value = value === '' ? null : value;
  cell.style = styled(cell.style, columnStyle(column));
}
