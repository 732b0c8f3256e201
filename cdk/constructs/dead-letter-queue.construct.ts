import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /** Physical name of the alarm; alarm names share the stage prefix (the notice topic's key policy relies on it). */
  alarmName: string;
  /** What lands here, for the alarm description and the acknowledgements. */
  holds: string;
}

/**
 * An SQS dead-letter queue with the one alarm every dead-letter queue of the app gets: one message is one
 * failure that no retry fixed, so the alarm fires on the first. Encrypted (SQS managed), TLS only, kept 14 days
 * (the most SQS allows: a failure found after a holiday week is still there).
 */
export class DeadLetterQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, { alarmName, holds }: DeadLetterQueueProps) {
    super(scope, id);

    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.queue).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: `This queue IS a dead-letter queue (${holds}); nothing consumes it automatically, and its own alarm reports every message.`,
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: `This queue IS a dead-letter queue (${holds}); a redrive policy would need a dead-letter queue for the dead-letter queue.`,
      },
    );

    this.alarm = new Alarm(this, 'Alarm', {
      alarmName,
      alarmDescription: `${holds}: at least one message is waiting in the dead-letter queue`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
