/**
 * The outbox relay's pure rules: which table-stream records are outbox entries to relay, and the SNS message each
 * becomes. No SDK, no env, no clock: the handler passes the records in and publishes what comes out.
 *
 * Commands write outbox entries (`pk = OUTBOX`, see `functions/store/keys.ts`) in the same transaction as the change
 * they announce; the table stream delivers each new entry once it is committed. The relay forwards the topics meant
 * for people — staff notices, finance notices and refund requests — to the notice topic, where subscriptions
 * (e-mail, a WeCom forwarder, …) pick what they want by the `topic` and `estateId` message attributes.
 */

/** Outbox topics the relay publishes; the stream's event filter lets only these reach the function. */
export const RELAY_TOPICS = ['notice.staff', 'notice.finance', 'refund.requested'] as const;
export type RelayTopic = (typeof RELAY_TOPICS)[number];

export const isRelayTopic = (topic: unknown): topic is RelayTopic => RELAY_TOPICS.some((known) => known === topic);

/** A DynamoDB attribute value as a stream record carries it (the subset the table uses). */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] };

/** What the relay reads of a DynamoDB stream record (`DynamoDBRecord` of `aws-lambda` fits). */
export interface StreamRecordLike {
  eventName?: string | undefined;
  dynamodb?:
    | {
        SequenceNumber?: string | undefined;
        NewImage?: Record<string, unknown> | undefined;
      }
    | undefined;
}

/** An outbox entry as `runCommand` writes it. */
export interface OutboxEntry {
  id: string;
  topic: string;
  entityType: string;
  entityId: string;
  payload: unknown;
  source?: string | undefined;
  at?: string | undefined;
}

export interface SnsNotice {
  subject: string;
  /** `MessageStructure: json` body: `default` (JSON of the entry, for programs) and `email` (text, for people). */
  message: string;
  attributes: { topic: string; estateId?: string | undefined };
}

/** Converts one attribute value; numbers become JS numbers (outbox payloads hold fen and counts, all safe integers). */
export const fromAttribute = (value: unknown): unknown => {
  if (!value || typeof value !== 'object') throw new Error(`not an attribute value: ${JSON.stringify(value)}`);
  const [type, inner] = Object.entries(value)[0] ?? [];
  switch (type) {
    case 'S':
      return inner as string;
    case 'N':
      return Number(inner);
    case 'BOOL':
      return inner as boolean;
    case 'NULL':
      return null;
    case 'M':
      return fromImage(inner as Record<string, unknown>);
    case 'L':
      return (inner as unknown[]).map(fromAttribute);
    case 'SS':
      return [...(inner as string[])];
    case 'NS':
      return (inner as string[]).map(Number);
    default:
      throw new Error(`unsupported attribute type ${String(type)}`);
  }
};

export const fromImage = (image: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(image).map(([name, value]) => [name, fromAttribute(value)]));

/**
 * The outbox entry a stream record inserted, or null when the record is anything else (an update, a removal by
 * TTL, another item, a topic the relay does not forward). The event filter already drops those in AWS; checking
 * again keeps the handler right wherever it is invoked from.
 */
export const outboxEntryOf = (record: StreamRecordLike): OutboxEntry | null => {
  if (record.eventName !== 'INSERT') return null;
  const image = record.dynamodb?.NewImage;
  if (!image) return null;
  const item = fromImage(image);
  if (item.pk !== 'OUTBOX' || !isRelayTopic(item.topic)) return null;
  return {
    id: String(item.id ?? item.sk),
    topic: item.topic,
    entityType: String(item.entityType ?? ''),
    entityId: String(item.entityId ?? ''),
    payload: item.payload ?? null,
    source: typeof item.source === 'string' ? item.source : undefined,
    at: typeof item.at === 'string' ? item.at : undefined,
  };
};

const TOPIC_LABELS: Record<RelayTopic, string> = {
  'notice.staff': '员工通知',
  'notice.finance': '财务通知',
  'refund.requested': '退款申请待审批',
};

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** The estate an entry concerns: `payload.estateId`, else the estate part of a unit id (`<estate>/<unit>`). */
export const estateIdOf = (entry: OutboxEntry): string | undefined => {
  const fromPayload = record(entry.payload).estateId;
  if (typeof fromPayload === 'string' && fromPayload) return fromPayload;
  if (entry.entityType === 'unit' && entry.entityId.includes('/')) return entry.entityId.split('/')[0];
  return undefined;
};

const formatFen = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** One line a person can act on: the command's own text when it wrote one, else what the entry is about. */
export const noticeText = (entry: OutboxEntry): string => {
  const payload = record(entry.payload);
  if (typeof payload.text === 'string' && payload.text) return payload.text;
  if (entry.topic === 'refund.requested') {
    const amount = typeof payload.amountFen === 'number' ? ` ${formatFen(payload.amountFen)}` : '';
    const unit = typeof payload.unitCode === 'string' ? ` 房号 ${payload.unitCode}` : '';
    return `退款申请${unit}${amount}，请服务中心主任审批。`;
  }
  return `${TOPIC_LABELS[entry.topic as RelayTopic] ?? entry.topic}：${entry.entityType} ${entry.entityId}`;
};

/** SNS allows 256 KB per message; both bodies must fit, so the JSON body drops a payload past this size. */
export const MAX_PAYLOAD_CHARS = 100_000;

/** The SNS message of one outbox entry. */
export const noticeFor = (entry: OutboxEntry): SnsNotice => {
  const estateId = estateIdOf(entry);
  const text = noticeText(entry);
  const label = TOPIC_LABELS[entry.topic as RelayTopic] ?? entry.topic;
  const payloadJson = JSON.stringify(entry.payload);
  const body = {
    id: entry.id,
    topic: entry.topic,
    entityType: entry.entityType,
    entityId: entry.entityId,
    ...(estateId ? { estateId } : {}),
    at: entry.at,
    text,
    ...(payloadJson.length <= MAX_PAYLOAD_CHARS ? { payload: entry.payload } : { payloadOmitted: true }),
  };
  const email = [
    text,
    '',
    `${label} · ${entry.entityType} ${entry.entityId}${estateId ? ` · ${estateId}` : ''}`,
    `outbox ${entry.id}`,
  ].join('\n');
  return {
    // No line breaks, under 100 characters (SNS rules for Subject).
    subject: `[${label}] ${text}`.replace(/\s+/g, ' ').slice(0, 99),
    message: JSON.stringify({ default: JSON.stringify(body), email }),
    attributes: { topic: entry.topic, ...(estateId ? { estateId } : {}) },
  };
};
