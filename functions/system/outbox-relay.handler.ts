import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { defaultSnsClient, noticeTopicArn, type SnsLike } from '../schedules/notify';
import { noticeFor, outboxEntryOf } from './outbox-relay.domain';

/**
 * Table stream → notice topic (AWS only; see the manifest entry `outbox-relay`). The event filter lets through
 * only new outbox entries of the relayed topics; each becomes one SNS message with the `topic` and `estateId`
 * attributes. Records are published in stream order; at the first failure the handler stops and reports that
 * record (ReportBatchItemFailures), so Lambda retries from there and, after its retries, writes the batch's
 * position to the on-failure queue. Delivery is at least once: a retried batch can publish an entry again, and
 * subscribers that care deduplicate on the outbox id in the message.
 */
export interface RelayDeps {
  sns?: SnsLike;
  topicArn?: string;
  log?: (line: string) => void;
}

export const relayOutbox =
  (deps: RelayDeps = {}) =>
  async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const log = deps.log ?? ((line: string) => console.log(line));
    const topicArn = deps.topicArn ?? noticeTopicArn();
    if (!topicArn) throw new Error('NOTICE_TOPIC_ARN is not set: the outbox relay has nowhere to publish');
    const sns = deps.sns ?? defaultSnsClient();

    for (const record of event.Records) {
      const sequence = record.dynamodb?.SequenceNumber ?? '';
      try {
        const entry = outboxEntryOf(record);
        if (!entry) continue;
        const notice = noticeFor(entry);
        const out = await sns.send({
          input: {
            TopicArn: topicArn,
            Subject: notice.subject,
            Message: notice.message,
            MessageStructure: 'json',
            MessageAttributes: Object.fromEntries(
              Object.entries(notice.attributes)
                .filter((pair): pair is [string, string] => typeof pair[1] === 'string')
                .map(([name, value]) => [name, { DataType: 'String' as const, StringValue: value }]),
            ),
          },
        });
        // Ids and topics only: payloads can name residents.
        log(JSON.stringify({ level: 'info', relayed: entry.id, topic: entry.topic, messageId: out.MessageId }));
      } catch (error) {
        log(JSON.stringify({ level: 'error', failedSequence: sequence, error: (error as Error).message ?? String(error) }));
        return { batchItemFailures: [{ itemIdentifier: sequence }] };
      }
    }
    return { batchItemFailures: [] };
  };

export const handler = relayOutbox();
