import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessDate } from '../../functions/core/dates';
import { type RunningTarget, startTarget } from '../support/local-target';

/**
 * The direct-debit cycle (银行托收) over real HTTP against the local target: the month is billed and the debit
 * batch built by the schedules run by hand (`POST /_local/schedules/{id}`, what `npm run schedule -- <id>` does),
 * the cashier downloads the bank file (also left in DATA_DIR/debit/) and imports the bank's result file twice.
 */
let t: RunningTarget;
beforeAll(async () => {
  t = await startTarget('debit');
  process.env.DATA_DIR = t.dataDir; // what `npm start` sets: the debit file is also written under it
});
afterAll(async () => {
  delete process.env.DATA_DIR;
  await t.target.stop();
});

const ACCOUNT_NO = '6222021234567890123';
/** Schedules run by hand use the real clock: the batch is this month's (Asia/Shanghai). */
const month = businessDate(new Date()).slice(0, 7);

describe('debit over HTTP', () => {
  it('builds the batch by schedule, serves the bank file, and posts each debit once when the result file comes twice', async () => {
    // Prepare: an estate, the property fee, two units paying by direct debit and one paying at the desk
    const head = await t.token('centre_head', '王主任', { sub: 'head-1' });
    const desk = await t.token('front_desk', '张三', { sub: 'desk-1' });
    const cashier = await t.token('cashier', '赵出纳', { sub: 'cashier-1' });
    const admin = await t.token('admin', '管理员');
    await t.ok('POST', '/estates', head, { id: 'lhy', name: '绿湖苑' });
    await t.ok('POST', '/estates/lhy/buildings', head, { code: '3' });
    await t.ok('POST', '/estates/lhy/fee-schedule/property_fee', head, {
      name: '物业服务费',
      category: 'property_fee',
      basis: 'area_month',
      rateFen: 250,
      unitLabel: '㎡·月',
      effectiveFrom: '2024-01-01',
    });
    await t.ok('POST', '/estates/lhy/voucher-books', cashier, {
      bookId: 'R1',
      kind: 'receipt',
      holder: { id: 'cashier-1', name: '赵出纳' },
      firstNumber: 1,
      lastNumber: 50,
    });
    for (const [code, area, debit] of [
      ['3-2-1601', '100.00', true],
      ['3-2-1701', '120.00', true],
      ['3-2-1801', '90.00', false],
    ] as const) {
      await t.ok('POST', '/estates/lhy/units', desk, {
        code,
        buildingCode: '3',
        area,
        status: 'occupied',
        household: {
          type: 'family',
          owner: { name: `业主${code}`, phone: '13812345678' },
          ...(debit ? { debitAccount: { bank: '工商银行', accountName: `业主${code}`, accountNumber: ACCOUNT_NO } } : {}),
        },
      });
    }
    // Act: bill the month, build the batch (twice: a double trigger), download, import the result twice
    const billed = await t.ok('POST', '/_local/schedules/monthly-billing', admin);
    const batch = await t.ok('POST', '/_local/schedules/debit-batch', admin);
    const again = await t.ok('POST', '/_local/schedules/debit-batch', admin);
    const byDesk = await t.call('GET', `/estates/lhy/debit-batches/${month}/file`, { token: desk });
    const download = await t.call('GET', `/estates/lhy/debit-batches/${month}/file`, { token: cashier });
    const [header, ...rows] = String(download.body.content)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const result = [
      `${header},处理结果,失败原因`,
      `${rows[0]},成功,`,
      `${rows[1]},失败,余额不足`,
      // the bank's own trailer lines are not in the batch: rejected, never posted
      `9,3-2-1901,某人,${ACCOUNT_NO},10.00,物业费${month},成功,`,
    ].join('\r\n');
    const importPath = `/estates/lhy/debit-batches/${month}/results?bookId=R1&kind=receipt`;
    const upload = { token: cashier, body: result, headers: { 'content-type': 'text/csv' } };
    const first = await t.call('POST', importPath, upload);
    const second = await t.call('POST', importPath, upload);
    const view = await t.ok('GET', `/estates/lhy/debit-batches/${month}`, cashier);
    const paid = await t.ok('GET', '/estates/lhy/units/3-2-1601/statement', desk);
    const failed = await t.ok('GET', '/estates/lhy/units/3-2-1701/statement', desk);
    // Assess
    expect(billed.result.runs[0]).toMatchObject({ done: true, billed: 3, failed: 0 });
    expect(batch.result.batches[0]).toMatchObject({ month, rowCount: 2, totalFen: 55000, replayed: false });
    expect(again.result.batches[0]).toMatchObject({ rowCount: 2, replayed: true });
    expect(byDesk.status).toBe(403);
    expect(download.status).toBe(200);
    expect(download.body).toMatchObject({ fileName: `托收批次_lhy_${month}.csv`, rowCount: 2, totalFen: 55000 });
    expect(rows).toEqual([
      `1,3-2-1601,业主3-2-1601,${ACCOUNT_NO},250.00,物业费${month}`,
      `2,3-2-1701,业主3-2-1701,${ACCOUNT_NO},300.00,物业费${month}`,
    ]);
    const onDisk = join(t.dataDir, 'debit', `lhy-${month.replace('-', '')}.csv`);
    expect(batch.result.batches[0].file).toBe(onDisk);
    expect(readFileSync(onDisk, 'utf8')).toBe(download.body.content);

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ rows: 3, posted: 1, alreadyPosted: 0 });
    expect(first.body.failed).toEqual([{ seq: 2, unitCode: '3-2-1701', amountFen: 30000, reason: '余额不足' }]);
    expect(first.body.rejected).toEqual([{ seq: 9, unitCode: '3-2-1901', reason: '批次中无此序号' }]);
    expect(first.body.payments).toEqual([
      { seq: 1, unitCode: '3-2-1601', amountFen: 25000, voucherNo: 'R1-000001', replayed: false },
    ]);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ posted: 0, alreadyPosted: 1, payments: [{ voucherNo: 'R1-000001', replayed: true }] });
    expect(second.body.failed).toHaveLength(1);

    const payments = paid.entries.filter((e: { entryKind: string }) => e.entryKind === 'payment');
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ method: 'bank_debit', amountFen: 25000 });
    expect(paid.account).toMatchObject({ owedFen: 0 });
    expect(failed.entries.filter((e: { entryKind: string }) => e.entryKind === 'payment')).toHaveLength(0);
    expect(failed.account).toMatchObject({ owedFen: 30000 });
    expect(view.imports).toHaveLength(2);
    expect(view.rows[0]).toMatchObject({ seq: 1, accountNumberMasked: '6222***********0123' });
    expect(JSON.stringify(view)).not.toContain(ACCOUNT_NO);
  });

  it('lets the CS lead set the reminder stages and robot, shows the robot masked to any staff, and refuses the desk', async () => {
    // Prepare
    const head = await t.token('centre_head', '王主任');
    const lead = await t.token('cs_lead', '陈主管');
    const desk = await t.token('front_desk', '张三');
    await t.call('POST', '/estates', { token: head, json: { id: 'lhy', name: '绿湖苑' } });
    const robot = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693axxxx-7aoc-4bc4-97a0-0ec2sifa5aaa';
    // Act
    const byDesk = await t.call('PUT', '/estates/lhy/reminder-settings', { token: desk, json: { agingDays: [30] } });
    const saved = await t.call('PUT', '/estates/lhy/reminder-settings', {
      token: lead,
      json: { preDebitDaysBefore: 5, agingDays: [30, 60, 90, 180], channels: ['sheet', 'wecom'], wecomWebhookUrl: robot },
    });
    const read = await t.call('GET', '/estates/lhy/reminder-settings', { token: desk });
    const plainHttp = await t.call('PUT', '/estates/lhy/reminder-settings', {
      token: lead,
      json: { wecomWebhookUrl: 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x' },
    });
    const unknown = await t.call('GET', '/estates/nowhere/reminder-settings', { token: desk });
    // Assess
    expect(byDesk.status).toBe(403);
    expect(saved.status).toBe(200);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      preDebitDaysBefore: 5,
      agingDays: [30, 60, 90, 180],
      wecomWebhookConfigured: true,
      wecomWebhookUrlMasked: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a****5aaa',
      version: 1,
    });
    expect(read.body.stages[0]).toMatchObject({ stage: 'pre_debit', when: expect.stringContaining('每月10日至14日') });
    expect(JSON.stringify(read.body)).not.toContain('7aoc');
    expect(plainHttp.status).toBe(400);
    expect(plainHttp.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(unknown.status).toBe(404);
  });
});
