import { describe, expect, it } from 'vitest';
import { canonicalCell, canonicalValue, cellToWrite, parseCell } from '../../sheets/cells.domain';
import type { TabColumn } from '../../sheets/tab-layout';

const col = (type: TabColumn['type'], extra: Partial<TabColumn> = {}): TabColumn => ({
  key: 'k',
  header: '列',
  type,
  owner: 'staff',
  ...extra,
});

describe('cells.domain', () => {
  it('reads one date however the sheet shows it', () => {
    // Prepare
    const date = col('date');
    // Act / Assess
    expect(canonicalCell(date, '2026/11/23')).toBe('2026-11-23');
    expect(canonicalCell(date, '2026年11月23日')).toBe('2026-11-23');
    expect(canonicalCell(date, 46349)).toBe('2026-11-23');
    expect(canonicalCell(date, '2026-02-30')).toBe('2026-02-30'); // not a date: kept, validation names it
  });

  it('reads one amount however it is typed, to the fen', () => {
    // Prepare
    const money = col('money');
    // Act / Assess
    expect(canonicalCell(money, '1,234.5')).toBe('1234.50');
    expect(canonicalCell(money, 1234.5)).toBe('1234.50');
    expect(canonicalCell(money, 0.1 + 0.2)).toBe('0.30');
    expect(parseCell(money, '1234.50')).toEqual({ ok: true, value: 123450 });
    expect(parseCell(money, '12.345').ok).toBe(false);
  });

  it('keeps text that looks like a formula as text when writing', () => {
    // Prepare
    const text = col('longtext');
    // Act
    const written = ['=HYPERLINK("http://x","y")', '+86 138', '-1', '@x'].map((t) => cellToWrite(text, canonicalCell(text, t)));
    // Assess
    expect(written).toEqual(['=HYPERLINK("http://x","y")', '+86 138', '-1', '@x']);
  });

  it('maps dropdown labels to codes and refuses values not in the list', () => {
    // Prepare
    const channel = col('enum', { values: { phone: '电话', visit: '来访' } });
    // Act / Assess
    expect(parseCell(channel, '电话')).toEqual({ ok: true, value: 'phone' });
    expect(canonicalCell(channel, 'visit')).toBe('来访');
    expect(parseCell(channel, '微信')).toEqual({ ok: false, reason: '不是可选值（可选：电话、来访）' });
  });

  it('shows instants in Asia/Shanghai and reads them back to the same instant', () => {
    // Prepare
    const at = col('datetime');
    // Act
    const shown = canonicalValue(at, '2026-11-23T01:05:00.000Z');
    // Assess
    expect(shown).toBe('2026-11-23 09:05');
    expect(parseCell(at, shown)).toEqual({ ok: true, value: '2026-11-23T01:05:00.000Z' });
  });

  it('reads a ticked checkbox, TRUE or 是 as a tick', () => {
    // Prepare
    const tick = col('check');
    // Act / Assess
    expect([true, '是', '√', 'TRUE', 1].map((c) => canonicalCell(tick, c))).toEqual(['是', '是', '是', '是', '是']);
    expect(canonicalCell(tick, false)).toBe('');
  });
});
