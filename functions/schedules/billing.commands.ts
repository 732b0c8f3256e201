import { isDeskError } from '../core/errors';
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
import { type CommandContext, type CommandPlan, type PlannedWrite, runCommand } from '../store/commit';
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
  /** Units billed in parallel within a chunk. */
  concurrency?: number;
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

/** Bills one unit for the month, in one transaction (or replays its earlier billing). */
export const billUnit = (
  store: Store,
  ctx: CommandContext,
  input: { estateId: string; month: string; billingDate: string; unit: UnitRecord; feeItems: Map<string, FeeItemVersion[]> },
) => {
  const { estateId, month, unit } = input;
  return runCommand(
    store,
    { ...ctx, idempotencyKey: billingKey(estateId, month, unit.code) },
    { name: 'schedules.billUnit', request: { estateId, month, unitCode: unit.code } },
    async (): Promise<CommandPlan<UnitResult>> => {
      const parking = (await access.listParkingAgreements(store, estateId, unit.code)).map(
        (item) =>
          ({
            bayNo: String(item.bayNo),
            itemCode: String(item.itemCode),
            signUpDate: String(item.signUpDate),
          }) as ParkingAgreementFacts,
      );
      const lines = billingLinesFor(unit, month, input.feeItems, parking);
      if (!Array.isArray(lines)) {
        return {
          writes: [],
          audit: [],
          outbox: [],
          result: { unitCode: unit.code, outcome: 'skipped' as UnitOutcome, reason: lines.skip, chargedFen: 0 },
        };
      }
      const ledger = await access.getLedgerCollection(store, estateId, unit.code);
      const posted = ledger.filter((item) => String(item.sk).startsWith('ENTRY#'));
      const { account, exists } = accountFrom(estateId, unit.code, ledger);
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
        return {
          writes: [],
          audit: [],
          outbox: [],
          result: { unitCode: unit.code, outcome: 'nothing_due' as UnitOutcome, chargedFen: 0 },
        };
      }
      const { account: next, creditApplied } = applyCharges(account, entries.map(openChargeOf));
      const all: LedgerEntry[] = [...entries];
      if (creditApplied.length > 0)
        all.push(creditAppliedEntry(ctx, creditApplied, { billingRun: billingRunId(estateId, month) }));
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
        result: { unitCode: unit.code, outcome: 'billed' as UnitOutcome, chargedFen },
      };
    },
    { retriesOnConflict: 20 },
  );
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
      await inParallel(units, concurrency, async (unit) => {
        await options.beforeUnit?.(unit.code);
        try {
          const outcome = await billUnit(store, ctx, { ...input, unit, feeItems });
          if (outcome.replayed) progress.replayed += 1;
          else if (outcome.result.outcome === 'billed') {
            progress.billed += 1;
            progress.chargedFen += outcome.result.chargedFen;
          } else if (outcome.result.outcome === 'nothing_due') progress.nothingDue += 1;
          else progress.skipped += 1;
        } catch (error) {
          if (!isDeskError(error)) throw error;
          progress.failed += 1;
          progress.failures = [...progress.failures, { unitCode: unit.code, code: error.code, message: error.message }].slice(
            -50,
          );
        }
      });
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
