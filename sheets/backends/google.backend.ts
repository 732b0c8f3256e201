import { auth, sheets, type sheets_v4 } from '@googleapis/sheets';
import {
  type CellRead,
  type CellWrite,
  type RowWrite,
  type SheetBackend,
  SheetBackendBusyError,
  SheetSetupNeededError,
} from '../sync/backend';
import type { ColumnType, TabColumn, TabLayout } from '../tab-layout';

/**
 * The sheet sync's Google Sheets backend, on `@googleapis/sheets` alone (not the whole `googleapis`, which would
 * weigh down the Lambda bundle).
 *
 * Request budget (Google allows 60 per minute per user): a cycle is one `values.batchGet` and at most one
 * `spreadsheets.batchUpdate`. Writes address rows by sheet id, which this backend learns with one
 * `spreadsheets.get(fields=sheets.properties)` the first time a process writes (or from `setup`), and then keeps
 * for the life of the instance: the first write of a process costs one extra request.
 *
 * The client library's own retries are switched off: it would retry a GET on 429/5xx behind the engine's back and
 * could never safely retry a POST. Busy answers become `SheetBackendBusyError` and the engine retries the cycle.
 */

export interface GoogleBackendOptions {
  spreadsheetId: string;
  /** The service account's `client_email` and `private_key`, as in its JSON key. */
  credentials: { client_email: string; private_key: string };
  /** The tabs the sync knows: a row written shorter than its layout is padded so the whole row is replaced. */
  layouts: readonly TabLayout[];
  /** Another Sheets endpoint (tests: the local server); default https://sheets.googleapis.com/. */
  rootUrl?: string;
  /** Another OAuth2 token endpoint for the service-account JWT grant; default https://oauth2.googleapis.com/token. */
  tokenUrl?: string;
}

type Request = sheets_v4.Schema$Request;
type CellData = sheets_v4.Schema$CellData;
type RowData = sheets_v4.Schema$RowData;
type GoogleSheet = sheets_v4.Schema$Sheet;

const SCOPES = ['https://www.googleapis.com/auth/spreadsheets'];
/** Where google-auth-library (gtoken) always posts the JWT assertion; it has no option to change it. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export function createGoogleBackend(options: GoogleBackendOptions): SheetBackend {
  const api = sheetsClient(options);
  const { spreadsheetId } = options;
  const columnCounts = new Map(options.layouts.map((layout) => [layout.tab, layout.columns.length]));
  let sheetIds: Promise<Map<string, number>> | undefined;

  const loadSheetIds = async () => {
    const response = await call(() => api.spreadsheets.get({ spreadsheetId, fields: 'sheets.properties(sheetId,title)' }));
    return new Map((response.data.sheets ?? []).map((s) => [s.properties?.title ?? '', s.properties?.sheetId ?? 0]));
  };

  /** Sheet ids of the tabs, from the cache; a tab it does not know yet sends one fresh `get` before giving up. */
  const sheetIdsOf = async (tabs: readonly string[]): Promise<Map<string, number>> => {
    sheetIds ??= loadSheetIds();
    let known = await sheetIds.catch((error) => {
      sheetIds = undefined;
      throw error;
    });
    if (tabs.some((tab) => !known.has(tab))) {
      sheetIds = loadSheetIds();
      known = await sheetIds;
    }
    const missing = [...new Set(tabs.filter((tab) => !known.has(tab)))];
    if (missing.length) throw new SheetSetupNeededError(missing);
    return known;
  };

  const batchUpdate = (requests: Request[]) =>
    call(() => api.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests } }));

  const padded = (tab: string, cells: readonly CellWrite[]): CellWrite[] => {
    const width = columnCounts.get(tab) ?? cells.length;
    return cells.length >= width ? [...cells] : [...cells, ...Array<CellWrite>(width - cells.length).fill(null)];
  };

  return {
    kind: 'google',

    async read(tabs) {
      const result = new Map<string, CellRead[][]>();
      if (tabs.length === 0) return result;
      const valueRanges = await readValues(api, spreadsheetId, tabs);
      tabs.forEach((tab, i) => {
        result.set(
          tab,
          (valueRanges[i]?.values ?? []).map((row) => row.map(toCellRead)),
        );
      });
      return result;
    },

    async write(changes) {
      if (changes.length === 0) return;
      const ids = await sheetIdsOf(changes.map((change) => change.tab));
      // One request per cycle; only a body past ~2 MB is split (the engine re-derives every row from the store and
      // the sheet, so a cycle interrupted between two chunks is completed by the next one, nothing doubled).
      for (const chunk of chunkRequests(writeRequests(changes, ids, padded))) await batchUpdate(chunk);
    },

    async replaceRows(tab, rows) {
      const ids = await sheetIdsOf([tab]);
      const sheetId = ids.get(tab) ?? 0;
      // Clear every data row (all columns, so nothing left below pushes the append down), then append from row 1:
      // appendCells lands right after the header once nothing below it has data, and grows the grid if needed.
      const requests: Request[] = [{ updateCells: { range: { sheetId, startRowIndex: 1 }, fields: 'userEnteredValue' } }];
      if (rows.length) {
        requests.push({
          appendCells: { sheetId, rows: rows.map((row) => rowData(padded(tab, row))), fields: 'userEnteredValue' },
        });
      }
      await batchUpdate(requests);
    },

    async setup(layouts) {
      const response = await call(() =>
        api.spreadsheets.get({
          spreadsheetId,
          fields: 'sheets(properties(sheetId,title,index,gridProperties),protectedRanges,conditionalFormats,basicFilter)',
        }),
      );
      const existing = response.data.sheets ?? [];
      const { requests, ids } = planSetup(layouts, existing);
      if (requests.length) await batchUpdate(requests);
      sheetIds = Promise.resolve(ids);
    },

    async busy() {
      return false;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Client, errors.

function sheetsClient(options: GoogleBackendOptions): sheets_v4.Sheets {
  const jwt = new auth.JWT({ email: options.credentials.client_email, key: options.credentials.private_key, scopes: SCOPES });
  if (options.tokenUrl) redirectTokenRequests(jwt, options.tokenUrl);
  return sheets({
    version: 'v4',
    auth: jwt,
    // The engine alone decides when to try again (see the file comment).
    retry: false,
    ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}),
  });
}

/**
 * google-auth-library 10 (gtoken 8) posts the service-account JWT to a fixed Google URL and offers no option for
 * another one. Its HTTP client is the JWT client's own transporter, though, so a request interceptor on that
 * transporter can send the token request elsewhere; API requests pass through untouched.
 */
function redirectTokenRequests(jwt: InstanceType<typeof auth.JWT>, tokenUrl: string): void {
  jwt.transporter.interceptors.request.add({
    resolved: async (config) => {
      if (String(config.url) === GOOGLE_TOKEN_URL) config.url = new URL(tokenUrl);
      return config;
    },
  });
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, response } = error as { status?: unknown; response?: { status?: unknown } };
  const value = response?.status ?? status;
  return typeof value === 'number' ? value : undefined;
}

/** Runs one API call; 429 and 5xx mean "not now" and become `SheetBackendBusyError`, anything else passes through. */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const status = statusOf(error);
    if (status === 429 || (status !== undefined && status >= 500)) {
      throw new SheetBackendBusyError(`Google 表格暂时无法处理请求（HTTP ${status}），稍后重试`, status);
    }
    throw error;
  }
}

const isUnparsableRange = (error: unknown) =>
  statusOf(error) === 400 && error instanceof Error && error.message.includes('Unable to parse range');

// ---------------------------------------------------------------------------------------------------------------
// Reading.

/** A1 name of a whole tab; always quoted, inner quotes doubled, so any title is safe. */
const wholeTab = (tab: string) => `'${tab.replaceAll("'", "''")}'`;

async function readValues(
  api: sheets_v4.Sheets,
  spreadsheetId: string,
  tabs: readonly string[],
): Promise<sheets_v4.Schema$ValueRange[]> {
  try {
    const response = await call(() =>
      api.spreadsheets.values.batchGet({
        spreadsheetId,
        ranges: tabs.map(wholeTab),
        majorDimension: 'ROWS',
        // Formulas as their text (never their result) and dates as text, as `CellRead` promises.
        valueRenderOption: 'FORMULA',
        dateTimeRenderOption: 'FORMATTED_STRING',
      }),
    );
    return response.data.valueRanges ?? [];
  } catch (error) {
    // Google fails the whole batchGet when one tab is missing; one `get` names them for the person running setup.
    if (!isUnparsableRange(error)) throw error;
    const response = await call(() => api.spreadsheets.get({ spreadsheetId, fields: 'sheets.properties.title' }));
    const titles = new Set((response.data.sheets ?? []).map((s) => s.properties?.title));
    const missing = tabs.filter((tab) => !titles.has(tab));
    throw new SheetSetupNeededError(missing.length ? missing : tabs);
  }
}

function toCellRead(value: unknown): CellRead {
  if (value === '' || value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Writing.

/** A value as Google stores it: text always as `stringValue` (so `=…` stays text), `{}` clears the cell. */
function cellData(value: CellWrite): CellData {
  if (value === null || value === '') return {};
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`无法写入表格：${value} 不是有效数字`);
    return { userEnteredValue: { numberValue: value } };
  }
  return { userEnteredValue: { stringValue: value } };
}

const rowData = (cells: readonly CellWrite[]): RowData => ({ values: cells.map(cellData) });

/** Row writes become `updateCells` of the whole row; consecutive appends to one tab share one `appendCells`. */
function writeRequests(
  changes: readonly RowWrite[],
  ids: ReadonlyMap<string, number>,
  padded: (tab: string, cells: readonly CellWrite[]) => CellWrite[],
): Request[] {
  const requests: Request[] = [];
  for (const change of changes) {
    const sheetId = ids.get(change.tab) ?? 0;
    const row = rowData(padded(change.tab, change.cells));
    if (change.row === 'append') {
      const previous = requests.at(-1)?.appendCells;
      if (previous && previous.sheetId === sheetId) previous.rows?.push(row);
      else requests.push({ appendCells: { sheetId, rows: [row], fields: 'userEnteredValue' } });
      continue;
    }
    if (!Number.isInteger(change.row) || change.row < 1) {
      throw new Error(`表格 ${change.tab} 的第 ${change.row} 行不能写入：表头不在此写入，行号从 1 开始`);
    }
    requests.push({
      updateCells: { start: { sheetId, rowIndex: change.row, columnIndex: 0 }, rows: [row], fields: 'userEnteredValue' },
    });
  }
  return requests;
}

// ---------------------------------------------------------------------------------------------------------------
// Setup: one `get` of what is there, then one batchUpdate. Everything it sends either adds what is missing or
// overwrites with the same value, so a second run changes nothing and creates no duplicates.

type Rgb = { red: number; green: number; blue: number };

const COLOURS = {
  red: { red: 0.96, green: 0.8, blue: 0.8 },
  amber: { red: 1, green: 0.87, blue: 0.6 },
  yellow: { red: 1, green: 0.95, blue: 0.6 },
  systemGrey: { red: 0.93, green: 0.93, blue: 0.93 },
} satisfies Record<string, Rgb>;

const TEXT_FORMAT: sheets_v4.Schema$NumberFormat = { type: 'TEXT', pattern: '@' };

/** Number format per column type; every other type is plain text, so a typed `=…`, `5/9` or `0755…` stays as typed. */
function numberFormatOf(type: ColumnType): sheets_v4.Schema$NumberFormat {
  switch (type) {
    case 'money':
      return { type: 'NUMBER', pattern: '0.00' };
    case 'number':
      return { type: 'NUMBER', pattern: '0' };
    case 'date':
      return { type: 'DATE', pattern: 'yyyy-mm-dd' };
    case 'datetime':
      return { type: 'DATE_TIME', pattern: 'yyyy-mm-dd hh:mm' };
    default:
      return TEXT_FORMAT;
  }
}

/** Layout width units are roughly characters; a character of the sheet's default font is about 8 px. */
const PIXELS_PER_WIDTH_UNIT = 8;
const DEFAULT_GRID = { rowCount: 1000, columnCount: 26 };
const STATUS_KEY = '_status';
/** Protected ranges this backend owns are described `sync:<tab>:<columnKey>`. */
const PROTECTION_PREFIX = 'sync:';

function planSetup(
  layouts: readonly TabLayout[],
  existing: readonly GoogleSheet[],
): { requests: Request[]; ids: Map<string, number> } {
  const ids = new Map(existing.map((s) => [s.properties?.title ?? '', s.properties?.sheetId ?? 0]));
  const taken = new Set(ids.values());
  const requests: Request[] = [];
  for (const layout of layouts) {
    const sheet = existing.find((s) => s.properties?.title === layout.tab);
    let sheetId = sheet?.properties?.sheetId ?? 0;
    if (!sheet) {
      // Choosing the id ourselves lets the requests after addSheet, in the same batch, address the new tab.
      sheetId = freeSheetId(taken);
      requests.push(addTab(layout, sheetId));
    } else requests.push(...gridRequests(layout, sheet));
    ids.set(layout.tab, sheetId);
    requests.push(
      headerRequest(layout, sheetId),
      ...widthRequests(layout, sheetId),
      ...formatRequests(layout, sheetId),
      ...validationRequests(layout, sheetId),
      ...protectionRequests(layout, sheetId, sheet?.protectedRanges ?? []),
      ...conditionalFormatRequests(layout, sheetId, sheet?.conditionalFormats ?? []),
      ...filterRequests(layout, sheetId, sheet?.basicFilter),
    );
  }
  return { requests, ids };
}

function freeSheetId(taken: Set<number>): number {
  let id = 0;
  while (id === 0 || taken.has(id)) id = Math.floor(Math.random() * 2_000_000_000) + 1;
  taken.add(id);
  return id;
}

const addTab = (layout: TabLayout, sheetId: number): Request => ({
  addSheet: {
    properties: {
      sheetId,
      title: layout.tab,
      gridProperties: {
        rowCount: DEFAULT_GRID.rowCount,
        columnCount: Math.max(DEFAULT_GRID.columnCount, layout.columns.length),
        frozenRowCount: 1,
      },
    },
  },
});

/** An existing tab gets the columns the layout needs and a frozen header, only where they are missing. */
function gridRequests(layout: TabLayout, sheet: GoogleSheet): Request[] {
  const sheetId = sheet.properties?.sheetId ?? 0;
  const grid = sheet.properties?.gridProperties ?? {};
  const requests: Request[] = [];
  const missingColumns = layout.columns.length - (grid.columnCount ?? 0);
  if (missingColumns > 0) requests.push({ appendDimension: { sheetId, dimension: 'COLUMNS', length: missingColumns } });
  if ((grid.frozenRowCount ?? 0) !== 1) {
    requests.push({
      updateSheetProperties: {
        properties: { sheetId, gridProperties: { frozenRowCount: 1 } },
        fields: 'gridProperties.frozenRowCount',
      },
    });
  }
  return requests;
}

/** The header row as the layout declares it, bold, with each column's note; rewritten every time (a no-op when equal). */
const headerRequest = (layout: TabLayout, sheetId: number): Request => ({
  updateCells: {
    start: { sheetId, rowIndex: 0, columnIndex: 0 },
    rows: [
      {
        values: layout.columns.map((column) => ({
          userEnteredValue: { stringValue: column.header },
          userEnteredFormat: { textFormat: { bold: true } },
          ...(column.note ? { note: column.note } : {}),
        })),
      },
    ],
    fields: 'userEnteredValue,userEnteredFormat.textFormat.bold,note',
  },
});

const columnRange = (sheetId: number, index: number, fromRow = 1): sheets_v4.Schema$GridRange => ({
  sheetId,
  startRowIndex: fromRow,
  startColumnIndex: index,
  endColumnIndex: index + 1,
});

const widthRequests = (layout: TabLayout, sheetId: number): Request[] =>
  layout.columns.flatMap((column, index) =>
    column.width
      ? [
          {
            updateDimensionProperties: {
              range: { sheetId, dimension: 'COLUMNS', startIndex: index, endIndex: index + 1 },
              properties: { pixelSize: Math.round(column.width * PIXELS_PER_WIDTH_UNIT) },
              fields: 'pixelSize',
            },
          },
        ]
      : [],
  );

/**
 * Number format of every data cell of a column, the grey background of system columns, wrapped long text. Staff
 * columns keep whatever background staff gave their cells: only what the layout decides is sent.
 */
const formatRequests = (layout: TabLayout, sheetId: number): Request[] =>
  layout.columns.map((column, index) => {
    const system = column.owner === 'system';
    const longText = column.type === 'longtext';
    const fields = ['userEnteredFormat.numberFormat'];
    if (system) fields.push('userEnteredFormat.backgroundColor');
    if (longText) fields.push('userEnteredFormat.wrapStrategy', 'userEnteredFormat.verticalAlignment');
    return {
      repeatCell: {
        range: columnRange(sheetId, index),
        cell: {
          userEnteredFormat: {
            numberFormat: numberFormatOf(column.type),
            ...(system ? { backgroundColor: COLOURS.systemGrey } : {}),
            ...(longText ? { wrapStrategy: 'WRAP', verticalAlignment: 'TOP' } : {}),
          },
        },
        fields: fields.join(','),
      },
    };
  });

/** The labels of a column's dropdown: an enum's labels, 是 for a tick column. */
const dropdownLabels = (column: TabColumn): string[] =>
  column.values ? Object.values(column.values) : column.type === 'check' ? ['是'] : [];

/** A dropdown on every enum and tick column; strict, so the UI refuses anything else (API writes are not checked). */
const validationRequests = (layout: TabLayout, sheetId: number): Request[] =>
  layout.columns.flatMap((column, index) => {
    const labels = dropdownLabels(column);
    if (labels.length === 0) return [];
    return [
      {
        setDataValidation: {
          range: columnRange(sheetId, index),
          rule: {
            condition: { type: 'ONE_OF_LIST', values: labels.map((label) => ({ userEnteredValue: label })) },
            strict: true,
            showCustomUi: true,
            ...(column.note ? { inputMessage: column.note } : {}),
          },
        },
      },
    ];
  });

const protectionName = (layout: TabLayout, column: TabColumn) => `${PROTECTION_PREFIX}${layout.tab}:${column.key}`;

/**
 * System columns are protected warning-only: staff are warned before typing there but can still sort, filter and
 * insert rows. Our ranges are recognised by their description; one that no longer matches the layout is replaced.
 */
function protectionRequests(layout: TabLayout, sheetId: number, existing: readonly sheets_v4.Schema$ProtectedRange[]): Request[] {
  const wanted = new Map(
    layout.columns.flatMap((column, index) =>
      column.owner === 'system' ? [[protectionName(layout, column), columnRange(sheetId, index, 0)] as const] : [],
    ),
  );
  const ours = existing.filter(
    (p) => p.description?.startsWith(PROTECTION_PREFIX) && (p.range?.sheetId ?? 0) === sheetId && p.protectedRangeId != null,
  );
  const kept = new Set<string>();
  const requests: Request[] = [];
  for (const range of ours) {
    const description = range.description ?? '';
    const target = wanted.get(description);
    if (target && !kept.has(description) && range.warningOnly && sameColumns(range.range, target)) kept.add(description);
    else requests.push({ deleteProtectedRange: { protectedRangeId: range.protectedRangeId } });
  }
  for (const [description, range] of wanted) {
    if (!kept.has(description))
      requests.push({ addProtectedRange: { protectedRange: { description, range, warningOnly: true } } });
  }
  return requests;
}

/** Google leaves zero-valued fields out of its answers: a missing index is 0, a missing end is "to the edge". */
const sameColumns = (a: sheets_v4.Schema$GridRange | undefined | null, b: sheets_v4.Schema$GridRange) =>
  (a?.startRowIndex ?? 0) === (b.startRowIndex ?? 0) &&
  (a?.endRowIndex ?? null) === (b.endRowIndex ?? null) &&
  (a?.startColumnIndex ?? 0) === (b.startColumnIndex ?? 0) &&
  (a?.endColumnIndex ?? null) === (b.endColumnIndex ?? null);

const columnLetters = (index: number): string => {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
};

/** Row highlight: the formula is relative to the first data row, anchored on the column. */
const containsFormula = (columnIndex: number, text: string) =>
  `=ISNUMBER(SEARCH("${text.replaceAll('"', '""')}",$${columnLetters(columnIndex)}2))`;
const OUR_FORMULA = /^=ISNUMBER\(SEARCH\(".*",\$[A-Z]{1,3}2\)\)$/s;

function desiredRules(layout: TabLayout, sheetId: number): sheets_v4.Schema$ConditionalFormatRule[] {
  const range = { sheetId, startRowIndex: 1, startColumnIndex: 0, endColumnIndex: layout.columns.length };
  const rule = (columnKey: string, contains: string, colour: keyof typeof COLOURS) => {
    const index = layout.columns.findIndex((column) => column.key === columnKey);
    if (index < 0) throw new Error(`表格 ${layout.tab} 的高亮列 ${columnKey} 不在布局中`);
    return {
      ranges: [range],
      booleanRule: {
        condition: { type: 'CUSTOM_FORMULA', values: [{ userEnteredValue: containsFormula(index, contains) }] },
        format: { backgroundColor: COLOURS[colour] },
      },
    };
  };
  const hasStatus = layout.columns.some((column) => column.key === STATUS_KEY);
  return [
    ...(hasStatus ? [rule(STATUS_KEY, '冲突', 'red'), rule(STATUS_KEY, '错误', 'amber')] : []),
    ...(layout.highlights ?? []).map((h) => rule(h.column, h.contains, h.colour)),
  ];
}

/** Compares rules by what shows: formula, range and colour (rounded, since Google answers colours as floats). */
function ruleSignature(rule: sheets_v4.Schema$ConditionalFormatRule): string {
  const format = rule.booleanRule?.format;
  const colour = format?.backgroundColor ?? format?.backgroundColorStyle?.rgbColor ?? {};
  const round = (n: number | null | undefined) => Math.round((n ?? 0) * 100);
  const ranges = (rule.ranges ?? []).map((r) => [
    r.sheetId ?? 0,
    r.startRowIndex ?? 0,
    r.endRowIndex ?? null,
    r.startColumnIndex ?? 0,
    r.endColumnIndex ?? null,
  ]);
  return JSON.stringify([
    rule.booleanRule?.condition?.values?.[0]?.userEnteredValue,
    ranges,
    [round(colour.red), round(colour.green), round(colour.blue)],
  ]);
}

const isOurRule = (rule: sheets_v4.Schema$ConditionalFormatRule, sheetId: number) => {
  const condition = rule.booleanRule?.condition;
  const [range, ...others] = rule.ranges ?? [];
  return (
    condition?.type === 'CUSTOM_FORMULA' &&
    OUR_FORMULA.test(condition.values?.[0]?.userEnteredValue ?? '') &&
    others.length === 0 &&
    (range?.sheetId ?? 0) === sheetId &&
    (range?.startRowIndex ?? 0) === 1 &&
    (range?.startColumnIndex ?? 0) === 0
  );
};

/**
 * Our highlight rules sit on top (first rule wins in Sheets). When the ones in place are exactly the wanted ones
 * nothing is sent; otherwise ours are deleted (highest index first, so the others keep their places) and re-added.
 * Rules staff added themselves are left alone.
 */
function conditionalFormatRequests(
  layout: TabLayout,
  sheetId: number,
  existing: readonly sheets_v4.Schema$ConditionalFormatRule[],
): Request[] {
  const wanted = desiredRules(layout, sheetId);
  const ours = existing.map((rule, index) => ({ rule, index })).filter(({ rule }) => isOurRule(rule, sheetId));
  const same =
    ours.length === wanted.length &&
    ours.every(({ rule, index }, i) => index === i && ruleSignature(rule) === ruleSignature(wanted[i] ?? {}));
  if (same) return [];
  return [
    ...ours.reverse().map(({ index }): Request => ({ deleteConditionalFormatRule: { sheetId, index } })),
    ...wanted.map((rule, index): Request => ({ addConditionalFormatRule: { rule, index } })),
  ];
}

/** A basic filter over the header: added when missing, widened when the layout grew; staff's criteria are kept. */
function filterRequests(
  layout: TabLayout,
  sheetId: number,
  existing: sheets_v4.Schema$BasicFilter | undefined | null,
): Request[] {
  const width = layout.columns.length;
  const range = { sheetId, startRowIndex: 0, startColumnIndex: 0, endColumnIndex: width };
  if (!existing) return [{ setBasicFilter: { filter: { range } } }];
  const end = existing.range?.endColumnIndex;
  if (end == null || end >= width) return [];
  return [
    {
      setBasicFilter: {
        filter: {
          range,
          ...(existing.sortSpecs ? { sortSpecs: existing.sortSpecs } : {}),
          ...(existing.filterSpecs ? { filterSpecs: existing.filterSpecs } : {}),
        },
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Request size: Google advises keeping a request body under ~2 MB.

export const MAX_REQUEST_BYTES = 2_000_000;

const sizeOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Splits an appendCells whose rows alone pass the limit into several, in order. */
const splitAppend = (request: Request, maxBytes: number): Request[] => {
  const append = request.appendCells;
  if (!append?.rows || sizeOf(request) <= maxBytes) return [request];
  const parts: Request[] = [];
  let rows: RowData[] = [];
  let bytes = 0;
  for (const row of append.rows) {
    const size = sizeOf(row) + 1;
    if (rows.length > 0 && bytes + size > maxBytes) {
      parts.push({ appendCells: { ...append, rows } });
      rows = [];
      bytes = 0;
    }
    rows.push(row);
    bytes += size;
  }
  if (rows.length > 0) parts.push({ appendCells: { ...append, rows } });
  return parts;
};

/** Requests grouped into bodies under the limit, order kept. Usually one group. */
export const chunkRequests = (requests: readonly Request[], maxBytes = MAX_REQUEST_BYTES): Request[][] => {
  const chunks: Request[][] = [];
  let current: Request[] = [];
  let bytes = 0;
  for (const request of requests.flatMap((r) => splitAppend(r, maxBytes))) {
    const size = sizeOf(request) + 1;
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(request);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};
