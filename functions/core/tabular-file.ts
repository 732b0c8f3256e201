import type ExcelJS from 'exceljs';

/**
 * Reads an uploaded table (CSV or XLSX) into rows of cells keyed by header.
 * CSV: UTF-8 (with or without BOM) or GB18030/GBK as saved by Chinese Excel; RFC 4180 quoting.
 * XLSX: the first worksheet, header in row 1.
 */
export interface Cell {
  text: string;
  /** The spreadsheet stored a number (matters for ID numbers, which lose digits as numbers). */
  numeric: boolean;
}

export interface TableRow {
  /** 1-based line/row number in the file, header being row 1. */
  rowNumber: number;
  cells: Record<string, Cell>;
}

export interface ReadTable {
  headers: string[];
  rows: TableRow[];
}

export type FileKind = 'csv' | 'xlsx';

const XLSX_TYPES = ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'];

export const detectKind = (bytes: Buffer, contentType: string): FileKind | undefined => {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'xlsx';
  if (XLSX_TYPES.includes(contentType) && bytes.length > 0) return undefined; // binary but not a zip
  if (contentType.startsWith('text/') || contentType === 'application/csv' || contentType === '') return 'csv';
  return undefined;
};

export const decodeText = (bytes: Buffer): string => {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
};

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF, commas inside quotes. */
export const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else quoted = false;
      } else field += ch;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
};

const toTable = (matrix: Cell[][]): ReadTable => {
  const [headerRow = [], ...body] = matrix;
  const headers = headerRow.map((cell) => cell.text.trim());
  const rows: TableRow[] = [];
  body.forEach((cells, index) => {
    if (cells.every((cell) => cell.text.trim() === '')) return;
    const record: Record<string, Cell> = {};
    headers.forEach((header, column) => {
      if (header) record[header] = cells[column] ?? { text: '', numeric: false };
    });
    rows.push({ rowNumber: index + 2, cells: record });
  });
  return { headers, rows };
};

const cellText = (value: ExcelJS.CellValue): Cell => {
  if (value === null || value === undefined) return { text: '', numeric: false };
  if (typeof value === 'number') return { text: String(value), numeric: true };
  if (typeof value === 'string') return { text: value, numeric: false };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE', numeric: false };
  if (value instanceof Date) return { text: value.toISOString().slice(0, 10), numeric: false };
  if (typeof value === 'object') {
    if ('richText' in value) return { text: value.richText.map((part) => part.text).join(''), numeric: false };
    if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
    if ('text' in value && typeof value.text === 'string') return { text: value.text, numeric: false };
  }
  return { text: String(value), numeric: false };
};

export const readTable = async (bytes: Buffer, kind: FileKind): Promise<ReadTable> => {
  if (kind === 'csv') {
    const matrix = parseCsv(decodeText(bytes)).map((cells) => cells.map((text) => ({ text, numeric: false })));
    return toTable(matrix);
  }
  // Loaded on first use: exceljs is a large part of a bundle, and most calls of the functions that include it
  // never read a workbook (a cold start should not pay for it).
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { headers: [], rows: [] };
  const matrix: Cell[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell.value);
    });
    matrix[rowNumber - 1] = Array.from(cells, (cell) => cell ?? { text: '', numeric: false });
  });
  return toTable(Array.from(matrix, (row) => row ?? []));
};
