import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPing } from '../../functions/sheets/ping.domain';
import { type RunningTarget, startTarget } from '../support/local-target';

/**
 * The embedded default of `npm start`: the sheet-sync schedule keeps a local .xlsx workbook in step with the
 * store (created on first use), and the signed ping route runs a cycle at once.
 */
let t: RunningTarget;
let workbook: string;
const PING_KEY = 'local-ping-key-for-tests';
beforeAll(async () => {
  t = await startTarget('sheets');
  workbook = join(t.dataDir, '台账.xlsx');
  process.env.SHEETS_XLSX = workbook;
  process.env.SHEETS_PING_SECRET = PING_KEY;
});
afterAll(async () => {
  await t.target.stop();
});

const readTab = async (tab: string) => {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(workbook);
  const rows: unknown[][] = [];
  book.getWorksheet(tab)?.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
};

describe('sheet sync on the local target', () => {
  it('creates the workbook, shows the units (ID numbers masked) and takes a staff edit back as a command', async () => {
    // Prepare
    const head = await t.token('centre_head', '王主任', { sub: 'head-1' });
    const admin = await t.token('admin', '管理员', { sub: 'admin-1' });
    await t.ok('POST', '/estates', head, { id: 'lhy', name: '绿湖苑' });
    await t.ok('POST', '/estates/lhy/buildings', head, { code: '3' });
    await t.ok('POST', '/estates/lhy/units', head, {
      code: '3-2-1501',
      buildingCode: '3',
      area: '89.50',
      household: { type: 'family', owner: { name: '李四', idNumber: '11010519491231002X', phone: '13812345678' } },
    });
    // Act
    await t.ok('POST', '/_local/schedules/sheet-sync', admin);
    // Assess
    const units = await readTab('房号');
    expect(units[0]?.[0]).toBe('_id');
    const row = units.find((r) => r[0] === '3-2-1501') ?? [];
    expect(row).toContain('李四');
    expect(row.join(' ')).not.toContain('11010519491231002X');
    expect(row.join(' ')).toMatch(/110\*+002X/);

    // Act: a clerk corrects the owner's phone in the workbook and saves; the staff app pings
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(workbook);
    const sheet = book.getWorksheet('房号');
    const phoneColumn = (units[0] ?? []).indexOf('联系电话') + 1;
    sheet?.eachRow((r) => {
      if (r.getCell(1).value === '3-2-1501') r.getCell(phoneColumn).value = '13900001111';
    });
    await book.xlsx.writeFile(workbook);
    const body = JSON.stringify({ changeType: 'EDIT' });
    const now = Math.floor(Date.now() / 1000);
    const refused = await t.call('POST', '/sheets/ping', {
      body,
      headers: {
        'content-type': 'application/json',
        'x-sheets-timestamp': String(now),
        'x-sheets-signature': signPing('wrong', now, body),
      },
    });
    const pinged = await t.call('POST', '/sheets/ping', {
      body,
      headers: {
        'content-type': 'application/json',
        'x-sheets-timestamp': String(now),
        'x-sheets-signature': signPing(PING_KEY, now, body),
      },
    });
    // Assess
    expect(refused.status).toBe(401);
    expect(pinged.status).toBe(200);
    const unit = await t.ok('GET', '/estates/lhy/units/3-2-1501', head);
    expect(unit.household.owner.phone).toBe('13900001111');
    expect((await readTab('房号')).find((r) => r[0] === '3-2-1501')).toContain('已同步');
  });
});
