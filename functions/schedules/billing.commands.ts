import { type DeskError, isDeskError, VersionConflictError } from '../core/errors';
import { newId } from '../core/ids';
import { formatFen } from '../core/money';
import { planCharges } from '../fees/charges.domain';
import type { FeeItemVersion } from '../fees/fee-schedule.domain';
import {
  accountWrite,
  chargeEntry,
  chargesOrThrow,
  creditAppliedEntry,
  entryWrite,
  type LedgerEntry,
  ledgerAudit,
  ledgerOutbox,
  openChargeOf,
  readFeeVersions,
} from '../fees/fees.store';
import { type Account, applyCharges, emptyAccount } from '../fees/ledger.domain';
import type { Store } from '../store/client';
import {
  type CommandContext,
  type CommandPlan,
  idempotencyPut,
  type PlannedWrite,
  requestHash,
  runCommand,
} from '../store/commit';
import { access, keys, stripKeys } from '../store/keys';
import type { UnitRecord } from '../units/units.domain';
import { alreadyCharged, billingKey, billingLinesFor, billingRunId, type ParkingAgreementFacts } from './billing.domain';
import { BillingLeaseLostError, BillingRunInProgressError } from './schedules.errors';

/**
 * Monthly billing (月度计费): every received unit of an estate gets the month's property service fee and its
 * parking months, in bounded chunks of units. Each unit is one transaction under the key
 * `billing:<estate>:<month>:<unit>`, so a unit is billed once whatever happens; a cursor record per run
 * (`SCHEDRUN#monthly-billing:<estate>:<month>`) lets a crashed or timed-out run resume at its last chunk.
 * One runner at a time: a run takes the run's lease (`SCHEDRUN#…` / `LEASE`, a conditional put with an expiry),
 * renews it with every saved chunk and releases it at the end; a second runner for the same estate and month
 * stops with `BillingRunInProgressError`, and the lease of a runner that died expires so a later trigger resumes.
 */
export interface BillingProgress {
  runId: string;
  estateId: string;
  month: string;
  cursor?: string | undefined;
  done: boolean;
  chunks: number;
  billed: number;
  replayed: number;
  nothingDue: number;
  skipped: number;
  failed: number;
  chargedFen: number;
  failures: Array<{ unitCode: string; code: string; message: string }>;
}

export interface BillingOptions {
  /** Units per chunk (one page of the unit index); the cursor is saved after each chunk. */
  chunkSize?: number;
  /** Units read and planned in parallel within a chunk. */
  concurrency?: number;
  /** Group transactions (up to 19 units each) committed at once; default 4, all the groups of a 50-unit chunk. */
  groupConcurrency?: number;
  /** Stop (resumably) after this many chunks in this invocation, e.g. to stay inside a Lambda timeout. */
  maxChunks?: number;
  /** Stop (resumably) before starting a chunk once this much wall time has passed. */
  budgetMs?: number;
  /** How long the run's lease holds without renewal (renewed with every chunk); a dead runner's lease expires. */
  leaseMs?: number;
  /** Test seam: called before each unit is billed (a crash can be injected here). */
  beforeUnit?: (unitCode: string) => void | Promise<void>;
}

/** Longer than a chunk ever takes, shorter than the hour between the 1st's triggers. */
export const DEFAULT_LEASE_MS = 15 * 60_000;

type UnitOutcome = 'billed' | 'replayed' | 'nothing_due' | 'skipped';
interface UnitResult {
  unitCode: string;
  outcome: UnitOutcome;
  reason?: string | undefined;
  chargedFen: number;
}

const accountFrom = (estateId: string, unitCode: string, items: Array<Record<string, unknown>>) => {
  const item = items.find((i) => i.sk === 'ACCOUNT');
  if (!item) return { account: emptyAccount(estateId, unitCode), exists: false };
  const { type: _type, updatedAt: _u, ...rest } = stripKeys(item);
  return { account: rest as unknown as Account, exists: true };
};

interface BillingInput {
  estateId: string;
  month: string;
  billingDate: string;
  unit: UnitRecord;
  feeItems: Map<string, FeeItemVersion[]>;
}

/** What billing reads of a unit before it plans: its ledger (account and entries) and its parking agreements. */
interface UnitReads {
  ledger: Array<Record<string, unknown>>;
  parking: ParkingAgreementFacts[];
}

const BILL_UNIT = 'schedules.billUnit';
const billUnitRequest = (estateId: string, month: string, unitCode: string) => ({ estateId, month, unitCode });

/** Parking agreements can only be billed when the estate's fee schedule has a parking item. */
const billsParking = (feeItems: Map<string, FeeItemVersion[]>) =>
  [...feeItems.values()].some((versions) =>
    versions.some((v) => v.periodRule === 'parking_month' || v.category === 'parking_rent' || v.category === 'parking_service'),
  );

const readParking = async (store: Store, estateId: string, unitCode: string): Promise<ParkingAgreementFacts[]> =>
  (await access.listParkingAgreements(store, estateId, unitCode)).map((item) => ({
    bayNo: String(item.bayNo),
    itemCode: String(item.itemCode),
    signUpDate: String(item.signUpDate),
  }));

/**
 * The unit's billing for the month as a command plan (pure given its reads): the month's charges not already on
 * the ledger, credit applied, the account with its version check, audit and outbox.
 */
const planUnit = (store: Store, ctx: CommandContext, input: BillingInput, reads: UnitReads): CommandPlan<UnitResult> => {
  const { estateId, month, unit } = input;
  const lines = billingLinesFor(unit, month, input.feeItems, reads.parking);
  if (!Array.isArray(lines)) {
    return {
      writes: [],
      audit: [],
      outbox: [],
      result: { unitCode: unit.code, outcome: 'skipped', reason: lines.skip, chargedFen: 0 },
    };
  }
  const posted = reads.ledger.filter((item) => String(item.sk).startsWith('ENTRY#'));
  const { account, exists } = accountFrom(estateId, unit.code, reads.ledger);
  const entries: LedgerEntry[] = [];
  for (const line of lines) {
    const versions = input.feeItems.get(line.itemCode);
    if (!versions) continue; // a parking item no longer in the schedule: nothing to bill
    const planned = chargesOrThrow(planCharges(versions, unit, line.request, input.billingDate), line.itemCode);
    for (const charge of planned) {
      const calendar = line.bayNo === undefined;
      if (alreadyCharged(posted, { itemCode: charge.itemCode, periodFrom: charge.period.from, calendarMonth: calendar }))
        continue;
      entries.push(
        chargeEntry(ctx, charge, { billingRun: billingRunId(estateId, month), ...(line.bayNo ? { bayNo: line.bayNo } : {}) }),
      );
    }
  }
  if (entries.length === 0) {
    return { writes: [], audit: [], outbox: [], result: { unitCode: unit.code, outcome: 'nothing_due', chargedFen: 0 } };
  }
  const { account: next, creditApplied } = applyCharges(account, entries.map(openChargeOf));
  const all: LedgerEntry[] = [...entries];
  if (creditApplied.length > 0) all.push(creditAppliedEntry(ctx, creditApplied, { billingRun: billingRunId(estateId, month) }));
  const chargedFen = entries.reduce((sum, e) => sum + Number(e.amountFen), 0);
  return {
    writes: [
      ...all.map((entry) => entryWrite(store, estateId, unit.code, entry)),
      accountWrite(store, next, account.version, exists, ctx.now),
    ],
    audit: [
      ledgerAudit(next, 'monthlyBilling', account, next, {
        month,
        items: entries.map((e) => `${String(e.itemName)} ${String(e.period)} ${formatFen(Number(e.amountFen))}`),
      }),
    ],
    outbox: [ledgerOutbox(next, all)],
    result: { unitCode: unit.code, outcome: 'billed', chargedFen },
  };
};

/** Bills one unit for the month, in one transaction (or replays its earlier billing). */
export const billUnit = (store: Store, ctx: CommandContext, input: BillingInput) => {
  const { estateId, month, unit } = input;
  return runCommand(
    store,
    { ...ctx, idempotencyKey: billingKey(estateId, month, unit.code) },
    { name: BILL_UNIT, request: billUnitRequest(estateId, month, unit.code) },
    async () => {
      const parking = billsParking(input.feeItems) ? await readParking(store, estateId, unit.code) : [];
      if (!Array.isArray(billingLinesFor(unit, month, input.feeItems, parking))) {
        return planUnit(store, ctx, input, { ledger: [], parking });
      }
      return planUnit(store, ctx, input, { ledger: await access.getLedgerCollection(store, estateId, unit.code), parking });
    },
    { retriesOnConflict: 20 },
  );
};

// ---- billing a chunk of units: many units' commands in one transaction ----

/** Items per group transaction (TransactWriteItems takes 100): the units' writes, idempotency, audit and outbox. */
const MAX_GROUP_ITEMS = 96;

const itemsOf = (plan: CommandPlan<UnitResult>) => plan.writes.length + 1 + plan.audit.length + plan.outbox.length;

/**
 * The unit's idempotency record exactly as `runCommand` writes it for `billUnit` (same key, command and request
 * hash), so a later `billUnit` of that unit — a re-run, a fallback — replays it and writes nothing.
 */
const unitIdempotencyWrite = (store: Store, ctx: CommandContext, input: BillingInput, result: UnitResult): PlannedWrite => ({
  item: idempotencyPut(
    store,
    ctx,
    billingKey(input.estateId, input.month, input.unit.code),
    BILL_UNIT,
    requestHash(BILL_UNIT, billUnitRequest(input.estateId, input.month, input.unit.code)),
    result,
  ),
  onConditionFailed: () => new VersionConflictError('该户本月已由另一次计费处理'),
});

interface PlannedUnit {
  input: BillingInput;
  plan: CommandPlan<UnitResult>;
}

/** Splits the planned units into groups that fit one transaction each. */
const groupsOf = (planned: PlannedUnit[]) => {
  const groups: PlannedUnit[][] = [];
  let current: PlannedUnit[] = [];
  let size = 0;
  for (const unit of planned) {
    const n = itemsOf(unit.plan);
    if (current.length > 0 && size + n > MAX_GROUP_ITEMS) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(unit);
    size += n;
  }
  if (current.length > 0) groups.push(current);
  return groups;
};

/**
 * Commits a group of units' billing as one command (one transaction): each unit's own writes, audit entry and
 * outbox entry, and its per-unit idempotency record. If any unit's check fails (a payment moved its account, another
 * runner billed it), nothing of the group is written and each unit is billed on its own instead (`billUnit`
 * re-reads, retries its version check, or replays).
 */
const commitGroup = async (
  store: Store,
  ctx: CommandContext,
  group: PlannedUnit[],
): Promise<Array<{ unitCode: string; outcome?: { result: UnitResult; replayed: boolean }; error?: DeskError }>> => {
  const first = group[0]?.input;
  if (!first) return [];
  try {
    await runCommand(
      store,
      { ...ctx, idempotencyKey: undefined },
      {
        name: 'schedules.billUnits',
        request: { estateId: first.estateId, month: first.month, units: group.map((u) => u.input.unit.code) },
      },
      async () => ({
        writes: group.flatMap((u) => [unitIdempotencyWrite(store, ctx, u.input, u.plan.result), ...u.plan.writes]),
        audit: group.flatMap((u) => u.plan.audit),
        outbox: group.flatMap((u) => u.plan.outbox),
        result: null,
      }),
    );
    return group.map((u) => ({ unitCode: u.input.unit.code, outcome: { result: u.plan.result, replayed: false } }));
  } catch (error) {
    if (!isDeskError(error)) throw error;
  }
  const outcomes = [];
  for (const u of group) {
    try {
      outcomes.push({ unitCode: u.input.unit.code, outcome: await billUnit(store, ctx, u.input) });
    } catch (error) {
      if (!isDeskError(error)) throw error;
      outcomes.push({ unitCode: u.input.unit.code, error }); // refused for good (e.g. its version kept changing)
    }
  }
  return outcomes;
};

/**
 * Bills one chunk of units: units already billed this month are found with one batch read of their idempotency
 * records; accounts with one batch read (a unit without an account has no ledger entries, so its ledger is not
 * queried); each unit is planned (a business error is the unit's failure); the plans are committed in groups.
 */
const billChunk = async (
  store: Store,
  ctx: CommandContext,
  base: Omit<BillingInput, 'unit'>,
  units: UnitRecord[],
  concurrency: number,
  options: BillingOptions,
  progress: BillingProgress,
) => {
  const { estateId, month } = base;
  const done = new Set(
    (
      await access.getIdempotencyRecords(
        store,
        units.map((u) => billingKey(estateId, month, u.code)),
      )
    ).map((item) => String(item.pk)),
  );
  const todo = units.filter((u) => !done.has(keys.idempotency(billingKey(estateId, month, u.code)).pk));
  progress.replayed += units.length - todo.length;
  const withAccount = new Set(
    (
      await access.getAccounts(
        store,
        estateId,
        todo.map((u) => u.code),
      )
    ).map((item) => String(item.unitCode)),
  );
  const parking = billsParking(base.feeItems);
  const planned: PlannedUnit[] = [];
  const fail = (unitCode: string, error: { code: string; message: string }) => {
    progress.failed += 1;
    progress.failures = [...progress.failures, { unitCode, code: error.code, message: error.message }].slice(-50);
  };
  await inParallel(todo, concurrency, async (unit) => {
    await options.beforeUnit?.(unit.code);
    const input: BillingInput = { ...base, unit };
    try {
      const reads: UnitReads = {
        parking: parking ? await readParking(store, estateId, unit.code) : [],
        ledger: withAccount.has(unit.code) ? await access.getLedgerCollection(store, estateId, unit.code) : [],
      };
      planned.push({ input, plan: planUnit(store, ctx, input, reads) });
    } catch (error) {
      if (!isDeskError(error)) throw error;
      fail(unit.code, error);
    }
  });
  const count = (outcome: { result: UnitResult; replayed: boolean }) => {
    if (outcome.replayed) progress.replayed += 1;
    else if (outcome.result.outcome === 'billed') {
      progress.billed += 1;
      progress.chargedFen += outcome.result.chargedFen;
    } else if (outcome.result.outcome === 'nothing_due') progress.nothingDue += 1;
    else progress.skipped += 1;
  };
  // Plans in unit order, so a chunk's groups are the same whoever plans them.
  const order = new Map(units.map((u, i) => [u.code, i]));
  planned.sort((a, b) => (order.get(a.input.unit.code) ?? 0) - (order.get(b.input.unit.code) ?? 0));
  await inParallel(groupsOf(planned), options.groupConcurrency ?? 4, async (group) => {
    for (const { unitCode, outcome, error } of await commitGroup(store, ctx, group)) {
      if (outcome) count(outcome);
      else if (error) fail(unitCode, error);
    }
  });
};

const emptyProgress = (estateId: string, month: string): BillingProgress => ({
  runId: billingRunId(estateId, month),
  estateId,
  month,
  done: false,
  chunks: 0,
  billed: 0,
  replayed: 0,
  nothingDue: 0,
  skipped: 0,
  failed: 0,
  chargedFen: 0,
  failures: [],
});

/** The run's lease: who runs it and until when. Kept one day past its end for the record, then removed by TTL. */
const leaseItem = (runId: string, holder: string, at: Date, leaseMs: number) => {
  const leaseUntil = new Date(at.getTime() + leaseMs);
  return {
    ...keys.scheduleLease(runId),
    type: 'scheduleLease',
    runId,
    holder,
    acquiredAt: at.toISOString(),
    leaseUntil: leaseUntil.toISOString(),
    expiresAt: Math.floor(leaseUntil.getTime() / 1000) + 24 * 3600,
  };
};

/**
 * Takes the run's lease when nobody holds it, its holder released it, or its holder's lease ran out
 * (a runner that died); otherwise refuses with `BillingRunInProgressError`.
 */
const acquireLease = (store: Store, ctx: CommandContext, runId: string, holder: string, at: Date, leaseMs: number) =>
  runCommand(
    store,
    { ...ctx, idempotencyKey: undefined },
    { name: 'schedules.acquireBillingLease', request: { runId, holder } },
    async () => {
      const current = await access.getScheduleLease(store, runId);
      return {
        writes: [
          {
            item: {
              Put: {
                TableName: store.tableName,
                Item: leaseItem(runId, holder, at, leaseMs),
                ConditionExpression:
                  'attribute_not_exists(pk) OR attribute_exists(releasedAt) OR leaseUntil < :now OR holder = :holder',
                ExpressionAttributeValues: { ':now': at.toISOString(), ':holder': holder },
              },
            },
            onConditionFailed: () =>
              new BillingRunInProgressError(runId, current?.leaseUntil ? String(current.leaseUntil) : undefined),
          },
        ],
        audit: [],
        outbox: [],
        result: null,
      };
    },
  );

/** Renews the lease while this runner still holds it; a lost lease stops the run before it saves anything. */
const renewLease = (store: Store, runId: string, holder: string, at: Date, leaseMs: number): PlannedWrite => {
  const item = leaseItem(runId, holder, at, leaseMs);
  return {
    item: {
      Update: {
        TableName: store.tableName,
        Key: keys.scheduleLease(runId),
        UpdateExpression: 'SET leaseUntil = :until, expiresAt = :exp',
        ConditionExpression: 'holder = :holder AND attribute_not_exists(releasedAt)',
        ExpressionAttributeValues: { ':until': item.leaseUntil, ':exp': item.expiresAt, ':holder': holder },
      },
    },
    onConditionFailed: () => new BillingLeaseLostError(runId),
  };
};

const releaseLease = (store: Store, ctx: CommandContext, runId: string, holder: string, at: Date) =>
  runCommand(
    store,
    { ...ctx, idempotencyKey: undefined },
    { name: 'schedules.releaseBillingLease', request: { runId, holder } },
    async () => ({
      writes: [
        {
          item: {
            Update: {
              TableName: store.tableName,
              Key: keys.scheduleLease(runId),
              UpdateExpression: 'SET releasedAt = :at',
              ConditionExpression: 'holder = :holder',
              ExpressionAttributeValues: { ':at': at.toISOString(), ':holder': holder },
            },
          },
          onConditionFailed: () => new BillingLeaseLostError(runId),
        },
      ],
      audit: [],
      outbox: [],
      result: null,
    }),
  );

/** Saves the cursor and counts together with the lease renewal: only the lease holder moves the cursor. */
const saveProgress = (store: Store, ctx: CommandContext, progress: BillingProgress, lease: PlannedWrite) =>
  runCommand(
    store,
    { ...ctx, idempotencyKey: undefined },
    { name: 'schedules.billingProgress', request: progress },
    async () => ({
      writes: [
        lease,
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...keys.scheduleRun(progress.runId), type: 'scheduleRun', ...progress, updatedAt: ctx.now.toISOString() },
            },
          },
        },
      ],
      audit: [],
      outbox: [],
      result: null,
    }),
  );

const inParallel = async <T>(items: T[], limit: number, work: (item: T) => Promise<void>) => {
  let index = 0;
  let failed = false; // after one worker fails, the others finish their unit and take no more
  const worker = async () => {
    while (index < items.length && !failed) {
      const item = items[index] as T;
      index += 1;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
};

/**
 * Bills an estate for a month, chunk by chunk from the saved cursor, holding the run's lease. Business errors of
 * one unit (e.g. no rate) are recorded on the run and the run goes on; anything else stops the run (the lease is
 * released), and a re-run resumes. A second runner while the lease is held throws `BillingRunInProgressError`.
 */
export const runMonthlyBilling = async (
  store: Store,
  ctx: CommandContext,
  input: { estateId: string; month: string; billingDate: string },
  options: BillingOptions = {},
): Promise<BillingProgress & { resumed: boolean }> => {
  const { estateId, month } = input;
  const runId = billingRunId(estateId, month);
  const chunkSize = options.chunkSize ?? 50;
  const concurrency = options.concurrency ?? 8;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const started = Date.now();
  // Lease times follow the run's clock (ctx.now) plus the real time elapsed since the run started.
  const clock = () => new Date(ctx.now.getTime() + (Date.now() - started));
  const finished = await access.getScheduleRun(store, runId);
  if (finished?.done) {
    return { ...emptyProgress(estateId, month), ...(stripKeys(finished) as Partial<BillingProgress>), resumed: true };
  }
  const holder = newId(ctx.now);
  await acquireLease(store, ctx, runId, holder, clock(), leaseMs);
  try {
    // Read the cursor only once the lease is ours: the previous holder may have moved it.
    const stored = await access.getScheduleRun(store, runId);
    const progress: BillingProgress = stored
      ? ({ ...emptyProgress(estateId, month), ...(stripKeys(stored) as Partial<BillingProgress>) } as BillingProgress)
      : emptyProgress(estateId, month);
    const resumed = Boolean(stored);
    if (progress.done) return { ...progress, resumed };
    const feeItems = await readFeeVersions(store, estateId);
    let chunksNow = 0;
    while (!progress.done) {
      if (options.maxChunks !== undefined && chunksNow >= options.maxChunks) break;
      if (options.budgetMs !== undefined && Date.now() - started > options.budgetMs) break;
      const page = await access.listUnits(store, estateId, {
        limit: chunkSize,
        ...(progress.cursor ? { cursor: progress.cursor } : {}),
      });
      const units = page.items.map((item) => {
        const { type: _type, ...unit } = stripKeys(item);
        return unit as unknown as UnitRecord;
      });
      await billChunk(store, ctx, { ...input, feeItems }, units, concurrency, options, progress);
      progress.cursor = page.cursor;
      progress.done = !page.cursor;
      progress.chunks += 1;
      chunksNow += 1;
      await saveProgress(store, ctx, progress, renewLease(store, runId, holder, clock(), leaseMs));
    }
    return { ...progress, resumed };
  } finally {
    await releaseLease(store, ctx, runId, holder, clock()).catch((error) => {
      // A lost lease needs no release; anything else only delays the next run until the lease expires.
      if (!(error instanceof BillingLeaseLostError)) {
        console.error(JSON.stringify({ level: 'warn', command: 'schedules.releaseBillingLease', runId, error: String(error) }));
      }
    });
  }
};
