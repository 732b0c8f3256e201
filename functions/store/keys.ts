import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Store } from './client';

/**
 * Every key and access pattern of the one table, in one place.
 *
 * | entity            | pk                          | sk                    | gsi1pk / gsi1sk                       |
 * |-------------------|-----------------------------|-----------------------|---------------------------------------|
 * | estate            | ESTATE#<estate>             | ESTATE                | ESTATES / <estate>                    |
 * | building          | ESTATE#<estate>             | BUILDING#<building>   | –                                     |
 * | unit              | UNIT#<estate>#<unit>        | UNIT                  | ESTATE#<estate>#UNITS / <building>#<unit> |
 * | audit entry       | <pk of the entity>          | AUDIT#<ulid>          | AUDIT#<business date> / <ulid>        |
 * | idempotency       | IDEMP#<key>                 | IDEMP                 | –  (TTL)                              |
 * | outbox entry      | OUTBOX                      | <ulid>                | OUTBOX#<topic> / <ulid>  (TTL)        |
 * | calendar override | CALENDAR                    | DAY#<date>            | –                                     |
 *
 * Audit entries live in their entity's item collection, so a record and its history are one query.
 */
export const keys = {
  estate: (estateId: string) => ({ pk: `ESTATE#${estateId}`, sk: 'ESTATE' }),
  estateIndex: (estateId: string) => ({ gsi1pk: 'ESTATES', gsi1sk: estateId }),
  building: (estateId: string, buildingCode: string) => ({ pk: `ESTATE#${estateId}`, sk: `BUILDING#${buildingCode}` }),
  unit: (estateId: string, unitCode: string) => ({ pk: `UNIT#${estateId}#${unitCode}`, sk: 'UNIT' }),
  unitIndex: (estateId: string, buildingCode: string, unitCode: string) => ({
    gsi1pk: `ESTATE#${estateId}#UNITS`,
    gsi1sk: `${buildingCode}#${unitCode}`,
  }),
  audit: (entityPk: string, id: string, businessDate: string) => ({
    pk: entityPk,
    sk: `AUDIT#${id}`,
    gsi1pk: `AUDIT#${businessDate}`,
    gsi1sk: id,
  }),
  idempotency: (key: string) => ({ pk: `IDEMP#${key}`, sk: 'IDEMP' }),
  outbox: (id: string, topic: string) => ({ pk: 'OUTBOX', sk: id, gsi1pk: `OUTBOX#${topic}`, gsi1sk: id }),
  calendarDay: (date: string) => ({ pk: 'CALENDAR', sk: `DAY#${date}` }),
} as const;

/** Attributes that are keys, stripped before a record leaves the store. */
export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'expiresAt'] as const;

export const stripKeys = <T extends Record<string, unknown>>(item: T): Omit<T, (typeof KEY_ATTRIBUTES)[number]> => {
  const copy: Record<string, unknown> = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete copy[attribute];
  return copy as Omit<T, (typeof KEY_ATTRIBUTES)[number]>;
};

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; absent on the last page. */
  cursor?: string;
}

const encodeCursor = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

const decodeCursor = (cursor: string | undefined): Record<string, unknown> | undefined => {
  if (!cursor) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return decoded && typeof decoded === 'object' ? (decoded as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const getItem = async (store: Store, key: { pk: string; sk: string }) => {
  const out = await store.doc.send(new GetCommand({ TableName: store.tableName, Key: key, ConsistentRead: true }));
  return out.Item;
};

const queryPage = async (
  store: Store,
  input: Omit<QueryCommandInput, 'TableName'>,
  cursor: string | undefined,
): Promise<Page<Record<string, unknown>>> => {
  const out = await store.doc.send(
    new QueryCommand({ TableName: store.tableName, ...input, ExclusiveStartKey: decodeCursor(cursor) }),
  );
  const next = encodeCursor(out.LastEvaluatedKey);
  return { items: out.Items ?? [], ...(next ? { cursor: next } : {}) };
};

const queryAll = async (store: Store, input: Omit<QueryCommandInput, 'TableName'>) => {
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryPage(store, input, cursor);
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
};

/** Access patterns: each answers one business question. */
export const access = {
  /** Which estate is this? */
  getEstate: (store: Store, estateId: string) => getItem(store, keys.estate(estateId)),

  /** Which estates does this service centre run? */
  listEstates: (store: Store) =>
    queryAll(store, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'ESTATES' },
    }),

  /** Which building is this? */
  getBuilding: (store: Store, estateId: string, buildingCode: string) => getItem(store, keys.building(estateId, buildingCode)),

  /** Which buildings does the estate have? */
  listBuildings: (store: Store, estateId: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `ESTATE#${estateId}`, ':sk': 'BUILDING#' },
    }),

  /** Which unit is this (with its household)? */
  getUnit: (store: Store, estateId: string, unitCode: string) => getItem(store, keys.unit(estateId, unitCode)),

  /** Which units does the estate (or one building of it) have, in building/unit order? */
  listUnits: (store: Store, estateId: string, options: { buildingCode?: string; limit?: number; cursor?: string }) =>
    queryPage(
      store,
      {
        IndexName: 'gsi1',
        KeyConditionExpression: options.buildingCode ? 'gsi1pk = :pk AND begins_with(gsi1sk, :building)' : 'gsi1pk = :pk',
        ExpressionAttributeValues: {
          ':pk': `ESTATE#${estateId}#UNITS`,
          ...(options.buildingCode ? { ':building': `${options.buildingCode}#` } : {}),
        },
        Limit: options.limit ?? 100,
      },
      options.cursor,
    ),

  /** What happened to this record, newest first? */
  listAudit: (store: Store, entityPk: string, limit = 50) =>
    queryPage(
      store,
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': entityPk, ':sk': 'AUDIT#' },
        ScanIndexForward: false,
        Limit: limit,
      },
      undefined,
    ),

  /** Has this command already been done under this idempotency key? */
  getIdempotency: (store: Store, key: string) => getItem(store, keys.idempotency(key)),

  /** What must the sheet sync and the notifiers pick up after this cursor? */
  listOutbox: (store: Store, options: { topic?: string; after?: string; limit?: number }) =>
    queryPage(
      store,
      options.topic
        ? {
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk > :after',
            ExpressionAttributeValues: { ':pk': `OUTBOX#${options.topic}`, ':after': options.after ?? '' },
            Limit: options.limit ?? 100,
          }
        : {
            KeyConditionExpression: 'pk = :pk AND sk > :after',
            ExpressionAttributeValues: { ':pk': 'OUTBOX', ':after': options.after ?? '' },
            Limit: options.limit ?? 100,
          },
      undefined,
    ),

  /** Which days has staff entered in the holiday table (节假日)? */
  listCalendarDays: (store: Store) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': 'CALENDAR', ':sk': 'DAY#' },
    }),
};
