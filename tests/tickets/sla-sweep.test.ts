import { describe, expect, it } from 'vitest';
import { scheduleHandler } from '../../functions/core/schedule-handler';
import { allSchedules } from '../../functions/manifest';
import type { Store } from '../../functions/store/client';
import { runTicketSlaSweep } from '../../functions/tickets/sla-sweep.handler';
import { createTicket, ticketDetail, transitionTicket } from '../../functions/tickets/tickets.commands';
import { CreateTicketBody, TransitionBody } from '../../functions/tickets/tickets.schema';
import { allItems } from '../support/store';
import { as, CS_LEAD, DEPT_HEAD, seedTickets, sh } from './tickets-seed';

const sweep = (store: Store, scheduled: Date, clock = scheduled) =>
  scheduleHandler(runTicketSlaSweep, { store: () => store, clock: () => clock })({
    scheduleId: 'ticket-sla-sweep',
    scheduledTime: scheduled.toISOString(),
  });

const ofKind = async (store: Store, kind: string) =>
  (await allItems(store)).filter((item) => item.topic === 'notice.staff' && (item.payload as { kind: string }).kind === kind);

const DESK = { id: 'desk-zhang', name: '张三' };

describe('ticket-sla-sweep', () => {
  it('is a manifest schedule running every 15 minutes on Beijing time', () => {
    const found = allSchedules().find(({ schedule }) => schedule.id === 'ticket-sla-sweep');
    expect(found?.schedule).toMatchObject({ expression: 'rate(15 minutes)', timezone: 'Asia/Shanghai' });
    expect(found?.fn.entry).toBe('functions/tickets/sla-sweep.handler.ts');
  });

  it('opens exactly one complaint record for a complaint still open one working day later, however often it runs', async () => {
    // Prepare: received Wed 30 Sep 15:00, resident contacted at once; 1–7 Oct is the National Day holiday
    const store = await seedTickets();
    const desk = as('front_desk', DESK.id, DESK.name, sh('2026-09-30T15:00:00'));
    const { result } = await createTicket(
      store,
      desk,
      'lhy',
      CreateTicketBody.parse({ channel: 'walk_in', kind: 'complaint', unitCode: '3-2-1501', description: '邻居装修噪音' }),
    );
    await transitionTicket(
      store,
      { ...desk, now: sh('2026-09-30T15:10:00') },
      'lhy',
      result.ticketId,
      TransitionBody.parse({ action: 'contact', note: '已电话安抚业主' }),
    );
    // Act
    const inHoliday = await sweep(store, sh('2026-10-05T15:15:00'));
    const first = await sweep(store, sh('2026-10-08T15:15:00'));
    const replay = await sweep(store, sh('2026-10-08T15:15:00'), sh('2026-10-08T15:16:30'));
    const next = await sweep(store, sh('2026-10-08T15:30:00'));
    // Assess
    expect(inHoliday).toMatchObject({ escalated: 0, complaintRecords: 0 });
    expect(first).toMatchObject({ runId: 'ticket-sla-sweep:2026-10-08T07:15Z', escalated: 1, complaintRecords: 1, failed: 0 });
    expect(replay).toMatchObject({ escalated: 0, complaintRecords: 0 });
    expect(next).toMatchObject({ escalated: 0, complaintRecords: 0, alreadyDone: 1 });
    const records = (await allItems(store)).filter((item) => item.type === 'complaintRecord');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ ticketNo: 'GD000001', reason: 'overdue', reasonLabel: '投诉超过一个工作日未关闭' });
    const told = await ofKind(store, 'ticket.complaint_record');
    expect(told).toHaveLength(1);
    expect(told[0]?.payload).toMatchObject({ recipientRole: 'cs_lead', recipient: CS_LEAD });
    const detail = await ticketDetail(store, 'lhy', result.ticketId, sh('2026-10-08T15:31:00'));
    expect(detail.complaintRecord).toBeDefined();
    expect(detail.escalations).toHaveLength(1);
    expect(detail.log.at(-1)).toMatchObject({ event: 'escalation', actor: { role: 'system' }, source: 'schedule' });
  });

  it('opens one complaint record when two runs overlap', async () => {
    // Prepare
    const store = await seedTickets();
    const desk = as('front_desk', DESK.id, DESK.name, sh('2026-11-20T10:00:00'));
    await createTicket(
      store,
      desk,
      'lhy',
      CreateTicketBody.parse({ channel: 'phone', kind: 'complaint', unitCode: '3-2-1501', description: '物业费收据未送达' }),
    );
    // Act: Fri 10:00 + 1 working day = Mon 23 Nov 10:00; two slots run at the same time
    const [a, b] = await Promise.all([sweep(store, sh('2026-11-23T10:15:00')), sweep(store, sh('2026-11-23T10:30:00'))]);
    // Assess
    expect(a.complaintRecords + b.complaintRecords).toBe(1);
    expect((await allItems(store)).filter((item) => item.type === 'complaintRecord')).toHaveLength(1);
    expect(await ofKind(store, 'ticket.complaint_record')).toHaveLength(1);
  });

  it('escalates a breach to the CS lead once, then to the department head, and leaves met clocks alone', async () => {
    // Prepare: a repair received Mon 16 Nov 10:00 that nobody contacts
    const store = await seedTickets();
    const desk = as('front_desk', DESK.id, DESK.name, sh('2026-11-16T10:00:00'));
    await createTicket(
      store,
      desk,
      'lhy',
      CreateTicketBody.parse({ channel: 'phone', kind: 'repair', unitCode: '3-2-1501', description: '空调外机异响' }),
    );
    const contacted = await createTicket(
      store,
      desk,
      'lhy',
      CreateTicketBody.parse({
        channel: 'phone',
        kind: 'repair',
        unitCode: '3-2-1501',
        description: '门禁卡失灵',
        visitNeeded: false,
      }),
    );
    await transitionTicket(
      store,
      desk,
      'lhy',
      contacted.result.ticketId,
      TransitionBody.parse({ action: 'contact', note: '已回电' }),
    );
    // Act
    const early = await sweep(store, sh('2026-11-17T09:45:00'));
    const dayLater = await sweep(store, sh('2026-11-17T10:15:00'));
    const again = await sweep(store, sh('2026-11-17T10:30:00'));
    const twoDays = await sweep(store, sh('2026-11-18T10:15:00'));
    // Assess
    expect(early.escalated).toBe(0);
    expect(dayLater).toMatchObject({ checked: 2, escalated: 1 });
    expect(again).toMatchObject({ escalated: 0, alreadyDone: 1 });
    expect(twoDays).toMatchObject({ escalated: 2, alreadyDone: 1 }); // contact → head; on site → CS lead
    const breaches = await ofKind(store, 'ticket.sla_breach');
    expect(breaches.map((n) => n.payload as { clock: string; level: number; recipient: { name: string } })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ clock: 'contact', level: 1, recipient: { id: CS_LEAD.id, name: CS_LEAD.name } }),
        expect.objectContaining({ clock: 'contact', level: 2, recipient: { id: DEPT_HEAD.id, name: DEPT_HEAD.name } }),
        expect.objectContaining({ clock: 'on_site', level: 1 }),
      ]),
    );
    expect(breaches).toHaveLength(3);
  });
});
