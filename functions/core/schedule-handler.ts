import { type Store, storeFromEnv } from '../store/client';
import type { CommandContext } from '../store/commit';
import { SYSTEM_ACTOR } from './roles';

/**
 * The event a schedule delivers: EventBridge Scheduler in AWS (input template with
 * `<aws.scheduler.scheduled-time>`), the in-process runner locally, or a person triggering it by hand.
 */
export interface ScheduleEvent {
  scheduleId: string;
  /** ISO instant the run was scheduled for; the run's period (and so its run id) derives from it. */
  scheduledTime?: string;
  /** Set when a person triggers the run by hand. */
  manual?: boolean;
  /** A by-hand variant of a schedule's job, e.g. `setup` / `rebuild` of the sheet sync. */
  action?: string;
}

export interface ScheduleInput {
  event: ScheduleEvent;
  store: Store;
  /** The scheduled instant (the period), not the wall-clock time the run happens to start. */
  scheduledAt: Date;
  ctx: (runId: string) => CommandContext;
}

export const scheduleHandler =
  <R>(run: (input: ScheduleInput) => Promise<R>, options: { store?: () => Store; clock?: () => Date } = {}) =>
  async (event: ScheduleEvent): Promise<R> => {
    const clock = options.clock ?? (() => new Date());
    const scheduledAt = event.scheduledTime ? new Date(event.scheduledTime) : clock();
    if (Number.isNaN(scheduledAt.getTime())) throw new Error(`invalid scheduledTime: ${event.scheduledTime}`);
    const store = (options.store ?? storeFromEnv)();
    return run({
      event,
      store,
      scheduledAt,
      ctx: (runId) => ({ actor: SYSTEM_ACTOR, source: 'schedule', now: clock(), idempotencyKey: runId, requestId: runId }),
    });
  };
