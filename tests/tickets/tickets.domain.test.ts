import { describe, expect, it } from 'vitest';
import { makeCalendar } from '../../functions/core/calendar.domain';
import { officialCalendar } from '../../functions/core/official-calendar';
import {
  computeSla,
  DEFAULT_ROUTING,
  DEFAULT_SLA,
  dueEscalations,
  findTransition,
  isOpenStatus,
  onDutyAt,
  routeTicket,
  stockTake,
  type Team,
  TICKET_STATUSES,
  type TicketRecord,
  type TicketStatus,
  TRANSITIONS,
} from '../../functions/tickets/tickets.domain';
import { sh } from './tickets-seed';

const calendar = makeCalendar(officialCalendar);
const team: Team = {
  estateId: 'lhy',
  code: 'engineering',
  name: '工程维修',
  lead: { id: 'lead', name: '李工长' },
  members: [],
};
const rosters = {
  today: {
    estateId: 'lhy',
    teamCode: 'engineering',
    date: '2026-09-30',
    shifts: [
      { from: '08:00', to: '20:00', staff: { id: 'day', name: '张师傅' } },
      { from: '20:00', to: '08:00', staff: { id: 'night', name: '刘师傅' } },
    ],
  },
  yesterday: {
    estateId: 'lhy',
    teamCode: 'engineering',
    date: '2026-09-29',
    shifts: [{ from: '20:00', to: '08:00', staff: { id: 'night-29', name: '周师傅' } }],
  },
};

const ticket = (overrides: Partial<TicketRecord>): TicketRecord => ({
  ticketId: '01KTICKET0000000000000000A',
  ticketNo: 'GD000001',
  number: 1,
  estateId: 'lhy',
  channel: 'phone',
  unitCode: '3-2-1501',
  kind: 'repair',
  description: '厨房水管漏水',
  receivedAt: sh('2026-11-16T10:00:00').toISOString(),
  receivedBy: { id: 'desk', name: '张三', role: 'front_desk' },
  owner: { id: 'desk', name: '张三' },
  status: 'new',
  routing: { mode: 'confirm_with_lead' },
  visitNeeded: true,
  sla: computeSla('repair', true, sh('2026-11-16T10:00:00'), DEFAULT_SLA, calendar),
  reopenCount: 0,
  version: 1,
  createdAt: sh('2026-11-16T10:00:00').toISOString(),
  updatedAt: sh('2026-11-16T10:00:00').toISOString(),
  ...overrides,
});

describe('tickets.domain', () => {
  it('sets a repair received before National Day to be solved on the make-up Saturday, 3 working days later', () => {
    // Prepare: Wed 30 Sep 2026 10:00; 1–7 Oct are holidays, Thu 8, Fri 9 and Sat 10 (make-up day) are working days
    const received = sh('2026-09-30T10:00:00');
    // Act
    const sla = computeSla('repair', true, received, DEFAULT_SLA, calendar);
    // Assess
    expect(sla.contactBy).toBe(sh('2026-10-01T10:00:00').toISOString()); // 24 h, clock hours
    expect(sla.onSiteBy).toBe(sh('2026-10-02T10:00:00').toISOString()); // 48 h
    expect(sla.solveBy).toBe(sh('2026-10-10T10:00:00').toISOString());
    expect(sla.complaintRecordBy).toBeUndefined();
  });

  it('gives a complaint received before the holiday its one-working-day mark on Thu 8 Oct', () => {
    const sla = computeSla('complaint', false, sh('2026-09-30T15:00:00'), DEFAULT_SLA, calendar);
    expect(sla.complaintRecordBy).toBe(sh('2026-10-08T15:00:00').toISOString());
    expect(sla.solveBy).toBe(sh('2026-10-10T15:00:00').toISOString());
    expect(sla.onSiteBy).toBeUndefined();
  });

  it('skips the weekend: a repair received on Friday is due on Wednesday, one received on Fri 9 Oct counts the make-up Saturday', () => {
    expect(computeSla('repair', true, sh('2026-11-20T10:00:00'), DEFAULT_SLA, calendar).solveBy).toBe(
      sh('2026-11-25T10:00:00').toISOString(),
    );
    expect(computeSla('complaint', false, sh('2026-11-20T10:00:00'), DEFAULT_SLA, calendar).complaintRecordBy).toBe(
      sh('2026-11-23T10:00:00').toISOString(),
    );
    expect(computeSla('repair', true, sh('2026-10-09T16:00:00'), DEFAULT_SLA, calendar).solveBy).toBe(
      sh('2026-10-13T16:00:00').toISOString(),
    );
  });

  it('times an emergency by the estate setting, in minutes and hours, holidays or not', () => {
    const sla = computeSla(
      'emergency',
      true,
      sh('2026-10-03T23:50:00'),
      { ...DEFAULT_SLA, emergency: { contactMinutes: 10, onSiteMinutes: 20, solveHours: 4 } },
      calendar,
    );
    expect(sla).toMatchObject({
      contactBy: sh('2026-10-04T00:00:00').toISOString(),
      onSiteBy: sh('2026-10-04T00:10:00').toISOString(),
      solveBy: sh('2026-10-04T03:50:00').toISOString(),
    });
  });

  it('finds the on-duty person: day shift, night shift past midnight, and the team lead when the roster is empty', () => {
    expect(onDutyAt(team, rosters, sh('2026-09-30T09:00:00')).staff.name).toBe('张师傅');
    expect(onDutyAt(team, rosters, sh('2026-09-30T22:00:00')).staff.name).toBe('刘师傅');
    expect(onDutyAt(team, rosters, sh('2026-09-30T03:00:00')).staff.name).toBe('周师傅'); // last night's shift
    expect(onDutyAt(team, {}, sh('2026-09-30T09:00:00'))).toMatchObject({ staff: { name: '李工长' }, source: 'team_lead' });
  });

  it('routes each kind by its rule: emergency at once, repair and housekeeping via the lead, complaint to CS, inquiries logged', () => {
    const now = sh('2026-09-30T09:00:00');
    const csTeam = { ...team, code: 'customer_service', lead: { id: 'cs', name: '陈主管' } };
    expect(routeTicket(DEFAULT_ROUTING.emergency, team, rosters, {}, now)).toMatchObject({
      mode: 'dispatch_now',
      assignee: { name: '张师傅' },
      via: 'roster',
    });
    expect(routeTicket(DEFAULT_ROUTING.repair, team, rosters, {}, now)).toMatchObject({
      mode: 'confirm_with_lead',
      lead: { name: '李工长' },
    });
    expect(routeTicket(DEFAULT_ROUTING.housekeeping, { ...team, code: 'housekeeping' }, {}, {}, now)).toMatchObject({
      mode: 'confirm_with_lead',
      teamCode: 'housekeeping',
    });
    expect(routeTicket(DEFAULT_ROUTING.complaint, csTeam, {}, { csLead: { id: 'l', name: '客服负责人甲' } }, now)).toMatchObject({
      mode: 'dispatch_cs',
      assignee: { name: '陈主管' },
      notify: { name: '客服负责人甲' },
    });
    expect(routeTicket(DEFAULT_ROUTING.inquiry, undefined, {}, {}, now)).toEqual({ mode: 'log_and_answer' });
    expect(routeTicket(DEFAULT_ROUTING.suggestion, undefined, {}, {}, now)).toEqual({ mode: 'log_and_answer' });
    expect(routeTicket(DEFAULT_ROUTING.emergency, undefined, {}, {}, now)).toMatchObject({
      mode: 'unrouted',
      wanted: 'dispatch_now',
    });
  });

  it('keeps the transition table as data: every unclosed status has a way on, closed and cancelled are final', () => {
    for (const status of Object.keys(TICKET_STATUSES) as TicketStatus[]) {
      const ways = TRANSITIONS.filter((rule) => rule.from.includes(status) && rule.to !== 'same');
      if (status === 'cancelled') expect(ways).toHaveLength(0);
      else expect(ways.length, status).toBeGreaterThan(0);
    }
    expect(isOpenStatus('done')).toBe(true);
    expect(isOpenStatus('closed')).toBe(false);
  });

  it('says why a step is refused: wrong status, wrong kind, wrong role', () => {
    expect(findTransition('new', 'repair', 'close', 'front_desk')).toEqual({
      problem: 'not_allowed',
      status: 'new',
      action: 'close',
    });
    expect(findTransition('new', 'repair', 'answer', 'front_desk')).toEqual({
      problem: 'kind',
      kind: 'repair',
      action: 'answer',
    });
    expect(findTransition('dispatched', 'repair', 'cancel', 'front_desk')).toMatchObject({ problem: 'role', role: 'front_desk' });
    expect(findTransition('dispatched', 'repair', 'cancel', 'cs_lead')).toMatchObject({ action: 'cancel', to: 'cancelled' });
    expect(findTransition('new', 'repair', 'cancel', 'front_desk')).toMatchObject({ action: 'cancel', roles: ['front_desk'] });
    expect(findTransition('dispatched', 'repair', 'accept', 'cashier')).toMatchObject({ problem: 'role' });
  });

  it('escalates a breach to the CS lead at once and to the department head a day later', () => {
    const open = ticket({});
    expect(dueEscalations(open, sh('2026-11-17T09:59:00'), DEFAULT_SLA)).toEqual([]);
    expect(dueEscalations(open, sh('2026-11-17T10:01:00'), DEFAULT_SLA).map((e) => e.breachKey)).toEqual(['0#contact#1']);
    expect(dueEscalations(open, sh('2026-11-18T11:00:00'), DEFAULT_SLA).map((e) => e.breachKey)).toEqual([
      '0#contact#1',
      '0#contact#2',
      '0#on_site#1',
    ]);
    const contacted = ticket({ contactedAt: sh('2026-11-16T11:00:00').toISOString() });
    expect(dueEscalations(contacted, sh('2026-11-17T10:01:00'), DEFAULT_SLA)).toEqual([]);
    expect(dueEscalations(ticket({ status: 'closed' }), sh('2026-12-01T00:00:00'), DEFAULT_SLA)).toEqual([]);
  });

  it('lists unclosed tickets oldest first with their age, grouped by owner', () => {
    const now = sh('2026-11-20T10:00:00');
    const list = stockTake(
      [
        ticket({ ticketId: 'A', ticketNo: 'GD000001', receivedAt: sh('2026-11-18T10:00:00').toISOString() }),
        ticket({
          ticketId: 'B',
          ticketNo: 'GD000002',
          receivedAt: sh('2026-11-20T08:00:00').toISOString(),
          owner: { id: 'b', name: '李四' },
        }),
        ticket({ ticketId: 'C', ticketNo: 'GD000003', status: 'closed' }),
      ],
      now,
    );
    expect(list.total).toBe(2);
    expect(list.items.map((line) => [line.ticketNo, line.ageDays, line.ageHours, line.owner.name])).toEqual([
      ['GD000001', 2, 48, '张三'],
      ['GD000002', 0, 2, '李四'],
    ]);
    expect(list.items[0]?.breached).toEqual(['contact', 'on_site', 'solve']);
    expect(list.byOwner.map((owner) => [owner.owner.name, owner.count])).toEqual([
      ['张三', 1],
      ['李四', 1],
    ]);
  });
});
