import { businessDate, isValidIsoDate, shanghaiWallClockToInstant } from '../functions/core/dates';
import { fenToYuanText, parseYuan } from '../functions/core/money';
import type { CellRead, CellWrite } from './sync/backend';
import type { TabColumn } from './tab-layout';

/**
 * Cells, pure: what a value of a record looks like in a sheet column, and what a cell a person typed means.
 *
 * Every comparison of the sync (sheet vs baseline vs store) is made on the CANONICAL text of a cell, so that
 * `2026/11/23`, a date cell and `2026-11-23` are one value, `1,234.5` and `1234.50` one amount, and a sheet
 * that only re-formatted a cell shows no edit. Canonical forms:
 * money `1234.50` · number `12` · date `2026-11-23` · datetime `2026-11-23 14:05` (Asia/Shanghai) ·
 * enum: its label · check: `是` or empty · text: as typed, trimmed.
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** Google/Excel serial day numbers count from 1899-12-30. */
const SERIAL_EPOCH_MS = Date.UTC(1899, 11, 30);
const serialToParts = (serial: number) => {
  const ms = SERIAL_EPOCH_MS + Math.round(serial * 86_400_000);
  const d = new Date(ms);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  };
};

const DATE_TEXT = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})[:：](\d{1,2})(?::\d{1,2})?)?$/;

const parseDateText = (text: string): { date: string; time?: string } | undefined => {
  const match = DATE_TEXT.exec(text.trim());
  if (!match) return undefined;
  const [, y, m, d, hh, mm] = match;
  const date = `${y}-${pad(Number(m))}-${pad(Number(d))}`;
  if (!isValidIsoDate(date)) return undefined;
  if (hh === undefined) return { date };
  if (Number(hh) > 23 || Number(mm) > 59) return undefined;
  return { date, time: `${pad(Number(hh))}:${pad(Number(mm))}` };
};

const CHECK_YES = new Set(['是', '√', '✓', '✔', 'y', 'yes', 'true', '1', '已办', '已完成', '完成']);

const labelOf = (column: TabColumn, code: string) => column.values?.[code] ?? code;

/** The canonical text of a cell as read. Unreadable input stays as typed (validation then names it). */
export const canonicalCell = (column: TabColumn, cell: CellRead | undefined): string => {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'boolean') {
    if (column.type === 'check') return cell ? '是' : '';
    return cell ? 'TRUE' : 'FALSE';
  }
  if (typeof cell === 'number') {
    switch (column.type) {
      case 'money': {
        const fen = Math.round(cell * 100);
        return Number.isSafeInteger(fen) && Math.abs(cell * 100 - fen) < 1e-6 ? fenToYuanText(fen) : String(cell);
      }
      case 'date':
        return serialToParts(cell).date;
      case 'datetime': {
        const parts = serialToParts(cell);
        return `${parts.date} ${parts.time}`;
      }
      case 'check':
        return cell === 1 ? '是' : cell === 0 ? '' : String(cell);
      default:
        return Number.isInteger(cell) ? String(cell) : String(cell);
    }
  }
  const text = cell.trim();
  if (text === '') return '';
  switch (column.type) {
    case 'money': {
      const fen = parseYuan(text);
      return fen === undefined ? text : fenToYuanText(fen);
    }
    case 'date': {
      const parsed = parseDateText(text);
      return parsed && !parsed.time ? parsed.date : text;
    }
    case 'datetime': {
      const parsed = parseDateText(text);
      return parsed ? `${parsed.date} ${parsed.time ?? '00:00'}` : text;
    }
    case 'enum': {
      // A code typed instead of its label means the same choice.
      if (column.values && Object.hasOwn(column.values, text)) return labelOf(column, text);
      return text;
    }
    case 'check':
      return CHECK_YES.has(text.toLowerCase()) ? '是' : text;
    default:
      return text;
  }
};

/** A record value (fen, ISO instant, enum code, boolean…) → its canonical text in the column. */
export const canonicalValue = (column: TabColumn, value: unknown): string => {
  if (value === undefined || value === null || value === '') return '';
  switch (column.type) {
    case 'money':
      return typeof value === 'number' ? fenToYuanText(value) : String(value);
    case 'date':
      return String(value).slice(0, 10);
    case 'datetime': {
      const text = String(value);
      if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(text)) return text;
      const instant = new Date(text);
      if (Number.isNaN(instant.getTime())) return text;
      const shifted = new Date(instant.getTime() + 8 * 3_600_000);
      return `${businessDate(instant)} ${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}`;
    }
    case 'enum':
      return labelOf(column, String(value));
    case 'check':
      return value === true || value === '是' ? '是' : '';
    case 'number':
      return String(value);
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
};

/**
 * The cell to write for a canonical text: money and numbers as numbers (so sums work in the sheet), everything
 * else as plain text — never a formula, whatever it starts with.
 */
export const cellToWrite = (column: TabColumn, canonical: string): CellWrite => {
  if (canonical === '') return null;
  if (column.type === 'money') {
    const fen = parseYuan(canonical);
    return fen === undefined ? canonical : fen / 100;
  }
  if (column.type === 'number' && /^-?\d+(\.\d+)?$/.test(canonical)) return Number(canonical);
  return canonical;
};

export type ParsedCell = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * A staff-typed canonical text → the typed value a command takes: fen for money, an ISO date, an ISO instant
 * (Asia/Shanghai wall clock) for a date-time, the code for a dropdown label, a boolean for a tick.
 * Empty → undefined (the command's schema says whether it is required).
 */
export const parseCell = (column: TabColumn, canonical: string): ParsedCell => {
  if (canonical === '') return { ok: true, value: undefined };
  switch (column.type) {
    case 'money': {
      const fen = parseYuan(canonical);
      return fen === undefined ? { ok: false, reason: '金额格式不正确（元，最多两位小数）' } : { ok: true, value: fen };
    }
    case 'number':
      return /^-?\d+$/.test(canonical) ? { ok: true, value: Number(canonical) } : { ok: false, reason: '应为整数' };
    case 'date':
      return isValidIsoDate(canonical)
        ? { ok: true, value: canonical }
        : { ok: false, reason: '日期格式不正确（如 2026-11-23）' };
    case 'datetime': {
      const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})$/.exec(canonical);
      if (!match || !isValidIsoDate(match[1] ?? '')) return { ok: false, reason: '时间格式不正确（如 2026-11-23 09:30）' };
      return { ok: true, value: shanghaiWallClockToInstant(match[1] ?? '', Number(match[2]), Number(match[3])).toISOString() };
    }
    case 'enum': {
      const entry = Object.entries(column.values ?? {}).find(([, label]) => label === canonical);
      return entry
        ? { ok: true, value: entry[0] }
        : { ok: false, reason: `不是可选值（可选：${Object.values(column.values ?? {}).join('、')}）` };
    }
    case 'check':
      return canonical === '是' ? { ok: true, value: true } : { ok: false, reason: '请填“是”或留空' };
    default:
      return { ok: true, value: canonical };
  }
};
