import { businessDate } from '../core/dates';
import { type ScheduleInput, scheduleHandler } from '../core/schedule-handler';
import { monthOf } from '../fees/periods.domain';
import { access } from '../store/keys';
import { type BillingOptions, runMonthlyBilling } from './billing.commands';
import { billingRunId } from './billing.domain';
import { createDebitBatch, debitBatchFile } from './debit.commands';
import { debitBatchRunId } from './debit.domain';
import { type DebitFileSink, debitFileSinkFromEnv } from './debit-files';
import { type NotificationPort, notifiersFromEnv } from './notify';
import {
  readReminderSettings,
  runFollowUpReminders,
  runOverdueReminders,
  runRenovationReminders,
  runStockTake,
} from './reminders.commands';
import { BillingRunInProgressError } from './schedules.errors';

/**
 * The fee and reminder schedules, one function dispatching on `scheduleId` (see the manifest):
 * - `monthly-billing` (1st, hourly 01:00–06:00): bills the month; every run resumes the month's run, later ones are no-ops;
 * - `debit-batch` (15th 07:00): the month's direct-debit batch file;
 * - `overdue-reminders` (daily 09:05): 催缴 by stage; `renovation-reminders` (daily 09:30); `ticket-stock-take` (daily 17:00);
 * - `ticket-follow-ups` (daily 10:00): follow-up visits (回访) due or overdue.
 * Run ids derive from the schedule and its period (month or business date); what a run does is idempotent per
 * unit/reminder, so a double trigger or a retry charges and reminds once.
 */
export interface ScheduleDeps {
  ports?: () => NotificationPort[];
  billing?: BillingOptions;
  /** Where the debit batch file is written besides the store (locally DATA_DIR/debit/; none in Lambda). */
  debitFiles?: () => DebitFileSink | undefined;
}

const DEFAULT_BILLING: BillingOptions = { chunkSize: 50, concurrency: 8, budgetMs: 12 * 60_000 };

export const schedulesRunner =
  (deps: ScheduleDeps = {}) =>
  async ({ event, store, scheduledAt, ctx }: ScheduleInput) => {
    const day = businessDate(scheduledAt);
    const month = monthOf(day);
    const ports = () => (deps.ports ?? notifiersFromEnv)();
    const estates = async () => (await access.listEstates(store)).map((item) => String(item.id));
    switch (event.scheduleId) {
      case 'monthly-billing': {
        const runs = [];
        for (const estateId of await estates()) {
          const runId = billingRunId(estateId, month);
          try {
            runs.push(
              await runMonthlyBilling(
                store,
                ctx(runId),
                { estateId, month, billingDate: day },
                { ...DEFAULT_BILLING, ...deps.billing },
              ),
            );
          } catch (error) {
            // Another runner has this estate's month (a double trigger): it is reported, not retried or dead-lettered.
            if (!(error instanceof BillingRunInProgressError)) throw error;
            runs.push({ runId, estateId, month, busy: true, error: { code: error.code, message: error.message } });
          }
        }
        return { runId: `monthly-billing:${month}`, runs };
      }
      case 'debit-batch': {
        const batches = [];
        for (const estateId of await estates()) {
          const settings = await readReminderSettings(store, estateId);
          const debitDate = `${month}-${String(settings.debitDay).padStart(2, '0')}`;
          const outcome = await createDebitBatch(store, ctx(debitBatchRunId(estateId, month)), estateId, month, debitDate);
          // Locally the file also lands in DATA_DIR/debit/ (again on a replay, in case the cashier moved it away).
          const sink = (deps.debitFiles ?? debitFileSinkFromEnv)();
          const file = sink
            ? await sink.write({ estateId, month, content: (await debitBatchFile(store, estateId, month)).content })
            : undefined;
          batches.push({ ...outcome.result, replayed: outcome.replayed, ...(file ? { file: file.location } : {}) });
        }
        return { runId: `debit-batch:${month}`, batches };
      }
      case 'overdue-reminders': {
        const runId = `overdue-reminders:${day}`;
        return { runId, ...(await runOverdueReminders(store, ctx(runId), day, ports())) };
      }
      case 'renovation-reminders': {
        const runId = `renovation-reminders:${day}`;
        return { runId, ...(await runRenovationReminders(store, ctx(runId), day, ports())) };
      }
      case 'ticket-stock-take': {
        const runId = `ticket-stock-take:${day}`;
        return { runId, ...(await runStockTake(store, ctx(runId), day, ports())) };
      }
      case 'ticket-follow-ups': {
        const runId = `ticket-follow-ups:${day}`;
        return { runId, ...(await runFollowUpReminders(store, ctx(runId), day, ports())) };
      }
      default:
        throw new Error(`unknown schedule: ${event.scheduleId}`);
    }
  };

export const handler = scheduleHandler(schedulesRunner());
