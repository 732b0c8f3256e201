import { loadCalendar } from '../calendar/calendar.commands';
import { AlreadyExistsError } from '../core/errors';
import type { Account } from '../fees/ledger.domain';
import { REFUND_WAIT_WORKING_DAYS } from '../renovation/renovation.domain';
import type { Permit } from '../renovation/renovation.store';
import type { Store } from '../store/client';
import { type CommandContext, runCommand } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import { TICKET_KINDS, TICKET_STATUSES, type TicketRecord } from '../tickets/tickets.domain';
import { placeOf } from '../tickets/tickets.store';
import type { NotificationPort } from './notify';
import {
  DEFAULT_REMINDER_SETTINGS,
  deliveryStatus,
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

export const readReminderSettings = async (store: Store, estateId: string): Promise<ReminderSettings> => {
  const item = await access.getReminderSettings(store, estateId);
  if (!item) return DEFAULT_REMINDER_SETTINGS;
  const { type: _type, ...rest } = stripKeys(item);
  return { ...DEFAULT_REMINDER_SETTINGS, ...(rest as Partial<ReminderSettings>) };
};

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
      for (const draft of drafts)
        tally(outcome, await raiseReminder(store, ctx, estateId, draft, ports, settings.channels, today), draft.dedupKey);
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
        tally(outcome, await raiseReminder(store, ctx, estateId, draft, ports, settings.channels, today), draft.dedupKey);
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
    if (draft) tally(outcome, await raiseReminder(store, ctx, estateId, draft, ports, settings.channels, today), draft.dedupKey);
  }
  return outcome;
};
