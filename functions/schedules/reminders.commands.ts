import { loadCalendar } from '../calendar/calendar.commands';
import { AlreadyExistsError, VersionConflictError } from '../core/errors';
import type { Account } from '../fees/ledger.domain';
import { REFUND_WAIT_WORKING_DAYS } from '../renovation/renovation.domain';
import type { Permit } from '../renovation/renovation.store';
import type { Store } from '../store/client';
import { type CommandContext, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import { followUpDue, TICKET_KINDS, TICKET_STATUSES, type TicketRecord } from '../tickets/tickets.domain';
import { placeOf, readSettings as readTicketSettings } from '../tickets/tickets.store';
import { readEstate } from '../units/units.commands';
import { type NotificationPort, wecomNotifier } from './notify';
import {
  DEFAULT_REMINDER_SETTINGS,
  deliveryStatus,
  describeStages,
  followUpReminderFor,
  maskWebhookUrl,
  overdueRemindersFor,
  type PermitFacts,
  REMINDER_CHANNELS,
  REMINDER_KINDS,
  REMINDER_STATUSES,
  type ReminderChannel,
  type ReminderDraft,
  type ReminderSettings,
  renovationRemindersFor,
  stockTakeReminder,
} from './reminders.domain';
import type { ReminderSettingsInput } from './reminders.schema';

/**
 * Raising and delivering reminders (提醒). A reminder is a record keyed by its dedup key (unit/permit + period +
 * stage): raising it twice is refused by the record's own condition, so every run — a double trigger, a retry,
 * tomorrow's run — reminds once. Delivery goes through the notification ports; each channel's result is recorded,
 * and a reminder whose delivery failed is tried again by the next run (at most MAX_ATTEMPTS times).
 */
export const MAX_ATTEMPTS = 3;
const STALE_SENDING_MS = 10 * 60_000;

export interface ReminderRunOutcome {
  checked: number;
  raised: number;
  alreadyDone: number;
  redelivered: number;
  deliveryFailed: number;
  reminders: string[];
}

const emptyOutcome = (): ReminderRunOutcome => ({
  checked: 0,
  raised: 0,
  alreadyDone: 0,
  redelivered: 0,
  deliveryFailed: 0,
  reminders: [],
});

const reminderExists = (dedupKey: string) =>
  new AlreadyExistsError('REMINDER_EXISTS', `提醒 ${dedupKey} 已生成，不重复提醒`, { dedupKey });
const reminderBusy = (dedupKey: string) => new AlreadyExistsError('REMINDER_BUSY', `提醒 ${dedupKey} 正在发送`, { dedupKey });

/** The estate's reminder settings (defaults until it saves its own), webhook URL in clear: for the runs only. */
export const readReminderSettings = async (store: Store, estateId: string): Promise<ReminderSettings> => {
  const item = await access.getReminderSettings(store, estateId);
  if (!item) return DEFAULT_REMINDER_SETTINGS;
  const { type: _type, estateId: _e, updatedAt: _u, updatedBy: _b, ...rest } = stripKeys(item);
  return { ...DEFAULT_REMINDER_SETTINGS, ...(rest as Partial<ReminderSettings>) };
};

/** The settings as staff see them: stages in words, channels, the robot webhook masked. */
export const reminderSettingsView = (
  estateId: string,
  settings: ReminderSettings,
  meta: { updatedAt?: unknown; updatedBy?: unknown } = {},
) => {
  const { wecomWebhookUrl, ...rest } = settings;
  return {
    estateId,
    ...rest,
    channelLabels: settings.channels.map((c) => REMINDER_CHANNELS[c]),
    wecomWebhookConfigured: Boolean(wecomWebhookUrl),
    ...(wecomWebhookUrl ? { wecomWebhookUrlMasked: maskWebhookUrl(wecomWebhookUrl) } : {}),
    stages: describeStages(settings),
    ...(meta.updatedAt ? { updatedAt: String(meta.updatedAt) } : {}),
    ...(meta.updatedBy ? { updatedBy: meta.updatedBy } : {}),
  };
};

export const getReminderSettings = async (store: Store, estateId: string) => {
  await readEstate(store, estateId);
  const item = await access.getReminderSettings(store, estateId);
  return reminderSettingsView(estateId, await readReminderSettings(store, estateId), item ?? {});
};

const masked = (settings: ReminderSettings) => {
  const { wecomWebhookUrl, ...rest } = settings;
  return { ...rest, ...(wecomWebhookUrl ? { wecomWebhookUrl: maskWebhookUrl(wecomWebhookUrl) } : {}) };
};

/**
 * Saves the estate's overdue-reminder stages, channels and robot webhook: a partial update over the current
 * settings (`wecomWebhookUrl: null` removes the estate's robot), checked against `expectedVersion` when given.
 * Audit and outbox carry the webhook masked: its key lets anyone post to the group.
 */
export const putReminderSettings = (store: Store, ctx: CommandContext, estateId: string, input: ReminderSettingsInput) =>
  runCommand(store, ctx, { name: 'schedules.putReminderSettings', request: { estateId, ...input } }, async () => {
    await readEstate(store, estateId);
    const before = await readReminderSettings(store, estateId);
    if (input.expectedVersion !== undefined && input.expectedVersion !== before.version) {
      throw new VersionConflictError('催缴提醒设置已被他人修改，请刷新后重试', { version: before.version });
    }
    const { expectedVersion: _v, wecomWebhookUrl, ...changes } = input;
    const after: ReminderSettings = {
      ...before,
      ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
      version: before.version + 1,
    };
    if (wecomWebhookUrl === null) delete after.wecomWebhookUrl;
    else if (wecomWebhookUrl !== undefined) after.wecomWebhookUrl = wecomWebhookUrl;
    const updatedBy = { id: ctx.actor.id, name: ctx.actor.name };
    return {
      writes: [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: {
                ...keys.reminderSettings(estateId),
                type: 'reminderSettings',
                estateId,
                ...after,
                updatedAt: ctx.now.toISOString(),
                updatedBy,
              },
              ...(before.version === 0
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }),
            },
          },
          onConditionFailed: () => new VersionConflictError('催缴提醒设置已被他人修改，请刷新后重试'),
        },
      ],
      audit: [
        {
          entityType: 'reminderSettings',
          entityId: estateId,
          entityPk: keys.reminderSettings(estateId).pk,
          action: before.version === 0 ? 'create' : 'update',
          before: before.version === 0 ? null : masked(before),
          after: masked(after),
        },
      ],
      outbox: [{ topic: 'reminderSettings.changed', entityType: 'reminderSettings', entityId: estateId, payload: masked(after) }],
      result: reminderSettingsView(estateId, after, { updatedAt: ctx.now.toISOString(), updatedBy }),
    };
  });

/** The estate's ports: its own WeCom robot, when set, replaces the environment's for its reminders. */
export const portsFor = (ports: NotificationPort[], settings: ReminderSettings): NotificationPort[] =>
  settings.wecomWebhookUrl
    ? [...ports.filter((port) => port.channel !== 'wecom'), wecomNotifier(settings.wecomWebhookUrl)]
    : ports;

const estateName = async (store: Store, estateId: string) => String((await access.getEstate(store, estateId))?.name ?? estateId);

type Delivery = { channel: ReminderChannel; ok: boolean; at: string; ref?: string | undefined; error?: string | undefined };

const createReminder = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  draft: ReminderDraft,
  channels: ReminderChannel[],
  today: string,
) =>
  runCommand(
    store,
    { ...ctx, idempotencyKey: `reminder:${estateId}:${draft.dedupKey}` },
    { name: 'schedules.raiseReminder', request: { estateId, dedupKey: draft.dedupKey } },
    async () => {
      const at = ctx.now.toISOString();
      const deliveries: Delivery[] = channels.includes('sheet') ? [{ channel: 'sheet', ok: true, at }] : [];
      const record = {
        estateId,
        ...draft,
        kindLabel: REMINDER_KINDS[draft.kind],
        raisedOn: today,
        channels,
        channelLabels: channels.map((c) => REMINDER_CHANNELS[c]),
        status: 'pending',
        statusLabel: REMINDER_STATUSES.pending,
        attempts: 0,
        deliveries,
        createdAt: at,
        updatedAt: at,
      };
      return {
        writes: [
          {
            item: {
              Put: {
                TableName: store.tableName,
                Item: {
                  ...keys.reminder(estateId, draft.dedupKey),
                  ...keys.reminderIndex(estateId, today, draft.dedupKey),
                  type: 'reminder',
                  ...record,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            onConditionFailed: () => reminderExists(draft.dedupKey),
          },
        ],
        audit: [],
        outbox: [{ topic: 'reminder.changed', entityType: 'reminder', entityId: draft.dedupKey, payload: record }],
        result: record,
      };
    },
  );

const updateReminder = (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  dedupKey: string,
  set: Record<string, unknown>,
  condition?: { expression: string; values: Record<string, unknown> },
) =>
  runCommand(
    store,
    { ...ctx, idempotencyKey: undefined },
    { name: 'schedules.updateReminder', request: { estateId, dedupKey, set } },
    async () => {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ...(condition?.values ?? {}) };
      const parts = Object.entries(set).map(([field, value], i) => {
        names[`#f${i}`] = field;
        values[`:v${i}`] = value;
        return `#f${i} = :v${i}`;
      });
      return {
        writes: [
          {
            item: {
              Update: {
                TableName: store.tableName,
                Key: keys.reminder(estateId, dedupKey),
                UpdateExpression: `SET ${parts.join(', ')}`,
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
                ConditionExpression: condition ? `attribute_exists(pk) AND ${condition.expression}` : 'attribute_exists(pk)',
              },
            },
            onConditionFailed: () => reminderBusy(dedupKey),
          },
        ],
        audit: [],
        outbox: set.status
          ? [{ topic: 'reminder.changed', entityType: 'reminder', entityId: dedupKey, payload: { estateId, dedupKey, ...set } }]
          : [],
        result: null,
      };
    },
  );

/** Claims the reminder for delivery (one sender at a time), sends on the channels not yet done, records each result. */
const deliver = async (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  record: Record<string, unknown>,
  ports: NotificationPort[],
) => {
  const dedupKey = String(record.dedupKey);
  const attempts = Number(record.attempts ?? 0);
  try {
    await updateReminder(
      store,
      ctx,
      estateId,
      dedupKey,
      { status: 'sending', statusLabel: REMINDER_STATUSES.sending, attempts: attempts + 1, updatedAt: ctx.now.toISOString() },
      { expression: 'attempts = :a', values: { ':a': attempts } },
    );
  } catch (error) {
    if (error instanceof AlreadyExistsError) return undefined;
    throw error;
  }
  const previous = (record.deliveries as Delivery[] | undefined) ?? [];
  const done = new Set(previous.filter((d) => d.ok).map((d) => d.channel));
  const channels = (record.channels as ReminderChannel[] | undefined) ?? [];
  const message = {
    dedupKey,
    estateId,
    kind: String(record.kind),
    stageLabel: String(record.stageLabel),
    unitCode: record.unitCode as string | undefined,
    text: String(record.text),
  };
  const fresh: Delivery[] = [];
  for (const port of ports) {
    if (!channels.includes(port.channel) || done.has(port.channel)) continue;
    const result = await port.deliver(message);
    fresh.push({
      channel: port.channel,
      ok: result.ok,
      at: ctx.now.toISOString(),
      ...(result.ok ? { ref: result.ref } : { error: result.error }),
    });
  }
  const deliveries = [...previous.filter((d) => d.ok), ...fresh];
  const status = deliveryStatus(deliveries);
  await updateReminder(store, ctx, estateId, dedupKey, {
    status,
    statusLabel: REMINDER_STATUSES[status],
    deliveries,
    updatedAt: ctx.now.toISOString(),
  });
  return status;
};

/** Raises the draft once (dedup) and delivers it; a reminder whose delivery failed earlier is retried. */
export const raiseReminder = async (
  store: Store,
  ctx: CommandContext,
  estateId: string,
  draft: ReminderDraft,
  ports: NotificationPort[],
  channels: ReminderChannel[],
  today: string,
): Promise<'raised' | 'already' | 'redelivered' | 'failed'> => {
  let existing = await access.getReminder(store, estateId, draft.dedupKey);
  let fresh = false;
  if (!existing) {
    try {
      const created = await createReminder(store, ctx, estateId, draft, channels, today);
      if (created.replayed) return 'already';
      fresh = true;
      existing = { ...created.result, dedupKey: draft.dedupKey };
    } catch (error) {
      if (error instanceof AlreadyExistsError) return 'already';
      throw error;
    }
  }
  const status = String(existing.status);
  const attempts = Number(existing.attempts ?? 0);
  const stale = status === 'sending' && Date.parse(String(existing.updatedAt)) < ctx.now.getTime() - STALE_SENDING_MS;
  if (status === 'sent' || attempts >= MAX_ATTEMPTS || (status === 'sending' && !stale)) return 'already';
  const outcome = await deliver(store, ctx, estateId, existing, ports);
  if (outcome === undefined) return 'already';
  if (outcome === 'failed' || outcome === 'partial') return 'failed';
  return fresh ? 'raised' : 'redelivered';
};

const tally = (outcome: ReminderRunOutcome, result: Awaited<ReturnType<typeof raiseReminder>>, dedupKey: string) => {
  outcome.checked += 1;
  if (result === 'already') outcome.alreadyDone += 1;
  else {
    if (result === 'raised') outcome.raised += 1;
    if (result === 'redelivered') outcome.redelivered += 1;
    if (result === 'failed') outcome.deliveryFailed += 1;
    outcome.reminders.push(dedupKey);
  }
};

/** Raises one reminder of an estate's run through the estate's ports and channels, and counts the result. */
const raiseCounted = async (
  outcome: ReminderRunOutcome,
  run: {
    store: Store;
    ctx: CommandContext;
    estateId: string;
    ports: NotificationPort[];
    settings: ReminderSettings;
    today: string;
  },
  draft: ReminderDraft,
) =>
  tally(
    outcome,
    await raiseReminder(
      run.store,
      run.ctx,
      run.estateId,
      draft,
      portsFor(run.ports, run.settings),
      run.settings.channels,
      run.today,
    ),
    draft.dedupKey,
  );

const estatesOf = async (store: Store, estateIds?: string[]) =>
  estateIds ?? (await access.listEstates(store)).map((item) => String(item.id));

/** Overdue reminders (催缴) of the day, from the arrears index (only owing accounts are read). */
export const runOverdueReminders = async (
  store: Store,
  ctx: CommandContext,
  today: string,
  ports: NotificationPort[],
  estateIds?: string[],
): Promise<ReminderRunOutcome> => {
  const outcome = emptyOutcome();
  for (const estateId of await estatesOf(store, estateIds)) {
    const [settings, name] = await Promise.all([readReminderSettings(store, estateId), estateName(store, estateId)]);
    for (const item of await access.listOwingAccounts(store, estateId)) {
      const account = stripKeys(item) as unknown as Account;
      const unit = await access.getUnit(store, estateId, account.unitCode);
      const household = unit?.household as { debitAccount?: unknown } | undefined;
      const drafts = overdueRemindersFor(
        name,
        {
          unitCode: account.unitCode,
          hasDebitAgreement: Boolean(household?.debitAccount),
          open: Object.values(account.open ?? {}).map((c) => ({
            chargeId: c.chargeId,
            itemName: c.itemName,
            period: c.period,
            outstandingFen: c.outstandingFen,
            dueDate: c.dueDate,
          })),
        },
        today,
        settings,
      );
      for (const draft of drafts) await raiseCounted(outcome, { store, ctx, estateId, ports, settings, today }, draft);
    }
  }
  return outcome;
};

/** The end of a permit's term, extensions included. */
const termEnd = (p: Permit) =>
  [p.term?.to, ...p.extensions.map((e) => e.to)]
    .filter((d): d is string => Boolean(d))
    .sort()
    .at(-1);

/** Renovation reminders: deposit refunds due (7 working days after the passed inspection), permits expiring, passes out. */
export const runRenovationReminders = async (
  store: Store,
  ctx: CommandContext,
  today: string,
  ports: NotificationPort[],
  estateIds?: string[],
): Promise<ReminderRunOutcome> => {
  const outcome = emptyOutcome();
  const calendar = await loadCalendar(store);
  for (const estateId of await estatesOf(store, estateIds)) {
    const [settings, name] = await Promise.all([readReminderSettings(store, estateId), estateName(store, estateId)]);
    for (const item of await access.listEstateRenovations(store, estateId)) {
      const p = stripKeys(item) as unknown as Permit;
      if (p.status === 'closed' || p.status === 'applied' || p.status === 'returned') continue;
      const passed = (p.inspections ?? []).filter((i) => i.result === 'pass').at(-1)?.date;
      const facts: PermitFacts = {
        permitId: p.permitId,
        permitNo: p.permitNo,
        unitCode: p.unitCode,
        status: p.status,
        termTo: termEnd(p),
        inspectionPassedOn: passed,
        refunded: Boolean(p.refund),
        passesOut: (p.passes ?? []).filter((x) => !x.returnedOn).map((x) => ({ passNo: x.passNo, validUntil: x.validUntil })),
      };
      // Recomputed with today's calendar, so holidays staff entered after the inspection count.
      const refundDue = passed ? calendar.addWorkingDays(passed, REFUND_WAIT_WORKING_DAYS) : p.refundDueDate;
      for (const draft of renovationRemindersFor(name, facts, refundDue, today)) {
        await raiseCounted(outcome, { store, ctx, estateId, ports, settings, today }, draft);
      }
    }
  }
  return outcome;
};

/** The daily stock-take (工单盘点): one notice listing every unclosed ticket with its first-contact owner. */
export const runStockTake = async (
  store: Store,
  ctx: CommandContext,
  today: string,
  ports: NotificationPort[],
  estateIds?: string[],
): Promise<ReminderRunOutcome> => {
  const outcome = emptyOutcome();
  for (const estateId of await estatesOf(store, estateIds)) {
    const [settings, name] = await Promise.all([readReminderSettings(store, estateId), estateName(store, estateId)]);
    const open = (await access.listOpenTickets(store, estateId)).map((item) => {
      const t = stripKeys(item) as unknown as TicketRecord;
      return {
        ticketNo: t.ticketNo,
        kindLabel: TICKET_KINDS[t.kind] ?? t.kind,
        place: placeOf(t),
        statusLabel: (TICKET_STATUSES as Record<string, string>)[t.status] ?? t.status,
        owner: t.owner?.name ?? '',
      };
    });
    const draft = stockTakeReminder(name, today, open);
    if (draft) await raiseCounted(outcome, { store, ctx, estateId, ports, settings, today }, draft);
  }
  return outcome;
};

/**
 * Follow-up visits due (回访): every ticket done (处理完成) and not yet visited whose follow-up window — the estate's
 * `followUpWorkingDays` China working days after the work was done — ends today (`due`) or has passed (`overdue`).
 * One reminder per ticket, round and stage; a ticket visited (or reopened, or closed) drops out of the list.
 */
export const runFollowUpReminders = async (
  store: Store,
  ctx: CommandContext,
  today: string,
  ports: NotificationPort[],
  estateIds?: string[],
): Promise<ReminderRunOutcome> => {
  const outcome = emptyOutcome();
  const calendar = await loadCalendar(store);
  for (const estateId of await estatesOf(store, estateIds)) {
    const [settings, name, ticketSettings] = await Promise.all([
      readReminderSettings(store, estateId),
      estateName(store, estateId),
      readTicketSettings(store, estateId),
    ]);
    for (const item of await access.listOpenTickets(store, estateId)) {
      const t = stripKeys(item) as unknown as TicketRecord;
      const due = followUpDue(t, ticketSettings.sla, calendar);
      if (!due) continue;
      const draft = followUpReminderFor(
        name,
        {
          ticketNo: t.ticketNo,
          kindLabel: TICKET_KINDS[t.kind] ?? t.kind,
          place: placeOf(t) || '公共区域',
          unitCode: t.unitCode,
          ownerName: t.owner?.name ?? '',
          round: t.sla?.round ?? 0,
          ...due,
        },
        today,
      );
      if (draft) await raiseCounted(outcome, { store, ctx, estateId, ports, settings, today }, draft);
    }
  }
  return outcome;
};
