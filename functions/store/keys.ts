import { BatchGetCommand, GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
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
 * | ticket settings   | ESTATE#<estate>             | TICKETSETTINGS        | –                                     |
 * | team (班组)       | ESTATE#<estate>             | TEAM#<team>           | –                                     |
 * | duty roster day   | ESTATE#<estate>             | ROSTER#<team>#<date>  | –                                     |
 * | number counter    | ESTATE#<estate>             | COUNTER#<name>        | –  (ticket, paid-service order)       |
 * | ticket (工单)     | TICKET#<estate>#<ticketId>  | TICKET                | TICKETS#<estate>#<open|closed> / <receivedAt>#<ticketId>; gsi2: TICKETOWNER#<estate>#<ownerId> / <receivedAt>#<ticketId> (only while open) |
 * | ticket log entry  | TICKET#<estate>#<ticketId>  | LOG#<ulid>            | –                                     |
 * | SLA breach mark   | TICKET#<estate>#<ticketId>  | SLA#<round>#<clock>#<level> | –                               |
 * | complaint record  | TICKET#<estate>#<ticketId>  | COMPLAINT             | –                                     |
 * | follow-up visit   | TICKET#<estate>#<ticketId>  | FOLLOWUP#<ulid>       | –                                     |
 * | shift handover    | SHIFTLOG#<estate>#<date>    | HANDOVER#<ulid>       | –                                     |
 * | paid-service order| PAIDORDER#<estate>#<number> | ORDER                 | ESTATE#<estate>#PAIDORDERS / <number> |
 * | material draw     | PAIDORDER#<estate>#<number> | MATERIAL#<ulid>       | –                                     |
 * | service agreement | AGREEMENT#<estate>#<id>     | AGREEMENT             | ESTATE#<estate>#AGREEMENTS / <unit>#<id> |
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
 * | schedule run      | SCHEDRUN#<runId>            | RUN                   | –  (cursor + counts of a chunked run) |
 * | schedule lease    | SCHEDRUN#<runId>            | LEASE                 | –  (one runner at a time; expires, TTL) |
 * | reminder (提醒)   | REMINDER#<estate>#<dedupKey>| REMINDER              | ESTATE#<estate>#REMINDERS / <date>#<dedupKey> |
 * | reminder settings | ESTATE#<estate>             | REMINDERSETTINGS      | –                                     |
 * | debit batch (托收)| DEBITBATCH#<estate>#<month> | BATCH                 | ESTATE#<estate>#DEBITBATCHES / <month> |
 * | debit batch rows  | DEBITBATCH#<estate>#<month> | ROWS#<part>           | –  (full account numbers: bank file only) |
 * | debit result import| DEBITBATCH#<estate>#<month>| IMPORT#<ulid>         | –                                     |
 * | check-in case     | CHECKIN#<estate>#<unit>     | CASE#<ulid>           | ESTATE#<estate>#CHECKIN#open / <ulid> (while open) |
 * | open-case marker  | CHECKIN#<estate>#<unit>     | ACTIVE                | –                                     |
 * | defect (整改)     | CHECKIN#<estate>#<unit>     | DEFECT#<ulid>         | –                                     |
 * | meter reading     | METERS#<estate>#<unit>      | READING#<date>#<meter>| –                                     |
 * | previous owner    | UNIT#<estate>#<unit>        | OWNER#<date>#<ulid>   | –                                     |
 * | parking agreement | UNIT#<estate>#<unit>        | PARKING#<bay>         | –                                     |
 * | payment order     | PAYORDER#<out_trade_no>     | ORDER                 | ESTATE#<estate>#PAYORDERS / <unit>#<out_trade_no> |
 * | provider trade    | PAYTRADE#<provider>#<trade> | TRADE                 | –  (trade no → our order, for refunds)|
 * | payment notice    | PAYNOTICE#<provider>#<notify id> | NOTICE           | –  (verified notification + verdict)  |
 * | rejected attempt  | PAYATTEMPT#<date>           | <ulid>                | –  (forged/stale/tampered deliveries) |
 * | held payment      | PAYHOLD#<hold id>           | HOLD                  | PAYQUEUE#open / <received>#<hold id> (while waiting, 待认领) |
 * | renovation permit | RENOVATION#<estate>#<unit>  | PERMIT#<ulid>         | ESTATE#<estate>#RENOVATIONS / <ulid>  |
 * | active-permit mark| RENOVATION#<estate>#<unit>  | ACTIVE                | –  (one active permit per unit)       |
 * | receipt refunded  | BOOK#<estate>#<book>        | VOUCHER#<number>#REFUNDED | –  (deposit refunded on it)       |
 * | sheet sync state  | SHEETSYNC#<estate>          | STATE                 | –  (outbox cursors per topic)         |
 * | sheet baseline    | SHEETSYNC#<estate>#<tab>    | BASE#<bucket>         | –  (last synced cells per row `_id`)  |
 * | sheet exception   | SHEETSYNC#<estate>          | EXC#<id>              | –  (同步异常: conflict, deleted row…)  |
 * | permit/pass no.   | ESTATE#<estate>             | COUNTER#renovationPermit / COUNTER#renovationPass | –         |
 *
 * Audit entries live in their entity's item collection, so a record and its history are one query.
 */
export const keys = {
  sheetSyncState: (estateId: string) => ({ pk: `SHEETSYNC#${estateId}`, sk: 'STATE' }),
  sheetBaseline: (estateId: string, tab: string, bucket: number) => ({
    pk: `SHEETSYNC#${estateId}#${tab}`,
    sk: `BASE#${String(bucket).padStart(3, '0')}`,
  }),
  sheetException: (estateId: string, id: string) => ({ pk: `SHEETSYNC#${estateId}`, sk: `EXC#${id}` }),
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
  ticketSettings: (estateId: string) => ({ pk: `ESTATE#${estateId}`, sk: 'TICKETSETTINGS' }),
  team: (estateId: string, teamCode: string) => ({ pk: `ESTATE#${estateId}`, sk: `TEAM#${teamCode}` }),
  rosterDay: (estateId: string, teamCode: string, date: string) => ({
    pk: `ESTATE#${estateId}`,
    sk: `ROSTER#${teamCode}#${date}`,
  }),
  counter: (estateId: string, name: string) => ({ pk: `ESTATE#${estateId}`, sk: `COUNTER#${name}` }),
  ticket: (estateId: string, ticketId: string) => ({ pk: `TICKET#${estateId}#${ticketId}`, sk: 'TICKET' }),
  ticketStateIndex: (estateId: string, state: 'open' | 'closed', receivedAt: string, ticketId: string) => ({
    gsi1pk: `TICKETS#${estateId}#${state}`,
    gsi1sk: `${receivedAt}#${ticketId}`,
  }),
  ticketOwnerIndex: (estateId: string, ownerId: string, receivedAt: string, ticketId: string) => ({
    gsi2pk: `TICKETOWNER#${estateId}#${ownerId}`,
    gsi2sk: `${receivedAt}#${ticketId}`,
  }),
  ticketLog: (estateId: string, ticketId: string, logId: string) => ({
    pk: `TICKET#${estateId}#${ticketId}`,
    sk: `LOG#${logId}`,
  }),
  slaBreach: (estateId: string, ticketId: string, breachKey: string) => ({
    pk: `TICKET#${estateId}#${ticketId}`,
    sk: `SLA#${breachKey}`,
  }),
  complaintRecord: (estateId: string, ticketId: string) => ({ pk: `TICKET#${estateId}#${ticketId}`, sk: 'COMPLAINT' }),
  followUp: (estateId: string, ticketId: string, id: string) => ({ pk: `TICKET#${estateId}#${ticketId}`, sk: `FOLLOWUP#${id}` }),
  shiftHandover: (estateId: string, date: string, id: string) => ({ pk: `SHIFTLOG#${estateId}#${date}`, sk: `HANDOVER#${id}` }),
  paidOrder: (estateId: string, number: number) => ({
    pk: `PAIDORDER#${estateId}#${String(number).padStart(8, '0')}`,
    sk: 'ORDER',
  }),
  paidOrderIndex: (estateId: string, number: number) => ({
    gsi1pk: `ESTATE#${estateId}#PAIDORDERS`,
    gsi1sk: String(number).padStart(8, '0'),
  }),
  materialDraw: (estateId: string, number: number, id: string) => ({
    pk: `PAIDORDER#${estateId}#${String(number).padStart(8, '0')}`,
    sk: `MATERIAL#${id}`,
  }),
  agreement: (estateId: string, id: string) => ({ pk: `AGREEMENT#${estateId}#${id}`, sk: 'AGREEMENT' }),
  agreementIndex: (estateId: string, unitCode: string, id: string) => ({
    gsi1pk: `ESTATE#${estateId}#AGREEMENTS`,
    gsi1sk: `${unitCode}#${id}`,
  }),
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
  // schedules: billing runs, reminders (提醒), direct-debit batches (托收)
  scheduleRun: (runId: string) => ({ pk: `SCHEDRUN#${runId}`, sk: 'RUN' }),
  scheduleLease: (runId: string) => ({ pk: `SCHEDRUN#${runId}`, sk: 'LEASE' }),
  reminder: (estateId: string, dedupKey: string) => ({ pk: `REMINDER#${estateId}#${dedupKey}`, sk: 'REMINDER' }),
  reminderIndex: (estateId: string, date: string, dedupKey: string) => ({
    gsi1pk: `ESTATE#${estateId}#REMINDERS`,
    gsi1sk: `${date}#${dedupKey}`,
  }),
  reminderSettings: (estateId: string) => ({ pk: `ESTATE#${estateId}`, sk: 'REMINDERSETTINGS' }),
  debitBatch: (estateId: string, month: string) => ({ pk: `DEBITBATCH#${estateId}#${month}`, sk: 'BATCH' }),
  debitBatchIndex: (estateId: string, month: string) => ({ gsi1pk: `ESTATE#${estateId}#DEBITBATCHES`, gsi1sk: month }),
  debitRows: (estateId: string, month: string, part: number) => ({
    pk: `DEBITBATCH#${estateId}#${month}`,
    sk: `ROWS#${String(part).padStart(4, '0')}`,
  }),
  debitImport: (estateId: string, month: string, importId: string) => ({
    pk: `DEBITBATCH#${estateId}#${month}`,
    sk: `IMPORT#${importId}`,
  }),
  // check-in / handover (入伙办理)
  checkinCase: (estateId: string, unitCode: string, caseId: string) => ({
    pk: `CHECKIN#${estateId}#${unitCode}`,
    sk: `CASE#${caseId}`,
  }),
  openCaseIndex: (estateId: string, caseId: string) => ({ gsi1pk: `ESTATE#${estateId}#CHECKIN#open`, gsi1sk: caseId }),
  checkinActive: (estateId: string, unitCode: string) => ({ pk: `CHECKIN#${estateId}#${unitCode}`, sk: 'ACTIVE' }),
  defect: (estateId: string, unitCode: string, defectId: string) => ({
    pk: `CHECKIN#${estateId}#${unitCode}`,
    sk: `DEFECT#${defectId}`,
  }),
  meterReading: (estateId: string, unitCode: string, date: string, meter: string) => ({
    pk: `METERS#${estateId}#${unitCode}`,
    sk: `READING#${date}#${meter}`,
  }),
  ownerHistory: (estateId: string, unitCode: string, effectiveDate: string, id: string) => ({
    pk: `UNIT#${estateId}#${unitCode}`,
    sk: `OWNER#${effectiveDate}#${id}`,
  }),
  parkingAgreement: (estateId: string, unitCode: string, bayNo: string) => ({
    pk: `UNIT#${estateId}#${unitCode}`,
    sk: `PARKING#${bayNo}`,
  }),
  // payments from providers (微信支付 / 支付宝 / Stripe)
  paymentOrder: (outTradeNo: string) => ({ pk: `PAYORDER#${outTradeNo}`, sk: 'ORDER' }),
  paymentOrderIndex: (estateId: string, unitCode: string, outTradeNo: string) => ({
    gsi1pk: `ESTATE#${estateId}#PAYORDERS`,
    gsi1sk: `${unitCode}#${outTradeNo}`,
  }),
  paymentTrade: (provider: string, tradeNo: string) => ({ pk: `PAYTRADE#${provider}#${tradeNo}`, sk: 'TRADE' }),
  paymentNotice: (provider: string, notifyId: string) => ({ pk: `PAYNOTICE#${provider}#${notifyId}`, sk: 'NOTICE' }),
  paymentAttempt: (date: string, id: string) => ({ pk: `PAYATTEMPT#${date}`, sk: id }),
  paymentHold: (holdId: string) => ({ pk: `PAYHOLD#${holdId}`, sk: 'HOLD' }),
  paymentQueueIndex: (receivedAt: string, holdId: string) => ({ gsi1pk: 'PAYQUEUE#open', gsi1sk: `${receivedAt}#${holdId}` }),
  // renovation permits (装修备案)
  renovationPermit: (estateId: string, unitCode: string, permitId: string) => ({
    pk: `RENOVATION#${estateId}#${unitCode}`,
    sk: `PERMIT#${permitId}`,
  }),
  renovationIndex: (estateId: string, permitId: string) => ({ gsi1pk: `ESTATE#${estateId}#RENOVATIONS`, gsi1sk: permitId }),
  renovationActive: (estateId: string, unitCode: string) => ({ pk: `RENOVATION#${estateId}#${unitCode}`, sk: 'ACTIVE' }),
  voucherRefunded: (estateId: string, bookId: string, number: number) => ({
    pk: `BOOK#${estateId}#${bookId}`,
    sk: `VOUCHER#${String(number).padStart(8, '0')}#REFUNDED`,
  }),
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

/**
 * Many items by key, 100 a request (BatchGetItem's limit), unprocessed keys retried. Missing items are absent.
 * Consistent reads: the sheet sync writes what it reads back to staff.
 */
const getItems = async (store: Store, itemKeys: readonly { pk: string; sk: string }[]) => {
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < itemKeys.length; i += 100) {
    let pending: Record<string, unknown>[] = itemKeys.slice(i, i + 100).map((k) => ({ pk: k.pk, sk: k.sk }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      const out = await store.doc.send(
        new BatchGetCommand({ RequestItems: { [store.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(out.Responses?.[store.tableName] ?? []));
      pending = (out.UnprocessedKeys?.[store.tableName]?.Keys ?? []) as Record<string, unknown>[];
      if (pending.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
    }
  }
  return found;
};

/** Access patterns: each answers one business question. */
export const access = {
  /** These items, those that exist (the sheet sync loads the records behind changed rows at once). */
  getItems,

  /** Where did the sheet sync of this estate stop reading the outbox? */
  getSheetSyncState: (store: Store, estateId: string) => getItem(store, keys.sheetSyncState(estateId)),

  /** What did each row of this tab hold when it was last synced? */
  listSheetBaselines: (store: Store, estateId: string, tab: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `SHEETSYNC#${estateId}#${tab}`, ':sk': 'BASE#' },
      ConsistentRead: true,
    }),

  /** Which sync exceptions (同步异常) await a person? */
  listSheetExceptions: (store: Store, estateId: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `SHEETSYNC#${estateId}`, ':sk': 'EXC#' },
    }),

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

  /** Which of these commands have already been done (e.g. which units a billing run has billed)? */
  getIdempotencyRecords: (store: Store, idempotencyKeys: readonly string[]) =>
    getItems(
      store,
      idempotencyKeys.map((key) => keys.idempotency(key)),
    ),

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

  /** How does the estate route tickets, and what are its SLA targets and escalation contacts? */
  getTicketSettings: (store: Store, estateId: string) => getItem(store, keys.ticketSettings(estateId)),

  /** Which team is this (lead and members)? */
  getTeam: (store: Store, estateId: string, teamCode: string) => getItem(store, keys.team(estateId, teamCode)),

  /** Which teams does the estate have? */
  listTeams: (store: Store, estateId: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `ESTATE#${estateId}`, ':sk': 'TEAM#' },
    }),

  /** Who of the team is on duty on this date (the day's roster)? */
  getRosterDay: (store: Store, estateId: string, teamCode: string, date: string) =>
    getItem(store, keys.rosterDay(estateId, teamCode, date)),

  /** Where is this number sequence (next ticket / paid-service order number)? */
  getCounter: (store: Store, estateId: string, name: string) => getItem(store, keys.counter(estateId, name)),

  /** Which ticket is this? */
  getTicket: (store: Store, estateId: string, ticketId: string) => getItem(store, keys.ticket(estateId, ticketId)),

  /** The ticket with everything in its collection: log, follow-ups, complaint record, SLA marks, audit. */
  getTicketCollection: (store: Store, estateId: string, ticketId: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.ticket(estateId, ticketId).pk },
    }),

  /** Which tickets of the estate are unclosed (or closed), oldest first? */
  listTicketsByState: (
    store: Store,
    estateId: string,
    state: 'open' | 'closed',
    options: { limit?: number; cursor?: string } = {},
  ) =>
    queryPage(
      store,
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `TICKETS#${estateId}#${state}` },
        Limit: options.limit ?? 100,
      },
      options.cursor,
    ),

  /** Every unclosed ticket of the estate (stock-take, SLA sweep). */
  listOpenTickets: (store: Store, estateId: string) =>
    queryAll(store, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `TICKETS#${estateId}#open` },
    }),

  /** Which unclosed tickets is this staff member the first-contact owner of (shift handover)? */
  listOwnerOpenTickets: (store: Store, estateId: string, ownerId: string) =>
    queryAll(store, {
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `TICKETOWNER#${estateId}#${ownerId}` },
    }),

  /** The shift-handover records (交接班记录) of a business date. */
  listShiftHandovers: (store: Store, estateId: string, date: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `SHIFTLOG#${estateId}#${date}`, ':sk': 'HANDOVER#' },
    }),

  /** A paid-service order with its material draws. */
  getPaidOrderCollection: (store: Store, estateId: string, number: number) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.paidOrder(estateId, number).pk },
    }),

  /** The estate's paid-service orders, newest number first. */
  listPaidOrders: (store: Store, estateId: string, limit = 100) =>
    queryPage(
      store,
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `ESTATE#${estateId}#PAIDORDERS` },
        ScanIndexForward: false,
        Limit: limit,
      },
      undefined,
    ),

  /** The estate's long-term special-service agreements, by unit. */
  listAgreements: (store: Store, estateId: string) =>
    queryAll(store, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `ESTATE#${estateId}#AGREEMENTS` },
    }),

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

  /** Which of these units have a ledger account (a unit without one has no ledger entries), and what do they owe? */
  getAccounts: (store: Store, estateId: string, unitCodes: readonly string[]) =>
    getItems(
      store,
      unitCodes.map((unitCode) => keys.account(estateId, unitCode)),
    ),

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

  /** How far has this chunked schedule run got (cursor), and is it done? */
  getScheduleRun: (store: Store, runId: string) => getItem(store, keys.scheduleRun(runId)),

  /** Who is running this chunked schedule run right now, and until when is their lease good? */
  getScheduleLease: (store: Store, runId: string) => getItem(store, keys.scheduleLease(runId)),

  /** The unit's parking agreements (车位协议), for monthly parking charges. */
  listParkingAgreements: (store: Store, estateId: string, unitCode: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `UNIT#${estateId}#${unitCode}`, ':sk': 'PARKING#' },
    }),

  /** The unit's ledger in one query: account, entries and refunds (billing checks what is already charged). */
  getLedgerCollection: (store: Store, estateId: string, unitCode: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `LEDGER#${estateId}#${unitCode}` },
    }),

  /** Has this reminder (unit/permit + period + stage) already been raised? */
  getReminder: (store: Store, estateId: string, dedupKey: string) => getItem(store, keys.reminder(estateId, dedupKey)),

  /** The estate's reminders (提醒), oldest first. */
  listReminders: (store: Store, estateId: string) =>
    queryAll(store, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `ESTATE#${estateId}#REMINDERS` },
    }),

  /** At which stages and through which channels does the estate send overdue reminders? */
  getReminderSettings: (store: Store, estateId: string) => getItem(store, keys.reminderSettings(estateId)),

  /** The month's direct-debit batch (托收) with its result imports. */
  getDebitBatchCollection: (store: Store, estateId: string, month: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.debitBatch(estateId, month).pk },
    }),

  /** The unit's check-in cases, defects and open-case marker (one query). */
  listCheckin: (store: Store, estateId: string, unitCode: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `CHECKIN#${estateId}#${unitCode}` },
    }),

  /** Which check-in cases of the estate are still open? */
  listOpenCases: (store: Store, estateId: string) =>
    queryAll(store, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `ESTATE#${estateId}#CHECKIN#open` },
    }),

  /** The unit's meter readings, oldest first (the first are the opening readings at inspection). */
  listMeterReadings: (store: Store, estateId: string, unitCode: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `METERS#${estateId}#${unitCode}` },
    }),

  /** Who owned the unit before, and until when? */
  listOwnerHistory: (store: Store, estateId: string, unitCode: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `UNIT#${estateId}#${unitCode}`, ':sk': 'OWNER#' },
    }),

  /** The unit's renovation permits and its active-permit mark (one query). */
  listRenovation: (store: Store, estateId: string, unitCode: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `RENOVATION#${estateId}#${unitCode}` },
    }),

  /** Every renovation permit of the estate, oldest first (the renovation ledger, 装修台账). */
  listEstateRenovations: (store: Store, estateId: string) =>
    queryAll(store, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `ESTATE#${estateId}#RENOVATIONS` },
    }),

  /** Which payment order is this out_trade_no, and is it paid? */
  getPaymentOrder: (store: Store, outTradeNo: string) => getItem(store, keys.paymentOrder(outTradeNo)),

  /** Which of our orders did this provider trade pay? */
  getPaymentTrade: (store: Store, provider: string, tradeNo: string) => getItem(store, keys.paymentTrade(provider, tradeNo)),

  /** The unit's payment orders (all states), oldest first. */
  listUnitPaymentOrders: (store: Store, estateId: string, unitCode: string) =>
    queryAll(store, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :sk)',
      ExpressionAttributeValues: { ':pk': `ESTATE#${estateId}#PAYORDERS`, ':sk': `${unitCode}#` },
    }),

  /** Has this provider notification been recorded, and with what verdict? */
  getPaymentNotice: (store: Store, provider: string, notifyId: string) => getItem(store, keys.paymentNotice(provider, notifyId)),

  /** Which webhook deliveries were refused on this business date (forged, stale, tampered)? */
  listPaymentAttempts: (store: Store, date: string) =>
    queryAll(store, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PAYATTEMPT#${date}` },
    }),

  /** A held payment or refund (待认领/待处理). */
  getPaymentHold: (store: Store, holdId: string) => getItem(store, keys.paymentHold(holdId)),

  /** Which verified payments wait for a person, oldest first (the 待认领 queue)? */
  listPaymentQueue: (store: Store) =>
    queryAll(store, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'PAYQUEUE#open' },
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
