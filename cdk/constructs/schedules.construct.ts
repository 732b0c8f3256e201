import { Aws } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { FunctionDefinition } from '../../functions/manifest';
import { DeadLetterQueue } from './dead-letter-queue.construct';
import type { DeskFunction } from './desk-function.construct';
import { type DeskStage, resourceName } from './stage-settings';

/** A run is idempotent per business day, so retrying for a few hours is safe and covers a regional blip. */
export const SCHEDULE_RETRY_POLICY = { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 6 * 3600 } as const;

export interface DeskSchedulesProps {
  stage: DeskStage;
  /** The manifest entries (their schedules). */
  definitions: readonly FunctionDefinition[];
  /** The function of each manifest entry, by manifest name. */
  functions: ReadonlyMap<string, DeskFunction>;
}

/**
 * Every manifest schedule as an EventBridge Scheduler schedule in its own time zone (Beijing time,
 * no daylight saving), exactly on time, delivering the `ScheduleEvent` the handler expects.
 * Scheduler invokes the function asynchronously: a delivery Scheduler itself cannot make (throttled, missing
 * permission, function gone) is retried by its retry policy and then lands in the scheduler dead-letter queue of
 * the target function; a run that was delivered and then failed lands in the function's own dead-letter queue.
 */
export class DeskSchedules extends Construct {
  readonly schedules: CfnSchedule[] = [];
  /** One scheduler dead-letter queue per scheduled function, by manifest name. */
  readonly deadLetters = new Map<string, DeadLetterQueue>();

  constructor(scope: Construct, id: string, { stage, definitions, functions }: DeskSchedulesProps) {
    super(scope, id);

    const scheduled = definitions.flatMap((fn) => (fn.schedules ?? []).map((schedule) => ({ fn, schedule })));
    for (const { fn, schedule } of scheduled) {
      const target = functions.get(fn.name);
      if (!target) throw new Error(`No function built for manifest entry ${fn.name}`);
      let deadLetters = this.deadLetters.get(fn.name);
      if (!deadLetters) {
        deadLetters = new DeadLetterQueue(this, `DeadLetters-${fn.name}`, {
          alarmName: resourceName(stage, `${fn.name}-schedule-dead-letters`),
          holds: `EventBridge Scheduler deliveries to ${fn.name} that failed after the retry policy`,
        });
        this.deadLetters.set(fn.name, deadLetters);
      }

      // One role per schedule: it may invoke this one function and dead-letter into its queue, nothing else.
      const role = new Role(this, `Role-${schedule.id}`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
        description: `EventBridge Scheduler: schedule ${schedule.id} invokes ${fn.name}`,
      });
      role.addToPrincipalPolicy(
        new PolicyStatement({ sid: 'InvokeTarget', actions: ['lambda:InvokeFunction'], resources: [target.fn.functionArn] }),
      );
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'DeadLetter',
          actions: ['sqs:SendMessage'],
          resources: [deadLetters.queue.queueArn],
        }),
      );

      const cfnSchedule = new CfnSchedule(this, `Schedule-${schedule.id}`, {
        name: resourceName(stage, schedule.id),
        description: schedule.description,
        scheduleExpression: schedule.expression,
        scheduleExpressionTimezone: schedule.timezone,
        flexibleTimeWindow: { mode: 'OFF' },
        state: 'ENABLED',
        target: {
          arn: target.fn.functionArn,
          roleArn: role.roleArn,
          input: JSON.stringify({ scheduleId: schedule.id, scheduledTime: '<aws.scheduler.scheduled-time>' }),
          retryPolicy: SCHEDULE_RETRY_POLICY,
          deadLetterConfig: { arn: deadLetters.queue.queueArn },
        },
      });
      // The first run must not find a role without its policy.
      cfnSchedule.node.addDependency(role);
      this.schedules.push(cfnSchedule);
    }
  }
}
