import { describe, expect, it } from 'vitest';
import { chunkRequests } from '../../sheets/backends/google.backend';

const row = (text: string) => ({ values: [{ userEnteredValue: { stringValue: text } }] });

describe('google backend request size', () => {
  it('keeps every write in one request under the limit', () => {
    // Prepare
    const requests = [{ appendCells: { sheetId: 1, rows: [row('a'), row('b')], fields: 'userEnteredValue' } }];
    // Act / Assess
    expect(chunkRequests(requests)).toHaveLength(1);
  });

  it('splits a body past the limit into ordered chunks, appended rows included', () => {
    // Prepare: 3,000 rows of ~1 KB = ~3 MB in one appendCells
    const rows = Array.from({ length: 3000 }, (_, i) => row(`${i}:${'x'.repeat(1000)}`));
    const requests = [
      { updateCells: { start: { sheetId: 1, rowIndex: 5, columnIndex: 0 }, rows: [row('u')], fields: 'userEnteredValue' } },
      { appendCells: { sheetId: 1, rows, fields: 'userEnteredValue' } },
    ];
    // Act
    const chunks = chunkRequests(requests);
    // Assess
    expect(chunks.length).toBe(2);
    for (const chunk of chunks) expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThan(2_000_100);
    const appended = chunks.flat().flatMap((r) => r.appendCells?.rows ?? []);
    expect(appended.map((r) => r.values?.[0]?.userEnteredValue?.stringValue?.split(':')[0])).toEqual(
      rows.map((_, i) => String(i)),
    );
    expect(chunks[0]?.[0]?.updateCells).toBeDefined();
  });
});
