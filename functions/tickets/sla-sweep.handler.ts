import { type ScheduleInput, scheduleHandler } from '../core/schedule-handler';
import { sweepSla } from './sla-sweep.commands';

const SLOT_MS = 15 * 60_000;

/**
 * Schedule `ticket-sla-sweep` (every 15 minutes): escalates SLA breaches of unclosed tickets and opens the
 * complaint record of complaints not closed within one working day. The run id is the 15-minute slot, and
 * each breach is escalated once across all runs (its marker item refuses a second escalation).
 */
export const runTicketSlaSweep = async ({ store, scheduledAt, ctx }: ScheduleInput) => {
  const slot = new Date(Math.floor(scheduledAt.getTime() / SLOT_MS) * SLOT_MS);
  const runId = `ticket-sla-sweep:${slot.toISOString().slice(0, 16)}Z`;
  const outcome = await sweepSla(store, scheduledAt, (breachId) => ctx(`${runId}#${breachId}`));
  return { runId, ...outcome };
};

export const handler = scheduleHandler(runTicketSlaSweep);
