import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { businessDate } from '../core/dates';
import { type DeskError, IdempotencyKeyReusedError, VersionConflictError } from '../core/errors';
import { newId } from '../core/ids';
import type { Actor, Source } from '../core/roles';
import type { Store } from './client';
import { access, keys } from './keys';

/** Who, how and when a command runs. Every way in builds one. */
export interface CommandContext {
  actor: Actor;
  source: Source;
  now: Date;
  /** Client header, webhook event id, sheet row id + revision, or schedule run id. */
  idempotencyKey?: string | undefined;
  requestId?: string | undefined;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One write of a command, with the error to raise when its condition fails. */
export interface PlannedWrite {
  item: TransactItem;
  onConditionFailed?: () => DeskError;
}

export interface AuditChange {
  entityType: string;
  entityId: string;
  /** The pk of the entity: the audit entry joins its item collection. */
  entityPk: string;
  action: string;
  /** Masked views only: personal data never enters the audit trail in clear. */
  before: unknown;
  after: unknown;
}

export interface OutboxMessage {
  /** e.g. `unit.changed`: the sheet sync and notifiers subscribe by topic. */
  topic: string;
  entityType: string;
  entityId: string;
  payload: unknown;
}

export interface CommandPlan<R> {
  writes: PlannedWrite[];
  audit: AuditChange[];
  outbox: OutboxMessage[];
  result: R;
}

export interface CommandOutcome<R> {
  result: R;
  /** True when this call replayed an earlier result for the same idempotency key and wrote nothing. */
  replayed: boolean;
}

export interface RunOptions {
  /**
   * How often to re-plan when an optimistic check fails because another command got there first.
   * 0 for commands whose caller supplied the version (their conflict is the caller's to resolve).
   */
  retriesOnConflict?: number;
}

const IDEMPOTENCY_TTL_SECONDS = 30 * 24 * 3600;
const OUTBOX_TTL_SECONDS = 14 * 24 * 3600;
const MAX_TRANSACTION_ITEMS = 100;

const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

export const requestHash = (command: string, request: unknown): string =>
  createHash('sha256').update(canonicalJson({ command, request })).digest('hex');

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

const replayOrRefuse = <R>(stored: Record<string, unknown>, hash: string): CommandOutcome<R> => {
  if (stored.requestHash !== hash) throw new IdempotencyKeyReusedError();
  return { result: stored.result as R, replayed: true };
};

/**
 * Runs a command: replays an earlier result for the same idempotency key, otherwise plans it
 * (reads + pure rules) and commits its writes together with the idempotency record, its audit
 * entries and its outbox entries in one DynamoDB transaction. Either all of it is written or none.
 */
export const runCommand = async <R>(
  store: Store,
  ctx: CommandContext,
  command: { name: string; request: unknown },
  plan: () => Promise<CommandPlan<R>>,
  options: RunOptions = {},
): Promise<CommandOutcome<R>> => {
  const hash = requestHash(command.name, command.request);
  if (ctx.idempotencyKey) {
    const stored = await access.getIdempotency(store, ctx.idempotencyKey);
    if (stored) return replayOrRefuse<R>(stored, hash);
  }

  const retries = options.retriesOnConflict ?? 0;
  for (let attempt = 0; ; attempt += 1) {
    const planned = await plan();
    try {
      await commitPlan(store, ctx, command.name, hash, planned);
      return { result: planned.result, replayed: false };
    } catch (error) {
      if (error instanceof IdempotencyRaceLost && ctx.idempotencyKey) {
        const stored = await access.getIdempotency(store, ctx.idempotencyKey);
        if (stored) return replayOrRefuse<R>(stored, hash);
      }
      if (error instanceof VersionConflictError && attempt < retries) {
        await sleep(5 + Math.random() * Math.min(250, 20 * (attempt + 1)));
        continue;
      }
      throw error;
    }
  }
};

/**
 * The idempotency record of a command, as a conditional put: written once with the command's result, replayed by a
 * later call with the same key. Also used by callers that commit several commands' records in one transaction.
 */
export const idempotencyPut = (
  store: Store,
  ctx: CommandContext,
  key: string,
  command: string,
  hash: string,
  result: unknown,
): TransactItem => ({
  Put: {
    TableName: store.tableName,
    Item: {
      ...keys.idempotency(key),
      type: 'idempotency',
      command,
      requestHash: hash,
      result,
      actor: { id: ctx.actor.id, name: ctx.actor.name, role: ctx.actor.role },
      source: ctx.source,
      at: ctx.now.toISOString(),
      expiresAt: epochSeconds(ctx.now) + IDEMPOTENCY_TTL_SECONDS,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

class IdempotencyRaceLost extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const commitPlan = async <R>(store: Store, ctx: CommandContext, name: string, hash: string, plan: CommandPlan<R>) => {
  const at = ctx.now.toISOString();
  const day = businessDate(ctx.now);
  const actor = { id: ctx.actor.id, name: ctx.actor.name, role: ctx.actor.role };
  const items: TransactItem[] = plan.writes.map((write) => withTable(store, write.item));

  const idempotencyIndex = ctx.idempotencyKey ? items.length : -1;
  if (ctx.idempotencyKey) {
    items.push(idempotencyPut(store, ctx, ctx.idempotencyKey, name, hash, plan.result));
  }
  for (const change of plan.audit) {
    const id = newId(ctx.now);
    items.push({
      Put: {
        TableName: store.tableName,
        Item: {
          ...keys.audit(change.entityPk, id, day),
          type: 'audit',
          id,
          command: name,
          entityType: change.entityType,
          entityId: change.entityId,
          action: change.action,
          actor,
          source: ctx.source,
          at,
          before: change.before ?? null,
          after: change.after ?? null,
          idempotencyKey: ctx.idempotencyKey,
          requestId: ctx.requestId,
        },
      },
    });
  }
  for (const message of plan.outbox) {
    const id = newId(ctx.now);
    items.push({
      Put: {
        TableName: store.tableName,
        Item: {
          ...keys.outbox(id, message.topic),
          type: 'outbox',
          id,
          topic: message.topic,
          entityType: message.entityType,
          entityId: message.entityId,
          payload: message.payload,
          source: ctx.source,
          at,
          expiresAt: epochSeconds(ctx.now) + OUTBOX_TTL_SECONDS,
        },
      },
    });
  }
  if (items.length === 0) return; // nothing to change and no key to remember
  if (items.length > MAX_TRANSACTION_ITEMS) {
    throw new Error(`command ${name} plans ${items.length} items; a transaction holds at most ${MAX_TRANSACTION_ITEMS}`);
  }

  for (let attempt = 0; ; attempt += 1) {
    try {
      await store.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (idempotencyIndex >= 0 && reasons[idempotencyIndex]?.Code === 'ConditionalCheckFailed') {
        throw new IdempotencyRaceLost();
      }
      const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
      if (failed >= 0) {
        throw plan.writes[failed]?.onConditionFailed?.() ?? new VersionConflictError();
      }
      // Another transaction held one of the items: the same transaction may go through a moment later.
      if (reasons.some((reason) => reason.Code === 'TransactionConflict') && attempt < 5) {
        await sleep(10 + Math.random() * 40 * (attempt + 1));
        continue;
      }
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) throw new VersionConflictError();
      throw error;
    }
  }
};

const withTable = (store: Store, item: TransactItem): TransactItem => {
  if (item.Put) return { Put: { ...item.Put, TableName: store.tableName } };
  if (item.Update) return { Update: { ...item.Update, TableName: store.tableName } };
  if (item.ConditionCheck) return { ConditionCheck: { ...item.ConditionCheck, TableName: store.tableName } };
  if (item.Delete) return { Delete: { ...item.Delete, TableName: store.tableName } };
  return item;
};
