import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../functions/store/client';
import { keys } from '../../functions/store/keys';
import { createTicket } from '../../functions/tickets/tickets.commands';
import { CreateTicketBody } from '../../functions/tickets/tickets.schema';
import { allItems } from '../support/store';
import { as, seedTickets } from '../tickets/tickets-seed';
import { recordingPort, runSchedule, seedSchedules, sh } from './schedules-seed';

/** A permit in the state the renovation commands leave it in (only the fields the reminders read). */
const putPermit = (store: Store, permitId: string, unitCode: string, over: Record<string, unknown>) =>
  store.doc.send(
    new PutCommand({
      TableName: store.tableName,
      Item: {
        ...keys.renovationPermit('lhy', unitCode, permitId),
        ...keys.renovationIndex('lhy', permitId),
        type: 'renovationPermit',
        permitId,
        estateId: 'lhy',
        unitCode,
        permitNo: `ZX${permitId}`,
        status: 'active',
        term: { from: '2026-08-01', to: '2026-10-31' },
        extensions: [],
        passes: [],
        inspections: [],
        ...over,
      },
    }),
  );

describe('renovation-reminders', () => {
  it('reminds of a deposit refund on the due working day counted across the National Day holiday, once', async () => {
    // Prepare: inspection passed Mon 28 Sep 2026; 1–7 Oct holiday, Sat 10 Oct a make-up working day → due Tue 13 Oct
    const store = await seedSchedules([]);
    await putPermit(store, '0001', '3-2-1501', {
      status: 'inspected',
      inspections: [{ result: 'pass', date: '2026-09-28', findings: [] }],
      refundDueDate: '2026-10-13',
    });
    const { port, sent } = recordingPort();
    const deps = { ports: () => [port] };
    // Act
    const before = await runSchedule(store, 'renovation-reminders', sh('2026-10-12', 9, 30), deps);
    const due = await runSchedule(store, 'renovation-reminders', sh('2026-10-13', 9, 30), deps);
    const again = await runSchedule(store, 'renovation-reminders', sh('2026-10-13', 9, 30), deps);
    const later = await runSchedule(store, 'renovation-reminders', sh('2026-10-14', 9, 30), deps);
    // Assess
    expect(before).toMatchObject({ raised: 0 });
    expect(due).toMatchObject({
      runId: 'renovation-reminders:2026-10-13',
      raised: 1,
      reminders: ['renovation:0001:deposit_refund_due'],
    });
    expect(again).toMatchObject({ raised: 0, alreadyDone: 1 });
    expect(later).toMatchObject({ raised: 0, alreadyDone: 1 });
    expect(sent).toEqual(['renovation:0001:deposit_refund_due']);
    const [record] = (await allItems(store)).filter((item) => item.type === 'reminder');
    expect(record).toMatchObject({ stage: 'deposit_refund_due', period: '2026-10-13', status: 'sent' });
    expect(String(record?.text)).toContain('9月28日验收合格，装修押金自10月13日起可办理退还');
  });

  it('reminds of a permit ending within 7 days and of passes not returned after it ended', async () => {
    // Prepare
    const store = await seedSchedules([]);
    await putPermit(store, '0002', '3-2-1501', { term: { from: '2026-09-01', to: '2026-11-25' } });
    await putPermit(store, '0003', '3-2-1601', {
      term: { from: '2026-08-01', to: '2026-11-10' },
      passes: [
        { passNo: 'P001', validUntil: '2026-11-10', issuedOn: '2026-08-01', extensions: [] },
        { passNo: 'P002', validUntil: '2026-11-10', issuedOn: '2026-08-01', extensions: [], returnedOn: '2026-11-09' },
      ],
    });
    const { port } = recordingPort();
    // Act
    const outcome = await runSchedule(store, 'renovation-reminders', sh('2026-11-20', 9, 30), { ports: () => [port] });
    // Assess
    expect((outcome as { reminders: string[] }).reminders.sort()).toEqual([
      'renovation:0002:expiring:2026-11-25',
      'renovation:0003:passes_out:2026-11-10',
    ]);
    const texts = (await allItems(store)).filter((item) => item.type === 'reminder').map((item) => String(item.text));
    expect(texts.some((t) => t.includes('仍有 1 张装修人员出入证未交回（P001）'))).toBe(true);
  });
});

describe('ticket-stock-take', () => {
  it('lists every unclosed ticket with its first-contact owner in one notice a day', async () => {
    // Prepare
    const store = await seedTickets('stocktake');
    const desk = as('front_desk', 'desk-zhang', '张三', sh('2026-11-20', 10));
    await createTicket(
      store,
      desk,
      'lhy',
      CreateTicketBody.parse({ channel: 'phone', kind: 'repair', unitCode: '3-2-1501', description: '厨房水龙头漏水' }),
    );
    const { port, sent } = recordingPort();
    // Act
    const first = await runSchedule(store, 'ticket-stock-take', sh('2026-11-20', 17), { ports: () => [port] });
    const again = await runSchedule(store, 'ticket-stock-take', sh('2026-11-20', 17), { ports: () => [port] });
    // Assess
    expect(first).toMatchObject({ runId: 'ticket-stock-take:2026-11-20', raised: 1 });
    expect(again).toMatchObject({ raised: 0, alreadyDone: 1 });
    expect(sent).toEqual(['stocktake:2026-11-20']);
    const [record] = (await allItems(store)).filter((item) => item.type === 'reminder');
    expect(String(record?.text)).toMatch(/未关闭工单 1 件[\s\S]*GD000001 维修 3-2-1501 .* 首问：张三/);
  });

  it('sends no stock-take notice when no ticket is open', async () => {
    // Prepare
    const store = await seedSchedules([]);
    const { port, sent } = recordingPort();
    // Act
    const outcome = await runSchedule(store, 'ticket-stock-take', sh('2026-11-20', 17), { ports: () => [port] });
    // Assess
    expect(outcome).toMatchObject({ runId: 'ticket-stock-take:2026-11-20', raised: 0 });
    expect(sent).toEqual([]);
  });
});
