import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getReminderSettings, putReminderSettings } from '../../functions/schedules/reminders.commands';
import { maskWebhookUrl } from '../../functions/schedules/reminders.domain';
import { ReminderSettingsBody } from '../../functions/schedules/reminders.schema';
import type { Store } from '../../functions/store/client';
import { allItems, context } from '../support/store';
import { recordingPort, runSchedule, seedSchedules, sh } from './schedules-seed';

/** The estate's own WeCom group robot: a local HTTP endpoint that records what it is sent. */
let server: Server;
let robotUrl = '';
const received: Array<{ path: string; body: { text: { content: string } } }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(raw) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  robotUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cgi-bin/webhook/send?key=693axxxx-7aoc-4bc4-97a0-0ec2sifa5aaa`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const put = (store: Store, body: Record<string, unknown>, role: 'cs_lead' | 'centre_head' = 'cs_lead') =>
  putReminderSettings(store, context(role), 'lhy', ReminderSettingsBody.parse(body));

describe('reminder settings', () => {
  it('shows the defaults, saves new stages and the estate’s robot, and never shows or logs the robot’s key', async () => {
    // Prepare
    const store = await seedSchedules([]);
    // Act
    const defaults = await getReminderSettings(store, 'lhy');
    const saved = await put(store, {
      preDebitDaysBefore: 5,
      debitFailedDaysAfter: 2,
      agingDays: [60, 30, 120],
      channels: ['sheet', 'wecom'],
      wecomWebhookUrl: robotUrl,
    });
    const read = await getReminderSettings(store, 'lhy');
    // Assess
    expect(defaults).toMatchObject({
      debitDay: 15,
      preDebitDaysBefore: 3,
      debitFailedDaysAfter: 1,
      agingDays: [30, 60, 90],
      wecomWebhookConfigured: false,
      version: 0,
    });
    expect(defaults.stages.map((s) => s.when)).toEqual([
      '每月12日至14日（托收日15日前3天起），本月托收日前到期的欠费',
      '每月16日起（托收日后第1天），有托收协议仍欠费的单元',
      '欠费逾期满30天',
      '欠费逾期满60天',
      '欠费逾期满90天',
    ]);
    expect(saved.result).toMatchObject({ version: 1, agingDays: [30, 60, 120], channelLabels: ['提醒表', '企业微信群'] });
    expect(read).toMatchObject({
      preDebitDaysBefore: 5,
      debitFailedDaysAfter: 2,
      wecomWebhookConfigured: true,
      wecomWebhookUrlMasked: expect.stringMatching(/\/cgi-bin\/webhook\/send\?key=693a\*\*\*\*5aaa$/),
      updatedBy: { id: 'u-cs_lead' },
      version: 1,
    });
    expect(JSON.stringify(read)).not.toContain('7aoc');
    const trail = (await allItems(store)).filter((item) => item.type === 'audit' || item.type === 'outbox');
    expect(trail.filter((item) => item.entityType === 'reminderSettings')).toHaveLength(2);
    expect(JSON.stringify(trail)).not.toContain('7aoc');
    expect(maskWebhookUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=short')).toBe(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****',
    );
  });

  it('changes only the fields given, removes the robot with null, and refuses a stale version', async () => {
    // Prepare
    const store = await seedSchedules([]);
    await put(store, { agingDays: [45], wecomWebhookUrl: robotUrl });
    // Act
    const cleared = await put(store, { wecomWebhookUrl: null, expectedVersion: 1 }, 'centre_head');
    const stale = put(store, { preDebitDaysBefore: 0, expectedVersion: 1 });
    // Assess
    expect(cleared.result).toMatchObject({ agingDays: [45], preDebitDaysBefore: 3, wecomWebhookConfigured: false, version: 2 });
    await expect(stale).rejects.toMatchObject({ code: 'VERSION_CONFLICT', status: 409 });
    expect(() => ReminderSettingsBody.parse({ wecomWebhookUrl: 'http://example.com/hook' })).toThrow('机器人地址须为 https 网址');
    expect(() => ReminderSettingsBody.parse({ agingDays: [30, 30] })).toThrow('逾期天数不能重复');
    expect(() => ReminderSettingsBody.parse({ channels: [] })).toThrow('至少选择一个提醒渠道');
  });

  it('raises overdue reminders at the estate’s stages and posts them to the estate’s own robot', async () => {
    // Prepare: December's fee is due on the 15th; the estate reminds 5 days ahead and not after a failed debit
    const store = await seedSchedules([{ code: '3-2-1601', area: '100.00', status: 'occupied', debit: true }]);
    await runSchedule(store, 'monthly-billing', sh('2026-12-01', 1));
    await put(store, {
      preDebitDaysBefore: 5,
      debitFailedDaysAfter: 0,
      channels: ['sheet', 'log', 'wecom'],
      wecomWebhookUrl: robotUrl,
    });
    const { port, sent } = recordingPort('log');
    const deps = { ports: () => [port] };
    received.length = 0;
    // Act
    const tenth = await runSchedule(store, 'overdue-reminders', sh('2026-12-10', 9, 5), deps);
    const sixteenth = await runSchedule(store, 'overdue-reminders', sh('2026-12-16', 9, 5), deps);
    // Assess: with the defaults the 10th is too early and the 16th raises debit_failed
    expect(tenth).toMatchObject({ raised: 1, reminders: ['overdue:3-2-1601:2026-12:pre_debit'] });
    expect(sixteenth).toMatchObject({ raised: 0 });
    expect(sent).toEqual(['overdue:3-2-1601:2026-12:pre_debit']);
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe('/cgi-bin/webhook/send?key=693axxxx-7aoc-4bc4-97a0-0ec2sifa5aaa');
    expect(received[0]?.body.text.content).toContain('3-2-1601 业主您好');
    const [record] = (await allItems(store)).filter((item) => item.type === 'reminder');
    expect(record).toMatchObject({ status: 'sent', channels: ['sheet', 'log', 'wecom'] });
  });
});
