import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type EventSourceMapping, FilterCriteria, FilterRule, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { StreamTrigger } from '../../functions/manifest';
import { DeadLetterQueue } from './dead-letter-queue.construct';
import type { DeskStage } from './stage-settings';

/** Small batches in stream order; a poison record is isolated by bisecting, retried, then dead-lettered. */
export const STREAM_SETTINGS = {
  batchSize: 10,
  maxBatchingWindowSeconds: 1,
  retryAttempts: 5,
  maxRecordAgeHours: 24,
} as const;

/**
 * The event filter of an `outbox` trigger: new items (INSERT) in the outbox partition (pk = OUTBOX) whose topic the
 * manifest lists. Anything else on the stream (every ledger write, TTL removals) never invokes the function.
 */
export const outboxFilter = (topics: readonly string[]) =>
  FilterCriteria.filter({
    eventName: FilterRule.isEqual('INSERT'),
    dynamodb: { NewImage: { pk: { S: FilterRule.isEqual('OUTBOX') }, topic: { S: FilterRule.or(...topics) } } },
  });

export interface TableStreamTriggerProps {
  stage: DeskStage;
  fn: IFunction;
  table: ITable;
  trigger: StreamTrigger;
  /** The function's physical name: names the on-failure queue's alarm. */
  name: string;
}

/**
 * A table-stream event source mapping for one manifest entry, with its own on-failure destination: after the
 * retries, Lambda writes the failed batch's shard and sequence range (not the records) to the queue. The outbox
 * entries themselves stay in the table for 14 days (their TTL), so a person can find and re-send them.
 */
export class TableStreamTrigger extends Construct {
  readonly deadLetters: DeadLetterQueue;
  readonly mapping: EventSourceMapping;

  constructor(scope: Construct, id: string, { fn, table, trigger, name }: TableStreamTriggerProps) {
    super(scope, id);
    if (trigger.filter !== 'outbox') throw new Error(`${name}: unknown stream filter ${String(trigger.filter)}`);
    if (trigger.topics.length === 0) throw new Error(`${name}: an outbox stream trigger needs at least one topic`);

    this.deadLetters = new DeadLetterQueue(this, 'OnFailure', {
      alarmName: `${name}-stream-failures`,
      holds: `${name}: table-stream batches that still failed after ${STREAM_SETTINGS.retryAttempts} retries`,
    });

    const streamArn = table.tableStreamArn;
    if (!streamArn) throw new Error(`${name}: the table has no stream`);
    // The four stream actions on this table's stream only (DynamoEventSource would add ListStreams on "*").
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadTableStream',
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        resources: [streamArn],
      }),
    );
    this.mapping = fn.addEventSourceMapping('TableStream', {
      eventSourceArn: streamArn,
      // Only what is written after the mapping exists: the first deploy must not replay a day of notices.
      startingPosition: StartingPosition.LATEST,
      batchSize: STREAM_SETTINGS.batchSize,
      maxBatchingWindow: Duration.seconds(STREAM_SETTINGS.maxBatchingWindowSeconds),
      bisectBatchOnError: true,
      retryAttempts: STREAM_SETTINGS.retryAttempts,
      maxRecordAge: Duration.hours(STREAM_SETTINGS.maxRecordAgeHours),
      reportBatchItemFailures: true,
      parallelizationFactor: 1,
      onFailure: new SqsDlq(this.deadLetters.queue),
      filters: [outboxFilter(trigger.topics)],
    });
  }
}
