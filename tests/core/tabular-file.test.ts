import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { decodeText, detectKind, parseCsv, readTable } from '../../functions/core/tabular-file';

describe('tabular-file', () => {
  it('parses quoted CSV fields with commas, doubled quotes and CRLF', () => {
    const rows = parseCsv('a,b\r\n"x, y","say ""hi"""\r\n');
    expect(rows).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
    ]);
  });

  it('decodes a CSV saved as GBK by Chinese Excel, and strips a UTF-8 BOM', () => {
    // Prepare: "房号" in GBK is B7 BF BA C5
    const gbk = Buffer.from([0xb7, 0xbf, 0xba, 0xc5]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('房号', 'utf8')]);
    // Act / Assess
    expect(decodeText(gbk)).toBe('房号');
    expect(decodeText(bom)).toBe('房号');
  });

  it('reads the first worksheet of an XLSX and marks numeric cells', async () => {
    // Prepare
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('房号');
    sheet.addRow(['房号', '建筑面积', '身份证号']);
    sheet.addRow(['3-2-1501', 89.5, Number('110105199001011232')]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    // Act
    const kind = detectKind(bytes, 'application/octet-stream');
    const table = await readTable(bytes, 'xlsx');
    // Assess
    expect(kind).toBe('xlsx');
    expect(table.headers).toEqual(['房号', '建筑面积', '身份证号']);
    expect(table.rows[0]?.rowNumber).toBe(2);
    expect(table.rows[0]?.cells.建筑面积).toEqual({ text: '89.5', numeric: true });
    expect(table.rows[0]?.cells.身份证号?.numeric).toBe(true);
  });

  it('skips blank rows but keeps the file row numbers', async () => {
    const table = await readTable(Buffer.from('房号,建筑面积\n1-1-101,80\n,\n1-1-102,81\n'), 'csv');
    expect(table.rows.map((row) => row.rowNumber)).toEqual([2, 4]);
  });
});
