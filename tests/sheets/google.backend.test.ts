import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGoogleBackend } from '../../sheets/backends/google.backend';
import { type SheetBackend, SheetBackendBusyError, SheetSetupNeededError } from '../../sheets/sync/backend';
import type { TabLayout } from '../../sheets/tab-layout';
import { WORK_LOG_TAB } from '../../sheets/tabs/work-log.tab';
import { createServiceAccount, type ServiceAccountKey, type SheetsServer, startSheetsServer } from '../support/sheets-v4-server';

/** A small ledger with one column of each kind the setup treats differently. */
const FEES_TAB: TabLayout = {
  tab: '收费台账',
  entity: 'charge',
  topic: 'charge.changed',
  sortBy: 'dueDate',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 6 },
    { key: 'unitCode', header: '房号', type: 'text', owner: 'staff', width: 10 },
    { key: 'dueDate', header: '应收日期', type: 'date', owner: 'staff', width: 12 },
    { key: 'amount', header: '金额', type: 'money', owner: 'staff', width: 10 },
    { key: 'kind', header: '类别', type: 'enum', owner: 'staff', values: { property: '物业费', parking: '停车费' }, width: 8 },
    { key: 'paidAt', header: '缴费时间', type: 'datetime', owner: 'system', width: 16 },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 14 },
  ],
  highlights: [{ column: 'paidAt', contains: '逾期', colour: 'yellow' }],
};
const TAB = FEES_TAB.tab;
const HEADERS = FEES_TAB.columns.map((column) => column.header);

let account: ServiceAccountKey;
/** Same client email, another key: what a leaked or rotated-away key looks like to Google. */
let impostor: ServiceAccountKey;
let server: SheetsServer;

beforeAll(() => {
  account = createServiceAccount();
  impostor = createServiceAccount(account.client_email);
});

afterEach(async () => {
  await server?.close();
});

async function startWith(options: Parameters<typeof startSheetsServer>[0] = {}) {
  server = await startSheetsServer({ serviceAccounts: [account], ...options });
  return server;
}

function backendFor(s: SheetsServer, credentials: { client_email: string; private_key: string } = account): SheetBackend {
  return createGoogleBackend({
    spreadsheetId: s.spreadsheetId,
    credentials,
    layouts: [FEES_TAB, WORK_LOG_TAB],
    rootUrl: s.rootUrl,
    tokenUrl: s.tokenUrl,
  });
}

/** A backend on a spreadsheet already set up, with the counters cleared. */
async function setUp(layouts: readonly TabLayout[] = [FEES_TAB]) {
  const s = await startWith();
  const backend = backendFor(s);
  await backend.setup(layouts);
  s.resetCounts();
  return { s, backend };
}

/** The whole stored spreadsheet as text: equal before and after means the operation changed nothing. */
const fingerprint = (s: SheetsServer) => JSON.stringify(s.snapshot());

/** API requests only (the token request is the auth library's business). */
const apiRequests = (s: SheetsServer) => s.requests.filter((r) => r.kind !== 'token');

describe('google backend', () => {
  describe('setup', () => {
    it('creates the tab with its header, frozen header row and column widths when it is missing', async () => {
      // Prepare
      const s = await startWith();
      const backend = backendFor(s);
      // Act
      await backend.setup([FEES_TAB]);
      // Assess
      expect(s.tabs()).toEqual(['工作表1', TAB]);
      expect(s.rows(TAB)).toEqual([HEADERS]);
      const sheet = s.sheet(TAB);
      expect(sheet.properties.gridProperties.frozenRowCount).toBe(1);
      expect(sheet.columnWidths.slice(0, 7)).toEqual([48, 80, 96, 80, 64, 128, 112]);
      expect(apiRequests(s).map((r) => r.kind)).toEqual(['get', 'batchUpdate']);
    });

    it('protects system columns warning-only and shades them grey so staff can still sort and insert rows', async () => {
      // Prepare
      const { s } = await setUp();
      // Act
      const { protectedRanges } = s.sheet(TAB);
      // Assess
      expect(protectedRanges.map((p) => [p.description, p.warningOnly, p.range?.startColumnIndex])).toEqual([
        [`sync:${TAB}:_id`, true, 0],
        [`sync:${TAB}:paidAt`, true, 5],
        [`sync:${TAB}:_status`, true, 6],
      ]);
      expect(s.cell(TAB, 10, 0)?.userEnteredFormat?.backgroundColor).toEqual({ red: 0.93, green: 0.93, blue: 0.93 });
      expect(s.cell(TAB, 10, 1)?.userEnteredFormat?.backgroundColor).toBeUndefined();
      expect(() => s.typeIn(TAB, 3, 0, 'typed over a warning')).not.toThrow();
    });

    it('gives enum columns a strict dropdown of the labels and each column its number format', async () => {
      // Prepare
      const { s } = await setUp();
      // Act
      const formatOf = (col: number) => s.cell(TAB, 500, col)?.userEnteredFormat?.numberFormat;
      // Assess
      expect(s.cell(TAB, 1, 4)?.dataValidation).toMatchObject({
        condition: { type: 'ONE_OF_LIST', values: [{ userEnteredValue: '物业费' }, { userEnteredValue: '停车费' }] },
        strict: true,
        showCustomUi: true,
      });
      expect(s.cell(TAB, 0, 4)?.dataValidation).toBeUndefined();
      expect([0, 1, 2, 3, 4, 5, 6].map(formatOf)).toEqual([
        { type: 'TEXT', pattern: '@' },
        { type: 'TEXT', pattern: '@' },
        { type: 'DATE', pattern: 'yyyy-mm-dd' },
        { type: 'NUMBER', pattern: '0.00' },
        { type: 'TEXT', pattern: '@' },
        { type: 'DATE_TIME', pattern: 'yyyy-mm-dd hh:mm' },
        { type: 'TEXT', pattern: '@' },
      ]);
      expect(() => s.typeIn(TAB, 1, 4, '水费')).toThrow(/specified list/);
    });

    it('highlights rows whose status holds 冲突 or 错误 and the layout highlights, and filters the header', async () => {
      // Prepare
      const { s } = await setUp();
      // Act
      const { conditionalFormats, basicFilter } = s.sheet(TAB);
      // Assess
      expect(
        conditionalFormats.map((rule) => [
          rule.booleanRule?.condition?.values?.[0]?.userEnteredValue,
          rule.ranges?.[0]?.startRowIndex,
        ]),
      ).toEqual([
        ['=ISNUMBER(SEARCH("冲突",$G2))', 1],
        ['=ISNUMBER(SEARCH("错误",$G2))', 1],
        ['=ISNUMBER(SEARCH("逾期",$F2))', 1],
      ]);
      expect(basicFilter?.range).toMatchObject({ startRowIndex: 0, startColumnIndex: 0, endColumnIndex: 7 });
    });

    it('changes nothing and adds no duplicate tab, range or rule when run a second time', async () => {
      // Prepare
      const { s, backend } = await setUp([FEES_TAB, WORK_LOG_TAB]);
      const before = fingerprint(s);
      // Act
      await backend.setup([FEES_TAB, WORK_LOG_TAB]);
      // Assess
      expect(fingerprint(s)).toBe(before);
      expect(s.tabs()).toEqual(['工作表1', TAB, WORK_LOG_TAB.tab]);
      expect(s.sheet(WORK_LOG_TAB.tab).protectedRanges).toHaveLength(
        WORK_LOG_TAB.columns.filter((c) => c.owner === 'system').length,
      );
      expect(apiRequests(s).map((r) => r.kind)).toEqual(['get', 'batchUpdate']);
    });

    it('rewrites the header when staff changed it and replaces our rules when the highlights change', async () => {
      // Prepare
      const { s, backend } = await setUp();
      s.typeIn(TAB, 0, 1, '房间');
      const recoloured: TabLayout = { ...FEES_TAB, highlights: [{ column: 'paidAt', contains: '逾期', colour: 'red' }] };
      // Act
      await backend.setup([recoloured]);
      // Assess
      expect(s.rows(TAB)[0]).toEqual(HEADERS);
      const rules = s.sheet(TAB).conditionalFormats;
      expect(rules).toHaveLength(3);
      expect(rules[2]?.booleanRule?.format?.backgroundColor).toEqual({ red: 0.96, green: 0.8, blue: 0.8 });
    });

    it('adds the columns a layout needs to an existing narrow tab and keeps its rows', async () => {
      // Prepare
      const s = await startWith({ tabs: [{ title: TAB, rowCount: 3, columnCount: 3, rows: [['旧表头'], ['ID1', '1-101']] }] });
      const backend = backendFor(s);
      // Act
      await backend.setup([FEES_TAB]);
      // Assess
      expect(s.sheet(TAB).properties.gridProperties).toMatchObject({ rowCount: 3, columnCount: 7, frozenRowCount: 1 });
      expect(s.rows(TAB)).toEqual([HEADERS, ['ID1', '1-101']]);
    });
  });

  describe('read', () => {
    it('reads every tab in one batchGet: formulas as text, dates formatted, numbers as numbers, empty as null', async () => {
      // Prepare
      const { s, backend } = await setUp([FEES_TAB, WORK_LOG_TAB]);
      s.typeIn(TAB, 1, 0, 'ID1');
      s.typeIn(TAB, 1, 1, '=HYPERLINK("https://example.com","1-101")');
      s.typeIn(TAB, 1, 2, '2026/11/23');
      s.typeIn(TAB, 1, 3, '1234.5');
      s.typeIn(TAB, 1, 5, '2026-11-23 14:05');
      s.typeIn(TAB, 2, 0, 'ID2');
      s.typeIn(TAB, 2, 6, '已同步');
      s.resetCounts();
      // Act
      const tabs = await backend.read([TAB, WORK_LOG_TAB.tab]);
      // Assess
      expect(tabs.get(TAB)).toEqual([
        HEADERS,
        ['ID1', '=HYPERLINK("https://example.com","1-101")', '2026-11-23', 1234.5, null, '2026-11-23 14:05'],
        ['ID2', null, null, null, null, null, '已同步'],
      ]);
      expect(tabs.get(WORK_LOG_TAB.tab)).toEqual([WORK_LOG_TAB.columns.map((c) => c.header)]);
      expect(apiRequests(s).map((r) => r.kind)).toEqual(['batchGet']);
    });

    it('keeps a formula typed into a text column as text', async () => {
      // Prepare
      const { s, backend } = await setUp();
      s.typeIn(TAB, 1, 1, '=1+1');
      // Act
      const rows = (await backend.read([TAB])).get(TAB);
      // Assess
      expect(rows?.[1]).toEqual([null, '=1+1']);
      expect(s.cell(TAB, 1, 1)?.userEnteredValue).toEqual({ stringValue: '=1+1' });
    });

    it('raises SheetSetupNeededError naming the missing tab when a tab does not exist', async () => {
      // Prepare
      const { s, backend } = await setUp();
      // Act
      const reading = backend.read([TAB, '提醒']);
      // Assess
      await expect(reading).rejects.toBeInstanceOf(SheetSetupNeededError);
      await expect(reading).rejects.toMatchObject({ tabs: ['提醒'] });
      expect(apiRequests(s).map((r) => [r.kind, r.status])).toEqual([
        ['batchGet', 400],
        ['get', 200],
      ]);
    });

    it('sends nothing when asked for no tabs', async () => {
      // Prepare
      const { s, backend } = await setUp();
      // Act
      const tabs = await backend.read([]);
      // Assess
      expect(tabs.size).toBe(0);
      expect(s.requests).toHaveLength(0);
    });
  });

  describe('write', () => {
    it('writes every change in one batchUpdate and keeps strings starting with = + - @ as text', async () => {
      // Prepare
      const { s, backend } = await setUp();
      s.setRows(TAB, [['ID1'], ['ID2']], 1);
      s.resetCounts();
      // Act
      await backend.write([
        { tab: TAB, row: 1, cells: ['ID1', '=1+1', '2026-11-23', 88.5, '物业费', null, '已同步'] },
        { tab: TAB, row: 2, cells: ['ID2', '+86 138 0000 0000', '-5', 0, '@物业', '=HYPERLINK("x")', null] },
      ]);
      // Assess
      expect(apiRequests(s).map((r) => r.kind)).toEqual(['batchUpdate']);
      const rows = (await backend.read([TAB])).get(TAB);
      expect(rows?.slice(1)).toEqual([
        ['ID1', '=1+1', '2026-11-23', 88.5, '物业费', null, '已同步'],
        ['ID2', '+86 138 0000 0000', '-5', 0, '@物业', '=HYPERLINK("x")'],
      ]);
      expect(s.cell(TAB, 2, 5)?.userEnteredValue).toEqual({ stringValue: '=HYPERLINK("x")' });
      expect(s.cell(TAB, 1, 3)?.userEnteredValue).toEqual({ numberValue: 88.5 });
    });

    it('replaces the whole row: a null clears the cell and a short row is padded to the layout', async () => {
      // Prepare
      const { s, backend } = await setUp();
      s.setRows(TAB, [['ID1', '1-101', null, 10, '物业费', null, '错误：金额']], 1);
      // Act
      await backend.write([{ tab: TAB, row: 1, cells: ['ID1', null, null, 10] }]);
      // Assess
      expect(s.rows(TAB)[1]).toEqual(['ID1', '', '', 10]);
    });

    it('sends nothing for an empty list of changes', async () => {
      // Prepare
      const { s, backend } = await setUp();
      // Act
      await backend.write([]);
      // Assess
      expect(s.requests).toHaveLength(0);
    });

    it('appends after the last row with data, in order, even when staff inserted blank rows', async () => {
      // Prepare
      const { s, backend } = await setUp();
      s.setRows(TAB, [['ID1'], ['ID2'], ['ID3']], 1);
      s.insertBlankRows(TAB, 2, 2);
      s.insertBlankRows(TAB, 6, 3);
      // Act
      await backend.write([
        { tab: TAB, row: 'append', cells: ['', '1-201'] },
        { tab: TAB, row: 3 + 2, cells: ['ID3', '1-103'] },
        { tab: TAB, row: 'append', cells: ['', '1-202'] },
      ]);
      // Assess
      expect(s.rows(TAB).slice(1)).toEqual([['ID1'], [], [], ['ID2'], ['ID3', '1-103'], ['', '1-201'], ['', '1-202']]);
    });

    it('grows the grid when an append goes past its last row', async () => {
      // Prepare
      const s = await startWith({ tabs: [{ title: TAB, rowCount: 2, columnCount: 7 }] });
      const backend = backendFor(s);
      await backend.setup([FEES_TAB]);
      s.setRows(TAB, [['ID1']], 1);
      // Act
      await backend.write([{ tab: TAB, row: 'append', cells: ['', '1-301', '2026-12-01'] }]);
      // Assess
      expect(s.sheet(TAB).properties.gridProperties.rowCount).toBe(3);
      expect(s.rows(TAB)[2]).toEqual(['', '1-301', '2026-12-01']);
    });

    it('learns the sheet ids with one get on the first write of a fresh instance, and not again', async () => {
      // Prepare
      const { s } = await setUp();
      const fresh = backendFor(s);
      // Act
      await fresh.write([{ tab: TAB, row: 'append', cells: ['', '1-101'] }]);
      await fresh.write([{ tab: TAB, row: 'append', cells: ['', '1-102'] }]);
      // Assess
      expect(apiRequests(s).map((r) => r.kind)).toEqual(['get', 'batchUpdate', 'batchUpdate']);
    });

    it('raises SheetSetupNeededError when writing to a tab that does not exist', async () => {
      // Prepare
      const { backend } = await setUp();
      // Act
      const writing = backend.write([{ tab: '提醒', row: 'append', cells: ['x'] }]);
      // Assess
      await expect(writing).rejects.toMatchObject({ name: 'SheetSetupNeededError', tabs: ['提醒'] });
    });

    it('applies nothing when one change of the batch is refused', async () => {
      // Prepare
      const { s, backend } = await setUp();
      s.setRows(TAB, [['ID1', '1-101']], 1);
      const before = fingerprint(s);
      // Act
      const writing = backend.write([
        { tab: TAB, row: 1, cells: ['ID1', '1-999'] },
        { tab: TAB, row: 'append', cells: ['', '1-102'] },
        { tab: TAB, row: 5000, cells: ['ID9', 'beyond the grid'] },
      ]);
      // Assess
      await expect(writing).rejects.toMatchObject({ status: 400 });
      expect(fingerprint(s)).toBe(before);
    });
  });

  describe('errors', () => {
    it('raises SheetBackendBusyError and writes nothing when Google answers 429, without retrying', async () => {
      // Prepare
      const { s, backend } = await setUp();
      const before = fingerprint(s);
      s.failNext(1, 429);
      // Act
      const writing = backend.write([{ tab: TAB, row: 'append', cells: ['', '1-101'] }]);
      // Assess
      await expect(writing).rejects.toBeInstanceOf(SheetBackendBusyError);
      await expect(writing).rejects.toMatchObject({ status: 429, retryable: true });
      expect(fingerprint(s)).toBe(before);
      expect(apiRequests(s).map((r) => [r.kind, r.status])).toEqual([['batchUpdate', 429]]);
    });

    it('raises SheetBackendBusyError when a read meets a 503, without retrying', async () => {
      // Prepare
      const { s, backend } = await setUp();
      s.failNext(1, 503);
      // Act
      const reading = backend.read([TAB]);
      // Assess
      await expect(reading).rejects.toMatchObject({ name: 'SheetBackendBusyError', status: 503 });
      expect(apiRequests(s).map((r) => [r.kind, r.status])).toEqual([['batchGet', 503]]);
    });

    it('passes other refusals through unchanged', async () => {
      // Prepare
      const { s, backend } = await setUp();
      s.failNext(1, 403);
      // Act
      const reading = backend.read([TAB]);
      // Assess
      await expect(reading).rejects.not.toBeInstanceOf(SheetBackendBusyError);
      await expect(reading).rejects.toMatchObject({ status: 403 });
    });
  });

  describe('auth', () => {
    it('obtains one access token through the service-account JWT grant and sends it with every request', async () => {
      // Prepare
      const s = await startWith();
      const backend = backendFor(s);
      // Act
      await backend.setup([FEES_TAB]);
      await backend.read([TAB]);
      await backend.write([{ tab: TAB, row: 'append', cells: ['', '1-101'] }]);
      // Assess
      expect(s.requests.map((r) => [r.kind, r.status])).toEqual([
        ['token', 200],
        ['get', 200],
        ['batchUpdate', 200],
        ['batchGet', 200],
        ['batchUpdate', 200],
      ]);
    });

    it('is refused a token when its key is not the one registered for the account', async () => {
      // Prepare
      const s = await startWith();
      const backend = backendFor(s, impostor);
      // Act
      const reading = backend.read([TAB]);
      // Assess
      await expect(reading).rejects.toThrow(/invalid_grant: Invalid JWT Signature/);
      expect(s.requests.filter((r) => r.kind !== 'token')).toHaveLength(0);
    });
  });

  describe('replaceRows', () => {
    it('replaces every data row in one batchUpdate and keeps the header', async () => {
      // Prepare
      const { s, backend } = await setUp();
      s.setRows(TAB, [['ID1'], ['ID2'], ['ID3']], 1);
      s.insertBlankRows(TAB, 2, 1);
      s.typeIn(TAB, 40, 9, 'staff scratch');
      s.resetCounts();
      // Act
      await backend.replaceRows(TAB, [
        ['ID3', '=not a formula', '2026-11-23', 12],
        ['ID1', '1-101'],
      ]);
      // Assess
      expect(s.rows(TAB)).toEqual([HEADERS, ['ID3', '=not a formula', '2026-11-23', 12], ['ID1', '1-101']]);
      expect(apiRequests(s).map((r) => r.kind)).toEqual(['batchUpdate']);
    });

    it('grows the grid when the rows do not fit and clears the tab when given none', async () => {
      // Prepare
      const s = await startWith({ tabs: [{ title: TAB, rowCount: 3, columnCount: 7 }] });
      const backend = backendFor(s);
      await backend.setup([FEES_TAB]);
      const many = Array.from({ length: 5 }, (_, i) => [`ID${i}`]);
      // Act
      await backend.replaceRows(TAB, many);
      const grown = s.rows(TAB).length;
      await backend.replaceRows(TAB, []);
      // Assess
      expect(grown).toBe(6);
      expect(s.rows(TAB)).toEqual([HEADERS]);
    });
  });

  it('is never busy', async () => {
    // Prepare
    const s = await startWith();
    // Act
    const busy = await backendFor(s).busy();
    // Assess
    expect(busy).toBe(false);
    expect(s.requests).toHaveLength(0);
  });
});
