import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Store } from '../../functions/store/client';
import { createGoogleBackend } from '../../sheets/backends/google.backend';
import { createXlsxBackend } from '../../sheets/backends/xlsx.backend';
import { EXCEPTIONS_TAB, SHEET_BINDINGS } from '../../sheets/bindings';
import type { CellRead, SheetBackend } from '../../sheets/sync/backend';
import type { SyncOptions } from '../../sheets/sync/engine';
import type { TabLayout } from '../../sheets/tab-layout';
import { createServiceAccount, type SheetsServer, startSheetsServer } from '../support/sheets-v4-server';

/**
 * A spreadsheet and a member of staff working in it, the same for both backends: the Google one through the
 * local Sheets v4 server (real HTTP, the real client), the .xlsx one through the workbook file (edited and saved
 * with a second exceljs, as an office app saves it). Tests speak of tabs, `_id`s and headers, never of rows.
 */
export interface Desk {
  kind: 'google' | 'xlsx';
  backend: SheetBackend;
  /** Staff type a new row below the last one (cells by header; text as typed in the UI). */
  addRow(tab: string, cells: Record<string, string>): Promise<void>;
  /** Staff change one cell of the row with this `_id`. */
  edit(tab: string, id: string, header: string, text: string): Promise<void>;
  sort(tab: string, header: string, descending?: boolean): Promise<void>;
  insertBlankRows(tab: string, beforeDataRow: number, count: number): Promise<void>;
  deleteRowOf(tab: string, id: string): Promise<void>;
  /** Is this cell stored as plain text (not a formula)? */
  isText(tab: string, id: string, header: string): Promise<boolean>;
  /** The data rows as the sync reads them, by header (blank rows dropped). */
  rows(tab: string): Promise<Record<string, CellRead>[]>;
  /** Google only: API requests since the last reset, and injected refusals. */
  server?: SheetsServer;
  close(): Promise<void>;
}

const headerIndex = (layout: TabLayout, header: string) => {
  const at = layout.columns.findIndex((c) => c.header === header);
  if (at < 0) throw new Error(`no column ${header} in ${layout.tab}`);
  return at;
};

const byHeader = (layout: TabLayout, grid: CellRead[][]) =>
  grid
    .slice(1)
    .filter((row) => row.some((cell) => cell !== null && cell !== ''))
    .map((row) => Object.fromEntries(layout.columns.map((c, i) => [c.header, row[i] === '' ? null : (row[i] ?? null)])));

const layoutOf = (layouts: readonly TabLayout[], tab: string) => {
  const layout = layouts.find((l) => l.tab === tab);
  if (!layout) throw new Error(`no layout ${tab}`);
  return layout;
};

const findRow = (grid: CellRead[][], idAt: number, id: string) => {
  const at = grid.findIndex((row, i) => i > 0 && row[idAt] === id);
  if (at < 0) throw new Error(`no row with _id ${id}`);
  return at;
};

export const googleDesk = async (layouts: readonly TabLayout[]): Promise<Desk> => {
  const server = await startSheetsServer();
  const account = createServiceAccount();
  server.registerServiceAccount(account.client_email, account.publicKey);
  const backend = createGoogleBackend({
    spreadsheetId: server.spreadsheetId,
    credentials: account,
    layouts,
    rootUrl: server.rootUrl,
    tokenUrl: server.tokenUrl,
  });
  const grid = (tab: string) => server.rows(tab) as CellRead[][];
  return {
    kind: 'google',
    backend,
    server,
    async addRow(tab, cells) {
      const layout = layoutOf(layouts, tab);
      const row = grid(tab).length;
      for (const [header, text] of Object.entries(cells)) {
        try {
          server.typeIn(tab, row, headerIndex(layout, header), text);
        } catch {
          // The dropdown refuses it in the UI; the value still arrives when pasted or written by another tool.
          server.setRows(tab, [[...Array(headerIndex(layout, header)).fill(null), text]], row);
        }
      }
    },
    async edit(tab, id, header, text) {
      const layout = layoutOf(layouts, tab);
      server.typeIn(tab, findRow(grid(tab), headerIndex(layout, '_id'), id), headerIndex(layout, header), text);
    },
    async sort(tab, header, descending) {
      server.sortRows(tab, headerIndex(layoutOf(layouts, tab), header), descending);
    },
    async insertBlankRows(tab, beforeDataRow, count) {
      server.insertBlankRows(tab, beforeDataRow, count);
    },
    async deleteRowOf(tab, id) {
      server.deleteRows(tab, findRow(grid(tab), headerIndex(layoutOf(layouts, tab), '_id'), id), 1);
    },
    async isText(tab, id, header) {
      const layout = layoutOf(layouts, tab);
      const cell = server.cell(tab, findRow(grid(tab), headerIndex(layout, '_id'), id), headerIndex(layout, header));
      return typeof cell?.userEnteredValue?.stringValue === 'string' && cell.userEnteredValue.formulaValue === undefined;
    },
    async rows(tab) {
      return byHeader(layoutOf(layouts, tab), grid(tab));
    },
    close: () => server.close(),
  };
};

/** What a person typing into a cell of an office app leaves in the saved file. */
const typedValue = (text: string): ExcelJS.CellValue => {
  if (text.startsWith('=')) return { formula: text.slice(1) } as ExcelJS.CellFormulaValue;
  if (/^-?\d+(\.\d+)?$/.test(text) && !/^0\d/.test(text) && text.length < 15) return Number(text);
  return text;
};

export const xlsxDesk = async (layouts: readonly TabLayout[]): Promise<Desk> => {
  const dir = await mkdtemp(join(tmpdir(), 'desk-xlsx-'));
  const file = join(dir, '台账.xlsx');
  const backend = createXlsxBackend({ file, layouts });
  const withSheet = async (tab: string, change: (sheet: ExcelJS.Worksheet) => void) => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet(tab);
    if (!sheet) throw new Error(`no tab ${tab}`);
    change(sheet);
    await workbook.xlsx.writeFile(file);
  };
  const grid = async (tab: string) => (await backend.read([tab])).get(tab) ?? [];
  return {
    kind: 'xlsx',
    backend,
    async addRow(tab, cells) {
      const layout = layoutOf(layouts, tab);
      const next = (await grid(tab)).length + 1;
      await withSheet(tab, (sheet) => {
        for (const [header, text] of Object.entries(cells))
          sheet.getCell(next, headerIndex(layout, header) + 1).value = typedValue(text);
      });
    },
    async edit(tab, id, header, text) {
      const layout = layoutOf(layouts, tab);
      const at = findRow(await grid(tab), headerIndex(layout, '_id'), id);
      await withSheet(tab, (sheet) => {
        sheet.getCell(at + 1, headerIndex(layout, header) + 1).value = typedValue(text);
      });
    },
    async sort(tab, header, descending) {
      const at = headerIndex(layoutOf(layouts, tab), header) + 1;
      await withSheet(tab, (sheet) => {
        const rows: ExcelJS.CellValue[][] = [];
        sheet.eachRow((row, n) => {
          if (n > 1) rows.push((row.values as ExcelJS.CellValue[]).slice(1));
        });
        const key = (r: ExcelJS.CellValue[]) => String(r[at - 1] ?? '');
        rows.sort((a, b) => (descending ? -1 : 1) * key(a).localeCompare(key(b), 'zh-CN', { numeric: true }));
        sheet.spliceRows(2, sheet.actualRowCount);
        rows.forEach((values, i) => {
          values.forEach((value, c) => {
            sheet.getCell(i + 2, c + 1).value = value ?? null;
          });
        });
      });
    },
    async insertBlankRows(tab, beforeDataRow, count) {
      await withSheet(tab, (sheet) => {
        sheet.spliceRows(beforeDataRow + 1, 0, ...Array.from({ length: count }, () => []));
      });
    },
    async deleteRowOf(tab, id) {
      const at = findRow(await grid(tab), headerIndex(layoutOf(layouts, tab), '_id'), id);
      await withSheet(tab, (sheet) => {
        sheet.spliceRows(at + 1, 1);
      });
    },
    async isText(tab, id, header) {
      const layout = layoutOf(layouts, tab);
      const at = findRow(await grid(tab), headerIndex(layout, '_id'), id);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      const cell = workbook.getWorksheet(tab)?.getCell(at + 1, headerIndex(layout, header) + 1);
      return cell?.type === ExcelJS.ValueType.String;
    },
    async rows(tab) {
      return byHeader(layoutOf(layouts, tab), await grid(tab));
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
};

export const DESKS = [
  ['google', googleDesk],
  ['xlsx', xlsxDesk],
] as const;

/** The seeds' moment: 10:00 in Shanghai on a rostered day. */
export const SYNC_NOW = new Date('2026-11-20T02:00:00Z');

/** A cycle of every tab of estate lhy on this backend, at the seeds' moment, with short retry delays. */
export const syncOptionsFor = (store: Store, backend: SheetBackend, extra: Partial<SyncOptions> = {}): SyncOptions => ({
  store,
  backend,
  estateId: 'lhy',
  bindings: SHEET_BINDINGS,
  exceptionsTab: EXCEPTIONS_TAB,
  clock: () => SYNC_NOW,
  retry: { attempts: 5, baseDelayMs: 5, maxDelayMs: 40 },
  ...extra,
});
