import { businessDate } from '../core/dates';
import { VersionConflictError } from '../core/errors';
import { newId } from '../core/ids';
import { formatFen } from '../core/money';
import type { Store } from '../store/client';
import type { AuditChange, CommandContext, OutboxMessage, PlannedWrite } from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import type { planCharges } from './charges.domain';
import type { FeeItemVersion } from './fee-schedule.domain';
import { bookNotFound, chargeInputMissing, noRateForPeriod, periodTooFarAhead } from './fees.errors';
import type { OpenCharge } from './ledger.domain';
import { type Account, balanceOf, emptyAccount } from './ledger.domain';
import type { VoucherBook } from './vouchers.domain';

/** Reads and writes shared by the fee commands: the account item, fee item versions, books. */

export const readAccount = async (
  store: Store,
  estateId: string,
  unitCode: string,
): Promise<{ account: Account; exists: boolean }> => {
  const item = await access.getAccount(store, estateId, unitCode);
  if (!item) return { account: emptyAccount(estateId, unitCode), exists: false };
  const { type: _type, updatedAt: _updatedAt, ...rest } = stripKeys(item);
  return { account: rest as unknown as Account, exists: true };
};

/** The account item, written only if nobody else wrote it since it was read (version check). */
export const accountWrite = (store: Store, account: Account, readVersion: number, existed: boolean, now: Date): PlannedWrite => ({
  item: {
    Put: {
      TableName: store.tableName,
      Item: {
        ...keys.account(account.estateId, account.unitCode),
        // Sparse arrears index: only accounts that owe money are listed.
        ...(account.owedFen > 0 ? keys.arrearsIndex(account.estateId, account.unitCode) : {}),
        type: 'ledgerAccount',
        ...account,
        updatedAt: now.toISOString(),
      },
      ...(existed
        ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': readVersion } }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  },
  onConditionFailed: () => new VersionConflictError('账户已被同时入账，请重试', { unitCode: account.unitCode }),
});

export const accountView = (account: Account) => ({
  estateId: account.estateId,
  unitCode: account.unitCode,
  owedFen: account.owedFen,
  creditFen: account.creditFen,
  heldFen: account.heldFen,
  balanceFen: balanceOf(account),
  balanceText: formatFen(balanceOf(account)),
  version: account.version,
  open: Object.values(account.open).sort((a, b) =>
    a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.chargeId < b.chargeId ? -1 : 1,
  ),
});

export const readFeeVersions = async (store: Store, estateId: string): Promise<Map<string, FeeItemVersion[]>> => {
  const byCode = new Map<string, FeeItemVersion[]>();
  for (const item of await access.listFeeItems(store, estateId)) {
    const { type: _type, ...version } = stripKeys(item);
    const typed = version as unknown as FeeItemVersion;
    byCode.set(typed.code, [...(byCode.get(typed.code) ?? []), typed]);
  }
  return byCode;
};

export const readBook = async (store: Store, estateId: string, bookId: string): Promise<VoucherBook> => {
  const item = await access.getBook(store, estateId, bookId);
  if (!item) throw bookNotFound(bookId);
  const { type: _type, ...book } = stripKeys(item);
  return book as unknown as VoucherBook;
};

export const today = (now: Date) => businessDate(now);

/** Ledger entries are written once: a put that refuses to overwrite. */
export const ledgerPk = (estateId: string, unitCode: string) => keys.account(estateId, unitCode).pk;

export const entryWrite = (
  store: Store,
  estateId: string,
  unitCode: string,
  entry: Record<string, unknown> & { entryId: string },
): PlannedWrite => ({
  item: {
    Put: {
      TableName: store.tableName,
      Item: { ...keys.entry(estateId, unitCode, entry.entryId), type: 'ledgerEntry', estateId, unitCode, ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
});

export const ledgerAudit = (account: Account, action: string, before: Account, after: Account, detail: unknown): AuditChange => ({
  entityType: 'ledger',
  entityId: `${account.estateId}/${account.unitCode}`,
  entityPk: ledgerPk(account.estateId, account.unitCode),
  action,
  before: { owedFen: before.owedFen, creditFen: before.creditFen, heldFen: before.heldFen, version: before.version },
  after: { owedFen: after.owedFen, creditFen: after.creditFen, heldFen: after.heldFen, version: after.version, detail },
});

export const ledgerOutbox = (account: Account, entries: unknown[]): OutboxMessage => ({
  topic: 'ledger.changed',
  entityType: 'ledger',
  entityId: `${account.estateId}/${account.unitCode}`,
  payload: { account: accountView(account), entries },
});

export type LedgerEntry = Record<string, unknown> & { entryId: string };
export type PlannedChargeList = Extract<ReturnType<typeof planCharges>, unknown[]>;

/** The planned charges, or the clear error for why there are none. */
export const chargesOrThrow = (result: ReturnType<typeof planCharges>, itemCode: string): PlannedChargeList => {
  if (Array.isArray(result)) return result;
  if (result.problem === 'missing') throw chargeInputMissing(result.what);
  if (result.problem === 'no_rate') throw noRateForPeriod(itemCode, result.date);
  if (result.problem === 'too_far_ahead') throw periodTooFarAhead(result.label, result.limit);
  throw chargeInputMissing('大于0的金额');
};

/** A charge entry for the ledger (its entry id is its charge id). */
export const chargeEntry = (
  ctx: CommandContext,
  charge: PlannedChargeList[number],
  extra: Record<string, unknown> = {},
): LedgerEntry => {
  const entryId = newId(ctx.now);
  return {
    entryId,
    entryKind: 'charge',
    chargeId: entryId,
    ...charge,
    period: charge.period.label,
    periodFrom: charge.period.from,
    periodTo: charge.period.to,
    balanceEffectFen: charge.amountFen,
    ...extra,
    postedAt: ctx.now.toISOString(),
    postedBy: { id: ctx.actor.id, name: ctx.actor.name },
  };
};

/** A charge entry as an open charge of the account. */
export const openChargeOf = (entry: LedgerEntry): OpenCharge => ({
  chargeId: String(entry.chargeId),
  itemCode: String(entry.itemCode),
  itemName: String(entry.itemName),
  category: entry.category as OpenCharge['category'],
  period: String(entry.period),
  amountFen: Number(entry.amountFen),
  outstandingFen: Number(entry.amountFen),
  dueDate: String(entry.dueDate),
});

/** The entry that shows credit being applied to charges. */
export const creditAppliedEntry = (
  ctx: CommandContext,
  allocations: Array<{ chargeId: string; amountFen: number }>,
  extra: Record<string, unknown> = {},
): LedgerEntry => ({
  entryId: newId(ctx.now),
  entryKind: 'credit_applied',
  allocations,
  amountFen: allocations.reduce((sum, a) => sum + a.amountFen, 0),
  balanceEffectFen: 0,
  ...extra,
  postedAt: ctx.now.toISOString(),
  postedBy: { id: ctx.actor.id, name: ctx.actor.name },
});
