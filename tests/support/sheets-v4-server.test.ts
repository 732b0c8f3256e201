import { sign } from 'node:crypto';
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createServiceAccount,
  type ServiceAccountKey,
  type SheetsServer,
  serialFromDate,
  startSheetsServer,
} from './sheets-v4-server';

let server: SheetsServer | undefined;
/** The registered account, one with the same email but another key, one the server never heard of. */
let account: ServiceAccountKey;
let impostor: ServiceAccountKey;
let stranger: ServiceAccountKey;

beforeAll(() => {
  account = createServiceAccount();
  impostor = createServiceAccount(account.client_email);
  stranger = createServiceAccount('stranger@example.iam.gserviceaccount.com');
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server without the Authorization check, and the real client pointed at it. */
async function open(options: Parameters<typeof startSheetsServer>[0] = {}) {
  server = await startSheetsServer({ auth: 'none', ...options });
  const api = sheets({ version: 'v4', rootUrl: server.rootUrl, retry: false });
  return { s: server, api, spreadsheetId: server.spreadsheetId };
}

const statusOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error: { status?: number }) => error.status,
  );

/** A service-account JWT assertion, as gtoken signs it (RS256). */
function assertion(account: ServiceAccountKey, claims: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = {
    iss: account.client_email,
    scope: 'https://www.googleapis.com/auth/spreadsheets',
    aud: 'https://oauth2.googleapis.com/token',
    iat: now,
    exp: now + 3600,
    ...claims,
  };
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), account.private_key).toString('base64url')}`;
}

const tokenRequest = (s: SheetsServer, jwt: string) =>
  fetch(s.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt }),
  });

describe('sheets v4 server', () => {
  describe('auth', () => {
    it('answers 401 UNAUTHENTICATED when a request carries no token it issued', async () => {
      // Prepare
      server = await startSheetsServer();
      const url = `${server.rootUrl}v4/spreadsheets/${server.spreadsheetId}`;
      // Act
      const without = await fetch(url);
      const madeUp = await fetch(url, { headers: { authorization: 'Bearer ya29.made-up' } });
      // Assess
      expect(without.status).toBe(401);
      expect(madeUp.status).toBe(401);
      expect(await without.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    });

    it('issues a bearer token for a JWT assertion signed with the registered key, and accepts it', async () => {
      // Prepare
      server = await startSheetsServer({ serviceAccounts: [account] });
      // Act
      const response = await tokenRequest(server, assertion(account));
      const token = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
      const get = await fetch(`${server.rootUrl}v4/spreadsheets/${server.spreadsheetId}`, {
        headers: { authorization: `Bearer ${token.access_token}` },
      });
      // Assess
      expect(response.status).toBe(200);
      expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
      expect(get.status).toBe(200);
      expect(server.requests.map((r) => r.kind)).toEqual(['token', 'get']);
    });

    it.each([
      ['another key', () => assertion(impostor), 'Invalid JWT Signature.'],
      [
        'another audience',
        (a: ServiceAccountKey) => assertion(a, { aud: 'https://example.com/token' }),
        'Invalid JWT: Failed audience check.',
      ],
      ['an expired assertion', (a: ServiceAccountKey) => assertion(a, { iat: 1_000_000, exp: 1_003_600 }), /short-lived token/],
      ['an unknown account', () => assertion(stranger), /account not found/],
    ])('refuses a token for %s with invalid_grant', async (_, make, description) => {
      // Prepare
      server = await startSheetsServer({ serviceAccounts: [account] });
      // Act
      const response = await tokenRequest(server, make(account));
      // Assess
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; error_description: string };
      expect(body.error).toBe('invalid_grant');
      expect(body.error_description).toMatch(description);
    });
  });

  describe('spreadsheets.get', () => {
    it('answers only the fields asked for', async () => {
      // Prepare
      const { api, spreadsheetId } = await open({ tabs: [{ title: '收费台账' }, { title: '提醒' }] });
      // Act
      const response = await api.spreadsheets.get({ spreadsheetId, fields: 'sheets.properties(title,index)' });
      // Assess
      expect(response.data).toEqual({
        sheets: [{ properties: { title: '收费台账', index: 0 } }, { properties: { title: '提醒', index: 1 } }],
      });
    });

    it('answers the cells of the ranges asked for with their format, validation and formatted value', async () => {
      // Prepare
      const { s, api, spreadsheetId } = await open({
        tabs: [
          {
            title: 'T',
            sheetId: 3,
            rows: [
              ['房号', '金额'],
              ['1-101', 12.5],
            ],
          },
        ],
      });
      await api.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: {
          requests: [
            formatColumn(3, 1, { type: 'NUMBER', pattern: '0.00' }),
            {
              setDataValidation: {
                range: { sheetId: 3, startRowIndex: 1, endRowIndex: 2, startColumnIndex: 0, endColumnIndex: 1 },
                rule: { condition: { type: 'ONE_OF_LIST', values: [{ userEnteredValue: '1-101' }] }, strict: true },
              },
            },
          ],
        },
      });
      s.resetCounts();
      // Act
      const response = await api.spreadsheets.get({ spreadsheetId, ranges: ['T!A2:B2'], includeGridData: true });
      // Assess
      const [data] = response.data.sheets?.[0]?.data ?? [];
      expect(data).toMatchObject({ startRow: 1, startColumn: 0 });
      expect(data?.rowData?.[0]?.values).toEqual([
        {
          userEnteredValue: { stringValue: '1-101' },
          formattedValue: '1-101',
          dataValidation: { condition: { type: 'ONE_OF_LIST', values: [{ userEnteredValue: '1-101' }] }, strict: true },
        },
        {
          userEnteredValue: { numberValue: 12.5 },
          userEnteredFormat: { numberFormat: { type: 'NUMBER', pattern: '0.00' } },
          formattedValue: '12.50',
        },
      ]);
      expect(s.requests.map((r) => r.kind)).toEqual(['get']);
    });

    it('answers a 404 NOT_FOUND for another spreadsheet id', async () => {
      // Prepare
      const { api } = await open();
      // Act
      const status = await statusOf(api.spreadsheets.get({ spreadsheetId: 'not-this-one' }));
      // Assess
      expect(status).toBe(404);
    });
  });

  describe('values.batchGet', () => {
    it('trims trailing empty cells and rows, keeps empty rows in between, and leaves out values of an empty tab', async () => {
      // Prepare
      const { s, api, spreadsheetId } = await open({
        tabs: [{ title: 'T', rows: [['a', null, 'c', null], [], [null, 'b'], [null, null]] }, { title: 'Empty' }],
      });
      // Act
      const response = await api.spreadsheets.values.batchGet({ spreadsheetId, ranges: ["'T'", 'T!A1:B', 'Empty'] });
      // Assess
      expect(response.data.valueRanges).toEqual([
        { range: 'T!A1:Z1000', majorDimension: 'ROWS', values: [['a', '', 'c'], [], ['', 'b']] },
        { range: 'T!A1:B1000', majorDimension: 'ROWS', values: [['a'], [], ['', 'b']] },
        { range: 'Empty!A1:Z1000', majorDimension: 'ROWS' },
      ]);
      expect(s.requests.map((r) => r.kind)).toEqual(['batchGet']);
    });

    it('fails the whole request with 400 Unable to parse range when one tab is unknown', async () => {
      // Prepare
      const { api, spreadsheetId } = await open({ tabs: [{ title: 'T', rows: [['a']] }] });
      // Act
      const reading = api.spreadsheets.values.batchGet({ spreadsheetId, ranges: ['T', "'Missing'!A1:Z"] });
      // Assess
      await expect(reading).rejects.toMatchObject({ status: 400, message: "Unable to parse range: 'Missing'!A1:Z" });
    });

    it('renders formulas, numbers and dates per valueRenderOption and dateTimeRenderOption', async () => {
      // Prepare
      const { s, api, spreadsheetId } = await open({ tabs: [{ title: 'T' }] });
      const sheetId = s.sheet('T').properties.sheetId;
      await api.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: {
          requests: [
            formatColumn(sheetId, 1, { type: 'NUMBER', pattern: '0.00' }),
            formatColumn(sheetId, 2, { type: 'DATE', pattern: 'yyyy-mm-dd' }),
            formatColumn(sheetId, 3, { type: 'DATE_TIME', pattern: 'yyyy-mm-dd hh:mm' }),
          ],
        },
      });
      s.typeIn('T', 0, 0, '=HYPERLINK("https://example.com","链接")');
      s.typeIn('T', 0, 1, '1234.5');
      s.typeIn('T', 0, 2, '2026/11/23');
      s.typeIn('T', 0, 3, '2026-11-23 14:05');
      s.typeIn('T', 0, 4, 'TRUE');
      const read = async (valueRenderOption: string, dateTimeRenderOption?: string) =>
        (await api.spreadsheets.values.batchGet({ spreadsheetId, ranges: ['T'], valueRenderOption, dateTimeRenderOption })).data
          .valueRanges?.[0]?.values?.[0];
      // Act
      const formula = await read('FORMULA', 'FORMATTED_STRING');
      const serial = await read('UNFORMATTED_VALUE', 'SERIAL_NUMBER');
      const formatted = await read('FORMATTED_VALUE');
      // Assess
      expect(formula).toEqual(['=HYPERLINK("https://example.com","链接")', 1234.5, '2026-11-23', '2026-11-23 14:05', true]);
      expect(serial).toEqual(['链接', 1234.5, serialFromDate(2026, 11, 23), serialFromDate(2026, 11, 23, 14, 5), true]);
      expect(formatted).toEqual(['链接', '1234.50', '2026-11-23', '2026-11-23 14:05', 'TRUE']);
    });
  });

  describe('batchUpdate', () => {
    it('answers one reply per request, with the properties of an added sheet', async () => {
      // Prepare
      const { api, spreadsheetId } = await open();
      // Act
      const response = await api.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: {
          requests: [
            { addSheet: { properties: { title: '提醒', sheetId: 42, gridProperties: { rowCount: 10, columnCount: 5 } } } },
            {
              updateCells: {
                start: { sheetId: 42 },
                rows: [{ values: [{ userEnteredValue: { stringValue: 'x' } }] }],
                fields: '*',
              },
            },
          ],
        },
      });
      // Assess
      expect(response.data.replies).toEqual([
        {
          addSheet: {
            properties: {
              sheetId: 42,
              title: '提醒',
              index: 1,
              sheetType: 'GRID',
              gridProperties: { rowCount: 10, columnCount: 5 },
            },
          },
        },
        {},
      ]);
    });

    it.each([
      ['an unknown request kind', { frobnicate: {} }, /Unknown name "frobnicate"/],
      ['a sheet name taken', { addSheet: { properties: { title: 'T' } } }, /already exists/],
      [
        'a write beyond the grid',
        { updateCells: { start: { sheetId: 7, rowIndex: 5 }, rows: [{ values: [{}] }], fields: '*' } },
        /after last row/,
      ],
      ['a missing field mask', { repeatCell: { range: { sheetId: 7 }, cell: {} } }, /At least one field/],
    ])('applies nothing and answers 400 INVALID_ARGUMENT for %s among valid requests', async (_, bad, message) => {
      // Prepare
      const sheetId = 7;
      const { s, api, spreadsheetId } = await open({
        tabs: [{ title: 'T', sheetId, rowCount: 5, columnCount: 3, rows: [['keep']] }],
      });
      const before = JSON.stringify(s.snapshot());
      // Act
      const updating = api.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: {
          requests: [
            { addSheet: { properties: { title: '新表' } } },
            {
              updateCells: {
                start: { sheetId },
                rows: [{ values: [{ userEnteredValue: { stringValue: 'changed' } }] }],
                fields: '*',
              },
            },
            // An unknown kind is not a Schema$Request: the point is what the server does with it.
            bad as sheets_v4.Schema$Request,
          ],
        },
      });
      // Assess
      await expect(updating).rejects.toMatchObject({ status: 400, message });
      expect(JSON.stringify(s.snapshot())).toBe(before);
    });

    it('appends after the last row with data, not after blank rows, and grows the grid', async () => {
      // Prepare
      const { s, api, spreadsheetId } = await open({ tabs: [{ title: 'T', rowCount: 4, columnCount: 3, rows: [['h'], ['1']] }] });
      s.insertBlankRows('T', 1, 1);
      const sheetId = s.sheet('T').properties.sheetId;
      const row = (text: string) => ({ values: [{ userEnteredValue: { stringValue: text } }] });
      // Act
      await api.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: {
          requests: [{ appendCells: { sheetId, rows: [row('2'), row('3'), row('4'), row('5')], fields: 'userEnteredValue' } }],
        },
      });
      // Assess
      expect(s.rows('T')).toEqual([['h'], [], ['1'], ['2'], ['3'], ['4'], ['5']]);
      expect(s.sheet('T').properties.gridProperties.rowCount).toBe(7);
    });

    it('clears the masked fields of cells a ranged updateCells does not cover', async () => {
      // Prepare
      const { s, api, spreadsheetId } = await open({ tabs: [{ title: 'T', rows: [['h'], ['a', 'b'], ['c']] }] });
      const sheetId = s.sheet('T').properties.sheetId;
      // Act
      await api.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: { requests: [{ updateCells: { range: { sheetId, startRowIndex: 1 }, fields: 'userEnteredValue' } }] },
      });
      // Assess
      expect(s.rows('T')).toEqual([['h']]);
    });

    it('moves bounded protected ranges and rules when rows are inserted or deleted', async () => {
      // Prepare
      const { s, api, spreadsheetId } = await open({ tabs: [{ title: 'T', rowCount: 20 }] });
      const sheetId = s.sheet('T').properties.sheetId;
      await api.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: {
          requests: [
            {
              addProtectedRange: { protectedRange: { range: { sheetId, startRowIndex: 5, endRowIndex: 8 }, warningOnly: true } },
            },
            {
              addConditionalFormatRule: {
                rule: {
                  ranges: [{ sheetId, startRowIndex: 1, startColumnIndex: 0, endColumnIndex: 3 }],
                  booleanRule: { condition: { type: 'CUSTOM_FORMULA', values: [{ userEnteredValue: '=$A2="x"' }] }, format: {} },
                },
              },
            },
          ],
        },
      });
      // Act
      s.insertBlankRows('T', 2, 3);
      s.deleteRows('T', 0, 1);
      // Assess
      const sheet = s.sheet('T');
      expect(sheet.protectedRanges[0]?.range).toMatchObject({ startRowIndex: 7, endRowIndex: 10 });
      expect(sheet.conditionalFormats[0]?.ranges?.[0]).toMatchObject({ startRowIndex: 0 });
      expect(sheet.properties.gridProperties.rowCount).toBe(22);
    });
  });

  describe('staff', () => {
    it('types as the Sheets UI does: formulas, numbers, dates, and text in a text-formatted cell', async () => {
      // Prepare
      const { s, api, spreadsheetId } = await open({ tabs: [{ title: 'T' }] });
      const sheetId = s.sheet('T').properties.sheetId;
      await api.spreadsheets.batchUpdate({
        spreadsheetId,
        requestBody: {
          requests: [
            formatColumn(sheetId, 1, { type: 'TEXT', pattern: '@' }),
            formatColumn(sheetId, 2, { type: 'DATE', pattern: 'yyyy-mm-dd' }),
          ],
        },
      });
      // Act
      s.typeIn('T', 1, 0, '=A1');
      s.typeIn('T', 2, 0, '1,234.5');
      s.typeIn('T', 3, 0, "'0755");
      s.typeIn('T', 4, 0, '2026-11-23');
      s.typeIn('T', 1, 1, '=A1');
      s.typeIn('T', 2, 1, '0755');
      s.typeIn('T', 1, 2, '2026/11/23');
      s.typeIn('T', 2, 2, '下周');
      // Assess
      const value = (row: number, col: number) => s.cell('T', row, col)?.userEnteredValue;
      expect([value(1, 0), value(2, 0), value(3, 0), value(4, 0)]).toEqual([
        { formulaValue: '=A1' },
        { numberValue: 1234.5 },
        { stringValue: '0755' },
        { numberValue: serialFromDate(2026, 11, 23) },
      ]);
      expect(s.cell('T', 4, 0)?.userEnteredFormat?.numberFormat?.type).toBe('DATE');
      expect([value(1, 1), value(2, 1)]).toEqual([{ stringValue: '=A1' }, { stringValue: '0755' }]);
      expect([value(1, 2), value(2, 2)]).toEqual([{ numberValue: serialFromDate(2026, 11, 23) }, { stringValue: '下周' }]);
      expect(s.rows('T')[1]).toEqual(['=A1', '=A1', '2026-11-23']);
    });

    it('sorts the data rows by one column with blank rows last and the header in place', async () => {
      // Prepare
      const { s } = await open({
        tabs: [{ title: 'T', rowCount: 8, rows: [['房号', '金额'], ['1-102', 30], ['1-101', 10], [], ['1-103', 20]] }],
      });
      // Act
      s.sortRows('T', 1);
      const ascending = s.rows('T');
      s.sortRows('T', 0, true);
      // Assess
      expect(ascending).toEqual([
        ['房号', '金额'],
        ['1-101', 10],
        ['1-103', 20],
        ['1-102', 30],
      ]);
      expect(s.rows('T')).toEqual([
        ['房号', '金额'],
        ['1-103', 20],
        ['1-102', 30],
        ['1-101', 10],
      ]);
    });
  });

  describe('failNext', () => {
    it('answers the next requests with the status and a Google-shaped body, then recovers', async () => {
      // Prepare
      const { s, api, spreadsheetId } = await open();
      s.failNext(2, 503);
      // Act
      const first = await api.spreadsheets.get({ spreadsheetId }).catch((error: unknown) => error);
      const second = await statusOf(api.spreadsheets.values.batchGet({ spreadsheetId, ranges: ['工作表1'] }));
      const third = await statusOf(api.spreadsheets.get({ spreadsheetId }));
      // Assess
      expect(first).toMatchObject({ status: 503, response: { data: { error: { code: 503, status: 'UNAVAILABLE' } } } });
      expect([second, third]).toEqual([503, 200]);
      expect(s.requests.map((r) => [r.kind, r.status])).toEqual([
        ['get', 503],
        ['batchGet', 503],
        ['get', 200],
      ]);
      expect(s.requests.every((r) => r.bytesOut > 0)).toBe(true);
    });
  });
});

function formatColumn(sheetId: number, column: number, numberFormat: sheets_v4.Schema$NumberFormat): sheets_v4.Schema$Request {
  return {
    repeatCell: {
      range: { sheetId, startColumnIndex: column, endColumnIndex: column + 1 },
      cell: { userEnteredFormat: { numberFormat } },
      fields: 'userEnteredFormat.numberFormat',
    },
  };
}
