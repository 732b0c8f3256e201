import { loadCalendar } from '../calendar/calendar.commands';
import { businessDate } from '../core/dates';
import { VersionConflictError } from '../core/errors';
import { newId } from '../core/ids';
import type { Store } from '../store/client';
import { type CommandContext, type OutboxMessage, type PlannedWrite, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import { readEstate, readUnit } from '../units/units.commands';
import {
  applyTransition,
  computeSla,
  findTransition,
  followUpOutcome,
  formatTicketNo,
  handOver,
  isOpenStatus,
  MAX_HANDOVER_TICKETS,
  mayHandOver,
  onDutyAt,
  routeTicket,
  SATISFACTION,
  type StaffRef,
  slaState,
  stockTake,
  TICKET_ACTIONS,
  TICKET_KINDS,
  type TicketAction,
  type TicketRecord,
  type TransitionProblem,
  type TransitionRule,
} from './tickets.domain';
import {
  followUpNotDue,
  handoverSameOwner,
  handoverTooMany,
  notAComplaint,
  notHeldByOwner,
  notShiftOwner,
  notTicketOwner,
  receivedInFuture,
  ticketNotFound,
  ticketNotOpen,
  transitionInputMissing,
  transitionNotAllowed,
  transitionRoleRefused,
  transitionWrongKind,
  useFollowUp,
} from './tickets.errors';
import type {
  ComplaintRecordInput,
  CreateTicketInput,
  FollowUpInput,
  ShiftHandoverInput,
  TransitionInputBody,
} from './tickets.schema';
import {
  counterWrite,
  type LogEntry,
  logWrite,
  placeOf,
  readCounter,
  readSettings,
  readTeamOnDuty,
  readTicket,
  staffNotice,
  ticketAudit,
  ticketChanged,
  ticketView,
  ticketWrite,
} from './tickets.store';

/**
 * Ticket commands: receipt with routing, transitions from the table, hand-overs, shift handover,
 * follow-up visits, complaint records. Each commits the ticket, its log lines, audit and outbox together.
 */
const RETRIES = 60; // ticket numbers come from one counter per estate: concurrent receipts re-plan

const ROUTED_NOTE = {
  dispatch_now: '紧急事件：按派单规则立即派给值班人员',
  dispatch_cs: '投诉：派给客服人员处理，同时知会客服负责人',
} as const;

const whoOf = (ctx: CommandContext) => ({ actor: ctx.actor, source: ctx.source, now: ctx.now });

/** Receives a matter at the desk: the receiver becomes its first-contact owner; the kind's rule routes it. */
export const createTicket = (store: Store, ctx: CommandContext, estateId: string, input: CreateTicketInput) =>
  runCommand(
    store,
    ctx,
    { name: 'tickets.create', request: { estateId, ...input } },
    async () => {
      await readEstate(store, estateId);
      if (input.unitCode) await readUnit(store, estateId, input.unitCode);
      const receivedAt = input.receivedAt ? new Date(input.receivedAt) : ctx.now;
      if (receivedAt.getTime() > ctx.now.getTime() + 60_000) throw receivedInFuture();
      const settings = await readSettings(store, estateId);
      const rule = settings.routing[input.kind];
      const [{ team, rosters }, calendar, counter] = await Promise.all([
        readTeamOnDuty(store, estateId, rule.teamCode, ctx.now),
        loadCalendar(store),
        readCounter(store, estateId, 'ticket'),
      ]);
      const decision = routeTicket(rule, team, rosters, settings, ctx.now);
      const visitNeeded = input.visitNeeded ?? rule.visitNeeded;
      const at = ctx.now.toISOString();
      const owner: StaffRef = { id: ctx.actor.id, name: ctx.actor.name };
      const created: TicketRecord = {
        ticketId: newId(ctx.now),
        ticketNo: formatTicketNo(counter.next),
        number: counter.next,
        estateId,
        channel: input.channel,
        ...(input.unitCode ? { unitCode: input.unitCode } : {}),
        ...(input.publicArea ? { publicArea: input.publicArea } : {}),
        ...(input.contact ? { contact: input.contact } : {}),
        kind: input.kind,
        description: input.description,
        receivedAt: receivedAt.toISOString(),
        receivedBy: { id: ctx.actor.id, name: ctx.actor.name, role: ctx.actor.role },
        ...(input.reportedBy ? { reportedBy: input.reportedBy } : {}),
        owner,
        status: 'new',
        routing: {
          mode: decision.mode,
          ...('teamCode' in decision && decision.teamCode ? { teamCode: decision.teamCode } : {}),
          ...('via' in decision ? { via: decision.via } : {}),
        },
        ...('teamCode' in decision && decision.teamCode ? { teamCode: decision.teamCode } : {}),
        visitNeeded,
        sla: computeSla(input.kind, visitNeeded, receivedAt, settings.sla, calendar),
        reopenCount: 0,
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      const who = whoOf(ctx);
      const logs: LogEntry[] = [
        { event: 'create', action: 'create', actionLabel: '登记', from: null, to: 'new', note: input.description },
      ];
      const notices: OutboxMessage[] = [];
      let ticket = created;
      const place = placeOf(created);
      if (decision.mode === 'dispatch_now' || decision.mode === 'dispatch_cs') {
        ticket = { ...created, status: 'dispatched', assignee: decision.assignee };
        logs.push({
          event: 'transition',
          action: 'dispatch',
          actionLabel: TICKET_ACTIONS.dispatch,
          from: 'new',
          to: 'dispatched',
          note: `${ROUTED_NOTE[decision.mode]}：${decision.assignee.name}${decision.via === 'team_lead' ? '（值班表无人，派给班组负责人）' : ''}`,
          detail: { assignee: decision.assignee, teamCode: decision.teamCode, via: decision.via },
        });
        notices.push(
          staffNotice(
            ticket,
            'ticket.dispatched',
            { role: 'assignee', staff: decision.assignee },
            `【${TICKET_KINDS[ticket.kind]}】${place}：${ticket.description}`,
            { urgent: decision.mode === 'dispatch_now' },
          ),
        );
        if (decision.mode === 'dispatch_cs') {
          notices.push(
            staffNotice(
              ticket,
              'ticket.complaint',
              { role: 'cs_lead', staff: decision.notify },
              `收到投诉 ${ticket.ticketNo}（${place}），已派给 ${decision.assignee.name} 处理`,
            ),
          );
        }
      } else if (decision.mode === 'confirm_with_lead') {
        notices.push(
          staffNotice(
            ticket,
            'ticket.confirm_availability',
            { role: 'team_lead', staff: decision.lead },
            `请确认能否安排人员上门：【${TICKET_KINDS[ticket.kind]}】${place}：${ticket.description}；确认后由前台与业主约定上门时间`,
          ),
        );
      } else if (decision.mode === 'unrouted') {
        notices.push(
          staffNotice(
            ticket,
            'ticket.unrouted',
            { role: 'cs_lead', staff: settings.csLead },
            `【${TICKET_KINDS[ticket.kind]}】${ticket.ticketNo} 无法按规则派单（班组 ${decision.teamCode ?? '未指定'} 未登记），请立即安排`,
            { urgent: ticket.kind === 'emergency' },
          ),
        );
      }
      return {
        writes: [
          counterWrite(store, estateId, 'ticket', counter),
          ticketWrite(store, ticket, undefined),
          ...logs.map((entry) => logWrite(store, ticket, entry, who)),
        ],
        audit: [ticketAudit('create', null, ticket)],
        outbox: [ticketChanged(ticket), ...notices],
        result: ticketView(ticket),
      };
    },
    { retriesOnConflict: RETRIES },
  );

const raiseProblem = (problem: TransitionProblem): never => {
  switch (problem.problem) {
    case 'not_allowed':
      throw transitionNotAllowed(problem.status, problem.action);
    case 'kind':
      throw transitionWrongKind(problem.kind, problem.action);
    case 'role':
      throw transitionRoleRefused(problem.role, problem.action, problem.status);
    case 'missing':
      throw transitionInputMissing(problem.what);
    case 'via_follow_up':
      throw useFollowUp();
  }
};

const ruleFor = (ticket: TicketRecord, action: TicketAction, ctx: CommandContext): TransitionRule => {
  const rule = findTransition(ticket.status, ticket.kind, action, ctx.actor.role);
  if ('problem' in rule) return raiseProblem(rule);
  return rule;
};

/** Takes one step of the transition table on a ticket; the step is logged (who, when, from, to, note). */
export const transitionTicket = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  ticketId: string,
  input: TransitionInputBody,
) =>
  runCommand(
    store,
    ctx,
    { name: 'tickets.transition', request: { estateId, ticketId, ...input } },
    async () => {
      const ticket = await readTicket(store, estateId, ticketId);
      if (input.expectedVersion !== undefined && input.expectedVersion !== ticket.version) {
        throw new VersionConflictError('工单已被他人处理，请刷新后重试', { version: ticket.version });
      }
      const rule = ruleFor(ticket, input.action, ctx);
      if (rule.viaFollowUp) throw useFollowUp();
      const settings = await readSettings(store, estateId);
      let assignee = input.assignee;
      if (input.action === 'dispatch' && !assignee) {
        // No handler named: the kind's team's on-duty person (as at receipt).
        const teamCode = ticket.teamCode ?? settings.routing[ticket.kind].teamCode;
        const { team, rosters } = await readTeamOnDuty(store, estateId, teamCode, ctx.now);
        if (team) assignee = onDutyAt(team, rosters, ctx.now).staff;
      }
      const calendar = input.action === 'reopen' ? await loadCalendar(store) : undefined;
      const next = applyTransition(
        ticket,
        rule,
        { note: input.note, assignee, appointmentAt: input.appointmentAt },
        ctx.now,
        () => computeSla(ticket.kind, ticket.visitNeeded, ctx.now, settings.sla, calendar ?? never(), ticket.reopenCount + 1),
      );
      if ('problem' in next) return raiseProblem(next);
      const notices: OutboxMessage[] = [];
      if ((input.action === 'dispatch' || input.action === 'confirm_appointment') && next.assignee) {
        notices.push(
          staffNotice(
            next,
            'ticket.dispatched',
            { role: 'assignee', staff: next.assignee },
            `【${TICKET_KINDS[next.kind]}】${placeOf(next)}：${next.description}${next.appointmentAt ? `；约定上门时间 ${next.appointmentAt}` : ''}`,
          ),
        );
      }
      if (input.action === 'return') {
        notices.push(
          staffNotice(
            next,
            'ticket.returned',
            { role: 'owner', staff: next.owner },
            `工单 ${next.ticketNo} 被退回：${input.note}`,
          ),
        );
      }
      return {
        writes: [
          ticketWrite(store, next, ticket.version),
          logWrite(
            store,
            next,
            {
              event: 'transition',
              action: input.action,
              actionLabel: TICKET_ACTIONS[input.action],
              from: ticket.status,
              to: next.status,
              note: input.note,
              ...(next.assignee !== ticket.assignee || input.appointmentAt
                ? { detail: { ...(next.assignee ? { assignee: next.assignee } : {}), appointmentAt: input.appointmentAt } }
                : {}),
            },
            whoOf(ctx),
          ),
        ],
        audit: [ticketAudit(input.action, ticket, next)],
        outbox: [ticketChanged(next), ...notices],
        result: ticketView(next),
      };
    },
    { retriesOnConflict: input.expectedVersion === undefined ? 3 : 0 },
  );

const never = (): never => {
  throw new Error('calendar not loaded');
};

/** Hands one ticket's first-contact ownership to another staff member (explicitly, with a note). */
export const handOverTicket = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  ticketId: string,
  input: { to: StaffRef; note: string; expectedVersion?: number | undefined },
) =>
  runCommand(
    store,
    ctx,
    { name: 'tickets.handOver', request: { estateId, ticketId, ...input } },
    async () => {
      const ticket = await readTicket(store, estateId, ticketId);
      if (input.expectedVersion !== undefined && input.expectedVersion !== ticket.version) {
        throw new VersionConflictError('工单已被他人处理，请刷新后重试', { version: ticket.version });
      }
      if (!isOpenStatus(ticket.status)) throw ticketNotOpen(ticket.ticketNo);
      if (!mayHandOver(ctx.actor, ticket.owner.id)) throw notTicketOwner(ticket.ticketNo);
      if (input.to.id === ticket.owner.id) throw handoverSameOwner();
      const next = handOver(ticket, input.to, ctx.now);
      return {
        writes: [
          ticketWrite(store, next, ticket.version),
          logWrite(
            store,
            next,
            {
              event: 'handover',
              action: 'hand_over',
              actionLabel: '移交首问责任',
              from: ticket.status,
              to: next.status,
              note: input.note,
              detail: { fromOwner: ticket.owner, toOwner: next.owner },
            },
            whoOf(ctx),
          ),
        ],
        audit: [ticketAudit('hand_over', ticket, next)],
        outbox: [
          ticketChanged(next),
          staffNotice(
            next,
            'ticket.handed_over',
            { role: 'owner', staff: next.owner },
            `${ticket.owner.name} 将工单 ${next.ticketNo} 移交给您：${input.note}`,
          ),
        ],
        result: ticketView(next),
      };
    },
    { retriesOnConflict: input.expectedVersion === undefined ? 3 : 0 },
  );

/**
 * Shift handover (交接班): the outgoing person's unclosed tickets (or the ones named) go to the next shift's
 * person with a note, in one transaction with the handover record (交接班记录表). History stays on each ticket.
 */
export const shiftHandover = (store: Store, ctx: CommandContext, estateId: string, input: ShiftHandoverInput) =>
  runCommand(
    store,
    ctx,
    { name: 'tickets.shiftHandover', request: { estateId, ...input } },
    async () => {
      await readEstate(store, estateId);
      const from: StaffRef = input.from ?? { id: ctx.actor.id, name: ctx.actor.name };
      if (!mayHandOver(ctx.actor, from.id)) throw notShiftOwner();
      if (input.to.id === from.id) throw handoverSameOwner();
      const held = (await access.listOwnerOpenTickets(store, estateId, from.id)).map(
        (item) => stripKeys(item) as unknown as TicketRecord,
      );
      let tickets = held.filter((ticket) => isOpenStatus(ticket.status));
      if (input.ticketIds) {
        const byId = new Map(tickets.map((ticket) => [ticket.ticketId, ticket]));
        const named: TicketRecord[] = [];
        for (const id of input.ticketIds) {
          const ticket = byId.get(id);
          if (!ticket) throw notHeldByOwner(id);
          named.push(ticket);
        }
        tickets = named;
      }
      if (tickets.length > MAX_HANDOVER_TICKETS) throw handoverTooMany(tickets.length, MAX_HANDOVER_TICKETS);
      // The index is eventually consistent: read each ticket itself for the version check.
      const current = await Promise.all(tickets.map((ticket) => readTicket(store, estateId, ticket.ticketId)));
      const moving = current.filter((ticket) => isOpenStatus(ticket.status) && ticket.owner.id === from.id);
      const handoverId = newId(ctx.now);
      const date = businessDate(ctx.now);
      const record = {
        handoverId,
        estateId,
        date,
        ...(input.shift ? { shift: input.shift } : {}),
        from,
        to: input.to,
        note: input.note,
        tickets: moving.map((ticket) => ({
          ticketId: ticket.ticketId,
          ticketNo: ticket.ticketNo,
          kind: ticket.kind,
          status: ticket.status,
          place: placeOf(ticket),
          description: ticket.description,
        })),
        at: ctx.now.toISOString(),
        by: { id: ctx.actor.id, name: ctx.actor.name },
      };
      const writes: PlannedWrite[] = [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...keys.shiftHandover(estateId, date, handoverId), type: 'shiftHandover', ...record },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        },
      ];
      const changed: OutboxMessage[] = [];
      for (const ticket of moving) {
        const next = handOver(ticket, input.to, ctx.now);
        writes.push(
          ticketWrite(store, next, ticket.version),
          logWrite(
            store,
            next,
            {
              event: 'handover',
              action: 'shift_handover',
              actionLabel: '交接班',
              from: ticket.status,
              to: next.status,
              note: input.note,
              detail: { handoverId, shift: input.shift, fromOwner: ticket.owner, toOwner: next.owner },
            },
            whoOf(ctx),
          ),
        );
        changed.push(ticketChanged(next));
      }
      return {
        writes,
        audit: [
          {
            entityType: 'shiftHandover',
            entityId: handoverId,
            entityPk: keys.shiftHandover(estateId, date, handoverId).pk,
            action: 'hand_over',
            before: { owner: from, tickets: record.tickets.map((t) => t.ticketNo) },
            after: { owner: input.to, tickets: record.tickets.map((t) => t.ticketNo) },
          },
        ],
        outbox: [
          ...changed,
          {
            topic: 'notice.staff',
            entityType: 'shiftHandover',
            entityId: handoverId,
            payload: {
              kind: 'ticket.shift_handover',
              recipientRole: 'owner',
              recipient: { id: input.to.id, name: input.to.name },
              text: `${from.name} 交班：${record.tickets.length} 张未关闭工单移交给您。${input.note}`,
              tickets: record.tickets.map((t) => t.ticketNo),
            },
          },
        ],
        result: record,
      };
    },
    { retriesOnConflict: 5 },
  );

/**
 * Follow-up visit (回访) after the work is done: result and satisfaction. A dissatisfied resident reopens
 * the ticket (a new SLA round); otherwise it is visited and, by default, closed.
 */
export const followUpTicket = (store: Store, ctx: CommandContext, estateId: string, ticketId: string, input: FollowUpInput) =>
  runCommand(
    store,
    ctx,
    { name: 'tickets.followUp', request: { estateId, ticketId, ...input } },
    async () => {
      const ticket = await readTicket(store, estateId, ticketId);
      if (ticket.status !== 'done') throw followUpNotDue(ticket.status);
      const outcome = followUpOutcome(input.satisfaction);
      const followUpId = newId(ctx.now);
      const note = `回访（${SATISFACTION[input.satisfaction]}）：${input.result}`;
      const visit = {
        followUpId,
        ticketId,
        ticketNo: ticket.ticketNo,
        method: input.method,
        satisfaction: input.satisfaction,
        satisfactionLabel: SATISFACTION[input.satisfaction],
        result: input.result,
        outcome,
        at: ctx.now.toISOString(),
        by: { id: ctx.actor.id, name: ctx.actor.name },
      };
      const who = whoOf(ctx);
      const logs: LogEntry[] = [];
      let next: TicketRecord = { ...ticket, lastFollowUp: { satisfaction: input.satisfaction, at: visit.at } };
      const step = (action: TicketAction, stepNote: string, reopenSla?: () => TicketRecord['sla']) => {
        const rule = ruleFor(next, action, ctx);
        const after = applyTransition(next, rule, { note: stepNote }, ctx.now, reopenSla ?? never);
        if ('problem' in after) return raiseProblem(after);
        logs.push({
          event: 'follow_up',
          action,
          actionLabel: TICKET_ACTIONS[action],
          from: next.status,
          to: after.status,
          note: stepNote,
          detail: { followUpId, satisfaction: input.satisfaction },
        });
        next = { ...after, version: ticket.version + 1 };
      };
      const notices: OutboxMessage[] = [];
      if (outcome === 'reopened') {
        const [settings, calendar] = await Promise.all([readSettings(store, estateId), loadCalendar(store)]);
        step('reopen', note, () =>
          computeSla(ticket.kind, ticket.visitNeeded, ctx.now, settings.sla, calendar, ticket.reopenCount + 1),
        );
        notices.push(
          staffNotice(
            next,
            'ticket.reopened',
            { role: 'cs_lead', staff: settings.csLead },
            `工单 ${next.ticketNo} 回访不满意，已重开：${input.result}`,
          ),
        );
      } else {
        step('visit', note);
        if (input.close) step('close', '回访满意，关闭工单');
      }
      return {
        writes: [
          ticketWrite(store, next, ticket.version),
          {
            item: {
              Put: {
                TableName: store.tableName,
                Item: { ...keys.followUp(estateId, ticketId, followUpId), type: 'ticketFollowUp', ...visit },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          },
          ...logs.map((entry) => logWrite(store, next, entry, who)),
        ],
        audit: [ticketAudit('follow_up', ticket, next)],
        outbox: [ticketChanged(next), ...notices],
        result: { ticket: ticketView(next), followUp: visit },
      };
    },
    { retriesOnConflict: 3 },
  );

/** Fills in (or revises) the complaint record (顾客投诉处理记录表): cause, corrective measures, feedback. */
export const putComplaintRecord = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  ticketId: string,
  input: ComplaintRecordInput,
) =>
  runCommand(
    store,
    ctx,
    { name: 'tickets.putComplaintRecord', request: { estateId, ticketId, ...input } },
    async () => {
      const ticket = await readTicket(store, estateId, ticketId);
      if (ticket.kind !== 'complaint') throw notAComplaint(ticket.ticketNo);
      const existing = (await access.getTicketCollection(store, estateId, ticketId)).find((item) => item.sk === 'COMPLAINT');
      const before = existing ? (stripKeys(existing) as Record<string, unknown>) : null;
      const version = Number(before?.version ?? 0);
      const at = ctx.now.toISOString();
      const after = {
        ...(before ?? {
          ticketId,
          ticketNo: ticket.ticketNo,
          estateId,
          openedAt: at,
          openedBy: { id: ctx.actor.id, name: ctx.actor.name },
          reason: 'manual',
        }),
        ...input,
        version: version + 1,
        updatedAt: at,
        updatedBy: { id: ctx.actor.id, name: ctx.actor.name },
      };
      delete (after as Record<string, unknown>).type;
      return {
        writes: [
          {
            item: {
              Put: {
                TableName: store.tableName,
                Item: { ...keys.complaintRecord(estateId, ticketId), type: 'complaintRecord', ...after },
                ...(existing
                  ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
              },
            },
            onConditionFailed: () => new VersionConflictError('投诉处理记录已被他人修改，请刷新后重试'),
          },
        ],
        audit: [
          {
            entityType: 'complaintRecord',
            entityId: ticket.ticketNo,
            entityPk: keys.ticket(estateId, ticketId).pk,
            action: existing ? 'update' : 'create',
            before,
            after,
          },
        ],
        outbox: [{ topic: 'complaintRecord.changed', entityType: 'complaintRecord', entityId: ticketId, payload: after }],
        result: after,
      };
    },
    { retriesOnConflict: 3 },
  );

/** The ticket with its log (oldest first), follow-ups, complaint record, SLA marks and clock states. */
export const ticketDetail = async (store: Store, estateId: string, ticketId: string, now: Date) => {
  const items = await access.getTicketCollection(store, estateId, ticketId);
  const ticketItem = items.find((item) => item.sk === 'TICKET');
  if (!ticketItem) throw ticketNotFound(ticketId);
  const clean = (item: Record<string, unknown>) => {
    const { type: _type, ...rest } = stripKeys(item);
    return rest;
  };
  const ticket = clean(ticketItem) as unknown as TicketRecord;
  const complaint = items.find((item) => item.sk === 'COMPLAINT');
  return {
    ...ticketView(ticket),
    clocks: slaState(ticket, now),
    log: items.filter((item) => String(item.sk).startsWith('LOG#')).map(clean),
    followUps: items.filter((item) => String(item.sk).startsWith('FOLLOWUP#')).map(clean),
    escalations: items.filter((item) => String(item.sk).startsWith('SLA#')).map(clean),
    ...(complaint ? { complaintRecord: clean(complaint) } : {}),
  };
};

/** The daily stock-take (每日盘点): every unclosed ticket by age and owner. */
export const ticketStockTake = async (store: Store, estateId: string, asOf: Date) => {
  await readEstate(store, estateId);
  const tickets = (await access.listOpenTickets(store, estateId)).map((item) => stripKeys(item) as unknown as TicketRecord);
  return stockTake(tickets, asOf);
};
