import { isDeskError } from '../core/errors';
import type { Store } from '../store/client';
import { type CommandContext, type OutboxMessage, type PlannedWrite, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import {
  dueEscalations,
  type Escalation,
  SLA_CLOCKS,
  TICKET_KINDS,
  type TicketRecord,
  type TicketSettings,
} from './tickets.domain';
import { slaAlreadyEscalated } from './tickets.errors';
import { logWrite, placeOf, readSettings, staffNotice } from './tickets.store';

/**
 * The SLA sweep: every unclosed ticket whose clock ran out is escalated to the CS lead, and later to the
 * department head; a complaint not closed within one working day gets its complaint record. Each breach
 * is escalated once: a marker item written with the escalation refuses a second one, whichever run tries.
 */
export interface SweepOutcome {
  checked: number;
  escalated: number;
  complaintRecords: number;
  alreadyDone: number;
  failed: number;
}

const escalate = (
  store: Store,
  ctx: CommandContext,
  ticket: TicketRecord,
  escalation: Escalation,
  settings: TicketSettings,
  complaintRecordExists: boolean,
  at: Date,
) =>
  runCommand(
    store,
    ctx,
    {
      name: 'tickets.escalate',
      request: { estateId: ticket.estateId, ticketId: ticket.ticketId, breachKey: escalation.breachKey },
    },
    async () => {
      const recipient = escalation.recipientRole === 'cs_lead' ? settings.csLead : settings.departmentHead;
      const recipientLabel = escalation.recipientRole === 'cs_lead' ? '客服负责人' : '部门负责人';
      const mark = {
        ticketId: ticket.ticketId,
        ticketNo: ticket.ticketNo,
        breachKey: escalation.breachKey,
        clock: escalation.clock,
        clockLabel: SLA_CLOCKS[escalation.clock],
        level: escalation.level,
        deadline: escalation.deadline,
        detectedAt: at.toISOString(),
        recipientRole: escalation.recipientRole,
        ...(recipient ? { recipient: { id: recipient.id, name: recipient.name } } : {}),
      };
      const opensRecord = escalation.opensComplaintRecord && !complaintRecordExists;
      const writes: PlannedWrite[] = [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...keys.slaBreach(ticket.estateId, ticket.ticketId, escalation.breachKey), type: 'slaBreach', ...mark },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: () => slaAlreadyEscalated(escalation.breachKey),
        },
        logWrite(
          store,
          ticket,
          {
            event: 'escalation',
            action: `escalate_level_${escalation.level}`,
            actionLabel: `超时上报${recipientLabel}`,
            from: ticket.status,
            to: ticket.status,
            note: `${SLA_CLOCKS[escalation.clock]}超时（时限 ${escalation.deadline}）`,
            detail: mark,
          },
          { actor: ctx.actor, source: ctx.source, now: ctx.now },
        ),
      ];
      const outbox: OutboxMessage[] = [
        staffNotice(
          ticket,
          'ticket.sla_breach',
          { role: escalation.recipientRole, staff: recipient },
          `工单 ${ticket.ticketNo}【${TICKET_KINDS[ticket.kind]}】${placeOf(ticket)} ${SLA_CLOCKS[escalation.clock]}超时（时限 ${escalation.deadline}），首问责任人 ${ticket.owner.name}`,
          { clock: escalation.clock, level: escalation.level, deadline: escalation.deadline, owner: ticket.owner },
        ),
      ];
      if (opensRecord) {
        const record = {
          ticketId: ticket.ticketId,
          ticketNo: ticket.ticketNo,
          estateId: ticket.estateId,
          reason: 'overdue',
          reasonLabel: '投诉超过一个工作日未关闭',
          complaint: ticket.description,
          owner: ticket.owner,
          correctiveMeasures: '',
          openedAt: ctx.now.toISOString(),
          openedBy: { id: ctx.actor.id, name: ctx.actor.name },
          version: 1,
          updatedAt: ctx.now.toISOString(),
        };
        writes.push({
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...keys.complaintRecord(ticket.estateId, ticket.ticketId), type: 'complaintRecord', ...record },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: () => slaAlreadyEscalated(escalation.breachKey),
        });
        outbox.push(
          staffNotice(
            ticket,
            'ticket.complaint_record',
            { role: 'cs_lead', staff: settings.csLead },
            `投诉 ${ticket.ticketNo} 超过一个工作日未关闭，已建立顾客投诉处理记录，请责任人制订整改措施并向业主反馈`,
          ),
          { topic: 'complaintRecord.changed', entityType: 'complaintRecord', entityId: ticket.ticketId, payload: record },
        );
      }
      return {
        writes,
        audit: [
          {
            entityType: 'ticket',
            entityId: ticket.ticketNo,
            entityPk: keys.ticket(ticket.estateId, ticket.ticketId).pk,
            action: opensRecord ? 'escalate_and_open_complaint_record' : 'escalate',
            before: null,
            after: mark,
          },
        ],
        outbox,
        result: { ...mark, complaintRecordOpened: opensRecord },
      };
    },
  );

/** Sweeps every estate's unclosed tickets as at `at`. `ctxFor` gives each breach its own idempotency key. */
export const sweepSla = async (
  store: Store,
  at: Date,
  ctxFor: (breachId: string) => CommandContext,
  estateIds?: string[],
): Promise<SweepOutcome> => {
  const outcome: SweepOutcome = { checked: 0, escalated: 0, complaintRecords: 0, alreadyDone: 0, failed: 0 };
  const estates = estateIds ?? (await access.listEstates(store)).map((item) => String(item.id));
  for (const estateId of estates) {
    const settings = await readSettings(store, estateId);
    const tickets = (await access.listOpenTickets(store, estateId)).map((item) => stripKeys(item) as unknown as TicketRecord);
    for (const ticket of tickets) {
      outcome.checked += 1;
      const due = dueEscalations(ticket, at, settings.sla);
      if (due.length === 0) continue;
      const collection = await access.getTicketCollection(store, estateId, ticket.ticketId);
      const marked = new Set(
        collection.filter((item) => String(item.sk).startsWith('SLA#')).map((item) => String(item.breachKey)),
      );
      let recordExists = collection.some((item) => item.sk === 'COMPLAINT');
      for (const escalation of due) {
        if (marked.has(escalation.breachKey)) {
          outcome.alreadyDone += 1;
          continue;
        }
        try {
          const done = await escalate(
            store,
            ctxFor(`${ticket.ticketId}#${escalation.breachKey}`),
            ticket,
            escalation,
            settings,
            recordExists,
            at,
          );
          if (done.replayed) outcome.alreadyDone += 1;
          else outcome.escalated += 1;
          if (!done.replayed && done.result.complaintRecordOpened) {
            outcome.complaintRecords += 1;
            recordExists = true;
          }
        } catch (error) {
          if (isDeskError(error) && error.code === 'SLA_ALREADY_ESCALATED') {
            outcome.alreadyDone += 1;
            continue;
          }
          outcome.failed += 1;
          console.error(
            JSON.stringify({ level: 'error', command: 'tickets.escalate', ticketId: ticket.ticketId, error: String(error) }),
          );
        }
      }
    }
  }
  return outcome;
};
