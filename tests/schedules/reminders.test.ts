import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postPayment } from '../../functions/fees/ledger.commands';
import { type SnsLike, snsNotifier, wecomNotifier } from '../../functions/schedules/notify';
import { DEFAULT_REMINDER_SETTINGS, overdueRemindersFor } from '../../functions/schedules/reminders.domain';
import type { Store } from '../../functions/store/client';
import { allItems, context } from '../support/store';
import { recordingPort, runSchedule, seedSchedules, sh } from './schedules-seed';

const reminders = async (store: Store) =>
  (await allItems(store))
    .filter((item) => item.type === 'reminder')
    .sort((a, b) => String(a.dedupKey).localeCompare(String(b.dedupKey)));

/** A WeCom group-robot stand-in: a real HTTP server that records each POST and answers like WeCom does. */
let server: Server;
let url = '';
const received: Array<{ path: string; body: unknown }> = [];
let answer = { status: 200, body: { errcode: 0, errmsg: 'ok' } as Record<string, unknown> };

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(raw) });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cgi-bin/webhook/send?key=test-key`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('overdue-reminders', () => {
  it('reminds the right units at the right stages, once each, and not a unit that paid', async () => {
    // Prepare: 1601 pays by bank debit, 1701 at the desk; both billed for December
    const store = await seedSchedules([
      { code: '3-2-1601', area: '100.00', status: 'occupied', debit: true },
      { code: '3-2-1701', area: '120.00', status: 'occupied' },
    ]);
    await runSchedule(store, 'monthly-billing', sh('2026-12-01', 1));
    const { port, sent } = recordingPort();
    const deps = { ports: () => [port] };
    // Act
    const early = await runSchedule(store, 'overdue-reminders', sh('2026-12-11', 9, 5), deps);
    const pre = await runSchedule(store, 'overdue-reminders', sh('2026-12-12', 9, 5), deps);
    const preAgain = await runSchedule(store, 'overdue-reminders', sh('2026-12-12', 9, 5), deps);
    const preNextDay = await runSchedule(store, 'overdue-reminders', sh('2026-12-13', 9, 5), deps);
    await postPayment(store, context('front_desk', { now: sh('2026-12-14', 10) }), 'lhy', '3-2-1701', {
      amountFen: 30000,
      method: 'cash',
      voucher: { kind: 'receipt', bookId: 'R1' },
    });
    const failedDebit = await runSchedule(store, 'overdue-reminders', sh('2026-12-16', 9, 5), deps);
    const aged = await runSchedule(store, 'overdue-reminders', sh('2027-01-14'), deps);
    const agedAgain = await runSchedule(store, 'overdue-reminders', sh('2027-01-15'), deps);
    // Assess
    expect(early).toMatchObject({ raised: 0 });
    expect(pre).toMatchObject({ runId: 'overdue-reminders:2026-12-12', raised: 2 });
    expect(preAgain).toMatchObject({ raised: 0, alreadyDone: 2 });
    expect(preNextDay).toMatchObject({ raised: 0, alreadyDone: 2 });
    expect(failedDebit).toMatchObject({ raised: 1, reminders: ['overdue:3-2-1601:2026-12:debit_failed'] });
    // 14 Jan: December's fee is 30 days overdue, and it is also in January's pre-debit window
    expect(aged).toMatchObject({
      raised: 2,
      reminders: ['overdue:3-2-1601:2027-01:pre_debit', 'overdue:3-2-1601:2026-12:overdue_30'],
    });
    expect(agedAgain).toMatchObject({ raised: 0 });
    expect(sent).toEqual([
      'overdue:3-2-1601:2026-12:pre_debit',
      'overdue:3-2-1701:2026-12:pre_debit',
      'overdue:3-2-1601:2026-12:debit_failed',
      'overdue:3-2-1601:2027-01:pre_debit',
      'overdue:3-2-1601:2026-12:overdue_30',
    ]);
    const records = await reminders(store);
    expect(records.map((r) => r.dedupKey)).toEqual([
      'overdue:3-2-1601:2026-12:debit_failed',
      'overdue:3-2-1601:2026-12:overdue_30',
      'overdue:3-2-1601:2026-12:pre_debit',
      'overdue:3-2-1601:2027-01:pre_debit',
      'overdue:3-2-1701:2026-12:pre_debit',
    ]);
    const aging = records.find((r) => r.stage === 'overdue_30');
    expect(aging).toMatchObject({
      unitCode: '3-2-1601',
      period: '2026-12',
      totalFen: 25000,
      ageDays: 30,
      status: 'sent',
      statusLabel: '已发送',
      lines: [{ itemName: '物业服务费', period: '2026-12', outstandingFen: 25000, ageDays: 30 }],
    });
    expect(String(aging?.text)).toContain('已逾期30天');
    const pre1601 = records.find((r) => r.dedupKey === 'overdue:3-2-1601:2026-12:pre_debit');
    expect(String(pre1601?.text)).toContain('12月15日从您的托收账户银行代扣');
    expect(JSON.stringify(records)).not.toContain('6222021234567890123');
  });

  it('ages a reminder to the highest stage reached only', () => {
    // Prepare
    const facts = {
      unitCode: '3-2-1601',
      hasDebitAgreement: false,
      open: [
        { chargeId: 'A', itemName: '物业服务费', period: '2026-10', outstandingFen: 100, dueDate: '2026-10-15' },
        { chargeId: 'B', itemName: '物业服务费', period: '2026-11', outstandingFen: 100, dueDate: '2026-11-15' },
      ],
    };
    // Act
    const drafts = overdueRemindersFor('绿湖苑', facts, '2026-12-20', DEFAULT_REMINDER_SETTINGS);
    // Assess: Oct is 66 days overdue, Nov 35 → one 60-day reminder keyed by the newest period that reached 60
    expect(drafts.map((d) => d.dedupKey)).toEqual(['overdue:3-2-1601:2026-10:overdue_60']);
    expect(drafts[0]?.totalFen).toBe(200);
  });
});

describe('notification adapters', () => {
  it('posts the WeCom robot text message and publishes to SNS, recording each delivery', async () => {
    // Prepare
    const store = await seedSchedules([{ code: '3-2-1601', area: '100.00', status: 'occupied', debit: true }]);
    await runSchedule(store, 'monthly-billing', sh('2026-12-01', 1));
    const published: unknown[] = [];
    const sns: SnsLike = {
      async send(command) {
        published.push(command.input);
        return { MessageId: 'sns-1' };
      },
    };
    received.length = 0;
    answer = { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    const deps = { ports: () => [wecomNotifier(url), snsNotifier(sns, 'arn:aws-cn:sns:cn-north-1:1:reminders')] };
    // Act
    await runSchedule(store, 'overdue-reminders', sh('2026-12-12', 9, 5), deps);
    // Assess
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe('/cgi-bin/webhook/send?key=test-key');
    expect(received[0]?.body).toEqual({ msgtype: 'text', text: { content: expect.stringContaining('3-2-1601 业主您好') } });
    expect(published).toEqual([
      expect.objectContaining({
        TopicArn: 'arn:aws-cn:sns:cn-north-1:1:reminders',
        Message: expect.stringContaining('合计 ¥250.00'),
      }),
    ]);
    const [record] = await reminders(store);
    expect(record).toMatchObject({ status: 'sent', attempts: 1 });
    expect(((record?.deliveries ?? []) as Array<{ channel: string; ok: boolean }>).map((d) => [d.channel, d.ok])).toEqual([
      ['sheet', true],
      ['wecom', true],
      ['sns', true],
    ]);
  });

  it('records a failed WeCom delivery and delivers it on the next run without resending SNS', async () => {
    // Prepare
    const store = await seedSchedules([{ code: '3-2-1601', area: '100.00', status: 'occupied' }]);
    await runSchedule(store, 'monthly-billing', sh('2026-12-01', 1));
    let snsCalls = 0;
    const sns: SnsLike = {
      async send() {
        snsCalls += 1;
        return { MessageId: `m${snsCalls}` };
      },
    };
    const deps = { ports: () => [wecomNotifier(url), snsNotifier(sns, 'arn:topic')] };
    received.length = 0;
    answer = { status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } };
    // Act
    const first = await runSchedule(store, 'overdue-reminders', sh('2026-12-12', 9, 5), deps);
    const afterFailure = (await reminders(store))[0];
    answer = { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    const second = await runSchedule(store, 'overdue-reminders', sh('2026-12-13', 9, 5), deps);
    // Assess
    expect(first).toMatchObject({ raised: 0, deliveryFailed: 1 });
    expect(afterFailure).toMatchObject({ status: 'partial', statusLabel: '部分发送失败' });
    expect(JSON.stringify(afterFailure?.deliveries)).toContain('errcode=93000');
    expect(second).toMatchObject({ redelivered: 1 });
    expect((await reminders(store))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(received).toHaveLength(2);
    expect(snsCalls).toBe(1);
  });
});
