import type { ReminderChannel } from './reminders.domain';

/**
 * The notification port: a reminder goes out through every configured channel and each channel's result is
 * recorded on the reminder. Adapters: SNS (the notice topic; in Lambda the SDK client is made on first use,
 * tests inject a fake `SnsLike`), the WeCom (企业微信) group-robot webhook, and the log. The 提醒 tab needs no adapter: the reminder record itself is its
 * row (outbox topic `reminder.changed`). Messages carry unit codes and amounts, never names, IDs or accounts.
 */
export interface OutgoingReminder {
  dedupKey: string;
  estateId: string;
  kind: string;
  stageLabel: string;
  unitCode?: string | undefined;
  text: string;
}

export type DeliveryResult =
  | { channel: ReminderChannel; ok: true; ref?: string | undefined }
  | { channel: ReminderChannel; ok: false; error: string };

export interface NotificationPort {
  channel: ReminderChannel;
  deliver(message: OutgoingReminder): Promise<DeliveryResult>;
}

/** The input of an SNS Publish (the subset of `PublishCommandInput` this app sends). */
export interface SnsPublishInput {
  TopicArn: string;
  Subject?: string;
  Message: string;
  /** `json`: Message is `{"default": …, "email": …}`, one body per protocol. */
  MessageStructure?: 'json';
  MessageAttributes?: Record<string, { DataType: 'String'; StringValue: string }>;
}

/** What the SNS adapter needs of a client: `send` of a Publish command (`@aws-sdk/client-sns` `PublishCommand`). */
export interface SnsLike {
  send(command: { input: SnsPublishInput }): Promise<{ MessageId?: string | undefined }>;
}

/** The parts of `@aws-sdk/client-sns` the default client uses (a seam for tests). */
export interface SnsSdk {
  SNSClient: new (config: Record<string, unknown>) => { send(command: unknown): Promise<{ MessageId?: string | undefined }> };
  PublishCommand: new (input: SnsPublishInput) => unknown;
}

/**
 * An `SnsLike` over the real SDK, loaded on the first publish: functions that never publish never load it, and the
 * Lambda runtime provides `@aws-sdk/*` (the bundles keep it external). Region and credentials come from the
 * environment as usual (AWS_REGION and the execution role in Lambda).
 */
export const sdkSnsClient = (
  load: () => Promise<SnsSdk> = () => import('@aws-sdk/client-sns') as unknown as Promise<SnsSdk>,
): SnsLike => {
  let ready: Promise<{ client: InstanceType<SnsSdk['SNSClient']>; sdk: SnsSdk }> | undefined;
  return {
    async send(command) {
      ready ??= load().then((sdk) => ({ sdk, client: new sdk.SNSClient({}) }));
      const { sdk, client } = await ready.catch((error) => {
        ready = undefined; // a failed load is retried by the next publish
        throw error;
      });
      return client.send(new sdk.PublishCommand(command.input));
    },
  };
};

let defaultClient: SnsLike | undefined;
/** One SDK client per process (module scope, reused across invocations of a warm Lambda). */
export const defaultSnsClient = (): SnsLike => {
  defaultClient ??= sdkSnsClient();
  return defaultClient;
};

/** The notice topic (alarms, reminders, outbox notices) the stack passes in; REMINDER_TOPIC_ARN is the older name. */
export const noticeTopicArn = (env: NodeJS.ProcessEnv = process.env): string | undefined =>
  env.NOTICE_TOPIC_ARN || env.REMINDER_TOPIC_ARN || undefined;

export const snsNotifier = (client: SnsLike, topicArn: string): NotificationPort => ({
  channel: 'sns',
  async deliver(message) {
    try {
      const out = await client.send({
        input: {
          TopicArn: topicArn,
          Subject: `${message.stageLabel}`.slice(0, 99),
          Message: message.text,
          MessageAttributes: {
            topic: { DataType: 'String', StringValue: 'reminder' },
            estateId: { DataType: 'String', StringValue: message.estateId },
            kind: { DataType: 'String', StringValue: message.kind },
          },
        },
      });
      return { channel: 'sns', ok: true, ref: out.MessageId };
    } catch (error) {
      return { channel: 'sns', ok: false, error: (error as Error).message ?? String(error) };
    }
  },
});

/** WeCom group robot: POST `{"msgtype":"text","text":{"content":"…"}}`; success is HTTP 200 with `errcode: 0`. */
export const wecomNotifier = (
  webhookUrl: string,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): NotificationPort => ({
  channel: 'wecom',
  async deliver(message) {
    const doFetch = options.fetch ?? fetch;
    try {
      const response = await doFetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ msgtype: 'text', text: { content: message.text } }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      const body = (await response.json().catch(() => ({}))) as { errcode?: number; errmsg?: string };
      if (!response.ok || (body.errcode !== undefined && body.errcode !== 0)) {
        return {
          channel: 'wecom',
          ok: false,
          error: `HTTP ${response.status} errcode=${body.errcode ?? '-'} ${body.errmsg ?? ''}`.trim(),
        };
      }
      return { channel: 'wecom', ok: true };
    } catch (error) {
      return { channel: 'wecom', ok: false, error: (error as Error).message ?? String(error) };
    }
  },
});

export const logNotifier = (log: (line: string) => void = (line) => console.log(line)): NotificationPort => ({
  channel: 'log',
  async deliver(message) {
    log(
      JSON.stringify({
        level: 'info',
        reminder: message.dedupKey,
        estateId: message.estateId,
        kind: message.kind,
        text: message.text,
      }),
    );
    return { channel: 'log', ok: true };
  },
});

/**
 * The ports configured by the environment: WECOM_WEBHOOK_URL, NOTICE_TOPIC_ARN (SNS; the SDK client unless one is
 * injected), always the log.
 */
export const notifiersFromEnv = (env: NodeJS.ProcessEnv = process.env, sns?: SnsLike): NotificationPort[] => {
  const ports: NotificationPort[] = [logNotifier()];
  if (env.WECOM_WEBHOOK_URL) ports.push(wecomNotifier(env.WECOM_WEBHOOK_URL));
  const topicArn = noticeTopicArn(env);
  if (topicArn) ports.push(snsNotifier(sns ?? defaultSnsClient(), topicArn));
  return ports;
};
