import { z } from 'zod';
import { REMINDER_CHANNELS, type ReminderChannel } from './reminders.domain';

const CHANNELS = Object.keys(REMINDER_CHANNELS) as [ReminderChannel, ...ReminderChannel[]];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A group-robot webhook: https, or http on this machine only (a local stand-in of the robot). */
export const WebhookUrl = z
  .url({ message: '机器人地址应为完整的网址，如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…' })
  .max(500)
  .refine(
    (value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
    },
    { message: '机器人地址须为 https 网址' },
  );

const unique = <T>(values: T[]) => new Set(values).size === values.length;

/**
 * PUT /estates/{estateId}/reminder-settings: a partial update; fields left out keep their value. The debit day
 * itself is the 15th (the bank agreement and the debit-batch schedule), so stages are offsets from it.
 */
export const ReminderSettingsBody = z
  .object({
    preDebitDaysBefore: z
      .number()
      .int()
      .min(0)
      .max(14)
      .optional()
      .describe('托收前提醒：托收日（15日）前几天开始提醒，0 = 不发托收前提醒'),
    debitFailedDaysAfter: z
      .number()
      .int()
      .min(0)
      .max(15)
      .optional()
      .describe('托收未成功提醒：托收日后第几天起提醒（1 = 16日），0 = 不发'),
    agingDays: z
      .array(z.number().int().min(1, '逾期天数至少为1天').max(730))
      .max(6, '逾期催缴阶段最多6个')
      .refine(unique, '逾期天数不能重复')
      .transform((days) => [...days].sort((a, b) => a - b))
      .optional()
      .describe('逾期催缴阶段：欠费逾期满这些天数时各提醒一次，如 [30,60,90]'),
    channels: z
      .array(z.enum(CHANNELS))
      .min(1, '至少选择一个提醒渠道')
      .refine(unique, '提醒渠道不能重复')
      .optional()
      .describe('提醒渠道：sheet 提醒表、log 日志、wecom 企业微信群机器人、sns 短信/推送'),
    wecomWebhookUrl: WebhookUrl.nullable()
      .optional()
      .describe('本小区企业微信群机器人地址（读取时遮蔽密钥）；null = 删除，改用系统默认机器人'),
    expectedVersion: z.number().int().min(0).optional().describe('读取时的版本号（首次设置为 0 或不填）'),
  })
  .strict();

export type ReminderSettingsInput = z.output<typeof ReminderSettingsBody>;

export const ReminderSettingsView = z
  .object({
    estateId: z.string(),
    debitDay: z.number(),
    preDebitDaysBefore: z.number(),
    debitFailedDaysAfter: z.number(),
    agingDays: z.array(z.number()),
    channels: z.array(z.string()),
    channelLabels: z.array(z.string()),
    wecomWebhookConfigured: z.boolean(),
    wecomWebhookUrlMasked: z.string().optional().describe('机器人地址，密钥只显示首尾4位'),
    stages: z.array(z.object({ stage: z.string(), label: z.string(), when: z.string() })),
    version: z.number(),
  })
  .passthrough();
