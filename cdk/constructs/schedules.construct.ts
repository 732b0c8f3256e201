import { Aws } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { allSchedules } from '../../functions/manifest';
import type { DeskFunction } from './desk-function.construct';
import { type DeskStage, resourceName } from './stage-settings';

/** A run is idempotent per business day, so retrying for a few hours is safe and covers a regional blip. */
const RETRY_POLICY = { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 6 * 3600 } as const;

export interface DeskSchedulesProps {
  stage: DeskStage;
  /** The function of each manifest entry, by manifest name. */
  functions: ReadonlyMap<string, DeskFunction>;
}

/**
 * Every manifest schedule as an EventBridge Scheduler schedule in its own time zone (Beijing time,
 * no daylight saving), exactly on time, delivering the `ScheduleEvent` the handler expects.
 * Deliveries that still fail after the retries land in the function's dead-letter queue.
 */
export class DeskSchedules extends Construct {
  readonly schedules: CfnSchedule[] = [];

  constructor(scope: Construct, id: string, { stage, functions }: DeskSchedulesProps) {
    super(scope, id);

    for (const { fn, schedule } of allSchedules()) {
      const target = functions.get(fn.name);
      if (!target) throw new Error(`No function built for manifest entry ${fn.name}`);

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
          resources: [target.deadLetterQueue.queueArn],
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
          retryPolicy: RETRY_POLICY,
          deadLetterConfig: { arn: target.deadLetterQueue.queueArn },
        },
      });
      // The first run must not find a role without its policy.
      cfnSchedule.node.addDependency(role);
      this.schedules.push(cfnSchedule);
    }
  }
}
