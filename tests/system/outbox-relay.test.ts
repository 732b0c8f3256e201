import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { SnsLike, SnsPublishInput } from '../../functions/schedules/notify';
import {
  estateIdOf,
  fromImage,
  MAX_PAYLOAD_CHARS,
  noticeFor,
  type OutboxEntry,
  outboxEntryOf,
  RELAY_TOPICS,
} from '../../functions/system/outbox-relay.domain';
import { relayOutbox } from '../../functions/system/outbox-relay.handler';

const TOPIC_ARN = 'arn:aws-cn:sns:cn-north-1:123456789012:property-desk-dev-notices';

/** An outbox item as `runCommand` writes it, in the attribute-value form a stream record carries. */
const outboxImage = (overrides: { topic?: string; pk?: string; payload?: Record<string, unknown>; id?: string } = {}) => {
  const id = overrides.id ?? '01JZ0000000000000000000001';
  const topic = overrides.topic ?? 'notice.staff';
  const payload = overrides.payload ?? {
    kind: 'ticket.dispatched',
    text: '工单 GD000001 已派给您：3-2-1601 厨房漏水',
    unitCode: '3-2-1601',
  };
  const toAttr = (value: unknown): unknown => {
    if (value === null) return { NULL: true };
    if (typeof value === 'string') return { S: value };
    if (typeof value === 'number') return { N: String(value) };
    if (typeof value === 'boolean') return { BOOL: value };
    if (Array.isArray(value)) return { L: value.map(toAttr) };
    return { M: Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toAttr(v)])) };
  };
  return {
    pk: { S: overrides.pk ?? 'OUTBOX' },
    sk: { S: id },
    gsi1pk: { S: `OUTBOX#${topic}` },
    gsi1sk: { S: id },
    type: { S: 'outbox' },
    id: { S: id },
    topic: { S: topic },
    entityType: { S: 'ticket' },
    entityId: { S: 'T01' },
    payload: toAttr(payload),
    source: { S: 'api' },
    at: { S: '2026-12-12T01:05:00.000Z' },
    expiresAt: { N: '1797000000' },
  };
};

const record = (image: Record<string, unknown>, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT', sequence = '100') =>
  ({ eventName, dynamodb: { SequenceNumber: sequence, NewImage: image } }) as unknown as DynamoDBRecord;

const event = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

const fakeSns = (failOn?: (input: SnsPublishInput) => boolean) => {
  const published: SnsPublishInput[] = [];
  const sns: SnsLike = {
    async send({ input }) {
      if (failOn?.(input)) throw new Error('SNS unavailable');
      published.push(input);
      return { MessageId: `m${published.length}` };
    },
  };
  return { sns, published };
};

const entry = (overrides: Partial<OutboxEntry> = {}): OutboxEntry => ({
  id: 'O1',
  topic: 'notice.finance',
  entityType: 'unit',
  entityId: 'E1/3-2-1601',
  payload: { kind: 'ownership-transfer', text: '房号 3-2-1601 业主变更' },
  ...overrides,
});

describe('outbox relay rules', () => {
  it('reads a stream image into plain values (strings, numbers, maps, lists, null, booleans)', () => {
    // Prepare
    const image = { a: { S: 'x' }, n: { N: '25000' }, m: { M: { b: { BOOL: true } } }, l: { L: [{ NULL: true }, { S: 'y' }] } };
    // Act
    const value = fromImage(image);
    // Assess
    expect(value).toEqual({ a: 'x', n: 25000, m: { b: true }, l: [null, 'y'] });
  });

  it.each(RELAY_TOPICS)('relays a new outbox entry of topic %s', (topic) => {
    // Prepare
    const streamRecord = record(outboxImage({ topic }));
    // Act
    const found = outboxEntryOf(streamRecord);
    // Assess
    expect(found).toMatchObject({ id: '01JZ0000000000000000000001', topic, entityType: 'ticket', entityId: 'T01' });
  });

  it.each([
    ['an update of an outbox entry', record(outboxImage(), 'MODIFY')],
    ['the removal of an outbox entry by TTL', record(outboxImage(), 'REMOVE')],
    ['an outbox entry of a topic for the sheet sync', record(outboxImage({ topic: 'ledger.changed' }))],
    ['an item outside the outbox', record(outboxImage({ pk: 'UNIT#E1#3-2-1601' }))],
    ['a record without a new image', { eventName: 'INSERT', dynamodb: {} } as DynamoDBRecord],
  ])('relays nothing for %s', (_, streamRecord) => {
    // Prepare + Act
    const found = outboxEntryOf(streamRecord);
    // Assess
    expect(found).toBeNull();
  });

  it('takes the estate from the payload', () => {
    // Prepare + Act
    const estateId = estateIdOf(entry({ entityType: 'refund', entityId: 'R1', payload: { estateId: 'E7' } }));
    // Assess
    expect(estateId).toBe('E7');
  });

  it('takes the estate from a unit id when the payload has none', () => {
    // Prepare + Act
    const estateId = estateIdOf(entry({ payload: { text: 'x' } }));
    // Assess
    expect(estateId).toBe('E1');
  });

  it('leaves the estate out when nothing names it (ticket notices)', () => {
    // Prepare + Act
    const notice = noticeFor(entry({ topic: 'notice.staff', entityType: 'ticket', entityId: 'T01', payload: { text: '派单' } }));
    // Assess
    expect(notice.attributes).toEqual({ topic: 'notice.staff' });
  });

  it('sets the topic and estate attributes subscribers filter on', () => {
    // Prepare + Act
    const notice = noticeFor(entry());
    // Assess
    expect(notice.attributes).toEqual({ topic: 'notice.finance', estateId: 'E1' });
  });

  it('gives people the command text by e-mail and programs the entry as JSON', () => {
    // Prepare + Act
    const message = JSON.parse(noticeFor(entry()).message);
    // Assess
    expect([message.email.split('\n')[0], JSON.parse(message.default)]).toEqual([
      '房号 3-2-1601 业主变更',
      {
        id: 'O1',
        topic: 'notice.finance',
        entityType: 'unit',
        entityId: 'E1/3-2-1601',
        estateId: 'E1',
        text: '房号 3-2-1601 业主变更',
        payload: { kind: 'ownership-transfer', text: '房号 3-2-1601 业主变更' },
      },
    ]);
  });

  it('writes a text for a refund request, which carries none', () => {
    // Prepare
    const refund = entry({
      topic: 'refund.requested',
      entityType: 'refund',
      entityId: 'R1',
      payload: { refundId: 'R1', estateId: 'E1', unitCode: '3-2-1601', amountFen: 50000 },
    });
    // Act
    const text = JSON.parse(noticeFor(refund).message).email.split('\n')[0];
    // Assess
    expect(text).toBe('退款申请 房号 3-2-1601 ¥500.00，请服务中心主任审批。');
  });

  it('keeps the subject on one line and under 100 characters', () => {
    // Prepare
    const long = entry({ payload: { text: `第一行\n${'很长的通知'.repeat(40)}` } });
    // Act
    const { subject } = noticeFor(long);
    // Assess
    expect([subject.includes('\n'), subject.length < 100]).toEqual([false, true]);
  });

  it('drops an oversized payload from the JSON body but keeps the reference and text', () => {
    // Prepare
    const big = entry({ payload: { text: '大批量', rows: 'x'.repeat(MAX_PAYLOAD_CHARS) } });
    // Act
    const body = JSON.parse(JSON.parse(noticeFor(big).message).default);
    // Assess
    expect([body.payload, body.payloadOmitted, body.id, body.text]).toEqual([undefined, true, 'O1', '大批量']);
  });
});

describe('outbox relay handler', () => {
  it('publishes each relayed entry to the notice topic with its attributes', async () => {
    // Prepare
    const { sns, published } = fakeSns();
    const handler = relayOutbox({ sns, topicArn: TOPIC_ARN, log: () => {} });
    // Act
    const result = await handler(
      event(record(outboxImage({ topic: 'notice.finance', payload: { estateId: 'E1', text: '通知财务' } }))),
    );
    // Assess
    expect([result, published]).toEqual([
      { batchItemFailures: [] },
      [
        expect.objectContaining({
          TopicArn: TOPIC_ARN,
          MessageStructure: 'json',
          MessageAttributes: {
            topic: { DataType: 'String', StringValue: 'notice.finance' },
            estateId: { DataType: 'String', StringValue: 'E1' },
          },
        }),
      ],
    ]);
  });

  it('publishes nothing for records the filter would have dropped', async () => {
    // Prepare
    const { sns, published } = fakeSns();
    const handler = relayOutbox({ sns, topicArn: TOPIC_ARN, log: () => {} });
    // Act
    await handler(event(record(outboxImage({ topic: 'ledger.changed' })), record(outboxImage(), 'REMOVE')));
    // Assess
    expect(published).toEqual([]);
  });

  it('stops at the first failure and reports that record, so Lambda retries from there', async () => {
    // Prepare
    const { sns, published } = fakeSns((input) => input.Subject?.includes('第二条') ?? false);
    const handler = relayOutbox({ sns, topicArn: TOPIC_ARN, log: () => {} });
    const first = record(outboxImage({ id: 'A', payload: { text: '第一条' } }), 'INSERT', '1');
    const second = record(outboxImage({ id: 'B', payload: { text: '第二条' } }), 'INSERT', '2');
    const third = record(outboxImage({ id: 'C', payload: { text: '第三条' } }), 'INSERT', '3');
    // Act
    const result = await handler(event(first, second, third));
    // Assess
    expect([result, published.length]).toEqual([{ batchItemFailures: [{ itemIdentifier: '2' }] }, 1]);
  });

  it('logs ids and topics but never the payload', async () => {
    // Prepare
    const lines: string[] = [];
    const { sns } = fakeSns();
    const handler = relayOutbox({ sns, topicArn: TOPIC_ARN, log: (line) => lines.push(line) });
    // Act
    await handler(event(record(outboxImage({ payload: { text: '业主张三 13800000000' } }))));
    // Assess
    expect(lines.join('\n')).not.toContain('13800000000');
  });

  it('refuses to run without a topic to publish to', async () => {
    // Prepare
    const { sns } = fakeSns();
    const saved = { NOTICE_TOPIC_ARN: process.env.NOTICE_TOPIC_ARN, REMINDER_TOPIC_ARN: process.env.REMINDER_TOPIC_ARN };
    delete process.env.NOTICE_TOPIC_ARN;
    delete process.env.REMINDER_TOPIC_ARN;
    const handler = relayOutbox({ sns, log: () => {} });
    // Act
    const run = handler(event(record(outboxImage())));
    // Assess
    await expect(run).rejects.toThrow(/NOTICE_TOPIC_ARN/);
    Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, value]) => value !== undefined)));
  });
});
