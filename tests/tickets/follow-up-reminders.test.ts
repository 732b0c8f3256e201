import { describe, expect, it } from 'vitest';
import { allSchedules } from '../../functions/manifest';
import type { Store } from '../../functions/store/client';
import { putTicketSettings } from '../../functions/tickets/setup.commands';
import { createTicket, followUpTicket, transitionTicket } from '../../functions/tickets/tickets.commands';
import { CreateTicketBody, FollowUpBody, TicketSettingsBody, TransitionBody } from '../../functions/tickets/tickets.schema';
import { recordingPort, runSchedule } from '../schedules/schedules-seed';
import { allItems, context } from '../support/store';
import { as, DAY_TECH, seedTickets, sh } from './tickets-seed';

const ZHANG = { id: 'desk-zhang', name: '张三' };
const step = (body: Record<string, unknown>) => TransitionBody.parse(body);

/** An emergency received, taken and completed by the day technician at `doneAt` (Beijing wall clock). */
const doneTicket = async (store: Store, description: string, receivedAt: string, doneAt: string) => {
  const desk = as('front_desk', ZHANG.id, ZHANG.name, sh(receivedAt));
  const tech = as('engineering', DAY_TECH.id, DAY_TECH.name, sh(doneAt));
  const { result } = await createTicket(
    store,
    desk,
    'lhy',
    CreateTicketBody.parse({ channel: 'phone', kind: 'emergency', unitCode: '3-2-1501', description }),
  );
  await transitionTicket(store, tech, 'lhy', result.ticketId, step({ action: 'accept' }));
  await transitionTicket(store, tech, 'lhy', result.ticketId, step({ action: 'complete', note: '已处理' }));
  return result.ticketId;
};

const visit = (store: Store, ticketId: string, at: string, satisfaction = 'satisfied') =>
  followUpTicket(
    store,
    as('front_desk', ZHANG.id, ZHANG.name, sh(at)),
    'lhy',
    ticketId,
    FollowUpBody.parse({ satisfaction, result: satisfaction === 'dissatisfied' ? '仍有渗水' : '业主表示已修好' }),
  );

const followUpReminders = async (store: Store) =>
  (await allItems(store))
    .filter((item) => item.type === 'reminder' && item.kind === 'follow_up_due')
    .sort((a, b) => String(a.dedupKey).localeCompare(String(b.dedupKey)));

describe('ticket-follow-ups', () => {
  it('is a manifest schedule every day at 10:00, Beijing time', () => {
    const found = allSchedules().find(({ schedule }) => schedule.id === 'ticket-follow-ups');
    expect(found?.schedule).toMatchObject({ expression: 'cron(0 10 * * ? *)', timezone: 'Asia/Shanghai' });
    expect(found?.fn.entry).toBe('functions/schedules/schedules.handler.ts');
  });

  it('reminds once when the follow-up window of a done ticket ends, once more when it has passed, and stops after the visit', async () => {
    // Prepare: both done on Wed 30 Sep; 1–7 Oct is the National Day holiday, so one working day later is Thu 8 Oct.
    // GD000002 is visited on the 8th before the run; GD000003 is an inquiry (answered, no visit needed).
    const store = await seedTickets('followups');
    const late = await doneTicket(store, '楼上跑水', '2026-09-30T10:00:00', '2026-09-30T15:00:00');
    const visited = await doneTicket(store, '电梯困人', '2026-09-30T11:00:00', '2026-09-30T11:40:00');
    const desk = as('front_desk', ZHANG.id, ZHANG.name, sh('2026-09-30T12:00:00'));
    const inquiry = await createTicket(
      store,
      desk,
      'lhy',
      CreateTicketBody.parse({ channel: 'phone', kind: 'inquiry', unitCode: '3-2-1501', description: '停水时间' }),
    );
    await transitionTicket(store, desk, 'lhy', inquiry.result.ticketId, step({ action: 'answer', note: '明天9点到12点' }));
    await visit(store, visited, '2026-10-08T09:00:00');
    const { port, sent } = recordingPort();
    const deps = { ports: () => [port] };
    // Act
    const inHoliday = await runSchedule(store, 'ticket-follow-ups', sh('2026-10-05T10:00:00'), deps);
    const dueDay = await runSchedule(store, 'ticket-follow-ups', sh('2026-10-08T10:00:00'), deps);
    const dueAgain = await runSchedule(store, 'ticket-follow-ups', sh('2026-10-08T10:00:00'), deps);
    const overdue = await runSchedule(store, 'ticket-follow-ups', sh('2026-10-09T10:00:00'), deps);
    const overdueAgain = await runSchedule(store, 'ticket-follow-ups', sh('2026-10-10T10:00:00'), deps);
    await visit(store, late, '2026-10-10T15:00:00');
    const afterVisit = await runSchedule(store, 'ticket-follow-ups', sh('2026-10-12T10:00:00'), deps);
    // Assess
    expect(inHoliday).toMatchObject({ runId: 'ticket-follow-ups:2026-10-05', raised: 0, checked: 0 });
    expect(dueDay).toMatchObject({ runId: 'ticket-follow-ups:2026-10-08', raised: 1, reminders: ['followup:GD000001:r0:due'] });
    expect(dueAgain).toMatchObject({ raised: 0, alreadyDone: 1 });
    expect(overdue).toMatchObject({ raised: 1, reminders: ['followup:GD000001:r0:overdue'] });
    expect(overdueAgain).toMatchObject({ raised: 0, alreadyDone: 1 });
    expect(afterVisit).toMatchObject({ raised: 0, checked: 0 });
    expect(sent).toEqual(['followup:GD000001:r0:due', 'followup:GD000001:r0:overdue']);
    const records = await followUpReminders(store);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      dedupKey: 'followup:GD000001:r0:due',
      kindLabel: '回访提醒',
      stageLabel: '回访到期',
      unitCode: '3-2-1501',
      subject: 'GD000001',
      period: '2026-09-30',
      raisedOn: '2026-10-08',
      status: 'sent',
    });
    expect(String(records[0]?.text)).toBe(
      '【绿湖苑】工单 GD000001【紧急事件】3-2-1501 已于9月30日处理完成，今日（10月8日）为回访时限，请首问责任人 张三 回访业主并登记回访结果。',
    );
    expect(records[1]).toMatchObject({ stageLabel: '回访超期', ageDays: 1 });
    expect(String(records[1]?.text)).toContain('回访时限10月8日已过1天仍未回访');
  });

  it('follows the estate’s follow-up window and reminds again for a ticket reopened and done again', async () => {
    // Prepare: a window of 2 working days; done Fri 13 Nov → due Tue 17 Nov; reopened, done again Wed 18 → due Fri 20
    const store = await seedTickets('followups-window');
    await putTicketSettings(store, context('cs_lead'), 'lhy', TicketSettingsBody.parse({ sla: { followUpWorkingDays: 2 } }));
    const id = await doneTicket(store, '卫生间漏水', '2026-11-13T09:00:00', '2026-11-13T11:00:00');
    const { port } = recordingPort();
    const deps = { ports: () => [port] };
    // Act
    const nextWorkingDay = await runSchedule(store, 'ticket-follow-ups', sh('2026-11-16T10:00:00'), deps);
    const due = await runSchedule(store, 'ticket-follow-ups', sh('2026-11-17T10:00:00'), deps);
    await visit(store, id, '2026-11-17T14:00:00', 'dissatisfied');
    const tech = as('engineering', DAY_TECH.id, DAY_TECH.name, sh('2026-11-18T16:00:00'));
    await transitionTicket(
      store,
      as('front_desk', ZHANG.id, ZHANG.name, sh('2026-11-18T15:00:00')),
      'lhy',
      id,
      step({ action: 'dispatch', assignee: DAY_TECH }),
    );
    await transitionTicket(store, tech, 'lhy', id, step({ action: 'accept' }));
    await transitionTicket(store, tech, 'lhy', id, step({ action: 'complete', note: '重新打胶' }));
    const secondRound = await runSchedule(store, 'ticket-follow-ups', sh('2026-11-20T10:00:00'), deps);
    // Assess
    expect(nextWorkingDay).toMatchObject({ raised: 0, checked: 0 });
    expect(due).toMatchObject({ raised: 1, reminders: ['followup:GD000001:r0:due'] });
    expect(secondRound).toMatchObject({ raised: 1, reminders: ['followup:GD000001:r1:due'] });
  });
});
