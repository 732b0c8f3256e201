import { VersionConflictError } from '../core/errors';
import { newId } from '../core/ids';
import type { Actor, Source } from '../core/roles';
import type { Store } from '../store/client';
import type { AuditChange, OutboxMessage, PlannedWrite } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import {
  defaultSettings,
  isOpenStatus,
  type RosterDay,
  rosterDatesFor,
  type Team,
  TICKET_KINDS,
  TICKET_STATUSES,
  type TicketRecord,
  type TicketSettings,
  type TicketStatus,
} from './tickets.domain';
import { ticketNotFound } from './tickets.errors';

/** Reads and writes shared by the ticket commands: the ticket item, its log, counters, settings, teams. */

const record = <T>(item: Record<string, unknown>): T => {
  const { type: _type, ...rest } = stripKeys(item);
  return rest as unknown as T;
};

export const readTicket = async (store: Store, estateId: string, ticketId: string): Promise<TicketRecord> => {
  const item = await access.getTicket(store, estateId, ticketId);
  if (!item) throw ticketNotFound(ticketId);
  return record<TicketRecord>(item);
};

export const readSettings = async (store: Store, estateId: string): Promise<TicketSettings> => {
  const item = await access.getTicketSettings(store, estateId);
  if (!item) return defaultSettings(estateId);
  const stored = record<TicketSettings & { updatedAt?: string }>(item);
  const defaults = defaultSettings(estateId);
  return {
    ...stored,
    routing: { ...defaults.routing, ...stored.routing },
    sla: { ...defaults.sla, ...stored.sla, emergency: { ...defaults.sla.emergency, ...stored.sla?.emergency } },
  };
};

export const readTeam = async (store: Store, estateId: string, teamCode: string): Promise<Team | undefined> => {
  const item = await access.getTeam(store, estateId, teamCode);
  return item ? record<Team>(item) : undefined;
};

/** The team and the rosters the on-duty look-up needs at `now` (today's and last night's). */
export const readTeamOnDuty = async (store: Store, estateId: string, teamCode: string | undefined, now: Date) => {
  if (!teamCode) return { team: undefined, rosters: {} };
  const dates = rosterDatesFor(now);
  const [team, today, yesterday] = await Promise.all([
    readTeam(store, estateId, teamCode),
    access.getRosterDay(store, estateId, teamCode, dates.today),
    access.getRosterDay(store, estateId, teamCode, dates.yesterday),
  ]);
  return {
    team,
    rosters: {
      ...(today ? { today: record<RosterDay>(today) } : {}),
      ...(yesterday ? { yesterday: record<RosterDay>(yesterday) } : {}),
    },
  };
};

/** The ticket item: listed as open or closed, and under its owner while open. Version-checked. */
export const ticketWrite = (store: Store, ticket: TicketRecord, readVersion: number | undefined): PlannedWrite => ({
  item: {
    Put: {
      TableName: store.tableName,
      Item: {
        ...keys.ticket(ticket.estateId, ticket.ticketId),
        ...keys.ticketStateIndex(
          ticket.estateId,
          isOpenStatus(ticket.status) ? 'open' : 'closed',
          ticket.receivedAt,
          ticket.ticketId,
        ),
        ...(isOpenStatus(ticket.status)
          ? keys.ticketOwnerIndex(ticket.estateId, ticket.owner.id, ticket.receivedAt, ticket.ticketId)
          : {}),
        type: 'ticket',
        ...ticket,
      },
      ...(readVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': readVersion } }),
    },
  },
  onConditionFailed: () => new VersionConflictError('工单已被他人同时处理，请刷新后重试', { ticketNo: ticket.ticketNo }),
});

export interface LogEntry {
  event: 'create' | 'transition' | 'handover' | 'follow_up' | 'escalation' | 'complaint_record';
  action: string;
  actionLabel: string;
  from: TicketStatus | null;
  to: TicketStatus;
  note?: string | undefined;
  detail?: Record<string, unknown> | undefined;
}

/** One line of the ticket's log (工单流转记录): who, when, from, to, note. Written once. */
export const logWrite = (
  store: Store,
  ticket: Pick<TicketRecord, 'estateId' | 'ticketId' | 'ticketNo'>,
  entry: LogEntry,
  who: { actor: Actor; source: Source; now: Date },
): PlannedWrite => {
  const logId = newId(who.now);
  return {
    item: {
      Put: {
        TableName: store.tableName,
        Item: {
          ...keys.ticketLog(ticket.estateId, ticket.ticketId, logId),
          type: 'ticketLog',
          logId,
          ticketId: ticket.ticketId,
          ticketNo: ticket.ticketNo,
          ...entry,
          fromLabel: entry.from ? TICKET_STATUSES[entry.from] : null,
          toLabel: TICKET_STATUSES[entry.to],
          actor: { id: who.actor.id, name: who.actor.name, role: who.actor.role },
          source: who.source,
          at: who.now.toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
};

export { counterWrite, readCounter } from '../store/counter';

export const ticketAudit = (action: string, before: TicketRecord | null, after: TicketRecord): AuditChange => ({
  entityType: 'ticket',
  entityId: after.ticketNo,
  entityPk: keys.ticket(after.estateId, after.ticketId).pk,
  action,
  before,
  after,
});

/** For the sheet (工作信息记录本) and anyone following tickets. */
export const ticketChanged = (ticket: TicketRecord): OutboxMessage => ({
  topic: 'ticket.changed',
  entityType: 'ticket',
  entityId: ticket.ticketId,
  payload: ticketView(ticket),
});

/** A message to a person (the notifier delivers it): dispatch, complaint, escalation. */
export const staffNotice = (
  ticket: TicketRecord,
  kind: string,
  recipient: { role: string; staff?: { id: string; name: string } | undefined },
  text: string,
  extra: Record<string, unknown> = {},
): OutboxMessage => ({
  topic: 'notice.staff',
  entityType: 'ticket',
  entityId: ticket.ticketId,
  payload: {
    kind,
    recipientRole: recipient.role,
    ...(recipient.staff ? { recipient: { id: recipient.staff.id, name: recipient.staff.name } } : {}),
    text,
    ticketNo: ticket.ticketNo,
    ticketKind: ticket.kind,
    unitCode: ticket.unitCode,
    publicArea: ticket.publicArea,
    ...extra,
  },
});

export const ticketView = (ticket: TicketRecord) => ({
  ...ticket,
  kindLabel: TICKET_KINDS[ticket.kind],
  statusLabel: TICKET_STATUSES[ticket.status],
});

export const placeOf = (ticket: Pick<TicketRecord, 'unitCode' | 'publicArea'>) =>
  [ticket.unitCode, ticket.publicArea].filter(Boolean).join(' ');
