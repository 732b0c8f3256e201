import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import {
  type CellRead,
  type CellWrite,
  type RowWrite,
  type SheetBackend,
  SheetBackendBusyError,
  SheetSetupNeededError,
} from '../sync/backend';
import type { TabColumn, TabLayout } from '../tab-layout';
import { columnStyle, lastRowWithData, readCell, readRows, SYSTEM_FILL, styled, writeCell } from './xlsx-cells';

/**
 * The ledger as a local .xlsx workbook (offices without Google), opened by staff in Excel, WPS or LibreOffice.
 *
 * Every call loads the workbook fresh from disk (a person may have saved it since), and every change is saved
 * atomically: a temp file in the same folder, then a rename over the workbook — what the office apps do
 * themselves, so a crash never leaves half a workbook and an app watching the folder sees one change.
 * While an office app's lock file sits beside the workbook, `busy()` says so and changes are refused.
 *
 * Sheets are never protected: LibreOffice refuses to sort a protected sheet whose rows hold a locked `_id`, so
 * staff would unprotect it anyway. System-owned columns are shaded grey instead, and the sync engine reverts
 * any edit made to them.
 */

/** Data rows 2..FORMATTED_ROWS carry the dropdowns and highlight rules (rows typed further down have none). */
export const FORMATTED_ROWS = 5000;

const DEFAULT_WIDTH = 12;
const FILTER_NAME = '_xlnm._FilterDatabase';
const HIGHLIGHT_ARGB = { red: 'FFFFC7CE', amber: 'FFFFE0B2', yellow: 'FFFFF2CC' } as const;

export interface XlsxBackendOptions {
  /** The workbook; its folder must be writable (the temp file of an atomic save lives beside it). */
  file: string;
  layouts: readonly TabLayout[];
  /**
   * Test seam: runs once the new workbook is written to its temp file, just before the temp file replaces the
   * workbook. Throwing here is a crash in the middle of a save.
   */
  beforeReplace?: (tempFile: string) => void | Promise<void>;
}

export function createXlsxBackend(options: XlsxBackendOptions): SheetBackend {
  const { file } = options;
  const layoutOf = (tab: string) => options.layouts.find((layout) => layout.tab === tab);
  const exclusive = serialised();
  /**
   * The workbook's stamp (modified time and size) when the engine last read it. A write that finds another stamp
   * would overwrite what a person saved in between (their typing would be lost), so it is refused as busy: the
   * engine re-runs the whole cycle, reading the new save first.
   */
  let readStamp: string | undefined;

  /** A change while a person has the workbook open would be lost on their next save: refuse, retry later. */
  async function refuseWhileOpen(): Promise<void> {
    const lock = await openLockFile(file);
    if (lock) throw new SheetBackendBusyError(`工作簿正在被编辑（${lock}），关闭后再同步`);
  }

  async function save(workbook: ExcelJS.Workbook, layouts: readonly TabLayout[]): Promise<void> {
    for (const layout of layouts) {
      const worksheet = workbook.getWorksheet(layout.tab);
      if (worksheet) tidyForSave(worksheet, layout);
    }
    await replaceAtomically(file, await workbookBytes(workbook), options.beforeReplace);
  }

  return {
    kind: 'xlsx',

    async read(tabs: readonly string[]): Promise<Map<string, CellRead[][]>> {
      for (;;) {
        const before = await stampOf(file);
        const workbook = await loadWorkbook(file, tabs);
        // A save landing during the load: read again, so the stamp and the rows belong together.
        if ((await stampOf(file)) !== before) continue;
        readStamp = before;
        return new Map(tabs.map((tab) => [tab, readRows(sheetOf(workbook, tabs, tab))]));
      }
    },

    async write(changes: readonly RowWrite[]): Promise<void> {
      if (changes.length === 0) return;
      await exclusive(async () => {
        await refuseWhileOpen();
        if (readStamp !== undefined && (await stampOf(file)) !== readStamp) {
          readStamp = undefined;
          throw new SheetBackendBusyError('工作簿在同步期间被保存过，重新读取后再写入');
        }
        const tabs = [...new Set(changes.map((change) => change.tab))];
        const workbook = await loadForChange(file, tabs);
        for (const tab of tabs) {
          applyChanges(
            sheetOf(workbook, tabs, tab),
            changes.filter((change) => change.tab === tab),
            layoutOf(tab),
          );
        }
        await save(workbook, options.layouts);
        readStamp = undefined;
      });
    },

    async replaceRows(tab: string, rows: readonly (readonly CellWrite[])[]): Promise<void> {
      await exclusive(async () => {
        await refuseWhileOpen();
        const workbook = await loadForChange(file, [tab]);
        const worksheet = sheetOf(workbook, [tab], tab);
        clearDataRows(worksheet);
        rows.forEach((cells, index) => {
          writeRow(worksheet, index + 2, cells, layoutOf(tab));
        });
        await save(workbook, options.layouts);
      });
    },

    async setup(layouts: readonly TabLayout[]): Promise<void> {
      await exclusive(async () => {
        await refuseWhileOpen();
        await fs.mkdir(path.dirname(file), { recursive: true });
        const present = await workbookIfPresent(file);
        if (present) repairAfterLoad(present);
        const workbook = present ?? new ExcelJS.Workbook();
        for (const layout of layouts) setupTab(workbook.getWorksheet(layout.tab) ?? workbook.addWorksheet(layout.tab), layout);
        // Tidy every ledger tab on the way out: the ones set up now and the ones this backend syncs.
        await save(workbook, [...layouts, ...options.layouts.filter((layout) => !layouts.some((l) => l.tab === layout.tab))]);
      });
    },

    async busy(): Promise<boolean> {
      return (await openLockFile(file)) !== undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Loading and saving

/** Modified time and size of the workbook ('' when it does not exist). */
async function stampOf(file: string): Promise<string> {
  try {
    const stat = await fs.stat(file);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return '';
    throw error;
  }
}

/** Runs one load-change-save at a time, so two changes in this process never overwrite each other. */
function serialised() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = last.then(task, task);
    last = run.catch(() => undefined);
    return run;
  };
}

const hasCode = (error: unknown, ...codes: string[]) =>
  error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '');

async function workbookIfPresent(file: string): Promise<ExcelJS.Workbook | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    if (hasCode(error, 'EBUSY')) throw new SheetBackendBusyError(`工作簿被其他程序占用，暂时无法读取：${path.basename(file)}`);
    throw error;
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    throw new Error(`无法读取工作簿 ${file}（文件已损坏或不是 .xlsx）`, { cause: error });
  }
  return workbook;
}

/** The workbook as saved now; no file yet means setup has not run (setup creates it). */
async function loadWorkbook(file: string, tabs: readonly string[]): Promise<ExcelJS.Workbook> {
  const workbook = await workbookIfPresent(file);
  if (!workbook) throw new SheetSetupNeededError(tabs);
  const missing = tabs.filter((tab) => !workbook.getWorksheet(tab));
  if (missing.length > 0) throw new SheetSetupNeededError(missing);
  return workbook;
}

function sheetOf(workbook: ExcelJS.Workbook, tabs: readonly string[], tab: string): ExcelJS.Worksheet {
  const worksheet = workbook.getWorksheet(tab);
  if (!worksheet) throw new SheetSetupNeededError(tabs);
  return worksheet;
}

/** A workbook about to be changed and saved back. */
async function loadForChange(file: string, tabs: readonly string[]): Promise<ExcelJS.Workbook> {
  const workbook = await loadWorkbook(file, tabs);
  repairAfterLoad(workbook);
  return workbook;
}

/** Repairs what exceljs would otherwise save wrongly from a workbook it loaded (every sheet, staff's own too). */
function repairAfterLoad(workbook: ExcelJS.Workbook): void {
  for (const worksheet of workbook.worksheets) compactValidations(worksheet);
}

/** The parts of an exceljs 4.4 worksheet its typings leave out. */
interface WorksheetInternals {
  dataValidations: { model: Record<string, ExcelJS.DataValidation | undefined> };
  conditionalFormattings: ExcelJS.ConditionalFormattingOptions[];
}
const internals = (worksheet: ExcelJS.Worksheet) => worksheet as unknown as WorksheetInternals;

/**
 * exceljs reads a validation over `D2:D5000` as 4999 single cells and, on save, squeezes them back by sorting
 * the addresses as text (`D10` before `D2`): `D10:D5000` and `D2:D5000` come out overlapping, one more each
 * save. Collapse each validation back into one range per column (runs of rows) before anything is saved.
 */
function compactValidations(worksheet: ExcelJS.Worksheet): void {
  const validations = internals(worksheet).dataValidations;
  const compact: Record<string, ExcelJS.DataValidation> = {};
  const rowsOf = new Map<ExcelJS.DataValidation, Map<string, number[]>>();
  for (const [address, validation] of Object.entries(validations.model)) {
    if (!validation) continue;
    const cell = parseAddress(address);
    if (!cell || cell.end) {
      compact[address] = validation;
      continue;
    }
    const byColumn = rowsOf.get(validation) ?? new Map<string, number[]>();
    rowsOf.set(validation, byColumn);
    const rows = byColumn.get(cell.column) ?? [];
    byColumn.set(cell.column, rows);
    rows.push(cell.row);
  }
  for (const [validation, byColumn] of rowsOf) {
    for (const [column, rows] of byColumn) {
      for (const [first, last] of runs(rows)) {
        compact[first === last ? `${column}${first}` : `${column}${first}:${column}${last}`] = validation;
      }
    }
  }
  validations.model = compact;
}

/** Consecutive row numbers as [first, last] pairs. */
function runs(rows: number[]): [number, number][] {
  const sorted = [...rows].sort((a, b) => a - b);
  const result: [number, number][] = [];
  for (const row of sorted) {
    const current = result.at(-1);
    if (current && row === current[1] + 1) current[1] = row;
    else result.push([row, row]);
  }
  return result;
}

const ADDRESS = /^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/;

function parseAddress(address: string) {
  const match = ADDRESS.exec(address);
  if (!match) return undefined;
  const [, column = '', row = '', endColumn, endRow] = match;
  return { column, row: Number(row), end: endColumn ? { column: endColumn, row: Number(endRow) } : undefined };
}

function columnLetter(index: number): string {
  let letters = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** Every save of a layout tab: no protection, the filter over the rows that hold data, no row left filtered out. */
function tidyForSave(worksheet: ExcelJS.Worksheet, layout: TabLayout): void {
  // Protection read back from a LibreOffice save is garbage to exceljs ("true"/"false" flags read as "no
  // protection, every cell locked"); never write it back, and never protect (see the top of this file).
  worksheet.unprotect();
  if (!worksheet.autoFilter) return;
  worksheet.autoFilter = filterRange(worksheet, layout);
  // exceljs keeps the filter's range but drops its criteria, so rows a filter had hidden would stay hidden with
  // no filter showing why: show every row again.
  worksheet.eachRow({ includeEmpty: true }, (row) => {
    if (row.hidden) row.hidden = false;
  });
}

const filterRange = (worksheet: ExcelJS.Worksheet, layout: TabLayout) =>
  `A1:${columnLetter(layout.columns.length)}${Math.max(1, lastRowWithData(worksheet))}`;

interface DefinedName {
  name: string;
  ranges: string[];
  localSheetId?: number;
}

interface SavedModel {
  worksheets: { name: string; autoFilter?: unknown }[];
  definedNames: DefinedName[];
}

const WORKBOOK_MODEL = Object.getOwnPropertyDescriptor(ExcelJS.Workbook.prototype, 'model');

/**
 * The workbook as .xlsx bytes, with one `_xlnm._FilterDatabase` name per filtered sheet. LibreOffice keeps an
 * autofilter only when that sheet-local name is there; exceljs neither writes it nor keeps `localSheetId` on
 * names it read (it would merge every sheet's into one global name), so the names are rebuilt from each sheet's
 * filter while exceljs takes the workbook's model to write it.
 */
async function workbookBytes(workbook: ExcelJS.Workbook): Promise<Uint8Array> {
  const { get, set } = WORKBOOK_MODEL ?? {};
  if (!get || !set) throw new Error('exceljs 的 Workbook.model 已变化，无法保存筛选名称');
  Object.defineProperty(workbook, 'model', {
    configurable: true,
    get: () => withFilterNames(get.call(workbook) as SavedModel),
    set: (value) => set.call(workbook, value),
  });
  try {
    // Fastest deflate: it halves the save of a few thousand rows; a bigger local file costs nothing.
    return new Uint8Array(await workbook.xlsx.writeBuffer({ zip: { compression: 'DEFLATE', compressionOptions: { level: 1 } } }));
  } finally {
    Reflect.deleteProperty(workbook, 'model');
  }
}

function withFilterNames(model: SavedModel): SavedModel {
  const names = model.definedNames.filter((name) => name.name !== FILTER_NAME);
  model.worksheets.forEach((sheet, index) => {
    if (typeof sheet.autoFilter !== 'string') return;
    const range = sheet.autoFilter.replace(/([A-Z]+)(\d+)/g, (_, column: string, row: string) => `$${column}$${row}`);
    names.push({ name: FILTER_NAME, localSheetId: index, ranges: [`'${sheet.name.replaceAll("'", "''")}'!${range}`] });
  });
  model.definedNames = names;
  return model;
}

/**
 * Temp file beside the workbook, flushed to disk, then renamed over it: the rename is atomic, so the workbook
 * is either the old one or the new one. A rename refused because an app holds the file (Windows) is "busy".
 */
async function replaceAtomically(
  file: string,
  bytes: Uint8Array,
  beforeReplace?: (tempFile: string) => void | Promise<void>,
): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    const handle = await fs.open(temp, 'wx', await modeOf(file));
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await beforeReplace?.(temp);
    await renameOver(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** Keep the workbook's permissions on the replacement (a new file gets the defaults). */
async function modeOf(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).mode & 0o777;
  } catch {
    return 0o666;
  }
}

async function renameOver(temp: string, file: string): Promise<void> {
  try {
    await fs.rename(temp, file);
  } catch (error) {
    if (hasCode(error, 'EBUSY', 'EPERM', 'EACCES')) {
      throw new SheetBackendBusyError(`工作簿被其他程序占用，暂时无法保存：${path.basename(file)}`);
    }
    throw error;
  }
}

/**
 * The lock file an office app keeps beside a workbook it has open: LibreOffice `.~lock.NAME#`, Excel and WPS
 * `~$NAME`. A lock left by a crashed app keeps the workbook "busy" until someone deletes it.
 */
async function openLockFile(file: string): Promise<string | undefined> {
  const name = path.basename(file);
  for (const lock of [`.~lock.${name}#`, `~$${name}`]) {
    try {
      await fs.access(path.join(path.dirname(file), lock));
      return lock;
    } catch {
      // not this one
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Rows

/** Row writes first (rows as read this cycle), then appends after the last row holding data, in order. */
function applyChanges(worksheet: ExcelJS.Worksheet, changes: readonly RowWrite[], layout: TabLayout | undefined): void {
  for (const change of changes) {
    if (change.row === 'append') continue;
    if (!Number.isInteger(change.row) || change.row < 1) {
      throw new Error(`${change.tab} 不能写入第 ${change.row} 行（表头是第 0 行）`);
    }
    writeRow(worksheet, change.row + 1, change.cells, layout);
  }
  let next = Math.max(1, lastRowWithData(worksheet)) + 1;
  for (const change of changes) {
    if (change.row === 'append') writeRow(worksheet, next++, change.cells, layout);
  }
}

/** The whole row from column A: one cell per layout column (missing entries clear their cell). */
function writeRow(
  worksheet: ExcelJS.Worksheet,
  rowNumber: number,
  cells: readonly CellWrite[],
  layout: TabLayout | undefined,
): void {
  const row = worksheet.getRow(rowNumber);
  const width = Math.max(cells.length, layout?.columns.length ?? 0);
  for (let index = 0; index < width; index++) {
    writeCell(row.getCell(index + 1), cells[index] ?? null, layout?.columns[index]);
  }
}

/** Removes every cell below the header (values and formatting; new rows take the column formats). */
function clearDataRows(worksheet: ExcelJS.Worksheet): void {
  // Not `spliceRows`: in exceljs 4.4 deleting up to the last row deletes nothing.
  worksheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    if (rowNumber < 2) return;
    row.values = [];
    row.hidden = false;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Setup

function setupTab(worksheet: ExcelJS.Worksheet, layout: TabLayout): void {
  writeHeader(worksheet, layout);
  formatColumns(worksheet, layout);
  freezeHeader(worksheet);
  setDropdowns(worksheet, layout);
  setHighlights(worksheet, layout);
  worksheet.autoFilter = filterRange(worksheet, layout);
}

function headerStyle(column: TabColumn, current: Partial<ExcelJS.Style>): Partial<ExcelJS.Style> {
  return {
    // A bare `{ bold: true }` would leave the size to each app's default (LibreOffice: 10 pt): keep the body's.
    font: { name: 'Calibri', size: 11, ...current.font, bold: true },
    fill: column.owner === 'system' ? SYSTEM_FILL : undefined,
    alignment: { vertical: 'middle' },
    numFmt: undefined,
  };
}

const noteText = (note: unknown): string | undefined =>
  typeof note === 'string' ? note : (note as ExcelJS.Comment | undefined)?.texts?.map((run) => run.text).join('');

/** Header row = layout headers (rewritten where a cell differs), bold, with the column's note. */
function writeHeader(worksheet: ExcelJS.Worksheet, layout: TabLayout): void {
  const row = worksheet.getRow(1);
  layout.columns.forEach((column, index) => {
    const cell = row.getCell(index + 1);
    if (readCell(cell) !== column.header) cell.value = column.header;
    cell.style = styled(cell.style, headerStyle(column, cell.style));
    if (column.note && noteText(cell.note) !== column.note) cell.note = column.note;
  });
}

/** Width and the format new cells of the column take (text `@`, money `0.00`, dates, grey system columns). */
function formatColumns(worksheet: ExcelJS.Worksheet, layout: TabLayout): void {
  layout.columns.forEach((column, index) => {
    const sheetColumn = worksheet.getColumn(index + 1);
    sheetColumn.width = column.width ?? DEFAULT_WIDTH;
    sheetColumn.style = styled(sheetColumn.style ?? {}, columnStyle(column));
  });
}

/** Header row frozen; a view already frozen at the header (perhaps with columns too) is left as staff set it. */
function freezeHeader(worksheet: ExcelJS.Worksheet): void {
  const [view] = worksheet.views;
  if (view?.state === 'frozen' && view.ySplit === 1) return;
  // The zoom as exceljs reads it back by default, so a second setup saves the very same view.
  worksheet.views = [
    { state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2', zoomScale: 100, zoomScaleNormal: 100 },
  ];
}

const dataRange = (letter: string) => `${letter}2:${letter}${FORMATTED_ROWS}`;

/**
 * A dropdown of the enum labels over the data rows of each enum column. Ours are recognised by their range
 * (`X2:X5000`) and replaced; on an enum column any other list overlapping the data rows goes too.
 */
function setDropdowns(worksheet: ExcelJS.Worksheet, layout: TabLayout): void {
  const model = internals(worksheet).dataValidations.model;
  layout.columns.forEach((column, index) => {
    const letter = columnLetter(index + 1);
    for (const [address, validation] of Object.entries(model)) {
      const range = parseAddress(address);
      if (!validation || !range || range.column !== letter || (range.end && range.end.column !== letter)) continue;
      const ours = address === dataRange(letter);
      const inTheWay = column.values !== undefined && validation.type === 'list' && (range.end?.row ?? range.row) >= 2;
      if (ours || inTheWay) delete model[address];
    }
    if (column.values) model[dataRange(letter)] = dropdown(column);
  });
}

/** Excel keeps an inline list in one formula of at most 255 characters, separated by ASCII commas. */
function dropdown(column: TabColumn): ExcelJS.DataValidation {
  const labels = Object.values(column.values ?? {});
  const list = labels.join(',');
  if (labels.some((label) => /[,"]/.test(label)) || list.length > 255) {
    throw new Error(`“${column.header}”的下拉选项含英文逗号或引号，或总长超过 255 个字符，Excel 下拉列表放不下`);
  }
  const error = `${column.header}只能填：${labels.join('、')}`;
  return {
    type: 'list',
    allowBlank: true,
    formulae: [`"${list}"`],
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: '请从下拉列表中选择',
    error: error.length <= 255 ? error : `${column.header}请从下拉列表中选择`,
  };
}

/** `ISNUMBER(SEARCH("…",$X2))`: SEARCH treats `*`, `?` and `~` as wildcards, so they are escaped with `~`. */
function containsFormula(letter: string, text: string): string {
  const literal = text.replace(/[~*?]/g, '~$&').replaceAll('"', '""');
  return `ISNUMBER(SEARCH("${literal}",$${letter}2))`;
}
const CONTAINS_FORMULA = /^ISNUMBER\(SEARCH\(".*",\$[A-Z]{1,3}2\)\)$/s;

function highlightRule(letter: string, text: string, colour: keyof typeof HIGHLIGHT_ARGB): ExcelJS.ConditionalFormattingRule {
  const argb = HIGHLIGHT_ARGB[colour];
  // A differential fill's colour is its bgColor for Excel; fgColor too for apps that read it the other way.
  const fill: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb }, bgColor: { argb } };
  return { type: 'expression', priority: 1, formulae: [containsFormula(letter, text)], style: { fill } };
}

function letterOf(layout: TabLayout, column: string): string {
  const index = layout.columns.findIndex((c) => c.key === column || c.header === column);
  if (index < 0) throw new Error(`“${layout.tab}”的突出显示规则引用了不存在的列：${column}`);
  return columnLetter(index + 1);
}

/** Whole-row highlights: the status column (冲突 red, 错误 amber) and `layout.highlights`. */
function highlightRules(layout: TabLayout): ExcelJS.ConditionalFormattingRule[] {
  const rules: ExcelJS.ConditionalFormattingRule[] = [];
  if (layout.columns.some((column) => column.key === '_status')) {
    const status = letterOf(layout, '_status');
    rules.push(highlightRule(status, '冲突', 'red'), highlightRule(status, '错误', 'amber'));
  }
  for (const highlight of layout.highlights ?? []) {
    rules.push(highlightRule(letterOf(layout, highlight.column), highlight.contains, highlight.colour));
  }
  rules.forEach((rule, index) => {
    rule.priority = index + 1;
  });
  return rules;
}

/** Ours: from A2 over whole rows, every rule a `contains` expression; a staff member's own rules stay. */
const isOurHighlight = (format: ExcelJS.ConditionalFormattingOptions) =>
  /^A2:[A-Z]{1,3}\d+$/.test(format.ref) &&
  format.rules.length > 0 &&
  format.rules.every((rule) => rule.type === 'expression' && CONTAINS_FORMULA.test(String(rule.formulae?.[0] ?? '')));

function setHighlights(worksheet: ExcelJS.Worksheet, layout: TabLayout): void {
  worksheet.removeConditionalFormatting((format: ExcelJS.ConditionalFormattingOptions) => !isOurHighlight(format));
  const rules = highlightRules(layout);
  // Ours come first (priority 1..n); the staff's own rules follow in their order, without duplicate priorities.
  const theirs = internals(worksheet).conditionalFormattings.flatMap((format) => format.rules);
  theirs.sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
  theirs.forEach((rule, index) => {
    rule.priority = rules.length + index + 1;
  });
  const last = columnLetter(layout.columns.length);
  if (rules.length > 0) worksheet.addConditionalFormatting({ ref: `A2:${last}${FORMATTED_ROWS}`, rules });
}
