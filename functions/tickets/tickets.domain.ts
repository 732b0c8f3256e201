import type { WorkingDayCalendar } from '../core/calendar.domain';
import { addDays, businessDate, type IsoDate, shanghaiFields, shanghaiWallClockToInstant } from '../core/dates';
import type { Role } from '../core/roles';

/**
 * Tickets (信息传递/派单), as pure rules: kinds, channels, statuses, the transition table, routing by kind,
 * the on-duty look-up, SLA deadlines on China working days, breaches and escalation, the daily stock-take.
 * No I/O and no clock: `now` and the calendar are passed in.
 */

export const TICKET_CHANNELS = {
  walk_in: '来访',
  phone: '来电',
  letter: '信函',
  online: '网络/邮件',
  staff_round: '员工巡查收集',
} as const;
export type TicketChannel = keyof typeof TICKET_CHANNELS;

export const TICKET_KINDS = {
  emergency: '紧急事件',
  repair: '维修',
  housekeeping: '家政',
  paid_service: '有偿服务',
  complaint: '投诉',
  suggestion: '建议',
  inquiry: '咨询',
} as const;
export type TicketKind = keyof typeof TICKET_KINDS;

export const TICKET_STATUSES = {
  new: '新登记',
  dispatched: '已派单',
  accepted: '已接单',
  appointed: '已约上门时间',
  in_progress: '处理中',
  done: '已完成待回访',
  visited: '已回访',
  closed: '已关闭',
  returned: '已退回',
  reopened: '已重开',
  cancelled: '已撤销',
} as const;
export type TicketStatus = keyof typeof TICKET_STATUSES;

/** Closed and cancelled tickets are off the stock-take; every other status is "unclosed" (未关闭). */
export const FINAL_STATUSES: readonly TicketStatus[] = ['closed', 'cancelled'];
export const isOpenStatus = (status: TicketStatus) => !FINAL_STATUSES.includes(status);
const OPEN_STATUSES = (Object.keys(TICKET_STATUSES) as TicketStatus[]).filter(isOpenStatus);

export const SATISFACTION = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  neutral: '一般',
  dissatisfied: '不满意',
} as const;
export type Satisfaction = keyof typeof SATISFACTION;

export interface StaffRef {
  id: string;
  name: string;
  phone?: string | undefined;
}

// ---------------------------------------------------------------------------------------------
// The transition table: one row per action (and per role where the allowed statuses differ).
// ---------------------------------------------------------------------------------------------

export const TICKET_ACTIONS = {
  dispatch: '派单',
  accept: '接单',
  confirm_appointment: '确认人员并约定上门时间',
  contact: '联系业主',
  start: '到场处理',
  complete: '处理完成',
  answer: '答复',
  visit: '回访',
  close: '关闭',
  return: '退回',
  reopen: '重开',
  cancel: '撤销',
} as const;
export type TicketAction = keyof typeof TICKET_ACTIONS;

export type Requirement = 'note' | 'assignee' | 'appointmentAt';

export interface TransitionRule {
  action: TicketAction;
  from: readonly TicketStatus[];
  /** `same`: the status does not change (the step is still logged). */
  to: TicketStatus | 'same';
  roles: readonly Role[];
  /** Only these kinds (all kinds when absent). */
  kinds?: readonly TicketKind[];
  requires?: readonly Requirement[];
  /** Taken only through its own command (the follow-up visit records result and satisfaction). */
  viaFollowUp?: boolean;
}

const DESK: readonly Role[] = ['front_desk', 'cs_lead', 'centre_head', 'admin'];
const LEADS: readonly Role[] = ['cs_lead', 'centre_head', 'admin'];
const HANDLERS: readonly Role[] = ['front_desk', 'engineering', 'cs_lead', 'centre_head', 'admin'];
const IN_HAND: readonly TicketStatus[] = ['dispatched', 'accepted', 'appointed', 'in_progress'];

export const TRANSITIONS: readonly TransitionRule[] = [
  { action: 'dispatch', from: ['new', 'returned', 'reopened'], to: 'dispatched', roles: DESK },
  { action: 'accept', from: ['dispatched'], to: 'accepted', roles: HANDLERS },
  {
    action: 'confirm_appointment',
    from: ['new', 'returned', 'reopened', 'dispatched', 'accepted', 'appointed'],
    to: 'appointed',
    roles: HANDLERS,
    requires: ['appointmentAt'],
  },
  { action: 'contact', from: OPEN_STATUSES, to: 'same', roles: HANDLERS, requires: ['note'] },
  { action: 'start', from: ['dispatched', 'accepted', 'appointed'], to: 'in_progress', roles: HANDLERS },
  { action: 'complete', from: ['accepted', 'appointed', 'in_progress'], to: 'done', roles: HANDLERS, requires: ['note'] },
  { action: 'answer', from: ['new', 'reopened'], to: 'done', roles: DESK, kinds: ['inquiry', 'suggestion'], requires: ['note'] },
  { action: 'visit', from: ['done'], to: 'visited', roles: DESK, requires: ['note'], viaFollowUp: true },
  { action: 'close', from: ['visited'], to: 'closed', roles: DESK },
  // Inquiries and suggestions need no follow-up visit: the desk closes them once answered.
  { action: 'close', from: ['done'], to: 'closed', roles: DESK, kinds: ['inquiry', 'suggestion'] },
  { action: 'return', from: IN_HAND, to: 'returned', roles: HANDLERS, requires: ['note'] },
  { action: 'reopen', from: ['done', 'visited', 'closed'], to: 'reopened', roles: DESK, requires: ['note'] },
  // The desk may withdraw a matter only before it is dispatched; leads may cancel any unclosed ticket.
  { action: 'cancel', from: ['new'], to: 'cancelled', roles: ['front_desk'], requires: ['note'] },
  {
    action: 'cancel',
    from: ['new', 'dispatched', 'accepted', 'appointed', 'in_progress', 'returned', 'reopened'],
    to: 'cancelled',
    roles: LEADS,
    requires: ['note'],
  },
];

/** Every role that may take some step on a ticket (the route's role list). */
export const TRANSITION_ROLES: readonly Role[] = [...new Set(TRANSITIONS.flatMap((rule) => rule.roles))];

export type TransitionProblem =
  | { problem: 'not_allowed'; status: TicketStatus; action: TicketAction }
  | { problem: 'kind'; kind: TicketKind; action: TicketAction }
  | { problem: 'role'; role: string; action: TicketAction; status: TicketStatus }
  | { problem: 'missing'; what: Requirement }
  | { problem: 'via_follow_up'; action: TicketAction };

/** The rule that lets `role` take `action` on a ticket in `status` of `kind`, or why none does. */
export const findTransition = (
  status: TicketStatus,
  kind: TicketKind,
  action: TicketAction,
  role: Role | 'system',
): TransitionRule | TransitionProblem => {
  const byStatus = TRANSITIONS.filter((rule) => rule.action === action && rule.from.includes(status));
  if (byStatus.length === 0) return { problem: 'not_allowed', status, action };
  const byKind = byStatus.filter((rule) => !rule.kinds || rule.kinds.includes(kind));
  if (byKind.length === 0) return { problem: 'kind', kind, action };
  const byRole = byKind.find((rule) => role !== 'system' && rule.roles.includes(role));
  return byRole ?? { problem: 'role', role, action, status };
};

// ---------------------------------------------------------------------------------------------
// Settings per estate: routing rules, SLA targets, escalation contacts. Teams and rosters are data too.
// ---------------------------------------------------------------------------------------------

export const ROUTING_MODES = {
  dispatch_now: '立即派单给值班人员',
  confirm_with_lead: '先与班组负责人确认人员，再与业主约定上门时间',
  dispatch_cs: '派单给客服人员并知会客服负责人',
  log_and_answer: '登记并答复',
} as const;
export type RoutingMode = keyof typeof ROUTING_MODES;

export interface RoutingRule {
  mode: RoutingMode;
  teamCode?: string | undefined;
  /** Whether the matter needs someone on site (starts the 48 h on-site clock). */
  visitNeeded: boolean;
}

export interface SlaSettings {
  contactHours: number;
  onSiteHours: number;
  solveWorkingDays: number;
  complaintRecordWorkingDays: number;
  emergency: { contactMinutes: number; onSiteMinutes: number; solveHours: number };
  /** A breach goes to the CS lead at once and to the department head this long after the deadline. */
  escalateToHeadAfterHours: number;
  /** The follow-up visit (回访) is due within this many working days after the work is done. */
  followUpWorkingDays: number;
}

export interface TicketSettings {
  estateId: string;
  routing: Record<TicketKind, RoutingRule>;
  sla: SlaSettings;
  csLead?: StaffRef | undefined;
  departmentHead?: StaffRef | undefined;
  version: number;
}

export const DEFAULT_ROUTING: Record<TicketKind, RoutingRule> = {
  emergency: { mode: 'dispatch_now', teamCode: 'engineering', visitNeeded: true },
  repair: { mode: 'confirm_with_lead', teamCode: 'engineering', visitNeeded: true },
  housekeeping: { mode: 'confirm_with_lead', teamCode: 'housekeeping', visitNeeded: true },
  paid_service: { mode: 'confirm_with_lead', teamCode: 'engineering', visitNeeded: true },
  complaint: { mode: 'dispatch_cs', teamCode: 'customer_service', visitNeeded: false },
  suggestion: { mode: 'log_and_answer', visitNeeded: false },
  inquiry: { mode: 'log_and_answer', visitNeeded: false },
};

/** The seeds' service targets: contact within 24 h, on site within 48 h, solved within 3 working days. */
export const DEFAULT_SLA: SlaSettings = {
  contactHours: 24,
  onSiteHours: 48,
  solveWorkingDays: 3,
  complaintRecordWorkingDays: 1,
  emergency: { contactMinutes: 15, onSiteMinutes: 30, solveHours: 24 },
  escalateToHeadAfterHours: 24,
  followUpWorkingDays: 1,
};

export const defaultSettings = (estateId: string): TicketSettings => ({
  estateId,
  routing: DEFAULT_ROUTING,
  sla: DEFAULT_SLA,
  version: 0,
});

export interface Team {
  estateId: string;
  code: string;
  name: string;
  lead: StaffRef;
  members: StaffRef[];
}

export interface RosterShift {
  name?: string | undefined;
  /** HH:MM Asia/Shanghai; `to` ≤ `from` means the shift runs past midnight into the next day. */
  from: string;
  to: string;
  staff: StaffRef;
}

export interface RosterDay {
  estateId: string;
  teamCode: string;
  date: IsoDate;
  shifts: RosterShift[];
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Who of the team is on duty at `now`: a shift of today covering the time, or last night's shift still
 * running; when the roster names nobody the team lead is called (and the result says so).
 */
export const onDutyAt = (
  team: Team,
  rosters: { today?: RosterDay | undefined; yesterday?: RosterDay | undefined },
  now: Date,
): { staff: StaffRef; source: 'roster' | 'team_lead'; shift?: string | undefined } => {
  const fields = shanghaiFields(now);
  const minute = fields.hour * 60 + fields.minute;
  for (const shift of rosters.today?.shifts ?? []) {
    const from = minutesOf(shift.from);
    const to = minutesOf(shift.to);
    const covers = to > from ? minute >= from && minute < to : minute >= from;
    if (covers) return { staff: shift.staff, source: 'roster', shift: shift.name };
  }
  for (const shift of rosters.yesterday?.shifts ?? []) {
    const from = minutesOf(shift.from);
    const to = minutesOf(shift.to);
    if (to <= from && minute < to) return { staff: shift.staff, source: 'roster', shift: shift.name };
  }
  return { staff: team.lead, source: 'team_lead' };
};

/** The dates whose rosters `onDutyAt` needs for an instant. */
export const rosterDatesFor = (now: Date) => {
  const today = businessDate(now);
  return { today, yesterday: addDays(today, -1) };
};

export type RoutingDecision =
  | { mode: 'dispatch_now'; teamCode: string; assignee: StaffRef; via: 'roster' | 'team_lead'; shift?: string | undefined }
  | { mode: 'dispatch_cs'; teamCode: string; assignee: StaffRef; via: 'roster' | 'team_lead'; notify: StaffRef | undefined }
  | { mode: 'confirm_with_lead'; teamCode: string; lead: StaffRef }
  | { mode: 'log_and_answer' }
  /** The rule names a team the estate has not set up: the matter is logged and the CS lead told at once. */
  | { mode: 'unrouted'; wanted: RoutingMode; teamCode?: string | undefined };

/** What the routing rule of the ticket's kind does with it on receipt. */
export const routeTicket = (
  rule: RoutingRule,
  team: Team | undefined,
  rosters: { today?: RosterDay | undefined; yesterday?: RosterDay | undefined },
  settings: Pick<TicketSettings, 'csLead'>,
  now: Date,
): RoutingDecision => {
  if (rule.mode === 'log_and_answer') return { mode: 'log_and_answer' };
  if (!team || !rule.teamCode) return { mode: 'unrouted', wanted: rule.mode, teamCode: rule.teamCode };
  if (rule.mode === 'confirm_with_lead') return { mode: 'confirm_with_lead', teamCode: team.code, lead: team.lead };
  const duty = onDutyAt(team, rosters, now);
  if (rule.mode === 'dispatch_now') {
    return { mode: 'dispatch_now', teamCode: team.code, assignee: duty.staff, via: duty.source, shift: duty.shift };
  }
  return {
    mode: 'dispatch_cs',
    teamCode: team.code,
    assignee: duty.staff,
    via: duty.source,
    notify: settings.csLead ?? team.lead,
  };
};

// ---------------------------------------------------------------------------------------------
// SLA: deadlines computed on the server at receipt (and again for a reopened ticket).
// ---------------------------------------------------------------------------------------------

export const SLA_CLOCKS = {
  contact: '联系业主',
  on_site: '到场',
  solve: '解决',
  complaint_record: '投诉一个工作日未关闭（填写顾客投诉处理记录表）',
} as const;
export type SlaClock = keyof typeof SLA_CLOCKS;

export interface SlaDeadlines {
  /** 0 at receipt, +1 for each reopening: every round has its own deadlines and breaches. */
  round: number;
  startedAt: string;
  contactBy: string;
  onSiteBy?: string | undefined;
  solveBy: string;
  complaintRecordBy?: string | undefined;
}

const plusMinutes = (instant: Date, minutes: number) => new Date(instant.getTime() + minutes * 60_000).toISOString();

/** The same Asia/Shanghai wall-clock time, `n` working days after the instant's business date. */
export const afterWorkingDays = (instant: Date, n: number, calendar: WorkingDayCalendar): string => {
  const { hour, minute } = shanghaiFields(instant);
  const seconds = instant.getUTCSeconds();
  const date = calendar.addWorkingDays(businessDate(instant), n);
  return new Date(shanghaiWallClockToInstant(date, hour, minute).getTime() + seconds * 1000).toISOString();
};

export const computeSla = (
  kind: TicketKind,
  visitNeeded: boolean,
  startedAt: Date,
  sla: SlaSettings,
  calendar: WorkingDayCalendar,
  round = 0,
): SlaDeadlines => {
  if (kind === 'emergency') {
    return {
      round,
      startedAt: startedAt.toISOString(),
      contactBy: plusMinutes(startedAt, sla.emergency.contactMinutes),
      onSiteBy: plusMinutes(startedAt, sla.emergency.onSiteMinutes),
      solveBy: plusMinutes(startedAt, sla.emergency.solveHours * 60),
    };
  }
  return {
    round,
    startedAt: startedAt.toISOString(),
    contactBy: plusMinutes(startedAt, sla.contactHours * 60),
    ...(visitNeeded ? { onSiteBy: plusMinutes(startedAt, sla.onSiteHours * 60) } : {}),
    solveBy: afterWorkingDays(startedAt, sla.solveWorkingDays, calendar),
    ...(kind === 'complaint' ? { complaintRecordBy: afterWorkingDays(startedAt, sla.complaintRecordWorkingDays, calendar) } : {}),
  };
};

export interface TicketRecord {
  ticketId: string;
  ticketNo: string;
  number: number;
  estateId: string;
  channel: TicketChannel;
  unitCode?: string | undefined;
  publicArea?: string | undefined;
  contact?: { name: string; phone?: string | undefined } | undefined;
  kind: TicketKind;
  description: string;
  receivedAt: string;
  /** Who received the matter at the desk (首问责任人 at receipt). */
  receivedBy: { id: string; name: string; role: string };
  /** Staff member who heard it on a round and passed it to the desk. */
  reportedBy?: { name: string } | undefined;
  /** First-contact owner (首问责任人): accountable until closure; changes only by a hand-over. */
  owner: StaffRef;
  status: TicketStatus;
  teamCode?: string | undefined;
  assignee?: StaffRef | undefined;
  routing: { mode: RoutingMode | 'unrouted'; teamCode?: string | undefined; via?: string | undefined };
  visitNeeded: boolean;
  appointmentAt?: string | undefined;
  contactedAt?: string | undefined;
  arrivedAt?: string | undefined;
  doneAt?: string | undefined;
  closedAt?: string | undefined;
  cancelledAt?: string | undefined;
  result?: string | undefined;
  sla: SlaDeadlines;
  reopenCount: number;
  paidOrderNo?: string | undefined;
  lastFollowUp?: { satisfaction: Satisfaction; at: string } | undefined;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** When each clock of the current round was met (undefined while running). */
const metAt = (ticket: TicketRecord, clock: SlaClock): string | undefined => {
  const sinceRound = (value: string | undefined) => (value && value >= ticket.sla.startedAt ? value : undefined);
  switch (clock) {
    case 'contact':
      return sinceRound(ticket.contactedAt) ?? sinceRound(ticket.doneAt) ?? sinceRound(ticket.closedAt);
    case 'on_site':
      return sinceRound(ticket.arrivedAt) ?? sinceRound(ticket.doneAt);
    case 'solve':
      return sinceRound(ticket.doneAt) ?? sinceRound(ticket.closedAt);
    case 'complaint_record':
      return ticket.closedAt;
  }
};

const deadlineOf = (sla: SlaDeadlines, clock: SlaClock): string | undefined =>
  ({ contact: sla.contactBy, on_site: sla.onSiteBy, solve: sla.solveBy, complaint_record: sla.complaintRecordBy })[clock];

export interface ClockState {
  clock: SlaClock;
  label: string;
  deadline: string;
  metAt?: string | undefined;
  state: 'running' | 'met' | 'met_late' | 'breached';
}

/** The state of every clock of the ticket's current round at `now`. */
export const slaState = (ticket: TicketRecord, now: Date): ClockState[] =>
  (Object.keys(SLA_CLOCKS) as SlaClock[]).flatMap((clock) => {
    const deadline = deadlineOf(ticket.sla, clock);
    if (!deadline) return [];
    const met = metAt(ticket, clock);
    const stopped = ticket.status === 'cancelled' && !met;
    const state: ClockState['state'] = met
      ? met <= deadline
        ? 'met'
        : 'met_late'
      : stopped || now.toISOString() <= deadline
        ? 'running'
        : 'breached';
    return [{ clock, label: SLA_CLOCKS[clock], deadline, ...(met ? { metAt: met } : {}), state }];
  });

export interface Escalation {
  /** Stable per ticket, round, clock and level: the sweep marks it once and never again. */
  breachKey: string;
  clock: SlaClock;
  level: 1 | 2;
  deadline: string;
  recipientRole: 'cs_lead' | 'department_head';
  /** The complaint clock also opens the complaint record (顾客投诉处理记录表). */
  opensComplaintRecord: boolean;
}

/** Which escalations are due at `now` for an unclosed ticket: the CS lead at the breach, the head later. */
export const dueEscalations = (ticket: TicketRecord, now: Date, sla: SlaSettings): Escalation[] => {
  if (!isOpenStatus(ticket.status)) return [];
  const out: Escalation[] = [];
  for (const clock of slaState(ticket, now).filter((c) => c.state === 'breached')) {
    const base = { clock: clock.clock, deadline: clock.deadline, opensComplaintRecord: clock.clock === 'complaint_record' };
    out.push({ ...base, breachKey: `${ticket.sla.round}#${clock.clock}#1`, level: 1, recipientRole: 'cs_lead' });
    const headAt = Date.parse(clock.deadline) + sla.escalateToHeadAfterHours * 3_600_000;
    if (now.getTime() >= headAt) {
      out.push({
        ...base,
        breachKey: `${ticket.sla.round}#${clock.clock}#2`,
        level: 2,
        recipientRole: 'department_head',
        opensComplaintRecord: false,
      });
    }
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Transitions applied to the record.
// ---------------------------------------------------------------------------------------------

export interface TransitionInput {
  note?: string | undefined;
  assignee?: StaffRef | undefined;
  appointmentAt?: string | undefined;
}

/** Applies an allowed rule: the next record (version +1). A reopened ticket gets a new SLA round from `reopenSla`. */
export const applyTransition = (
  ticket: TicketRecord,
  rule: TransitionRule,
  input: TransitionInput,
  now: Date,
  reopenSla: () => SlaDeadlines,
): TicketRecord | TransitionProblem => {
  for (const what of rule.requires ?? []) {
    if (what === 'note' && !input.note) return { problem: 'missing', what };
    if (what === 'appointmentAt' && !input.appointmentAt) return { problem: 'missing', what };
  }
  const at = now.toISOString();
  const assignee = input.assignee ?? ticket.assignee;
  if (rule.action === 'dispatch' && !assignee) return { problem: 'missing', what: 'assignee' };
  const next: TicketRecord = {
    ...ticket,
    status: rule.to === 'same' ? ticket.status : rule.to,
    version: ticket.version + 1,
    updatedAt: at,
  };
  switch (rule.action) {
    case 'dispatch':
      next.assignee = assignee;
      break;
    case 'confirm_appointment':
      next.assignee = assignee;
      next.appointmentAt = input.appointmentAt;
      next.contactedAt ??= at; // the resident is given the time
      break;
    case 'contact':
      next.contactedAt ??= at;
      break;
    case 'start':
      next.arrivedAt ??= at;
      break;
    case 'complete':
      next.doneAt = at;
      next.result = input.note;
      break;
    case 'answer':
      next.doneAt = at;
      next.result = input.note;
      next.contactedAt ??= at;
      break;
    case 'close':
      next.closedAt = at;
      break;
    case 'return':
      next.assignee = undefined;
      break;
    case 'reopen':
      next.reopenCount = ticket.reopenCount + 1;
      next.sla = reopenSla();
      next.doneAt = undefined;
      next.closedAt = undefined;
      break;
    case 'cancel':
      next.cancelledAt = at;
      break;
    case 'accept':
      if (input.assignee) next.assignee = input.assignee;
      break;
    case 'visit':
      break;
  }
  return next;
};

/** Staff who may hand over someone else's tickets (the owner may always hand over their own). */
export const MAY_HAND_OVER_FOR_OTHERS: readonly Role[] = ['cs_lead', 'centre_head', 'admin'];

export const mayHandOver = (actor: { id: string; role: Role | 'system' }, ownerId: string) =>
  actor.id === ownerId || (actor.role !== 'system' && MAY_HAND_OVER_FOR_OTHERS.includes(actor.role));

/** Ownership moves only here: the new first-contact owner, nothing else changes. */
export const handOver = (ticket: TicketRecord, to: StaffRef, now: Date): TicketRecord => ({
  ...ticket,
  owner: { id: to.id, name: to.name, ...(to.phone ? { phone: to.phone } : {}) },
  version: ticket.version + 1,
  updatedAt: now.toISOString(),
});

/** At most this many tickets move in one handover (one transaction). */
export const MAX_HANDOVER_TICKETS = 30;

/** Kinds that are answered and closed without a follow-up visit. */
export const NO_FOLLOW_UP_KINDS: readonly TicketKind[] = ['inquiry', 'suggestion'];

/**
 * When the follow-up visit of a done ticket is due: the last day of the window, `followUpWorkingDays` China working
 * days after the business date the work was done; undefined when the ticket is not waiting for a visit.
 */
export const followUpDue = (
  ticket: Pick<TicketRecord, 'status' | 'kind' | 'doneAt'>,
  sla: Pick<SlaSettings, 'followUpWorkingDays'>,
  calendar: WorkingDayCalendar,
): { doneOn: IsoDate; dueOn: IsoDate } | undefined => {
  if (ticket.status !== 'done' || !ticket.doneAt || NO_FOLLOW_UP_KINDS.includes(ticket.kind)) return undefined;
  const doneOn = businessDate(new Date(ticket.doneAt));
  return { doneOn, dueOn: calendar.addWorkingDays(doneOn, sla.followUpWorkingDays) };
};

/** A follow-up visit's outcome: a dissatisfied resident reopens the ticket; otherwise it is visited. */
export const followUpOutcome = (satisfaction: Satisfaction): 'visited' | 'reopened' =>
  satisfaction === 'dissatisfied' ? 'reopened' : 'visited';

// ---------------------------------------------------------------------------------------------
// Daily stock-take (每日盘点): every unclosed ticket by owner and age.
// ---------------------------------------------------------------------------------------------

export interface StockTakeLine {
  ticketId: string;
  ticketNo: string;
  kind: TicketKind;
  kindLabel: string;
  status: TicketStatus;
  statusLabel: string;
  unitCode?: string | undefined;
  publicArea?: string | undefined;
  description: string;
  receivedAt: string;
  ageHours: number;
  ageDays: number;
  owner: StaffRef;
  assignee?: StaffRef | undefined;
  breached: SlaClock[];
}

export const stockTake = (tickets: TicketRecord[], now: Date) => {
  const lines: StockTakeLine[] = tickets
    .filter((ticket) => isOpenStatus(ticket.status))
    .map((ticket) => {
      const ageMs = Math.max(0, now.getTime() - Date.parse(ticket.receivedAt));
      return {
        ticketId: ticket.ticketId,
        ticketNo: ticket.ticketNo,
        kind: ticket.kind,
        kindLabel: TICKET_KINDS[ticket.kind],
        status: ticket.status,
        statusLabel: TICKET_STATUSES[ticket.status],
        ...(ticket.unitCode ? { unitCode: ticket.unitCode } : {}),
        ...(ticket.publicArea ? { publicArea: ticket.publicArea } : {}),
        description: ticket.description,
        receivedAt: ticket.receivedAt,
        ageHours: Math.floor(ageMs / 3_600_000),
        ageDays: Math.floor(ageMs / 86_400_000),
        owner: ticket.owner,
        ...(ticket.assignee ? { assignee: ticket.assignee } : {}),
        breached: slaState(ticket, now)
          .filter((clock) => clock.state === 'breached')
          .map((clock) => clock.clock),
      };
    })
    .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.ticketNo < b.ticketNo ? -1 : 1));
  const owners = new Map<string, { owner: StaffRef; count: number; oldestAgeHours: number; tickets: string[] }>();
  for (const line of lines) {
    const entry = owners.get(line.owner.id) ?? { owner: line.owner, count: 0, oldestAgeHours: 0, tickets: [] };
    entry.count += 1;
    entry.oldestAgeHours = Math.max(entry.oldestAgeHours, line.ageHours);
    entry.tickets.push(line.ticketNo);
    owners.set(line.owner.id, entry);
  }
  return {
    asOf: now.toISOString(),
    date: businessDate(now),
    total: lines.length,
    byOwner: [...owners.values()].sort((a, b) => b.count - a.count || (a.owner.name < b.owner.name ? -1 : 1)),
    items: lines,
  };
};

export const formatTicketNo = (number: number) => `GD${String(number).padStart(6, '0')}`;
