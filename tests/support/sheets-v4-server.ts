import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, randomInt, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { sheets_v4 } from '@googleapis/sheets';

/**
 * A local Google Sheets v4 service for tests: real HTTP on a random port, spoken to by the real `@googleapis/sheets`
 * client through `rootUrl`. It keeps one spreadsheet the way Google does (cells as `userEnteredValue` +
 * `userEnteredFormat`, protected ranges, conditional formats, data validation, a basic filter) and implements the
 * endpoints and batchUpdate request kinds the Google backend sends, with Google's observable behaviour where the
 * backend depends on it:
 * - `values.batchGet` renders FORMULA / UNFORMATTED_VALUE / FORMATTED_VALUE and trims trailing empty cells and rows;
 *   one unknown tab fails the whole request with 400 `Unable to parse range: …`;
 * - `batchUpdate` is atomic: every request is applied to a copy, which is committed only if all succeed;
 * - `appendCells` appends after the last row WITH DATA (not after the last row of the grid) and grows the grid;
 * - an OAuth2 token endpoint verifies the service-account JWT (RS256) and every API call needs its Bearer token.
 * Staff actions (typing, inserting, deleting and sorting rows) are plain methods that bypass HTTP and the counters.
 *
 * Not modelled: formula calculation (a formula's value is only known for literals and HYPERLINK), merges, charts,
 * named ranges, filter views, locales other than the ISO date patterns below.
 */

type CellData = sheets_v4.Schema$CellData;
type CellFormat = sheets_v4.Schema$CellFormat;
type GridRange = sheets_v4.Schema$GridRange;
type ProtectedRange = sheets_v4.Schema$ProtectedRange;
type ConditionalFormatRule = sheets_v4.Schema$ConditionalFormatRule;
type BatchRequest = sheets_v4.Schema$Request;
type Reply = sheets_v4.Schema$Response;

/** A value as the Sheets API returns it in `values`. */
export type SheetValue = string | number | boolean;
/** A value as a test seeds it: strings stay text (never formulas), `null` leaves the cell empty. */
export type SeedValue = string | number | boolean | null;

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  kind: 'get' | 'batchGet' | 'batchUpdate' | 'token' | 'other';
  bytesIn: number;
  bytesOut: number;
  status: number;
}

export interface ServiceAccountKey {
  client_email: string;
  /** PKCS#8 PEM, as in a Google service-account JSON key. */
  private_key: string;
  /** SPKI PEM: register it with the server so it can verify the account's JWT assertions. */
  publicKey: string;
}

export interface SheetsServerOptions {
  /** Spreadsheet title; default `物业服务中心台账`. */
  title?: string;
  /** Tabs to start with; default one empty `工作表1`, like a new spreadsheet. */
  tabs?: readonly {
    title: string;
    sheetId?: number;
    rows?: readonly (readonly SeedValue[])[];
    rowCount?: number;
    columnCount?: number;
  }[];
  /** Service accounts whose JWT assertions the token endpoint accepts. More can be added with `registerServiceAccount`. */
  serviceAccounts?: readonly { client_email: string; publicKey: string | KeyObject }[];
  /** `token` (default): API calls need a Bearer token issued by `/token`; `none`: no Authorization check. */
  auth?: 'token' | 'none';
}

export interface RenderOptions {
  valueRenderOption?: 'FORMULA' | 'UNFORMATTED_VALUE' | 'FORMATTED_VALUE';
  dateTimeRenderOption?: 'SERIAL_NUMBER' | 'FORMATTED_STRING';
}

export interface SheetsServer {
  /** Pass to the client as `rootUrl` (ends with `/`). */
  readonly rootUrl: string;
  /** The OAuth2 token endpoint (`POST`, JWT bearer grant). */
  readonly tokenUrl: string;
  readonly spreadsheetId: string;
  /** Every HTTP request received since the last `resetCounts()`, in order. */
  readonly requests: readonly RecordedRequest[];
  resetCounts(): void;
  /** The next `count` API requests (not token requests) answer `status` with a Google-shaped error and change nothing. */
  failNext(count: number, status?: number): void;
  registerServiceAccount(clientEmail: string, publicKey: string | KeyObject): void;
  /** Staff types `text` into a cell, as in the Sheets UI (USER_ENTERED). 0-based row and column. */
  typeIn(tab: string, row: number, col: number, text: string): void;
  /** Sets raw values from `startRow` (strings stay text), growing the grid; other rows are untouched. */
  setRows(tab: string, rows: readonly (readonly SeedValue[])[], startRow?: number): void;
  /** Staff inserts `n` blank rows before `atRow` (formats copied from the row above, as the UI does). */
  insertBlankRows(tab: string, atRow: number, n: number): void;
  deleteRows(tab: string, atRow: number, n: number): void;
  /** Staff sorts the data rows (below the frozen header) by one column; rows with that cell blank go last. */
  sortRows(tab: string, columnIndex: number, descending?: boolean): void;
  /** What a `values.batchGet` of the whole tab returns (default FORMULA + FORMATTED_STRING, as the backend reads). */
  rows(tab: string, options?: RenderOptions): SheetValue[][];
  /** A copy of one stored cell, or undefined when never touched. */
  cell(tab: string, row: number, col: number): CellData | undefined;
  /** A copy of one tab's metadata: properties, protected ranges, conditional formats, basic filter, column widths. */
  sheet(tab: string): SheetSnapshot;
  tabs(): string[];
  /** A deep copy of the whole stored spreadsheet, to compare before and after an operation. */
  snapshot(): unknown;
  close(): Promise<void>;
}

export interface SheetSnapshot {
  properties: SheetProperties;
  protectedRanges: ProtectedRange[];
  conditionalFormats: ConditionalFormatRule[];
  basicFilter?: sheets_v4.Schema$BasicFilter;
  columnWidths: (number | undefined)[];
}

interface SheetProperties {
  sheetId: number;
  title: string;
  index: number;
  sheetType: 'GRID';
  gridProperties: { rowCount: number; columnCount: number; frozenRowCount?: number; frozenColumnCount?: number };
  [key: string]: unknown;
}

interface SheetState {
  properties: SheetProperties;
  /** One entry per grid row (`length === rowCount`); a row is a sparse array of cells. */
  grid: (CellData | undefined)[][];
  protectedRanges: ProtectedRange[];
  conditionalFormats: ConditionalFormatRule[];
  basicFilter?: sheets_v4.Schema$BasicFilter;
  columnMetadata: (sheets_v4.Schema$DimensionProperties | undefined)[];
}

interface Book {
  spreadsheetId: string;
  properties: { title: string; locale: string; timeZone: string; autoRecalc: string };
  sheets: SheetState[];
}

/** An error the API answers with: HTTP code, Google status name, message. */
class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new ApiError(400, 'INVALID_ARGUMENT', message);

const STATUS_NAMES: Record<number, [string, string]> = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: [
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  ],
  403: ['PERMISSION_DENIED', 'The caller does not have permission'],
  404: ['NOT_FOUND', 'Requested entity was not found.'],
  429: [
    'RESOURCE_EXHAUSTED',
    "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com'.",
  ],
  500: ['INTERNAL', 'Internal error encountered.'],
  503: ['UNAVAILABLE', 'The service is currently unavailable.'],
};

const failure = (code: number) => {
  const [status, message] = STATUS_NAMES[code] ?? ['UNKNOWN', `HTTP ${code}`];
  return new ApiError(code, status, message);
};

// ---------------------------------------------------------------------------------------------------------------
// Dates: Google keeps dates as serial numbers counted in days from 1899-12-30.

const SERIAL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_SECONDS = 86_400;

export function serialFromDate(year: number, month: number, day: number, hours = 0, minutes = 0, seconds = 0): number {
  const ms = Date.UTC(year, month - 1, day, hours, minutes, seconds) - SERIAL_EPOCH_MS;
  return ms / 1000 / DAY_SECONDS;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Formats a serial with the ISO-like patterns the ledger uses (`yyyy-mm-dd`, `yyyy-mm-dd hh:mm`, `hh:mm:ss` …). */
function formatSerial(serial: number, pattern: string): string {
  const at = new Date(SERIAL_EPOCH_MS + Math.round(serial * DAY_SECONDS) * 1000);
  let afterHours = false;
  return pattern.replace(/yyyy|yy|mm|m|dd|d|hh|h|ss|s/g, (token) => {
    switch (token) {
      case 'yyyy':
        return String(at.getUTCFullYear());
      case 'yy':
        return pad(at.getUTCFullYear() % 100);
      case 'mm':
      case 'm': {
        // As in Sheets, `mm` right after hours means minutes.
        const value = afterHours ? at.getUTCMinutes() : at.getUTCMonth() + 1;
        afterHours = false;
        return token === 'mm' ? pad(value) : String(value);
      }
      case 'dd':
        return pad(at.getUTCDate());
      case 'd':
        return String(at.getUTCDate());
      case 'hh':
      case 'h':
        afterHours = true;
        return token === 'hh' ? pad(at.getUTCHours()) : String(at.getUTCHours());
      default:
        return token === 'ss' ? pad(at.getUTCSeconds()) : String(at.getUTCSeconds());
    }
  });
}

const DEFAULT_PATTERNS: Record<string, string> = {
  DATE: 'yyyy-mm-dd',
  DATE_TIME: 'yyyy-mm-dd hh:mm:ss',
  TIME: 'hh:mm:ss',
};

const isDateFormat = (format: sheets_v4.Schema$NumberFormat | undefined | null) =>
  format?.type === 'DATE' || format?.type === 'DATE_TIME' || format?.type === 'TIME';

function formatNumber(n: number, format: sheets_v4.Schema$NumberFormat | undefined | null): string {
  if (!format?.type) return String(n);
  if (isDateFormat(format)) return formatSerial(n, format.pattern || DEFAULT_PATTERNS[format.type] || 'yyyy-mm-dd');
  if (format.type === 'TEXT') return String(n);
  const pattern = format.pattern ?? '';
  const decimals = pattern.includes('.') ? (pattern.split('.')[1]?.replace(/[^0#]/g, '').length ?? 0) : 0;
  const fixed = pattern ? n.toFixed(decimals) : String(n);
  return pattern.includes(',') ? Number(fixed).toLocaleString('en-US', { minimumFractionDigits: decimals }) : fixed;
}

// ---------------------------------------------------------------------------------------------------------------
// Field masks: `userEnteredValue,userEnteredFormat(numberFormat,backgroundColor)`, `sheets.properties`, `*`.

/** Parses a field mask into paths; `a(b,c).d` style sub-selections are expanded, `/` is read as `.`. */
export function parseFieldMask(mask: string): string[][] {
  let at = 0;
  const list = (): string[][] => {
    const out: string[][] = [];
    do {
      out.push(...item());
    } while (mask[at] === ',' && ++at);
    return out;
  };
  const item = (): string[][] => {
    while (mask[at] === ' ') at++;
    const path: string[] = [];
    let name = '';
    while (at < mask.length && !',()'.includes(mask[at] ?? '')) {
      const ch = mask[at++] ?? '';
      if (ch === '.' || ch === '/') {
        path.push(name);
        name = '';
      } else if (ch !== ' ') name += ch;
    }
    path.push(name);
    if (mask[at] !== '(') return [path];
    at++;
    const inner = list();
    if (mask[at] !== ')') throw invalid(`Invalid field mask: ${mask}`);
    at++;
    return inner.map((sub) => [...path, ...sub]);
  };
  const paths = list();
  if (at !== mask.length) throw invalid(`Invalid field mask: ${mask}`);
  return paths.filter((p) => p.every(Boolean));
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Copies the masked fields from `source` onto `target`; a field absent from `source` is cleared, as Google does.
 * Stored values are treated as immutable and may be shared (one repeatCell source across a thousand cells): nested
 * objects are copied on the way down instead of being changed in place.
 */
function applyMask(target: Json, source: Json | undefined | null, paths: readonly string[][]): void {
  for (const path of paths) {
    if (path[0] === '*') {
      for (const key of Object.keys(target)) delete target[key];
      Object.assign(target, source ?? {});
      continue;
    }
    let value: unknown = source;
    for (const key of path) value = isObject(value) ? value[key] : undefined;
    setPath(target, path, value);
  }
}

function setPath(target: Json, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    if (value === undefined || value === null) delete target[head];
    else target[head] = value;
    return;
  }
  const existing = target[head];
  if (!isObject(existing) && value == null) return;
  const child: Json = isObject(existing) ? { ...existing } : {};
  setPath(child, rest, value);
  if (Object.keys(child).length === 0) delete target[head];
  else target[head] = child;
}

type FieldTree = Map<string, FieldTree> | '*';

function fieldTree(paths: readonly string[][]): FieldTree {
  const root = new Map<string, FieldTree>();
  for (const path of paths) {
    let node: FieldTree = root;
    for (const [i, key] of path.entries()) {
      if (node === '*') break;
      if (key === '*') {
        node.set('*', '*');
        break;
      }
      const last = i === path.length - 1;
      const existing: FieldTree | undefined = node.get(key);
      if (last) node.set(key, '*');
      else if (existing === undefined) {
        const next = new Map<string, FieldTree>();
        node.set(key, next);
        node = next;
      } else node = existing;
    }
  }
  return root;
}

/** Partial response: keeps only the fields named by the `fields` parameter (arrays are filtered element-wise). */
function pickFields(value: unknown, tree: FieldTree): unknown {
  if (tree === '*' || tree.has('*')) return value;
  if (Array.isArray(value)) return value.map((v) => pickFields(v, tree));
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, sub] of tree) {
    if (value[key] !== undefined) out[key] = pickFields(value[key], sub);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// A1 notation.

const columnLetters = (index: number): string => {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
};

const columnIndex = (letters: string): number =>
  [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;

/** Quotes a tab title for A1 notation when it is not a plain word, doubling inner quotes. */
export const quoteTitle = (title: string): string =>
  /^[\p{L}_][\p{L}\p{N}_]*$/u.test(title) && !/^[A-Za-z]{1,3}\d+$/.test(title) ? title : `'${title.replaceAll("'", "''")}'`;

interface Bounds {
  sheet: SheetState;
  startRow: number;
  endRow: number;
  startCol: number;
  endCol: number;
}

const A1_CELL = /^([A-Za-z]*)(\d*)$/;

function splitSheetName(range: string): { name?: string; cells?: string } {
  if (range.startsWith("'")) {
    let at = 1;
    let name = '';
    while (at < range.length) {
      const ch = range[at] ?? '';
      if (ch === "'" && range[at + 1] === "'") {
        name += "'";
        at += 2;
      } else if (ch === "'") break;
      else {
        name += ch;
        at++;
      }
    }
    const rest = range.slice(at + 1);
    return rest === '' ? { name } : rest.startsWith('!') ? { name, cells: rest.slice(1) } : {};
  }
  const bang = range.lastIndexOf('!');
  return bang < 0 ? { name: range } : { name: range.slice(0, bang), cells: range.slice(bang + 1) };
}

/** Resolves an A1 range (`'tab'`, `tab!A1:Z`, `tab!2:2`, `A1:C3` on the first tab) to grid bounds, clipped. */
function parseA1(book: Book, range: string): Bounds {
  const unable = () => invalid(`Unable to parse range: ${range}`);
  let { name, cells } = splitSheetName(range);
  let sheet = name === undefined ? undefined : sheetByTitle(book, name);
  if (
    !sheet &&
    cells === undefined &&
    name !== undefined &&
    /^([A-Za-z]{0,3}\d+|[A-Za-z]{0,3}\d*:[A-Za-z]{0,3}\d*)$/.test(name)
  ) {
    // `A1:B2` without a tab means the first tab.
    cells = name;
    sheet = book.sheets[0];
  }
  if (!sheet) throw unable();
  const { rowCount, columnCount } = sheet.properties.gridProperties;
  if (cells === undefined) return { sheet, startRow: 0, endRow: rowCount, startCol: 0, endCol: columnCount };
  const [from = '', to] = cells.split(':');
  const a = A1_CELL.exec(from);
  const b = A1_CELL.exec(to ?? from);
  if (!a || !b || from === '') throw unable();
  const startCol = a[1] ? columnIndex(a[1]) : 0;
  const startRow = a[2] ? Number(a[2]) - 1 : 0;
  const endCol = b[1] ? columnIndex(b[1]) + 1 : columnCount;
  const endRow = b[2] ? Number(b[2]) : rowCount;
  return {
    sheet,
    startRow,
    endRow: Math.min(endRow, rowCount),
    startCol,
    endCol: Math.min(endCol, columnCount),
  };
}

const a1Of = (b: Bounds) =>
  `${quoteTitle(b.sheet.properties.title)}!${columnLetters(b.startCol)}${b.startRow + 1}:${columnLetters(Math.max(b.endCol - 1, b.startCol))}${Math.max(b.endRow, b.startRow + 1)}`;

// ---------------------------------------------------------------------------------------------------------------
// The spreadsheet model.

function sheetByTitle(book: Book, title: string): SheetState | undefined {
  const lower = title.toLowerCase();
  return book.sheets.find((s) => s.properties.title.toLowerCase() === lower);
}

function sheetById(book: Book, sheetId: number | null | undefined): SheetState {
  const sheet = book.sheets.find((s) => s.properties.sheetId === (sheetId ?? 0));
  if (!sheet) throw invalid(`No grid with id: ${sheetId ?? 0}`);
  return sheet;
}

function newSheet(properties: SheetProperties): SheetState {
  return {
    properties,
    grid: Array.from({ length: properties.gridProperties.rowCount }, () => []),
    protectedRanges: [],
    conditionalFormats: [],
    columnMetadata: [],
  };
}

function newSheetId(book: Book): number {
  for (;;) {
    const id = randomInt(1, 2 ** 31 - 1);
    if (!book.sheets.some((s) => s.properties.sheetId === id)) return id;
  }
}

/** Resolves a GridRange to bounds, refusing ranges outside the grid with Google's message. */
function gridBounds(book: Book, range: GridRange | undefined | null): Bounds {
  const sheet = sheetById(book, range?.sheetId);
  const { rowCount, columnCount } = sheet.properties.gridProperties;
  const b: Bounds = {
    sheet,
    startRow: range?.startRowIndex ?? 0,
    endRow: range?.endRowIndex ?? rowCount,
    startCol: range?.startColumnIndex ?? 0,
    endCol: range?.endColumnIndex ?? columnCount,
  };
  if (b.startRow < 0 || b.startCol < 0 || b.endRow < b.startRow || b.endCol < b.startCol) throw invalid('Invalid range.');
  if (b.endRow > rowCount || b.endCol > columnCount) {
    throw invalid(`Range (${a1Of(b)}) exceeds grid limits. Max rows: ${rowCount}, max columns: ${columnCount}`);
  }
  return b;
}

function cellAt(sheet: SheetState, row: number, col: number, create: true): CellData;
function cellAt(sheet: SheetState, row: number, col: number, create?: false): CellData | undefined;
function cellAt(sheet: SheetState, row: number, col: number, create = false): CellData | undefined {
  const cells = sheet.grid[row];
  if (!cells) return undefined;
  let cell = cells[col];
  if (!cell && create) {
    cell = {};
    cells[col] = cell;
  }
  return cell;
}

const hasValue = (cell: CellData | undefined) => cell?.userEnteredValue != null && Object.keys(cell.userEnteredValue).length > 0;

/** The last row holding a value (formats alone do not count), or -1: where `appendCells` starts after. */
function lastRowWithData(sheet: SheetState): number {
  for (let r = sheet.grid.length - 1; r >= 0; r--) {
    if (sheet.grid[r]?.some(hasValue)) return r;
  }
  return -1;
}

/** A row shaped like `model` but without values: what inserted or appended rows look like (formats, validation). */
function formatsOnly(model: readonly (CellData | undefined)[] | undefined): (CellData | undefined)[] {
  const row: (CellData | undefined)[] = [];
  model?.forEach((cell, c) => {
    if (!cell) return;
    const copy: CellData = {};
    if (cell.userEnteredFormat) copy.userEnteredFormat = cell.userEnteredFormat;
    if (cell.dataValidation) copy.dataValidation = cell.dataValidation;
    if (Object.keys(copy).length) row[c] = copy;
  });
  return row;
}

type Dimension = 'ROWS' | 'COLUMNS';

/** Moves the bounded edges of ranges kept on the sheet when rows/columns are inserted (n > 0) or deleted (n < 0). */
function shiftRanges(sheet: SheetState, dimension: Dimension, at: number, n: number): void {
  const [startKey, endKey] =
    dimension === 'ROWS' ? (['startRowIndex', 'endRowIndex'] as const) : (['startColumnIndex', 'endColumnIndex'] as const);
  const move = (index: number | null | undefined, isEnd: boolean): number | null | undefined => {
    if (index == null) return index;
    if (n > 0) return index > at || (index === at && !isEnd) ? index + n : index;
    const removedEnd = at - n;
    if (index <= at) return index;
    return index >= removedEnd ? index + n : at;
  };
  const shift = (range: GridRange | null | undefined) => {
    if (!range || (range.sheetId ?? 0) !== sheet.properties.sheetId) return;
    range[startKey] = move(range[startKey], false);
    range[endKey] = move(range[endKey], true);
  };
  for (const p of sheet.protectedRanges) shift(p.range);
  for (const rule of sheet.conditionalFormats) for (const r of rule.ranges ?? []) shift(r);
  shift(sheet.basicFilter?.range);
}

function insertDimension(sheet: SheetState, dimension: Dimension, at: number, n: number, inheritFromBefore: boolean): void {
  const grid = sheet.properties.gridProperties;
  if (dimension === 'ROWS') {
    if (at < 0 || at > grid.rowCount) throw invalid(`Invalid dimension range: start index ${at} is outside the grid.`);
    const model = sheet.grid[inheritFromBefore ? at - 1 : at];
    sheet.grid.splice(at, 0, ...Array.from({ length: n }, () => formatsOnly(model)));
    grid.rowCount += n;
  } else {
    if (at < 0 || at > grid.columnCount) throw invalid(`Invalid dimension range: start index ${at} is outside the grid.`);
    const from = inheritFromBefore ? at - 1 : at;
    for (const row of sheet.grid) {
      const model = formatsOnly([row[from]])[0];
      row.splice(at, 0, ...Array.from({ length: n }, () => (model ? { ...model } : undefined)));
    }
    sheet.columnMetadata.splice(at, 0, ...Array.from({ length: n }, () => undefined));
    grid.columnCount += n;
  }
  shiftRanges(sheet, dimension, at, n);
}

function deleteDimension(sheet: SheetState, dimension: Dimension, start: number, end: number): void {
  const grid = sheet.properties.gridProperties;
  const count = dimension === 'ROWS' ? grid.rowCount : grid.columnCount;
  if (start < 0 || end > count || end <= start) throw invalid('Invalid dimension range.');
  const n = end - start;
  if (dimension === 'ROWS') {
    if (n >= grid.rowCount) throw invalid("You can't delete all the rows on the sheet.");
    if (start >= (grid.frozenRowCount ?? 0) && n >= grid.rowCount - (grid.frozenRowCount ?? 0)) {
      throw invalid('Sorry, it is not possible to delete all non-frozen rows.');
    }
    sheet.grid.splice(start, n);
    grid.rowCount -= n;
  } else {
    if (n >= grid.columnCount) throw invalid("You can't delete all the columns on the sheet.");
    for (const row of sheet.grid) row.splice(start, n);
    sheet.columnMetadata.splice(start, n);
    grid.columnCount -= n;
  }
  shiftRanges(sheet, dimension, start, -n);
}

/** Grows the grid at the end; new rows look like the last row (formats, validation), as Sheets shows them. */
function appendDimension(sheet: SheetState, dimension: Dimension, length: number): void {
  const grid = sheet.properties.gridProperties;
  if (length <= 0) throw invalid('length must be greater than 0');
  if (dimension === 'ROWS') {
    const model = sheet.grid[grid.rowCount - 1];
    for (let i = 0; i < length; i++) sheet.grid.push(formatsOnly(model));
    grid.rowCount += length;
  } else grid.columnCount += length;
}

function writeCell(sheet: SheetState, row: number, col: number, source: CellData | undefined, paths: readonly string[][]) {
  const cell = cellAt(sheet, row, col, true);
  applyMask(cell as Json, source as Json | undefined, paths);
}

function requireFields(fields: string | null | undefined): string[][] {
  if (!fields) throw invalid("At least one field must be specified in 'fields'.");
  return parseFieldMask(fields);
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering values.

/** The value of a formula where it can be known without a calculation engine: literals and HYPERLINK. */
function evaluateFormula(formula: string): SheetValue {
  const body = formula.slice(1).trim();
  if (/^[+-]?\d+(\.\d+)?$/.test(body)) return Number(body);
  if (/^"([^"]|"")*"$/.test(body)) return body.slice(1, -1).replaceAll('""', '"');
  if (/^(TRUE|FALSE)$/i.test(body)) return body.toUpperCase() === 'TRUE';
  const link = /^HYPERLINK\(\s*"([^"]*)"\s*(?:,\s*"([^"]*)"\s*)?\)$/i.exec(body);
  if (link) return link[2] ?? link[1] ?? '';
  return '#NAME?';
}

function renderCell(cell: CellData | undefined, options: Required<RenderOptions>): SheetValue {
  const value = cell?.userEnteredValue;
  if (!value) return '';
  const format = cell?.userEnteredFormat?.numberFormat;
  if (value.formulaValue != null) {
    if (options.valueRenderOption === 'FORMULA') return value.formulaValue;
    return renderLiteral(evaluateFormula(value.formulaValue), format, options);
  }
  if (value.stringValue != null) return value.stringValue;
  if (value.boolValue != null) return renderLiteral(value.boolValue, format, options);
  if (value.numberValue != null) return renderLiteral(value.numberValue, format, options);
  if (value.errorValue != null) return value.errorValue.type === 'ERROR' ? '#ERROR!' : '#N/A';
  return '';
}

function renderLiteral(
  value: SheetValue,
  format: sheets_v4.Schema$NumberFormat | undefined | null,
  options: Required<RenderOptions>,
): SheetValue {
  if (typeof value === 'boolean') return options.valueRenderOption === 'FORMATTED_VALUE' ? (value ? 'TRUE' : 'FALSE') : value;
  if (typeof value === 'string') return value;
  if (options.valueRenderOption === 'FORMATTED_VALUE') return formatNumber(value, format);
  if (isDateFormat(format) && options.dateTimeRenderOption === 'FORMATTED_STRING') return formatNumber(value, format);
  return value;
}

/** The `values` of a ValueRange: rows and cells trimmed of trailing empties, as Google returns them. */
function renderValues(b: Bounds, options: Required<RenderOptions>): SheetValue[][] {
  const rows: SheetValue[][] = [];
  for (let r = b.startRow; r < b.endRow; r++) {
    const row: SheetValue[] = [];
    for (let c = b.startCol; c < b.endCol; c++) row.push(renderCell(cellAt(b.sheet, r, c), options));
    while (row.length && row[row.length - 1] === '') row.pop();
    rows.push(row);
  }
  while (rows.length && rows[rows.length - 1]?.length === 0) rows.pop();
  return rows;
}

const renderDefaults = (options: RenderOptions | undefined): Required<RenderOptions> => ({
  valueRenderOption: options?.valueRenderOption ?? 'FORMATTED_VALUE',
  dateTimeRenderOption: options?.dateTimeRenderOption ?? 'SERIAL_NUMBER',
});

// ---------------------------------------------------------------------------------------------------------------
// Typing as in the Sheets UI (USER_ENTERED).

const DATE_TEXT = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const NUMBER_TEXT = /^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$/;

/** What the UI stores for typed text, and the number format it sets on its own (a typed date formats the cell). */
function userEntered(
  text: string,
  format: sheets_v4.Schema$NumberFormat | undefined | null,
): { value: sheets_v4.Schema$ExtendedValue; impliedFormat?: sheets_v4.Schema$NumberFormat } {
  if (text.startsWith("'")) return { value: { stringValue: text.slice(1) } };
  if (format?.type === 'TEXT') return { value: { stringValue: text } };
  if (text.startsWith('=') && text.length > 1) return { value: { formulaValue: text } };
  const trimmed = text.trim();
  if (trimmed !== '' && /\d/.test(trimmed) && NUMBER_TEXT.test(trimmed)) {
    return { value: { numberValue: Number(trimmed.replaceAll(',', '')) } };
  }
  if (/^(true|false)$/i.test(trimmed)) return { value: { boolValue: trimmed.toLowerCase() === 'true' } };
  const date = DATE_TEXT.exec(trimmed);
  if (date) {
    const [, y, mo, d, h, mi, s] = date.map((part) => (part === undefined ? undefined : Number(part)));
    const serial = serialFromDate(y ?? 0, mo ?? 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
    const hasTime = h !== undefined;
    const impliedFormat = isDateFormat(format)
      ? undefined
      : hasTime
        ? { type: 'DATE_TIME', pattern: 'yyyy-mm-dd hh:mm' }
        : { type: 'DATE', pattern: 'yyyy-mm-dd' };
    return impliedFormat ? { value: { numberValue: serial }, impliedFormat } : { value: { numberValue: serial } };
  }
  return { value: { stringValue: text } };
}

const covers = (range: GridRange | null | undefined, sheetId: number, row: number, col: number) =>
  !!range &&
  (range.sheetId ?? 0) === sheetId &&
  row >= (range.startRowIndex ?? 0) &&
  row < (range.endRowIndex ?? Number.POSITIVE_INFINITY) &&
  col >= (range.startColumnIndex ?? 0) &&
  col < (range.endColumnIndex ?? Number.POSITIVE_INFINITY);

/** The UI refuses a strict dropdown value not in the list, and an edit in a protected range that is not warning-only. */
function checkStaffEdit(sheet: SheetState, cell: CellData | undefined, row: number, col: number, text: string): void {
  const locked = sheet.protectedRanges.find((p) => !p.warningOnly && covers(p.range, sheet.properties.sheetId, row, col));
  if (locked) throw new Error(`You are trying to edit a protected cell or object (${locked.description ?? 'protected'}).`);
  const rule = cell?.dataValidation;
  if (!rule?.strict || text === '' || rule.condition?.type !== 'ONE_OF_LIST') return;
  const allowed = (rule.condition.values ?? []).map((v) => v.userEnteredValue);
  if (!allowed.includes(text)) throw new Error(`Invalid: Input must be an item on specified list (${text}).`);
}

function rawValue(value: SeedValue): sheets_v4.Schema$ExtendedValue | undefined {
  if (value === null || value === '') return undefined;
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return { stringValue: value };
}

/** Sort order of the Sheets UI: numbers, then text, then booleans; blanks always last. */
function sortKey(cell: CellData | undefined): [number, number | string] | undefined {
  const v = cell?.userEnteredValue;
  if (!v || !hasValue(cell)) return undefined;
  if (v.numberValue != null) return [0, v.numberValue];
  if (v.stringValue != null) return v.stringValue === '' ? undefined : [1, v.stringValue];
  if (v.formulaValue != null) return [1, v.formulaValue];
  return [2, v.boolValue ? 1 : 0];
}

function compareKeys(a: [number, number | string], b: [number, number | string]): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  if (typeof a[1] === 'number' && typeof b[1] === 'number') return a[1] - b[1];
  return String(a[1]).localeCompare(String(b[1]), 'zh-Hans-CN');
}

// ---------------------------------------------------------------------------------------------------------------
// batchUpdate: one function per request kind, applied to a working copy of the book.

type Handler<K extends keyof BatchRequest> = (book: Book, request: NonNullable<BatchRequest[K]>) => Reply | undefined;

const addSheet: Handler<'addSheet'> = (book, request) => {
  const props = request.properties ?? {};
  const title = props.title ?? `工作表${book.sheets.length + 1}`;
  if (sheetByTitle(book, title)) {
    throw invalid(`A sheet with the name "${title}" already exists. Please enter another name.`);
  }
  const sheetId = props.sheetId ?? newSheetId(book);
  if (sheetId < 0 || book.sheets.some((s) => s.properties.sheetId === sheetId)) {
    throw invalid(`Invalid sheetId: ${sheetId}. A sheet with this id already exists or the id is negative.`);
  }
  const grid = props.gridProperties ?? {};
  const properties: SheetProperties = {
    sheetId,
    title,
    index: Math.min(props.index ?? book.sheets.length, book.sheets.length),
    sheetType: 'GRID',
    gridProperties: {
      rowCount: grid.rowCount ?? 1000,
      columnCount: grid.columnCount ?? 26,
      ...(grid.frozenRowCount ? { frozenRowCount: grid.frozenRowCount } : {}),
      ...(grid.frozenColumnCount ? { frozenColumnCount: grid.frozenColumnCount } : {}),
    },
  };
  book.sheets.splice(properties.index, 0, newSheet(properties));
  reindex(book);
  return { addSheet: { properties: structuredClone(properties) } };
};

const reindex = (book: Book) => {
  book.sheets.forEach((s, i) => {
    s.properties.index = i;
  });
};

const deleteSheet: Handler<'deleteSheet'> = (book, request) => {
  const sheet = sheetById(book, request.sheetId);
  if (book.sheets.length === 1) throw invalid("You can't remove all the sheets in a document.");
  book.sheets.splice(book.sheets.indexOf(sheet), 1);
  reindex(book);
  return undefined;
};

const updateSheetProperties: Handler<'updateSheetProperties'> = (book, request) => {
  const sheet = sheetById(book, request.properties?.sheetId);
  const before = structuredClone(sheet.properties);
  applyMask(sheet.properties, request.properties as Json, requireFields(request.fields));
  const props = sheet.properties;
  props.sheetId = before.sheetId;
  props.sheetType = 'GRID';
  props.gridProperties = { ...before.gridProperties, ...props.gridProperties };
  if (props.title !== before.title && book.sheets.some((s) => s !== sheet && s.properties.title === props.title)) {
    throw invalid(`A sheet with the name "${props.title}" already exists. Please enter another name.`);
  }
  resizeRows(sheet, before.gridProperties.rowCount);
  if (props.index !== before.index) {
    book.sheets.splice(book.sheets.indexOf(sheet), 1);
    book.sheets.splice(Math.min(props.index, book.sheets.length), 0, sheet);
    reindex(book);
  }
  return undefined;
};

/** Keeps the stored rows in step with a rowCount changed through updateSheetProperties. */
function resizeRows(sheet: SheetState, previousRowCount: number): void {
  const { rowCount } = sheet.properties.gridProperties;
  if (rowCount < 1) throw invalid('rowCount must be at least 1');
  if (rowCount < previousRowCount) sheet.grid.length = rowCount;
  while (sheet.grid.length < rowCount) sheet.grid.push([]);
}

const updateCells: Handler<'updateCells'> = (book, request) => {
  const paths = requireFields(request.fields);
  const rows = request.rows ?? [];
  if (request.range) {
    // A range is filled completely: cells the rows do not cover have the masked fields cleared.
    const b = gridBounds(book, request.range);
    for (let r = b.startRow; r < b.endRow; r++) {
      for (let c = b.startCol; c < b.endCol; c++) {
        writeCell(b.sheet, r, c, rows[r - b.startRow]?.values?.[c - b.startCol] ?? undefined, paths);
      }
    }
    return undefined;
  }
  const start = request.start;
  if (!start) throw invalid('Either start or range must be set.');
  const sheet = sheetById(book, start.sheetId);
  const { rowCount, columnCount } = sheet.properties.gridProperties;
  rows.forEach((rowData, i) => {
    const r = (start.rowIndex ?? 0) + i;
    (rowData.values ?? []).forEach((value, j) => {
      const c = (start.columnIndex ?? 0) + j;
      if (r >= rowCount) throw invalid(`GridCoordinate.rowIndex[${r}] is after last row in grid[${rowCount - 1}]`);
      if (c >= columnCount) throw invalid(`GridCoordinate.columnIndex[${c}] is after last column in grid[${columnCount - 1}]`);
      writeCell(sheet, r, c, value, paths);
    });
  });
  return undefined;
};

const appendCells: Handler<'appendCells'> = (book, request) => {
  const paths = requireFields(request.fields);
  const sheet = sheetById(book, request.sheetId);
  const rows = request.rows ?? [];
  const start = lastRowWithData(sheet) + 1;
  const { columnCount } = sheet.properties.gridProperties;
  const missing = start + rows.length - sheet.properties.gridProperties.rowCount;
  if (missing > 0) appendDimension(sheet, 'ROWS', missing);
  rows.forEach((rowData, i) => {
    (rowData.values ?? []).forEach((value, c) => {
      if (c >= columnCount) throw invalid(`GridCoordinate.columnIndex[${c}] is after last column in grid[${columnCount - 1}]`);
      writeCell(sheet, start + i, c, value, paths);
    });
  });
  return undefined;
};

const repeatCell: Handler<'repeatCell'> = (book, request) => {
  const paths = requireFields(request.fields);
  const b = gridBounds(book, request.range);
  for (let r = b.startRow; r < b.endRow; r++) {
    for (let c = b.startCol; c < b.endCol; c++) writeCell(b.sheet, r, c, request.cell ?? undefined, paths);
  }
  return undefined;
};

const VALIDATION_TYPES = new Set([
  'ONE_OF_LIST',
  'ONE_OF_RANGE',
  'NUMBER_BETWEEN',
  'NUMBER_GREATER',
  'NUMBER_GREATER_THAN_EQ',
  'DATE_IS_VALID',
  'CUSTOM_FORMULA',
  'BOOLEAN',
  'TEXT_CONTAINS',
]);

const setDataValidation: Handler<'setDataValidation'> = (book, request) => {
  const b = gridBounds(book, request.range);
  const rule = request.rule;
  if (rule) {
    const type = rule.condition?.type ?? '';
    if (!VALIDATION_TYPES.has(type)) throw invalid(`Invalid ConditionType: ${type}`);
    if (type === 'ONE_OF_LIST' && !rule.condition?.values?.length) {
      throw invalid('Invalid DataValidation: ONE_OF_LIST requires at least one value.');
    }
  }
  for (let r = b.startRow; r < b.endRow; r++) {
    for (let c = b.startCol; c < b.endCol; c++) {
      const cell = cellAt(b.sheet, r, c, true);
      if (rule) cell.dataValidation = rule;
      else delete cell.dataValidation;
    }
  }
  return undefined;
};

const addProtectedRange: Handler<'addProtectedRange'> = (book, request) => {
  const protectedRange = structuredClone(request.protectedRange ?? {});
  if (!protectedRange.range) throw invalid('A protected range must have a range or a named range.');
  if (protectedRange.warningOnly && protectedRange.editors) {
    throw invalid('Editors cannot be set on a warning-only protected range.');
  }
  const b = gridBounds(book, protectedRange.range);
  const existing = new Set(book.sheets.flatMap((s) => s.protectedRanges.map((p) => p.protectedRangeId)));
  let id = randomInt(1, 2 ** 31 - 1);
  while (existing.has(id)) id = randomInt(1, 2 ** 31 - 1);
  protectedRange.protectedRangeId = id;
  protectedRange.range = { ...protectedRange.range, sheetId: b.sheet.properties.sheetId };
  b.sheet.protectedRanges.push(protectedRange);
  return { addProtectedRange: { protectedRange: structuredClone(protectedRange) } };
};

function findProtectedRange(book: Book, id: number | null | undefined): { sheet: SheetState; index: number } {
  for (const sheet of book.sheets) {
    const index = sheet.protectedRanges.findIndex((p) => p.protectedRangeId === id);
    if (index >= 0) return { sheet, index };
  }
  throw invalid(`No protected range with id: ${id}`);
}

const deleteProtectedRange: Handler<'deleteProtectedRange'> = (book, request) => {
  const { sheet, index } = findProtectedRange(book, request.protectedRangeId);
  sheet.protectedRanges.splice(index, 1);
  return undefined;
};

const updateProtectedRange: Handler<'updateProtectedRange'> = (book, request) => {
  const { sheet, index } = findProtectedRange(book, request.protectedRange?.protectedRangeId);
  const target = sheet.protectedRanges[index] as Json;
  applyMask(target, request.protectedRange as Json, requireFields(request.fields));
  target.protectedRangeId = request.protectedRange?.protectedRangeId;
  return undefined;
};

function validateRule(book: Book, rule: ConditionalFormatRule | null | undefined): SheetState {
  const ranges = rule?.ranges ?? [];
  if (!rule || ranges.length === 0) throw invalid('A conditional format rule must have at least one range.');
  const sheets = new Set(ranges.map((r) => gridBounds(book, r).sheet));
  if (sheets.size !== 1) throw invalid('All ranges of a conditional format rule must be on the same sheet.');
  const condition = rule.booleanRule?.condition;
  if (!rule.booleanRule && !rule.gradientRule) throw invalid('A conditional format rule must have a boolean or gradient rule.');
  if (condition?.type === 'CUSTOM_FORMULA' && !condition.values?.[0]?.userEnteredValue?.startsWith('=')) {
    throw invalid('Invalid ConditionalFormatRule: a custom formula must start with "=".');
  }
  return [...sheets][0] as SheetState;
}

const addConditionalFormatRule: Handler<'addConditionalFormatRule'> = (book, request) => {
  const sheet = validateRule(book, request.rule);
  const index = request.index ?? 0;
  if (index < 0 || index > sheet.conditionalFormats.length) throw invalid(`Invalid index: ${index}`);
  sheet.conditionalFormats.splice(index, 0, structuredClone(request.rule as ConditionalFormatRule));
  return undefined;
};

const deleteConditionalFormatRule: Handler<'deleteConditionalFormatRule'> = (book, request) => {
  const sheet = sheetById(book, request.sheetId);
  const index = request.index ?? 0;
  const [rule] = sheet.conditionalFormats.splice(index, 1);
  if (!rule) throw invalid(`No conditional format on sheet: ${sheet.properties.sheetId} at index: ${index}`);
  return { deleteConditionalFormatRule: { rule } };
};

const updateDimensionProperties: Handler<'updateDimensionProperties'> = (book, request) => {
  const range = request.range;
  const sheet = sheetById(book, range?.sheetId);
  const paths = requireFields(request.fields);
  const grid = sheet.properties.gridProperties;
  const count = range?.dimension === 'ROWS' ? grid.rowCount : grid.columnCount;
  const start = range?.startIndex ?? 0;
  const end = range?.endIndex ?? count;
  if (start < 0 || end > count || end < start) throw invalid('Invalid dimension range.');
  if (range?.dimension === 'ROWS') return undefined; // row heights are not kept
  for (let c = start; c < end; c++) {
    const target = sheet.columnMetadata[c] ?? {};
    applyMask(target as Json, request.properties as Json, paths);
    sheet.columnMetadata[c] = target;
  }
  return undefined;
};

const dimensionOf = (value: string | null | undefined): Dimension => {
  if (value === 'ROWS' || value === 'COLUMNS') return value;
  throw invalid(`Invalid dimension: ${value}`);
};

const insertDimensionRequest: Handler<'insertDimension'> = (book, request) => {
  const range = request.range;
  const sheet = sheetById(book, range?.sheetId);
  const start = range?.startIndex ?? 0;
  const end = range?.endIndex ?? start;
  if (request.inheritFromBefore && start === 0) throw invalid('Cannot inherit from before when inserting at index 0.');
  insertDimension(sheet, dimensionOf(range?.dimension), start, end - start, !!request.inheritFromBefore);
  return undefined;
};

const deleteDimensionRequest: Handler<'deleteDimension'> = (book, request) => {
  const range = request.range;
  const sheet = sheetById(book, range?.sheetId);
  deleteDimension(sheet, dimensionOf(range?.dimension), range?.startIndex ?? 0, range?.endIndex ?? 0);
  return undefined;
};

const appendDimensionRequest: Handler<'appendDimension'> = (book, request) => {
  appendDimension(sheetById(book, request.sheetId), dimensionOf(request.dimension), request.length ?? 0);
  return undefined;
};

const setBasicFilter: Handler<'setBasicFilter'> = (book, request) => {
  const filter = structuredClone(request.filter ?? {});
  const b = gridBounds(book, filter.range);
  b.sheet.basicFilter = { ...filter, range: { ...filter.range, sheetId: b.sheet.properties.sheetId } };
  return undefined;
};

const clearBasicFilter: Handler<'clearBasicFilter'> = (book, request) => {
  delete sheetById(book, request.sheetId).basicFilter;
  return undefined;
};

const HANDLERS: { [K in keyof BatchRequest]?: Handler<K> } = {
  addSheet,
  deleteSheet,
  updateSheetProperties,
  updateCells,
  appendCells,
  repeatCell,
  setDataValidation,
  addProtectedRange,
  deleteProtectedRange,
  updateProtectedRange,
  addConditionalFormatRule,
  deleteConditionalFormatRule,
  updateDimensionProperties,
  insertDimension: insertDimensionRequest,
  deleteDimension: deleteDimensionRequest,
  appendDimension: appendDimensionRequest,
  setBasicFilter,
  clearBasicFilter,
};

/** Every request kind of the real API, to tell an unknown name from a kind this server does not implement. */
const KNOWN_KINDS = new Set(
  `addBanding addChart addConditionalFormatRule addDataSource addDimensionGroup addFilterView addNamedRange
  addProtectedRange addSheet addSlicer addTable appendCells appendDimension autoFill autoResizeDimensions
  cancelDataSourceRefresh clearBasicFilter copyPaste createDeveloperMetadata cutPaste deleteBanding
  deleteConditionalFormatRule deleteDataSource deleteDeveloperMetadata deleteDimension deleteDimensionGroup
  deleteDuplicates deleteEmbeddedObject deleteFilterView deleteNamedRange deleteProtectedRange deleteRange deleteSheet
  deleteTable duplicateFilterView duplicateSheet findReplace insertDimension insertRange mergeCells moveDimension
  pasteData randomizeRange refreshDataSource repeatCell setBasicFilter setDataValidation sortRange textToColumns
  trimWhitespace unmergeCells updateBanding updateBorders updateCells updateChartSpec updateConditionalFormatRule
  updateDataSource updateDeveloperMetadata updateDimensionGroup updateDimensionProperties updateEmbeddedObjectBorder
  updateEmbeddedObjectPosition updateFilterView updateNamedRange updateProtectedRange updateSheetProperties
  updateSlicerSpec updateSpreadsheetProperties updateTable`
    .trim()
    .split(/\s+/),
);

function applyRequest(book: Book, request: unknown, i: number): Reply {
  if (!isObject(request)) throw invalid(`Invalid requests[${i}]: No request set.`);
  const kinds = Object.keys(request);
  const [kind] = kinds;
  if (kind === undefined) throw invalid(`Invalid requests[${i}]: No request set.`);
  if (kinds.length > 1) throw invalid(`Invalid requests[${i}]: oneof field 'kind' is already set. Cannot set '${kinds[1]}'`);
  if (!KNOWN_KINDS.has(kind)) {
    throw invalid(`Invalid JSON payload received. Unknown name "${kind}" at 'requests[${i}]': Cannot find field.`);
  }
  const handler = HANDLERS[kind as keyof BatchRequest] as Handler<keyof BatchRequest> | undefined;
  if (!handler) throw invalid(`Invalid requests[${i}].${kind}: not implemented by the local Sheets server.`);
  try {
    return handler(book, request[kind] as never) ?? {};
  } catch (error) {
    if (error instanceof ApiError) throw invalid(`Invalid requests[${i}].${kind}: ${error.message}`);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the spreadsheet (spreadsheets.get).

function sheetResource(sheet: SheetState, withData: boolean, bounds: Bounds[]): Json {
  const out: Json = { properties: structuredClone(sheet.properties) };
  const grid = (out.properties as SheetProperties).gridProperties;
  if (!grid.frozenRowCount) delete grid.frozenRowCount;
  if (!grid.frozenColumnCount) delete grid.frozenColumnCount;
  if (sheet.protectedRanges.length) out.protectedRanges = structuredClone(sheet.protectedRanges);
  if (sheet.conditionalFormats.length) out.conditionalFormats = structuredClone(sheet.conditionalFormats);
  if (sheet.basicFilter) out.basicFilter = structuredClone(sheet.basicFilter);
  if (withData) {
    const ranges = bounds.length ? bounds : [fullBounds(sheet)];
    out.data = ranges.map((b) => gridData(b));
  }
  return out;
}

const fullBounds = (sheet: SheetState): Bounds => ({
  sheet,
  startRow: 0,
  endRow: sheet.properties.gridProperties.rowCount,
  startCol: 0,
  endCol: sheet.properties.gridProperties.columnCount,
});

function gridData(b: Bounds): sheets_v4.Schema$GridData {
  const formatted = renderDefaults({ valueRenderOption: 'FORMATTED_VALUE' });
  const rowData: sheets_v4.Schema$RowData[] = [];
  for (let r = b.startRow; r < b.endRow; r++) {
    const values: CellData[] = [];
    for (let c = b.startCol; c < b.endCol; c++) {
      const cell = structuredClone(cellAt(b.sheet, r, c) ?? {});
      if (hasValue(cell)) cell.formattedValue = String(renderCell(cell, formatted));
      values.push(cell);
    }
    while (values.length && Object.keys(values[values.length - 1] ?? {}).length === 0) values.pop();
    rowData.push(values.length ? { values } : {});
  }
  while (rowData.length && !rowData[rowData.length - 1]?.values) rowData.pop();
  const columnMetadata = Array.from({ length: b.endCol - b.startCol }, (_, i) => ({
    pixelSize: 100,
    ...b.sheet.columnMetadata[b.startCol + i],
  }));
  return { startRow: b.startRow, startColumn: b.startCol, rowData, columnMetadata };
}

// ---------------------------------------------------------------------------------------------------------------
// OAuth2: the service-account JWT bearer grant (RFC 7523), as https://oauth2.googleapis.com/token answers it.

const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

function verifyAssertion(assertion: string, keys: Map<string, KeyObject>, audiences: readonly string[]): string {
  const parts = assertion.split('.');
  if (parts.length !== 3) throw new OAuthError('invalid_grant', 'Invalid JWT: the assertion is malformed.');
  const [head = '', body = '', signature = ''] = parts;
  let header: Json;
  let claims: Json;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new OAuthError('invalid_grant', 'Invalid JWT: the assertion is not valid JSON.');
  }
  if (header.alg !== 'RS256') throw new OAuthError('invalid_grant', 'Invalid JWT: algorithm must be RS256.');
  const key = typeof claims.iss === 'string' ? keys.get(claims.iss) : undefined;
  if (!key) throw new OAuthError('invalid_grant', 'Invalid grant: account not found');
  if (!verify('sha256', Buffer.from(`${head}.${body}`), key, Buffer.from(signature, 'base64url'))) {
    throw new OAuthError('invalid_grant', 'Invalid JWT Signature.');
  }
  if (typeof claims.aud !== 'string' || !audiences.includes(claims.aud)) {
    throw new OAuthError('invalid_grant', 'Invalid JWT: Failed audience check.');
  }
  const now = Math.floor(Date.now() / 1000);
  const iat = Number(claims.iat);
  const exp = Number(claims.exp);
  if (!(iat <= now + 300 && exp > now && exp - iat <= 3600)) {
    throw new OAuthError(
      'invalid_grant',
      'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
    );
  }
  if (typeof claims.scope !== 'string' || claims.scope === '')
    throw new OAuthError('invalid_scope', 'Empty or missing scope not allowed.');
  return claims.iss as string;
}

/** A throwaway service account for tests: a real RSA key pair and a Google-style client email. */
export function createServiceAccount(clientEmail = 'sheet-sync@property-desk-test.iam.gserviceaccount.com'): ServiceAccountKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { client_email: clientEmail, private_key: privateKey, publicKey };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP.

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): number {
  const bytes = Buffer.from(JSON.stringify(body, null, 2));
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': bytes.length });
  res.end(bytes);
  return bytes.length;
}

const errorBody = (e: ApiError) => ({ error: { code: e.code, message: e.message, status: e.status } });

/** A query parameter of an enum type; Google refuses a value it does not know. */
function enumParam<T extends string>(url: URL, name: string, allowed: readonly T[]): T | undefined {
  const value = url.searchParams.get(name);
  if (value === null) return undefined;
  if (!allowed.includes(value as T)) throw invalid(`Invalid value at '${name}' (${value})`);
  return value as T;
}

function seedBook(options: SheetsServerOptions): Book {
  const book: Book = {
    spreadsheetId: randomBytes(22).toString('base64url'),
    properties: {
      title: options.title ?? '物业服务中心台账',
      locale: 'zh_CN',
      timeZone: 'Asia/Shanghai',
      autoRecalc: 'ON_CHANGE',
    },
    sheets: [],
  };
  const tabs = options.tabs?.length ? options.tabs : [{ title: '工作表1' }];
  for (const tab of tabs) {
    addSheet(book, {
      properties: {
        title: tab.title,
        sheetId: tab.sheetId,
        gridProperties: { rowCount: tab.rowCount, columnCount: tab.columnCount },
      },
    });
  }
  return book;
}

export async function startSheetsServer(options: SheetsServerOptions = {}): Promise<SheetsServer> {
  let book = seedBook(options);
  const keys = new Map<string, KeyObject>();
  const tokens = new Map<string, { email: string; expiresAt: number }>();
  const requests: RecordedRequest[] = [];
  const failures: number[] = [];
  const requireAuth = (options.auth ?? 'token') === 'token';
  let origin = '';

  const registerServiceAccount = (clientEmail: string, publicKey: string | KeyObject) => {
    keys.set(clientEmail, typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey);
  };
  for (const account of options.serviceAccounts ?? []) registerServiceAccount(account.client_email, account.publicKey);

  const sheetNamed = (tab: string): SheetState => {
    const sheet = sheetByTitle(book, tab);
    if (!sheet) throw new Error(`No tab named ${tab}`);
    return sheet;
  };

  // --- endpoints -------------------------------------------------------------------------------------------------

  const issueToken = (body: Buffer): [number, unknown] => {
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('grant_type') !== JWT_GRANT) {
      return [400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form.get('grant_type') ?? ''}` }];
    }
    try {
      const email = verifyAssertion(form.get('assertion') ?? '', keys, [GOOGLE_TOKEN_AUDIENCE, `${origin}/token`]);
      const accessToken = `ya29.local-${randomBytes(24).toString('base64url')}`;
      tokens.set(accessToken, { email, expiresAt: Date.now() + 3600_000 });
      return [200, { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' }];
    } catch (error) {
      if (error instanceof OAuthError) return [400, { error: error.error, error_description: error.description }];
      throw error;
    }
  };

  const checkAuth = (req: IncomingMessage) => {
    if (!requireAuth) return;
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const token = match?.[1] ? tokens.get(match[1]) : undefined;
    if (!token || token.expiresAt < Date.now()) throw failure(401);
  };

  const getSpreadsheet = (url: URL): unknown => {
    const ranges = url.searchParams.getAll('ranges').map((r) => parseA1(book, r));
    const fields = url.searchParams.get('fields');
    const withData = url.searchParams.get('includeGridData') === 'true' || /(^|[,(./])data([,)./]|$)/.test(fields ?? '');
    const sheets = ranges.length ? book.sheets.filter((s) => ranges.some((b) => b.sheet === s)) : book.sheets;
    const resource = {
      spreadsheetId: book.spreadsheetId,
      properties: structuredClone(book.properties),
      sheets: sheets.map((s) =>
        sheetResource(
          s,
          withData,
          ranges.filter((b) => b.sheet === s),
        ),
      ),
      spreadsheetUrl: `${origin}/spreadsheets/d/${book.spreadsheetId}/edit`,
    };
    return fields ? pickFields(resource, fieldTree(parseFieldMask(fields))) : resource;
  };

  const batchGet = (url: URL): unknown => {
    const render: Required<RenderOptions> = renderDefaults({
      valueRenderOption: enumParam(url, 'valueRenderOption', ['FORMULA', 'UNFORMATTED_VALUE', 'FORMATTED_VALUE'] as const),
      dateTimeRenderOption: enumParam(url, 'dateTimeRenderOption', ['SERIAL_NUMBER', 'FORMATTED_STRING'] as const),
    });
    if (url.searchParams.get('majorDimension') === 'COLUMNS')
      throw invalid('majorDimension COLUMNS is not implemented by the local Sheets server.');
    // Every range is parsed before any is read: one unknown tab fails the whole request, as at Google.
    const bounds = url.searchParams.getAll('ranges').map((r) => parseA1(book, r));
    return {
      spreadsheetId: book.spreadsheetId,
      valueRanges: bounds.map((b) => {
        const values = renderValues(b, render);
        return values.length ? { range: a1Of(b), majorDimension: 'ROWS', values } : { range: a1Of(b), majorDimension: 'ROWS' };
      }),
    };
  };

  /** Applies every request to a copy and commits only when all succeeded: one bad request and nothing changes. */
  const batchUpdate = (body: Buffer): unknown => {
    let payload: Json;
    try {
      payload = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      throw invalid('Invalid JSON payload received.');
    }
    const list = payload.requests;
    if (!Array.isArray(list) || list.length === 0) throw invalid('Must specify at least one request.');
    const draft = structuredClone(book);
    const replies = list.map((request, i) => applyRequest(draft, request, i));
    book = draft;
    return { spreadsheetId: book.spreadsheetId, replies };
  };

  const route = (req: IncomingMessage, url: URL, body: Buffer): { kind: RecordedRequest['kind']; run: () => unknown } => {
    const path = url.pathname;
    const api = /^\/v4\/spreadsheets\/([^/:]+)(\/values:batchGet|:batchUpdate)?$/.exec(path);
    if (req.method === 'POST' && path === '/token') return { kind: 'token', run: () => undefined };
    if (!api) return { kind: 'other', run: () => Promise.reject(failure(404)) };
    const id = decodeURIComponent(api[1] ?? '');
    const suffix = api[2];
    const kind = suffix === ':batchUpdate' ? 'batchUpdate' : suffix ? 'batchGet' : 'get';
    const expected = kind === 'batchUpdate' ? 'POST' : 'GET';
    return {
      kind,
      run: () => {
        checkAuth(req);
        const failWith = failures.shift();
        if (failWith !== undefined) throw failure(failWith);
        if (req.method !== expected) throw failure(404);
        if (id !== book.spreadsheetId) throw failure(404);
        if (kind === 'get') return getSpreadsheet(url);
        if (kind === 'batchGet') return batchGet(url);
        return batchUpdate(body);
      },
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', origin);
    const { kind, run } = route(req, url, body);
    let status = 200;
    let reply: unknown;
    if (kind === 'token') [status, reply] = issueToken(body);
    else {
      try {
        reply = await run();
      } catch (error) {
        const apiError = error instanceof ApiError ? error : new ApiError(500, 'INTERNAL', String(error));
        status = apiError.code;
        reply = errorBody(apiError);
      }
    }
    const bytesOut = send(res, status, reply);
    requests.push({ method: req.method ?? '', path: url.pathname, kind, bytesIn: body.length, bytesOut, status });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) send(res, 500, errorBody(new ApiError(500, 'INTERNAL', String(error))));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  for (const tab of options.tabs ?? []) if (tab.rows) seedRows(sheetNamed(tab.title), tab.rows, 0);

  return {
    rootUrl: `${origin}/`,
    tokenUrl: `${origin}/token`,
    get spreadsheetId() {
      return book.spreadsheetId;
    },
    requests,
    resetCounts: () => {
      requests.length = 0;
    },
    failNext: (count, status = 429) => {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    registerServiceAccount,
    typeIn: (tab, row, col, text) => typeIn(sheetNamed(tab), row, col, text),
    setRows: (tab, rows, startRow = 0) => seedRows(sheetNamed(tab), rows, startRow),
    insertBlankRows: (tab, atRow, n) => insertDimension(sheetNamed(tab), 'ROWS', atRow, n, atRow > 0),
    deleteRows: (tab, atRow, n) => deleteDimension(sheetNamed(tab), 'ROWS', atRow, atRow + n),
    sortRows: (tab, col, descending = false) => sortRows(sheetNamed(tab), col, descending),
    rows: (tab, render) =>
      renderValues(
        fullBounds(sheetNamed(tab)),
        renderDefaults({ valueRenderOption: 'FORMULA', dateTimeRenderOption: 'FORMATTED_STRING', ...render }),
      ),
    cell: (tab, row, col) => structuredClone(cellAt(sheetNamed(tab), row, col)),
    sheet: (tab) => {
      const s = sheetNamed(tab);
      return structuredClone({
        properties: s.properties,
        protectedRanges: s.protectedRanges,
        conditionalFormats: s.conditionalFormats,
        ...(s.basicFilter ? { basicFilter: s.basicFilter } : {}),
        columnWidths: Array.from(
          { length: s.properties.gridProperties.columnCount },
          (_, c) => s.columnMetadata[c]?.pixelSize ?? undefined,
        ),
      });
    },
    tabs: () => book.sheets.map((s) => s.properties.title),
    snapshot: () => structuredClone(book),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Staff actions.

function typeIn(sheet: SheetState, row: number, col: number, text: string): void {
  const { rowCount, columnCount } = sheet.properties.gridProperties;
  if (row < 0 || row >= rowCount || col < 0 || col >= columnCount) {
    throw new Error(`Cell (${row}, ${col}) is outside the grid of ${sheet.properties.title} (${rowCount}×${columnCount}).`);
  }
  const existing = cellAt(sheet, row, col);
  checkStaffEdit(sheet, existing, row, col, text);
  const cell = cellAt(sheet, row, col, true);
  if (text === '') {
    delete cell.userEnteredValue;
    return;
  }
  const { value, impliedFormat } = userEntered(text, cell.userEnteredFormat?.numberFormat);
  cell.userEnteredValue = value;
  if (impliedFormat) cell.userEnteredFormat = { ...(cell.userEnteredFormat as CellFormat), numberFormat: impliedFormat };
}

function seedRows(sheet: SheetState, rows: readonly (readonly SeedValue[])[], startRow: number): void {
  const grid = sheet.properties.gridProperties;
  const missing = startRow + rows.length - grid.rowCount;
  if (missing > 0) appendDimension(sheet, 'ROWS', missing);
  const widest = Math.max(0, ...rows.map((r) => r.length));
  if (widest > grid.columnCount) appendDimension(sheet, 'COLUMNS', widest - grid.columnCount);
  rows.forEach((values, i) => {
    values.forEach((value, c) => {
      const cell = cellAt(sheet, startRow + i, c, true);
      const raw = rawValue(value);
      if (raw) cell.userEnteredValue = raw;
      else delete cell.userEnteredValue;
    });
  });
}

function sortRows(sheet: SheetState, col: number, descending: boolean): void {
  const start = Math.max(1, sheet.properties.gridProperties.frozenRowCount ?? 0);
  const data = sheet.grid.slice(start).map((row, i) => ({ row, key: sortKey(row[col]), i }));
  data.sort((a, b) => {
    if (!a.key || !b.key) return a.key === b.key ? a.i - b.i : a.key ? -1 : 1;
    const order = compareKeys(a.key, b.key);
    return (descending ? -order : order) || a.i - b.i;
  });
  sheet.grid.splice(start, data.length, ...data.map((d) => d.row));
}
