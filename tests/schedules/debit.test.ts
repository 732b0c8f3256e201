import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { debitBatchFile, debitBatchView, importDebitResults } from '../../functions/schedules/debit.commands';
import { parseResultFile } from '../../functions/schedules/debit.domain';
import { debitFileSinkFromEnv } from '../../functions/schedules/debit-files';
import { allItems, context } from '../support/store';
import { ACCOUNT_NO, runSchedule, seedSchedules, sh } from './schedules-seed';

const seedBilled = async () => {
  const store = await seedSchedules([
    { code: '3-2-1601', area: '100.00', status: 'occupied', debit: true },
    { code: '3-2-1701', area: '120.00', status: 'occupied', debit: true },
    { code: '3-2-1801', area: '90.00', status: 'occupied' },
  ]);
  await runSchedule(store, 'monthly-billing', sh('2026-12-01', 1));
  return store;
};

const RESULT = [
  '序号,房号,户名,账号,金额(元),摘要,处理结果,失败原因',
  '1,3-2-1601,业主3-2-1601,6222****0123,250.00,物业费2026-12,成功,',
  '2,3-2-1701,业主3-2-1701,6222****0123,300.00,物业费2026-12,失败,余额不足',
].join('\r\n');

describe('debit-batch', () => {
  it('builds one batch row per unit with a debit agreement and open charges, in the documented layout', async () => {
    // Prepare
    const store = await seedBilled();
    // Act
    const first = await runSchedule(store, 'debit-batch', sh('2026-12-15', 7));
    const again = await runSchedule(store, 'debit-batch', sh('2026-12-15', 7));
    const file = await debitBatchFile(store, 'lhy', '2026-12');
    const view = await debitBatchView(store, 'lhy', '2026-12');
    // Assess
    expect(first).toMatchObject({ batches: [{ rowCount: 2, totalFen: 55000, replayed: false }] });
    expect(again).toMatchObject({ batches: [{ rowCount: 2, replayed: true }] });
    expect(file.fileName).toBe('托收批次_lhy_2026-12.csv');
    expect(file.content).toBe(
      `\uFEFF序号,房号,户名,账号,金额(元),摘要\r\n1,3-2-1601,业主3-2-1601,${ACCOUNT_NO},250.00,物业费2026-12\r\n2,3-2-1701,业主3-2-1701,${ACCOUNT_NO},300.00,物业费2026-12\r\n`,
    );
    expect(view.rows[0]).toMatchObject({ seq: 1, unitCode: '3-2-1601', accountNumberMasked: '6222***********0123' });
    expect(JSON.stringify(view)).not.toContain(ACCOUNT_NO);
    const outbox = (await allItems(store)).filter((item) => item.type === 'outbox' || item.type === 'audit');
    expect(JSON.stringify(outbox)).not.toContain(ACCOUNT_NO);
  });

  it('posts each successful debit once as a 银行托收 payment, even when the same file is imported twice', async () => {
    // Prepare
    const store = await seedBilled();
    await runSchedule(store, 'debit-batch', sh('2026-12-15', 7));
    const desk = context('front_desk', { now: sh('2026-12-17', 10) });
    const bytes = Buffer.from(RESULT, 'utf8');
    // Act
    const first = await importDebitResults(store, desk, 'lhy', '2026-12', { bytes }, { kind: 'receipt', bookId: 'R1' });
    const second = await importDebitResults(
      store,
      { ...desk, now: sh('2026-12-17', 11) },
      'lhy',
      '2026-12',
      { bytes },
      { kind: 'receipt', bookId: 'R1' },
    );
    // Assess
    expect(first).toMatchObject({ rows: 2, posted: 1, alreadyPosted: 0, rejected: [] });
    expect(first.failed).toEqual([{ seq: 2, unitCode: '3-2-1701', amountFen: 30000, reason: '余额不足' }]);
    expect(second).toMatchObject({ posted: 0, alreadyPosted: 1 });
    expect(second.payments[0]?.voucherNo).toBe(first.payments[0]?.voucherNo);
    const items = await allItems(store);
    const payments = items.filter((item) => item.type === 'ledgerEntry' && item.entryKind === 'payment');
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ unitCode: '3-2-1601', method: 'bank_debit', amountFen: 25000 });
    const vouchers = items.filter((item) => item.type === 'voucher');
    expect(vouchers).toHaveLength(1);
    expect(vouchers[0]).toMatchObject({ methodLabel: '银行托收' });
    const account = items.find((item) => item.type === 'ledgerAccount' && item.unitCode === '3-2-1601');
    expect(account).toMatchObject({ owedFen: 0 });
    expect(items.filter((item) => item.type === 'debitImport')).toHaveLength(2);
  });

  it('rejects a result row that does not match the batch, and refuses a file without the result column', async () => {
    // Prepare
    const store = await seedBilled();
    await runSchedule(store, 'debit-batch', sh('2026-12-15', 7));
    const desk = context('front_desk', { now: sh('2026-12-17', 10) });
    const wrong = Buffer.from('序号,房号,金额(元),处理结果\n1,3-2-1601,999.00,成功\n', 'utf8');
    // Act
    const report = await importDebitResults(store, desk, 'lhy', '2026-12', { bytes: wrong }, { kind: 'receipt', bookId: 'R1' });
    const refused = importDebitResults(
      store,
      desk,
      'lhy',
      '2026-12',
      { bytes: Buffer.from('序号,房号,金额(元)\n1,3-2-1601,250.00\n') },
      { kind: 'receipt', bookId: 'R1' },
    );
    // Assess
    expect(report).toMatchObject({ posted: 0, rejected: [{ seq: 1, reason: '金额应为 250.00' }] });
    await expect(refused).rejects.toMatchObject({
      code: 'DEBIT_RESULT_UNREADABLE',
      message: '银行回盘文件无法识别：缺少“处理结果”列',
    });
    expect(parseResultFile('')).toEqual({ problem: 'no_header' });
  });

  it('writes the bank file to DATA_DIR/debit/<estate>-<yyyymm>.csv when run locally, and nowhere in Lambda', async () => {
    // Prepare
    const store = await seedBilled();
    const dataDir = mkdtempSync(join(tmpdir(), 'desk-debit-'));
    const local = { debitFiles: () => debitFileSinkFromEnv({ DATA_DIR: dataDir }) };
    // Act
    const first = await runSchedule(store, 'debit-batch', sh('2026-12-15', 7), local);
    const replay = await runSchedule(store, 'debit-batch', sh('2026-12-15', 8), local);
    // Assess
    const path = join(dataDir, 'debit', 'lhy-202612.csv');
    expect(first).toMatchObject({ batches: [{ rowCount: 2, file: path }] });
    expect(replay).toMatchObject({ batches: [{ replayed: true, file: path }] });
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.toString('utf8')).toBe((await debitBatchFile(store, 'lhy', '2026-12')).content);
    expect(bytes.toString('utf8')).toContain(`1,3-2-1601,业主3-2-1601,${ACCOUNT_NO},250.00,物业费2026-12\r\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(debitFileSinkFromEnv({ DATA_DIR: dataDir, AWS_LAMBDA_FUNCTION_NAME: 'desk-prod-fee-schedules' })).toBeUndefined();
    expect(debitFileSinkFromEnv({})).toBeUndefined();
  });
});
