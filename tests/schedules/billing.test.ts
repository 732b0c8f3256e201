import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../functions/core/roles';
import { PostChargesBody } from '../../functions/fees/fees.schema';
import { postCharges, postPayment } from '../../functions/fees/ledger.commands';
import { allSchedules } from '../../functions/manifest';
import { runMonthlyBilling } from '../../functions/schedules/billing.commands';
import { keys } from '../../functions/store/keys';
import { allItems, context } from '../support/store';
import { addParking, runSchedule, seedSchedules, sh } from './schedules-seed';

const chargesOf = async (store: Awaited<ReturnType<typeof seedSchedules>>) =>
  (await allItems(store)).filter((item) => item.type === 'ledgerEntry' && item.entryKind === 'charge');

const byUnit = (charges: Array<Record<string, unknown>>) => {
  const counts: Record<string, number> = {};
  for (const c of charges) counts[String(c.unitCode)] = (counts[String(c.unitCode)] ?? 0) + 1;
  return counts;
};

describe('monthly-billing', () => {
  it('is a manifest schedule on the 1st of the month, Beijing time', () => {
    const found = allSchedules().find(({ schedule }) => schedule.id === 'monthly-billing');
    expect(found?.schedule).toMatchObject({ expression: 'cron(0 1-6 1 * ? *)', timezone: 'Asia/Shanghai' });
    expect(found?.fn.entry).toBe('functions/schedules/schedules.handler.ts');
  });

  it('charges each received unit once when the month is billed twice', async () => {
    // Prepare: 3-2-1501 (seed, 未交房) is not billed; 3-2-1601 occupied; 3-2-1701 received on 10 Dec (pro-rated)
    const store = await seedSchedules([
      { code: '3-2-1601', area: '100.00', status: 'occupied' },
      { code: '3-2-1701', area: '120.00', status: 'handed_over', receivedOn: '2026-12-10' },
    ]);
    // Act
    const first = await runSchedule(store, 'monthly-billing', sh('2026-12-01', 1));
    const second = await runSchedule(store, 'monthly-billing', sh('2026-12-01', 2));
    // Assess
    expect(first).toMatchObject({ runId: 'monthly-billing:2026-12', runs: [{ done: true, billed: 2, skipped: 1 }] });
    expect(second).toMatchObject({ runs: [{ done: true, billed: 2, resumed: true }] });
    const charges = await chargesOf(store);
    expect(byUnit(charges)).toEqual({ '3-2-1601': 1, '3-2-1701': 1 });
    const audits = (await allItems(store)).filter((item) => item.type === 'audit' && item.action === 'monthlyBilling');
    expect(audits.map((a) => a.command)).toEqual(['schedules.billUnits', 'schedules.billUnits']); // one group transaction
    const full = charges.find((c) => c.unitCode === '3-2-1601');
    expect(full).toMatchObject({ itemCode: 'property_fee', period: '2026-12', amountFen: 25000, dueDate: '2026-12-15' });
    // 120 ㎡ × 2.50 = 300.00 a month; 10–31 Dec is 22 of 31 days → 212.90
    const proRated = charges.find((c) => c.unitCode === '3-2-1701');
    expect(proRated).toMatchObject({ amountFen: 21290, periodFrom: '2026-12-10', proRated: { from: '2026-12-10' } });
  });

  it('bills every unit exactly once when a run crashes in the middle and is run again', async () => {
    // Prepare: seven occupied units, chunks of two
    const codes = ['3-1-0101', '3-1-0201', '3-1-0301', '3-1-0401', '3-1-0501', '3-1-0601', '3-1-0701'];
    const store = await seedSchedules(codes.map((code) => ({ code, area: '80.00', status: 'occupied' as const })));
    const ctx = context('centre_head', { actor: SYSTEM_ACTOR, source: 'schedule', now: sh('2026-12-01', 1) });
    const input = { estateId: 'lhy', month: '2026-12', billingDate: '2026-12-01' };
    let billedBeforeCrash = 0;
    // Act: the process dies before the fifth unit
    const crashed = runMonthlyBilling(store, ctx, input, {
      chunkSize: 2,
      concurrency: 1,
      beforeUnit: (unitCode) => {
        if (unitCode === '3-1-0501') throw new Error('injected crash');
        billedBeforeCrash += 1;
      },
    });
    await expect(crashed).rejects.toThrow('injected crash');
    const afterCrash = byUnit(await chargesOf(store));
    const rerun = await runMonthlyBilling(store, { ...ctx, now: sh('2026-12-01', 2) }, input, { chunkSize: 2, concurrency: 1 });
    const again = await runMonthlyBilling(store, { ...ctx, now: sh('2026-12-01', 3) }, input, { chunkSize: 2 });
    // Assess
    expect(billedBeforeCrash).toBe(4);
    expect(Object.keys(afterCrash)).toHaveLength(4);
    expect(rerun).toMatchObject({ resumed: true, done: true, failed: 0 });
    expect(again).toMatchObject({ done: true });
    const counts = byUnit(await chargesOf(store));
    expect(counts).toEqual(Object.fromEntries(codes.map((code) => [code, 1])));
    const account = (await allItems(store)).find((item) => item.type === 'ledgerAccount' && item.unitCode === '3-1-0701');
    expect(account).toMatchObject({ owedFen: 20000, version: 1 });
  });

  it('charges the parking month that starts in the billed month, once', async () => {
    // Prepare: signed up on 3 Nov; Nov's parking month was charged at check-in
    const store = await seedSchedules([{ code: '3-2-1601', area: '100.00', status: 'occupied' }]);
    await addParking(store, '3-2-1601', 'B2-018', '2026-11-03');
    // Act
    await runSchedule(store, 'monthly-billing', sh('2026-12-01', 1));
    await runSchedule(store, 'monthly-billing', sh('2026-12-01', 1));
    // Assess
    const parking = (await chargesOf(store)).filter((c) => c.itemCode === 'parking_rent');
    expect(parking).toHaveLength(1);
    expect(parking[0]).toMatchObject({
      period: '2026-12-03~2027-01-02',
      amountFen: 30000,
      bayNo: 'B2-018',
      dueDate: '2026-12-03',
    });
  });

  it('lets one of two overlapping runs for the same estate and month work and reports the other as busy', async () => {
    // Prepare: six units; each unit takes a moment, so the two triggers overlap
    const codes = ['3-1-0101', '3-1-0201', '3-1-0301', '3-1-0401', '3-1-0501', '3-1-0601'];
    const store = await seedSchedules(codes.map((code) => ({ code, area: '80.00', status: 'occupied' as const })));
    const slow = {
      billing: { chunkSize: 2, concurrency: 1, beforeUnit: () => new Promise<void>((resolve) => setTimeout(resolve, 40)) },
    };
    // Act: a double trigger of the 01:00 run
    const both = await Promise.all([
      runSchedule(store, 'monthly-billing', sh('2026-12-01', 1), slow),
      runSchedule(store, 'monthly-billing', sh('2026-12-01', 1), slow),
    ]);
    // Assess
    const runs = both.map((outcome) => (outcome as { runs: Array<Record<string, unknown>> }).runs[0]);
    const worked = runs.filter((run) => run?.done === true);
    const busy = runs.filter((run) => run?.busy === true);
    expect(worked).toHaveLength(1);
    expect(worked[0]).toMatchObject({ billed: 6, replayed: 0, failed: 0 });
    expect(busy).toHaveLength(1);
    expect(busy[0]).toMatchObject({
      runId: 'monthly-billing:lhy:2026-12',
      error: { code: 'BILLING_RUN_IN_PROGRESS', message: expect.stringContaining('正由另一个任务运行') },
    });
    expect(byUnit(await chargesOf(store))).toEqual(Object.fromEntries(codes.map((code) => [code, 1])));
    const run = (await allItems(store)).find((item) => item.type === 'scheduleRun');
    expect(run).toMatchObject({ done: true, billed: 6, skipped: 1, replayed: 0, chunks: 4 });
  });

  it('refuses a run while a dead runner’s lease holds, and resumes once the lease has expired', async () => {
    // Prepare: a run crashed after four units; its process died holding the lease until 01:15
    const codes = ['3-1-0101', '3-1-0201', '3-1-0301', '3-1-0401', '3-1-0501', '3-1-0601'];
    const store = await seedSchedules(codes.map((code) => ({ code, area: '80.00', status: 'occupied' as const })));
    const ctx = context('centre_head', { actor: SYSTEM_ACTOR, source: 'schedule', now: sh('2026-12-01', 1) });
    const input = { estateId: 'lhy', month: '2026-12', billingDate: '2026-12-01' };
    const crash = (unitCode: string) => {
      if (unitCode === '3-1-0501') throw new Error('process killed');
    };
    await expect(runMonthlyBilling(store, ctx, input, { chunkSize: 2, concurrency: 1, beforeUnit: crash })).rejects.toThrow(
      'process killed',
    );
    const runId = 'monthly-billing:lhy:2026-12';
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: {
          ...keys.scheduleLease(runId),
          type: 'scheduleLease',
          runId,
          holder: 'runner-that-died',
          acquiredAt: sh('2026-12-01', 1).toISOString(),
          leaseUntil: sh('2026-12-01', 1, 15).toISOString(),
        },
      }),
    );
    // Act
    const whileHeld = runMonthlyBilling(store, { ...ctx, now: sh('2026-12-01', 1, 5) }, input, { chunkSize: 2 });
    await expect(whileHeld).rejects.toMatchObject({
      name: 'BillingRunInProgressError',
      code: 'BILLING_RUN_IN_PROGRESS',
      status: 409,
      details: { runId, leaseUntil: sh('2026-12-01', 1, 15).toISOString() },
    });
    const afterExpiry = await runMonthlyBilling(store, { ...ctx, now: sh('2026-12-01', 2) }, input, { chunkSize: 2 });
    // Assess
    expect(afterExpiry).toMatchObject({ resumed: true, done: true, billed: 6, failed: 0 });
    expect(byUnit(await chargesOf(store))).toEqual(Object.fromEntries(codes.map((code) => [code, 1])));
    const lease = (await allItems(store)).find((item) => item.type === 'scheduleLease');
    expect(lease).toMatchObject({ holder: expect.not.stringMatching('runner-that-died'), releasedAt: expect.any(String) });
  });

  it('bills a unit whose account changed after it was read on its own, and every other unit of its group with it', async () => {
    // Prepare: 3-1-0101 has no ledger yet when the chunk is read; while 3-1-0201 is planned, the owner of 3-1-0101
    // pays 100.00 ahead at the desk (credit). 3-1-0301 prepaid December at check-in.
    const codes = ['3-1-0101', '3-1-0201', '3-1-0301'];
    const store = await seedSchedules(codes.map((code) => ({ code, area: '80.00', status: 'occupied' as const })));
    const desk = context('front_desk', { now: sh('2026-11-25', 10) });
    await postCharges(
      store,
      desk,
      'lhy',
      '3-1-0301',
      PostChargesBody.parse({ itemCode: 'property_fee', month: '2026-11', months: 2 }),
    );
    await postPayment(store, desk, 'lhy', '3-1-0301', {
      amountFen: 40000,
      method: 'cash',
      voucher: { kind: 'receipt', bookId: 'R1' },
    });
    const ctx = context('centre_head', { actor: SYSTEM_ACTOR, source: 'schedule', now: sh('2026-12-01', 1) });
    let paid = false;
    const payDuringRun = async (unitCode: string) => {
      if (unitCode !== '3-1-0201' || paid) return;
      paid = true;
      await postPayment(store, { ...desk, now: sh('2026-12-01', 1) }, 'lhy', '3-1-0101', {
        amountFen: 10000,
        method: 'cash',
        voucher: { kind: 'receipt', bookId: 'R1' },
      });
    };
    // Act
    const run = await runMonthlyBilling(
      store,
      ctx,
      { estateId: 'lhy', month: '2026-12', billingDate: '2026-12-01' },
      {
        chunkSize: 10,
        concurrency: 1,
        beforeUnit: payDuringRun,
      },
    );
    // Assess: 3-1-0101 charged 200.00 less its 100.00 credit; 3-1-0201 charged; 3-1-0301 already had December
    expect(run).toMatchObject({ done: true, billed: 2, nothingDue: 1, skipped: 1, failed: 0 });
    const december = (await chargesOf(store)).filter((c) => c.period === '2026-12');
    expect(byUnit(december)).toEqual({ '3-1-0101': 1, '3-1-0201': 1, '3-1-0301': 1 });
    const accounts = (await allItems(store)).filter((item) => item.type === 'ledgerAccount');
    expect(accounts.find((a) => a.unitCode === '3-1-0101')).toMatchObject({ owedFen: 10000, creditFen: 0, version: 2 });
    expect(accounts.find((a) => a.unitCode === '3-1-0201')).toMatchObject({ owedFen: 20000, version: 1 });
    expect(accounts.find((a) => a.unitCode === '3-1-0301')).toMatchObject({ owedFen: 0 });
    // the group's transaction was refused as a whole; each of its units was then billed by its own command
    const audits = (await allItems(store)).filter((item) => item.type === 'audit' && item.action === 'monthlyBilling');
    expect(audits.map((a) => [a.entityId, a.command]).sort()).toEqual([
      ['lhy/3-1-0101', 'schedules.billUnit'],
      ['lhy/3-1-0201', 'schedules.billUnit'],
    ]);
    const records = (await allItems(store)).filter((item) => item.type === 'idempotency' && String(item.pk).includes('billing:'));
    expect(records.map((r) => String(r.pk)).sort()).toEqual(
      ['3-1-0101', '3-1-0201', '3-1-0301', '3-2-1501'].map((code) => `IDEMP#billing:lhy:2026-12:${code}`),
    );
  });
});
