import type { ScheduleEvent } from '../../functions/core/schedule-handler';
import { allSchedules, type FunctionDefinition, type ScheduleDefinition } from '../../functions/manifest';
import { nextFireTime } from './schedule-expression';

/**
 * Runs every manifest schedule in-process at its times (Asia/Shanghai), like EventBridge Scheduler
 * would invoke the Lambda, and lets a person trigger one by hand.
 */
type Invoke = (fn: FunctionDefinition, event: ScheduleEvent) => Promise<unknown>;

export interface LocalScheduler {
  runNow(scheduleId: string, action?: string): Promise<unknown>;
  stop(): void;
  next(): Array<{ id: string; at: string }>;
}

const MAX_TIMEOUT = 2 ** 31 - 1;

export const startLocalScheduler = (
  invoke: Invoke,
  log: (line: string) => void = () => {},
  options: { timers?: boolean } = {},
): LocalScheduler => {
  const timers = new Map<string, NodeJS.Timeout>();
  const upcoming = new Map<string, Date>();
  let stopped = false;

  const arm = (fn: FunctionDefinition, schedule: ScheduleDefinition, after: Date) => {
    if (stopped) return;
    const at = nextFireTime(schedule.expression, after);
    upcoming.set(schedule.id, at);
    const wait = Math.min(Math.max(at.getTime() - Date.now(), 0), MAX_TIMEOUT);
    const timer = setTimeout(async () => {
      if (Date.now() < at.getTime()) return arm(fn, schedule, after); // woke early (very long wait)
      try {
        const result = await invoke(fn, { scheduleId: schedule.id, scheduledTime: at.toISOString() });
        log(`schedule ${schedule.id} ran for ${at.toISOString()}: ${JSON.stringify(result)}`);
      } catch (error) {
        log(`schedule ${schedule.id} failed: ${(error as Error).stack ?? String(error)}`);
      }
      arm(fn, schedule, at);
    }, wait);
    timer.unref();
    timers.set(schedule.id, timer);
  };

  if (options.timers !== false) for (const { fn, schedule } of allSchedules()) arm(fn, schedule, new Date());

  return {
    async runNow(scheduleId, action) {
      const found = allSchedules().find(({ schedule }) => schedule.id === scheduleId);
      if (!found) throw new Error(`unknown schedule: ${scheduleId}`);
      return invoke(found.fn, {
        scheduleId,
        scheduledTime: new Date().toISOString(),
        manual: true,
        ...(action ? { action } : {}),
      });
    },
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
    },
    next: () => [...upcoming.entries()].map(([id, at]) => ({ id, at: at.toISOString() })),
  };
};
