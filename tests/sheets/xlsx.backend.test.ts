import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { createXlsxBackend, FORMATTED_ROWS } from '../../sheets/backends/xlsx.backend';
import { dateText } from '../../sheets/backends/xlsx-cells';
import { SheetBackendBusyError, SheetSetupNeededError } from '../../sheets/sync/backend';
import type { TabLayout } from '../../sheets/tab-layout';
import { WORK_LOG_TAB } from '../../sheets/tabs/work-log.tab';

/** A small ledger with one column of each kind the backend treats differently. */
const VISITS: TabLayout = {
  tab: '来访登记',
  entity: 'visit',
  topic: 'visit.changed',
  sortBy: 'at',
  columns: [
    { key: '_id', header: '_id', type: 'id', owner: 'system', width: 4 },
    { key: 'name', header: '姓名', type: 'text', owner: 'staff', width: 10, note: '来访人姓名' },
    { key: 'phone', header: '电话', type: 'phone', owner: 'staff', width: 13 },
    { key: 'amountFen', header: '金额', type: 'money', owner: 'staff', width: 10 },
    { key: 'kind', header: '方式', type: 'enum', owner: 'staff', values: { visit: '来访', call: '来电' }, width: 8 },
    { key: 'at', header: '时间', type: 'datetime', owner: 'staff', width: 16 },
    { key: 'count', header: '人数', type: 'number', owner: 'staff', width: 6 },
    { key: '_status', header: '同步状态', type: 'status', owner: 'system', width: 14 },
  ],
  highlights: [{ column: 'kind', contains: '来电', colour: 'yellow' }],
};
const LAYOUTS = [VISITS, WORK_LOG_TAB];
const TAB = VISITS.tab;

const dirs: string[] = [];

async function workbookPath(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xlsx-backend-'));
  dirs.push(dir);
  return path.join(dir, '台账.xlsx');
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

async function readySheet(file: string) {
  const backend = createXlsxBackend({ file, layouts: LAYOUTS });
  await backend.setup(LAYOUTS);
  return backend;
}

/** A staff member's save, simulated by a second exceljs instance. */
async function editAsStaff(file: string, edit: (sheet: ExcelJS.Worksheet) => void): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.getWorksheet(TAB);
  if (!sheet) throw new Error('tab missing');
  edit(sheet);
  await workbook.xlsx.writeFile(file);
}

async function openSheet(file: string, tab = TAB): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.getWorksheet(tab);
  if (!sheet) throw new Error('tab missing');
  return sheet;
}

/** One part of the .xlsx (a zip) as text: enough of a zip reader to look at the XML exceljs hides. */
async function part(file: string, name: string): Promise<string> {
  const bytes = await fs.readFile(file);
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let entry = bytes.readUInt32LE(end + 16);
  for (let count = bytes.readUInt16LE(end + 10); count > 0; count--) {
    const nameLength = bytes.readUInt16LE(entry + 28);
    const local = bytes.readUInt32LE(entry + 42);
    if (bytes.toString('utf8', entry + 46, entry + 46 + nameLength) === name) {
      const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
      const data = bytes.subarray(start, start + bytes.readUInt32LE(entry + 20));
      return (bytes.readUInt16LE(entry + 10) === 8 ? inflateRawSync(data) : data).toString('utf8');
    }
    entry += 46 + nameLength + bytes.readUInt16LE(entry + 30) + bytes.readUInt16LE(entry + 32);
  }
  throw new Error(`${name} not in ${file}`);
}

/** Every `<tag …/>` or `<tag …>…</tag>` element (not nested in itself) of an XML part. */
const elements = (xml: string, tag: string) => xml.match(new RegExp(`<${tag}(?:\\s[^>]*?)?(?:/>|>.*?</${tag}>)`, 'gs')) ?? [];

/** Everything setup sets, as saved: tabs, names, and per tab the header row, view, columns, rules and filter. */
async function setupParts(file: string) {
  const workbookXml = await part(file, 'xl/workbook.xml');
  const sheets = await Promise.all(
    [1, 2].map(async (id) => {
      const xml = await part(file, `xl/worksheets/sheet${id}.xml`);
      const tags = ['sheetView', 'cols', 'autoFilter', 'conditionalFormatting', 'dataValidation', 'sheetProtection'];
      return [elements(xml, 'row')[0], ...tags.map((tag) => elements(xml, tag))];
    }),
  );
  const styles = await part(file, 'xl/styles.xml');
  const headers = await Promise.all(LAYOUTS.map(async (layout) => (await openSheet(file, layout.tab)).getRow(1).values));
  return {
    sheets: elements(workbookXml, 'sheet'),
    names: elements(workbookXml, 'definedName'),
    styles: ['numFmts', 'fonts', 'fills', 'cellXfs', 'dxfs'].map((tag) => elements(styles, tag)),
    parts: sheets,
    headers,
  };
}

describe('xlsx backend', () => {
  it('creates the tabs with header, frozen row, widths, formats, dropdowns and highlights when the workbook is missing', async () => {
    // Prepare
    const file = await workbookPath();
    const backend = createXlsxBackend({ file, layouts: LAYOUTS });
    // Act
    await backend.setup(LAYOUTS);
    // Assess
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([VISITS.tab, WORK_LOG_TAB.tab]);
    const sheet = await openSheet(file);
    expect(sheet.getRow(1).values).toEqual([undefined, ...VISITS.columns.map((column) => column.header)]);
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.getCell('B1').note).toBe('来访人姓名');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getColumn(2).width).toBe(10);
    expect(sheet.getColumn(1).fill).toMatchObject({ type: 'pattern', fgColor: { argb: 'FFEDEDED' } });
    expect(sheet.getColumn(2).fill).not.toMatchObject({ pattern: 'solid' });
    expect(sheet.getColumn(2).numFmt).toBe('@');
    expect(sheet.getColumn(3).numFmt).toBe('@');
    expect(sheet.getColumn(4).numFmt).toBe('0.00');
    expect(sheet.getColumn(6).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(sheet.getColumn(7).numFmt).toBeUndefined();
    const xml = await part(file, 'xl/worksheets/sheet1.xml');
    expect(elements(xml, 'dataValidation')).toEqual([
      expect.stringContaining(`sqref="E2:E${FORMATTED_ROWS}"><formula1>&quot;来访,来电&quot;</formula1>`),
    ]);
    expect(elements(xml, 'conditionalFormatting')).toEqual([expect.stringContaining(`sqref="A2:H${FORMATTED_ROWS}"`)]);
    expect(xml).toContain('ISNUMBER(SEARCH(&quot;冲突&quot;,$H2))');
    expect(xml).toContain('ISNUMBER(SEARCH(&quot;错误&quot;,$H2))');
    expect(xml).toContain('ISNUMBER(SEARCH(&quot;来电&quot;,$E2))');
    expect(xml).toContain('<autoFilter ref="A1:H1"/>');
    expect(xml).not.toContain('sheetProtection');
    const names = elements(await part(file, 'xl/workbook.xml'), 'definedName');
    expect(names).toEqual([
      expect.stringContaining(`name="_xlnm._FilterDatabase" localSheetId="0">&apos;来访登记&apos;!$A$1:$H$1<`),
      expect.stringContaining(`name="_xlnm._FilterDatabase" localSheetId="1">&apos;工作信息记录本&apos;!$A$1:$X$1<`),
    ]);
    const workLog = elements(await part(file, 'xl/worksheets/sheet2.xml'), 'dataValidation');
    expect(workLog).toHaveLength(WORK_LOG_TAB.columns.filter((column) => column.values).length);
  });

  it('changes nothing it sets when setup runs a second time', async () => {
    // Prepare
    const file = await workbookPath();
    const backend = await readySheet(file);
    const first = await setupParts(file);
    // Act
    await backend.setup(LAYOUTS);
    // Assess
    expect(await setupParts(file)).toEqual(first);
  });

  it('rewrites a header staff changed and keeps their own rules when setup runs again', async () => {
    // Prepare
    const file = await workbookPath();
    const backend = await readySheet(file);
    await editAsStaff(file, (sheet) => {
      sheet.getCell('B1').value = '名字';
      sheet.addConditionalFormatting({
        ref: 'G2:G9',
        rules: [{ type: 'cellIs', operator: 'greaterThan', formulae: [5], priority: 1, style: { font: { bold: true } } }],
      });
    });
    // Act
    await backend.setup(LAYOUTS);
    // Assess
    const sheet = await openSheet(file);
    expect(sheet.getCell('B1').value).toBe('姓名');
    const xml = await part(file, 'xl/worksheets/sheet1.xml');
    const formats = elements(xml, 'conditionalFormatting');
    expect(formats).toHaveLength(2);
    const priorities = [...xml.matchAll(/priority="(\d+)"/g)].map((match) => Number(match[1]));
    expect(new Set(priorities).size).toBe(priorities.length);
    expect(formats.find((format) => format.includes('G2:G9'))).toContain('priority="4"');
  });

  it('drops its old dropdown and leaves no overlapping ranges when setup runs on a staff-saved workbook', async () => {
    // Prepare: a save by exceljs turns `E2:E5000` into overlapping `E10:E5000` + `E2:E5000`
    const file = await workbookPath();
    await readySheet(file);
    await editAsStaff(file, () => {});
    expect(elements(await part(file, 'xl/worksheets/sheet1.xml'), 'dataValidation')).toHaveLength(2);
    const withoutDropdown: TabLayout = {
      ...VISITS,
      columns: VISITS.columns.map((column) => (column.key === 'kind' ? { ...column, type: 'text', values: undefined } : column)),
    };
    // Act
    await createXlsxBackend({ file, layouts: [withoutDropdown] }).setup([withoutDropdown]);
    // Assess
    expect(elements(await part(file, 'xl/worksheets/sheet1.xml'), 'dataValidation')).toEqual([]);
    expect(elements(await part(file, 'xl/worksheets/sheet2.xml'), 'dataValidation')).toHaveLength(4);
  });

  it('round-trips text that looks like a formula, numbers and dates when written then read', async () => {
    // Prepare
    const file = await workbookPath();
    const backend = await readySheet(file);
    const rows = [
      ['01H1', '=HYPERLINK("http://x","y")', '+8613800138000', 1234.5, '来电', '2026-11-23 14:05', 3, '已同步'],
      ['01H2', '@x', '0571-8888', -1, '来访', '2026-11-23', 0, null],
      ['01H3', '-1', '5/9', 0.1, null, null, null, '错误：房号不存在'],
    ];
    // Act
    await backend.write(rows.map((cells) => ({ tab: TAB, row: 'append' as const, cells })));
    const read = await backend.read([TAB]);
    // Assess
    expect(read.get(TAB)?.slice(1)).toEqual([
      rows[0],
      ['01H2', '@x', '0571-8888', -1, '来访', '2026-11-23', 0],
      ['01H3', '-1', '5/9', 0.1, null, null, null, '错误：房号不存在'],
    ]);
    const xml = await part(file, 'xl/worksheets/sheet1.xml');
    expect(xml).not.toContain('<f>');
    const sheet = await openSheet(file);
    expect(sheet.getCell('B2').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('D2').numFmt).toBe('0.00');
    expect(sheet.getCell('C3').numFmt).toBe('@');
    expect(sheet.getCell('A2').fill).toMatchObject({ fgColor: { argb: 'FFEDEDED' } });
  });

  it('rewrites a row in place and clears the cells given as null when a row is written', async () => {
    // Prepare
    const file = await workbookPath();
    const backend = await readySheet(file);
    await backend.write([{ tab: TAB, row: 'append', cells: ['01H1', '张三', '138', 10, '来访', null, 1, '已同步'] }]);
    // Act
    await backend.write([{ tab: TAB, row: 1, cells: ['01H1', '张三丰', null, 12.5, '来电', null, null, '冲突'] }]);
    // Assess
    const read = await backend.read([TAB]);
    expect(read.get(TAB)?.[1]).toEqual(['01H1', '张三丰', null, 12.5, '来电', null, null, '冲突']);
    expect(read.get(TAB)).toHaveLength(2);
  });

  it('appends after the last row with data when staff left and inserted blank rows', async () => {
    // Prepare
    const file = await workbookPath();
    const backend = await readySheet(file);
    await backend.write([
      { tab: TAB, row: 'append', cells: ['01H1', '甲'] },
      { tab: TAB, row: 'append', cells: ['01H2', '乙'] },
    ]);
    await editAsStaff(file, (sheet) => {
      sheet.spliceRows(3, 0, []); // a blank row inserted between 甲 and 乙
      sheet.getCell('B7').value = '丙'; // typed two rows below the last one
    });
    // Act
    await backend.write([
      { tab: TAB, row: 'append', cells: ['01H4', '丁'] },
      { tab: TAB, row: 'append', cells: ['01H5', '戊'] },
    ]);
    // Assess
    const names = (await backend.read([TAB])).get(TAB)?.map((row) => row[1] ?? null);
    expect(names).toEqual(['姓名', '甲', null, '乙', null, null, '丙', '丁', '戊']);
  });

  it('reads staff edits as the engine expects: dates as text, rich text, formulas as typed, booleans, errors', async () => {
    // Prepare
    const file = await workbookPath();
    const backend = await readySheet(file);
    await backend.write([
      { tab: TAB, row: 'append', cells: ['01H1', '甲'] },
      { tab: TAB, row: 'append', cells: ['01H2', '乙'] },
    ]);
    // Act
    await editAsStaff(file, (sheet) => {
      sheet.spliceRows(2, 0, ['', '新登记']); // a row inserted above the others shifts them down
      sheet.getCell('F2').value = new Date(Date.UTC(2026, 10, 23, 14, 5));
      sheet.getCell('F3').value = new Date(Date.UTC(2026, 10, 23));
      sheet.getCell('F3').numFmt = 'yyyy/m/d';
      sheet.getCell('B3').value = { richText: [{ text: '甲', font: { bold: true } }, { text: '某' }] };
      sheet.getCell('C3').value = { formula: 'HYPERLINK("http://x","y")', result: 'y' };
      sheet.getCell('D3').value = { text: '链接', hyperlink: 'http://example.com' };
      sheet.getCell('G3').value = { formula: 'TRUE()', result: true };
      sheet.getCell('G4').value = { formula: 'FALSE()', result: false };
      sheet.getCell('H3').value = { error: '#N/A' } as ExcelJS.CellErrorValue;
      sheet.getCell('I3').value = { formula: 'G3*2', result: 2, shareType: 'shared', ref: 'I3:I4' } as ExcelJS.CellFormulaValue;
      sheet.getCell('I4').value = { sharedFormula: 'I3', result: 0 };
      sheet.getCell('J4').value = true;
      sheet.getCell('K2').value = '合并';
      sheet.mergeCells('K2:L2');
    });
    const rows = (await backend.read([TAB])).get(TAB);
    // Assess
    expect(rows?.[1]).toEqual([null, '新登记', null, null, null, '2026-11-23 14:05', null, null, null, null, '合并']);
    expect(rows?.[2]).toEqual(['01H1', '甲某', '=HYPERLINK("http://x","y")', '链接', null, '2026-11-23', true, '#N/A', '=G3*2']);
    expect(rows?.[3]).toEqual(['01H2', '乙', null, null, null, null, false, null, '=G4*2', true]);
  });

  it('reads a date-time to the minute when the stored day number carries float noise', () => {
    // Act / Assess: 14:05 stored as 14:04:59.999, a date at midnight, a time with seconds
    expect(dateText(new Date(Date.UTC(2026, 10, 23, 14, 4, 59, 999)))).toBe('2026-11-23 14:05');
    expect(dateText(new Date(Date.UTC(2026, 10, 23)))).toBe('2026-11-23');
    expect(dateText(new Date(Date.UTC(2026, 10, 23, 9, 30, 20)))).toBe('2026-11-23 09:30');
  });

  it('replaces every data row and keeps the header when rows are replaced', async () => {
    // Prepare
    const file = await workbookPath();
    const backend = await readySheet(file);
    await backend.write(
      ['甲', '乙', '丙'].map((name, index) => ({ tab: TAB, row: 'append' as const, cells: [`01H${index}`, name] })),
    );
    await editAsStaff(file, (sheet) => {
      sheet.getCell('K9').value = '旁注';
    });
    // Act
    await backend.replaceRows(TAB, [
      ['01HB', '乙'],
      ['01HA', '甲'],
    ]);
    // Assess
    const rows = (await backend.read([TAB])).get(TAB);
    expect(rows?.map((row) => row[1])).toEqual(['姓名', '乙', '甲']);
    expect(rows).toHaveLength(3);
    expect(await part(file, 'xl/worksheets/sheet1.xml')).toContain('<autoFilter ref="A1:H3"/>');
  });

  it('saves no overlapping dropdowns, one filter name per tab and no protection when a staff-saved file is written', async () => {
    // Prepare: exceljs reads `E2:E5000` as single cells and loses the names' sheet; staff protected the sheet
    const file = await workbookPath();
    const backend = await readySheet(file);
    await editAsStaff(file, (sheet) => {
      sheet.getCell('B2').value = '甲';
      (sheet as unknown as { sheetProtection: object }).sheetProtection = { sheet: true };
    });
    expect(await part(file, 'xl/worksheets/sheet1.xml')).toContain('sheetProtection');
    // Act
    await backend.write([{ tab: TAB, row: 'append', cells: ['01H1', '乙'] }]);
    await backend.write([{ tab: TAB, row: 'append', cells: ['01H2', '丙'] }]);
    // Assess
    const xml = await part(file, 'xl/worksheets/sheet1.xml');
    expect(elements(xml, 'dataValidation')).toEqual([expect.stringContaining(`sqref="E2:E${FORMATTED_ROWS}"`)]);
    expect(xml).not.toContain('sheetProtection');
    expect(xml).toContain('<autoFilter ref="A1:H4"/>');
    const names = elements(await part(file, 'xl/workbook.xml'), 'definedName');
    expect(names).toEqual([
      expect.stringContaining('localSheetId="0">&apos;来访登记&apos;!$A$1:$H$4<'),
      expect.stringContaining('localSheetId="1">&apos;工作信息记录本&apos;!$A$1:$X$1<'),
    ]);
  });

  it('is busy while LibreOffice or Excel/WPS keeps its lock file beside the workbook', async () => {
    // Prepare
    const file = await workbookPath();
    const backend = await readySheet(file);
    const dir = path.dirname(file);
    // Act / Assess
    expect(await backend.busy()).toBe(false);
    await fs.writeFile(path.join(dir, '.~lock.台账.xlsx#'), 'user,host');
    expect(await backend.busy()).toBe(true);
    await fs.rm(path.join(dir, '.~lock.台账.xlsx#'));
    await fs.writeFile(path.join(dir, '~$台账.xlsx'), '');
    expect(await backend.busy()).toBe(true);
  });

  it('refuses to write and leaves the workbook as it is while it is open in an office app', async () => {
    // Prepare
    const file = await workbookPath();
    const backend = await readySheet(file);
    await fs.writeFile(path.join(path.dirname(file), '~$台账.xlsx'), '');
    const before = await fs.readFile(file);
    // Act
    const writing = backend.write([{ tab: TAB, row: 'append', cells: ['01H1', '甲'] }]);
    // Assess
    await expect(writing).rejects.toBeInstanceOf(SheetBackendBusyError);
    expect(await fs.readFile(file)).toEqual(before);
  });

  it('leaves the workbook intact and no temp file behind when a save fails before the rename', async () => {
    // Prepare
    const file = await workbookPath();
    await readySheet(file);
    const before = await fs.readFile(file);
    const backend = createXlsxBackend({
      file,
      layouts: LAYOUTS,
      beforeReplace: () => {
        throw new Error('power cut');
      },
    });
    // Act
    const writing = backend.write([{ tab: TAB, row: 'append', cells: ['01H1', '甲'] }]);
    // Assess
    await expect(writing).rejects.toThrow('power cut');
    expect(await fs.readFile(file)).toEqual(before);
    expect(await fs.readdir(path.dirname(file))).toEqual(['台账.xlsx']);
  });

  it('writes nothing at all when the change list is empty', async () => {
    // Prepare
    const file = await workbookPath();
    const backend = createXlsxBackend({ file, layouts: LAYOUTS });
    // Act
    await backend.write([]);
    // Assess
    expect(await fs.readdir(path.dirname(file))).toEqual([]);
  });

  it('raises SheetSetupNeededError naming the missing tabs when a tab or the workbook is missing', async () => {
    // Prepare
    const file = await workbookPath();
    const backend = createXlsxBackend({ file, layouts: LAYOUTS });
    // Act / Assess: no workbook yet
    await expect(backend.read([TAB])).rejects.toBeInstanceOf(SheetSetupNeededError);
    // Act / Assess: the workbook lacks one tab
    await backend.setup([VISITS]);
    const reading = backend.read([TAB, '提醒']);
    await expect(reading).rejects.toBeInstanceOf(SheetSetupNeededError);
    await expect(reading).rejects.toMatchObject({ tabs: ['提醒'] });
    await expect(backend.write([{ tab: '提醒', row: 'append', cells: ['x'] }])).rejects.toMatchObject({ tabs: ['提醒'] });
  });
});
