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
 * | fee item version  | ESTATE#<estate>             | FEEITEM#<code>#<from> | –                                     |
 * | fee settings      | ESTATE#<estate>             | FEESETTINGS           | –                                     |
 * | ledger account    | LEDGER#<estate>#<unit>      | ACCOUNT               | gsi2: ARREARS#<estate> / <unit> (only while owing) |
 * | ledger entry      | LEDGER#<estate>#<unit>      | ENTRY#<ulid>          | –                                     |
 * | refund request    | LEDGER#<estate>#<unit>      | REFUND#<ulid>         | REFUNDS#<estate>#pending / <ulid> (until decided) |
 * | refund decision   | LEDGER#<estate>#<unit>      | REFUND#<ulid>#DECISION| –                                     |
 * | voucher book      | BOOK#<estate>#<book>        | BOOK                  | ESTATE#<estate>#BOOKS / <book>        |
 * | voucher           | BOOK#<estate>#<book>        | VOUCHER#<number>      | –                                     |
 * | voucher void      | BOOK#<estate>#<book>        | VOUCHER#<number>#VOID | –                                     |
 * | receipt exchanged | BOOK#<estate>#<book>        | VOUCHER#<number>#EXCHANGED | –                                |
 * | copying day book  | DAYBOOK#<estate>#<date>     | ENTRY#<ulid> / CLOSE  | –                                     |
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
  feeItem: (estateId: string, code: string, effectiveFrom: string) => ({
    pk: `ESTATE#${estateId}`,
    sk: `FEEITEM#${code}#${effectiveFrom}`,
  }),
  feeSettings: (estateId: string) => ({ pk: `ESTATE#${estateId}`, sk: 'FEESETTINGS' }),
  account: (estateId: string, unitCode: string) => ({ pk: `LEDGER#${estateId}#${unitCode}`, sk: 'ACCOUNT' }),
  arrearsIndex: (estateId: string, unitCode: string) => ({ gsi2pk: `ARREARS#${estateId}`, gsi2sk: unitCode }),
  entry: (estateId: string, unitCode: string, entryId: string) => ({
    pk: `LEDGER#${estateId}#${unitCode}`,
    sk: `ENTRY#${entryId}`,
  }),
  refund: (estateId: string, unitCode: string, refundId: string) => ({
    pk: `LEDGER#${estateId}#${unitCode}`,
    sk: `REFUND#${refundId}`,
  }),
  pendingRefundIndex: (estateId: string, refundId: string) => ({ gsi1pk: `REFUNDS#${estateId}#pending`, gsi1sk: refundId }),
  refundDecision: (estateId: string, unitCode: string, refundId: string) => ({
    pk: `LEDGER#${estateId}#${unitCode}`,
    sk: `REFUND#${refundId}#DECISION`,
  }),
  book: (estateId: string, bookId: string) => ({ pk: `BOOK#${estateId}#${bookId}`, sk: 'BOOK' }),
  bookIndex: (estateId: string, bookId: string) => ({ gsi1pk: `ESTATE#${estateId}#BOOKS`, gsi1sk: bookId }),
  voucher: (estateId: string, bookId: string, number: number) => ({
    pk: `BOOK#${estateId}#${bookId}`,
    sk: `VOUCHER#${String(number).padStart(8, '0')}`,
  }),
  voucherVoid: (estateId: string, bookId: string, number: number) => ({
    pk: `BOOK#${estateId}#${bookId}`,
    sk: `VOUCHER#${String(number).padStart(8, '0')}#VOID`,
  }),
  voucherExchanged: (estateId: string, bookId: string, number: number) => ({
    pk: `BOOK#${estateId}#${bookId}`,
    sk: `VOUCHER#${String(number).padStart(8, '0')}#EXCHANGED`,
  }),
  dayBookEntry: (estateId: string, date: string, entryId: string) => ({
    pk: `DAYBOOK#${estateId}#${date}`,
    sk: `ENTRY#${entryId}`,
  }),
  dayBookClose: (estateId: string, date: string) => ({ pk: `DAYBOOK#${estateId}#${date}`, sk: 'CLOSE' }),
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

  /** Which rates has the estate's fee schedule had for each item, in effective-date order? */
  listFeeItems: (store: Store, estateId: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `ESTATE#${estateId}`, ':sk': 'FEEITEM#' },
    }),

  /** How does the estate charge late fees (if at all)? */
  getFeeSettings: (store: Store, estateId: string) => getItem(store, keys.feeSettings(estateId)),

  /** What does the unit owe, hold and have in credit right now? */
  getAccount: (store: Store, estateId: string, unitCode: string) => getItem(store, keys.account(estateId, unitCode)),

  /** Everything posted to the unit's ledger, in posting order (the statement). */
  listEntries: (store: Store, estateId: string, unitCode: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `LEDGER#${estateId}#${unitCode}`, ':sk': 'ENTRY#' },
    }),

  /** One ledger entry. */
  getEntry: (store: Store, estateId: string, unitCode: string, entryId: string) =>
    getItem(store, keys.entry(estateId, unitCode, entryId)),

  /** Which units of the estate owe money (the arrears list, 拖欠款明细)? */
  listOwingAccounts: (store: Store, estateId: string) =>
    queryAll(store, {
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `ARREARS#${estateId}` },
    }),

  /** The unit's refund requests and their decisions. */
  listRefunds: (store: Store, estateId: string, unitCode: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `LEDGER#${estateId}#${unitCode}`, ':sk': 'REFUND#' },
    }),

  /** Which refunds wait for the service-centre head's decision? */
  listPendingRefunds: (store: Store, estateId: string) =>
    queryAll(store, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `REFUNDS#${estateId}#pending` },
    }),

  /** Which voucher book is this, and where is its counter? */
  getBook: (store: Store, estateId: string, bookId: string) => getItem(store, keys.book(estateId, bookId)),

  /** Which books has the estate issued to whom? */
  listBooks: (store: Store, estateId: string) =>
    queryAll(store, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `ESTATE#${estateId}#BOOKS` },
    }),

  /** A voucher with its void and exchange records, if any. */
  getVoucherWithMarks: (store: Store, estateId: string, bookId: string, number: number) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `BOOK#${estateId}#${bookId}`, ':sk': keys.voucher(estateId, bookId, number).sk },
    }),

  /** Every voucher of a book with void/exchange records, in number order. */
  listBookVouchers: (store: Store, estateId: string, bookId: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `BOOK#${estateId}#${bookId}`, ':sk': 'VOUCHER#' },
    }),

  /** The day's copying entries and whether the day is closed. */
  listDayBook: (store: Store, estateId: string, date: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `DAYBOOK#${estateId}#${date}` },
    }),

  /** Which days has staff entered in the holiday table (节假日)? */
  listCalendarDays: (store: Store) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': 'CALENDAR', ':sk': 'DAY#' },
    }),
};
