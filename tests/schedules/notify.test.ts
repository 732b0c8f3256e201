import { describe, expect, it } from 'vitest';
import {
  notifiersFromEnv,
  type OutgoingReminder,
  type SnsLike,
  type SnsPublishInput,
  type SnsSdk,
  sdkSnsClient,
  snsNotifier,
} from '../../functions/schedules/notify';

const TOPIC_ARN = 'arn:aws-cn:sns:cn-north-1:123456789012:property-desk-dev-notices';

const reminder: OutgoingReminder = {
  dedupKey: 'overdue:E1:3-2-1601:2026-11:overdue_30',
  estateId: 'E1',
  kind: 'overdue',
  stageLabel: '逾期30天',
  unitCode: '3-2-1601',
  text: '3-2-1601 业主您好：物业费2026-11 合计 ¥250.00 已逾期30天。',
};

/** A stand-in for `@aws-sdk/client-sns`: records the client config and each command's input. */
const fakeSdk = () => {
  const sent: unknown[] = [];
  const configs: unknown[] = [];
  let loads = 0;
  const sdk: SnsSdk = {
    SNSClient: class {
      constructor(config: Record<string, unknown>) {
        configs.push(config);
      }
      async send(command: unknown) {
        sent.push(command);
        return { MessageId: `m${sent.length}` };
      }
    },
    PublishCommand: class {
      constructor(readonly input: SnsPublishInput) {}
    },
  };
  return {
    load: async () => {
      loads += 1;
      return sdk;
    },
    sent,
    configs,
    loads: () => loads,
  };
};

describe('SNS notifier', () => {
  it('publishes the reminder text with topic, estate and kind attributes', async () => {
    // Prepare
    const published: SnsPublishInput[] = [];
    const sns: SnsLike = {
      async send({ input }) {
        published.push(input);
        return { MessageId: 'm1' };
      },
    };
    // Act
    const result = await snsNotifier(sns, TOPIC_ARN).deliver(reminder);
    // Assess
    expect([result, published]).toEqual([
      { channel: 'sns', ok: true, ref: 'm1' },
      [
        {
          TopicArn: TOPIC_ARN,
          Subject: '逾期30天',
          Message: reminder.text,
          MessageAttributes: {
            topic: { DataType: 'String', StringValue: 'reminder' },
            estateId: { DataType: 'String', StringValue: 'E1' },
            kind: { DataType: 'String', StringValue: 'overdue' },
          },
        },
      ],
    ]);
  });

  it('records a failed publish instead of throwing', async () => {
    // Prepare
    const sns: SnsLike = {
      async send() {
        throw new Error('AuthorizationError');
      },
    };
    // Act
    const result = await snsNotifier(sns, TOPIC_ARN).deliver(reminder);
    // Assess
    expect(result).toEqual({ channel: 'sns', ok: false, error: 'AuthorizationError' });
  });

  it('sends a Publish command through the SDK client it loads on first use', async () => {
    // Prepare
    const sdk = fakeSdk();
    const client = sdkSnsClient(sdk.load);
    // Act
    const out = await client.send({ input: { TopicArn: TOPIC_ARN, Message: 'hi' } });
    // Assess
    expect([out, sdk.sent]).toEqual([{ MessageId: 'm1' }, [{ input: { TopicArn: TOPIC_ARN, Message: 'hi' } }]]);
  });

  it('loads the SDK once and reuses one client for later publishes', async () => {
    // Prepare
    const sdk = fakeSdk();
    const client = sdkSnsClient(sdk.load);
    // Act
    await client.send({ input: { TopicArn: TOPIC_ARN, Message: 'a' } });
    await client.send({ input: { TopicArn: TOPIC_ARN, Message: 'b' } });
    // Assess
    expect([sdk.loads(), sdk.configs.length]).toEqual([1, 1]);
  });

  it('tries loading the SDK again after a failed load', async () => {
    // Prepare
    const sdk = fakeSdk();
    let failNext = true;
    const client = sdkSnsClient(async () => {
      if (failNext) {
        failNext = false;
        throw new Error('Cannot find package');
      }
      return sdk.load();
    });
    // Act
    const first = await client.send({ input: { TopicArn: TOPIC_ARN, Message: 'a' } }).catch((error: Error) => error.message);
    const second = await client.send({ input: { TopicArn: TOPIC_ARN, Message: 'b' } });
    // Assess
    expect([first, second]).toEqual(['Cannot find package', { MessageId: 'm1' }]);
  });
});

describe('notifiersFromEnv', () => {
  it('adds the SNS port when NOTICE_TOPIC_ARN is set, with the injected client', async () => {
    // Prepare
    const published: SnsPublishInput[] = [];
    const sns: SnsLike = {
      async send({ input }) {
        published.push(input);
        return { MessageId: 'm1' };
      },
    };
    // Act
    const ports = notifiersFromEnv({ NOTICE_TOPIC_ARN: TOPIC_ARN }, sns);
    await ports.find((port) => port.channel === 'sns')?.deliver(reminder);
    // Assess
    expect([ports.map((port) => port.channel), published.map((input) => input.TopicArn)]).toEqual([['log', 'sns'], [TOPIC_ARN]]);
  });

  it('adds the SNS port without an injected client (the SDK client, as in Lambda)', () => {
    // Prepare + Act
    const ports = notifiersFromEnv({ NOTICE_TOPIC_ARN: TOPIC_ARN });
    // Assess
    expect(ports.map((port) => port.channel)).toEqual(['log', 'sns']);
  });

  it('still accepts the older REMINDER_TOPIC_ARN', () => {
    // Prepare + Act
    const ports = notifiersFromEnv({ REMINDER_TOPIC_ARN: TOPIC_ARN });
    // Assess
    expect(ports.map((port) => port.channel)).toEqual(['log', 'sns']);
  });

  it('has only the log when no channel is configured', () => {
    // Prepare + Act
    const ports = notifiersFromEnv({});
    // Assess
    expect(ports.map((port) => port.channel)).toEqual(['log']);
  });
});
