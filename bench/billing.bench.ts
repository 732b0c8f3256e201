import { cpus, loadavg } from 'node:os';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoLocal } from '../cdk/local/dynamo-local';
import { putFeeItemVersion } from '../functions/fees/fee-schedule.commands';
import { runMonthlyBilling } from '../functions/schedules/billing.commands';
import { createStore, type Store } from '../functions/store/client';
import type { CommandContext } from '../functions/store/commit';
import { ensureTable } from '../functions/store/ensure-table';
import { keys } from '../functions/store/keys';
import { TABLE_DEFINITION } from '../functions/store/table';
import { createBuilding, createEstate } from '../functions/units/units.commands';
import { countItems } from './support';

/**
 * Monthly billing throughput: BENCH_UNITS (default 10,000) occupied units billed for one month through the
 * schedule's command path (per unit: a charge entry, the account, its idempotency record, audit and outbox; units
 * committed in groups of up to 19 per transaction) against DynamoDB Local, and in the same run raw BatchWriteItem
 * (25 items a call, BENCH_CONCURRENCY calls in flight: the same concurrency as the billing run) as the ceiling.
 *
 * The raw items have the billing items' shape: per unit an entry, an account (arrears index), an idempotency record
 * (TTL), an audit entry (audit index) and an outbox entry (outbox partition and index, TTL), interleaved unit by unit,
 * into a table made like the app's (indexes, stream, TTL). Raw runs on a fixed sample (BENCH_RAW_SAMPLE items, default
 * 10,000; `all` = as many as billing writes), once on the fresh emulator (after a short warm-up, before the units are
 * seeded) and once after billing, and its rate is extrapolated to the billing run's item count; the ratio is taken
 * against the faster pass.
 *
 * Both tables are the app's table without its stream (BENCH_STREAM=1 keeps it): in DynamoDB Local every write to a
 * stream-enabled table gets slower as the instance's stream records pile up (measured here: BatchWriteItem from about
 * 1,000 to about 170 items/s after 10,000 earlier writes; a 10,000-unit billing run that had taken 86 s was still
 * running after 20 minutes once 22,500 writes preceded it), which would measure the emulator's stream log, not billing.
 */
const UNITS = Number(process.env.BENCH_UNITS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const RAW_SAMPLE = process.env.BENCH_RAW_SAMPLE ?? '10000';
const STREAM = process.env.BENCH_STREAM === '1';
const CHUNK = Number(process.env.BENCH_CHUNK ?? 100);
const GROUP_CONCURRENCY = Number(process.env.BENCH_GROUP_CONCURRENCY ?? 4);

const ctx = (): CommandContext => ({
  actor: { id: 'system', name: '系统', role: 'system' },
  source: 'schedule',
  now: new Date(),
});

const batchWriteAll = async (store: Store, items: Array<Record<string, unknown>>, parallel: number) => {
  const batches: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < batches.length) {
        const batch = batches[next] as Array<Record<string, unknown>>;
        next += 1;
        let pending = batch.map((Item) => ({ PutRequest: { Item } }));
        while (pending.length > 0) {
          const out = await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.tableName]: pending } }));
          pending = (out.UnprocessedItems?.[store.tableName] ?? []) as typeof pending;
        }
      }
    }),
  );
};

const unitCode = (i: number) =>
  `${1 + Math.floor(i / 400)}-${1 + (Math.floor(i / 100) % 4)}-${String((i % 100) + 101).padStart(4, '0')}`;

const timed = async (store: Store, items: Array<Record<string, unknown>>) => {
  const t0 = performance.now();
  await batchWriteAll(store, items, CONCURRENCY);
  const seconds = (performance.now() - t0) / 1000;
  return {
    items: items.length,
    seconds: Number(seconds.toFixed(1)),
    itemsPerSecond: Number((items.length / seconds).toFixed(1)),
  };
};

/** Raw items shaped like billing's, five per unit (see the header), for units no billing run touches. */
let rawUnit = 0;
const rawItems = (count: number) => {
  const items: Array<Record<string, unknown>> = [];
  const at = new Date().toISOString();
  while (items.length < count) {
    rawUnit += 1;
    const unit = `R-${rawUnit}`;
    const id = `RAW${String(rawUnit).padStart(23, '0')}`;
    const ledger = `LEDGER#raw#${unit}`;
    const entry = { entryId: id, entryKind: 'charge', itemCode: 'property_fee', itemName: '物业服务费', period: '2026-12' };
    items.push(
      { pk: ledger, sk: `ENTRY#${id}`, type: 'ledgerEntry', ...entry, amountFen: 20000, dueDate: '2026-12-15', createdAt: at },
      {
        pk: ledger,
        sk: 'ACCOUNT',
        gsi2pk: 'ARREARS#raw',
        gsi2sk: unit,
        type: 'ledgerAccount',
        owedFen: 20000,
        creditFen: 0,
        heldFen: 0,
        open: { [id]: { chargeId: id, itemName: '物业服务费', period: '2026-12', outstandingFen: 20000, dueDate: '2026-12-15' } },
        version: 1,
        updatedAt: at,
      },
      {
        pk: `IDEMP#billing:raw:2026-12:${unit}`,
        sk: 'IDEMP',
        type: 'idempotency',
        command: 'schedules.billUnit',
        requestHash: 'f'.repeat(64),
        result: { unitCode: unit, outcome: 'billed', chargedFen: 20000 },
        at,
        expiresAt: 1_999_999_999,
      },
      {
        pk: ledger,
        sk: `AUDIT#${id}`,
        gsi1pk: 'AUDIT#2026-12-01',
        gsi1sk: id,
        type: 'audit',
        command: 'schedules.billUnits',
        before: { owedFen: 0, creditFen: 0, heldFen: 0, version: 0 },
        after: {
          owedFen: 20000,
          creditFen: 0,
          heldFen: 0,
          version: 1,
          detail: { month: '2026-12', items: ['物业服务费 2026-12 ¥200.00'] },
        },
        at,
      },
      {
        pk: 'OUTBOX',
        sk: `${id}O`,
        gsi1pk: 'OUTBOX#ledger.changed',
        gsi1sk: `${id}O`,
        type: 'outbox',
        topic: 'ledger.changed',
        payload: { account: { unitCode: unit, owedFen: 20000, creditFen: 0 }, entries: [{ ...entry, amountFen: 20000 }] },
        at,
        expiresAt: 1_999_999_999,
      },
    );
  }
  return items.slice(0, count);
};

/**
 * The app's table (keys, both indexes, TTL) without its stream unless BENCH_STREAM=1: nothing reads the stream
 * locally, and DynamoDB Local slows down more and more as stream records pile up (see the header).
 */
const benchTable = async (client: DynamoDBClient, tableName: string) => {
  if (!STREAM) {
    const t = TABLE_DEFINITION;
    const key = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          key(t.partitionKey),
          key(t.sortKey),
          ...t.globalIndexes.flatMap((i) => [key(i.partitionKey), key(i.sortKey)]),
        ],
        KeySchema: [
          { AttributeName: t.partitionKey, KeyType: 'HASH' },
          { AttributeName: t.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: t.globalIndexes.map((i) => ({
          IndexName: i.indexName,
          KeySchema: [
            { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
            { AttributeName: i.sortKey, KeyType: 'RANGE' as const },
          ],
          Projection: { ProjectionType: 'ALL' as const },
        })),
      }),
    );
  }
  await ensureTable(client, tableName); // creates the app's table with its stream, or adds TTL to the one above
};

const load = () => loadavg().map((n) => Number(n.toFixed(2)));

export const run = async () => {
  const loadBefore = load();
  const dynamo = await startDynamoLocal();
  try {
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'cn-north-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    await benchTable(client, 'bench-billing');
    await benchTable(client, 'bench-raw');
    const store = createStore({ tableName: 'bench-billing', endpoint: dynamo.endpoint });
    const raw = createStore({ tableName: 'bench-raw', endpoint: dynamo.endpoint });

    const expected = UNITS * 5; // charge entry, account, idempotency record, audit, outbox per unit
    const sampleSize = RAW_SAMPLE === 'all' ? expected : Math.min(Number(RAW_SAMPLE), expected);

    // Act 1: raw BatchWriteItem on the fresh emulator (after an unmeasured warm-up of 2,500 items): its best.
    await timed(raw, rawItems(2_500));
    const rawFresh = await timed(raw, rawItems(sampleSize));
    console.log(`raw BatchWriteItem on the fresh emulator: ${rawFresh.itemsPerSecond} items/s; seeding…`);

    // Prepare: an estate, its property fee, UNITS occupied units (seeded with BatchWriteItem: setup, not measured).
    const head = { ...ctx(), actor: { id: 'head', name: 'head', role: 'centre_head' as const }, source: 'api' as const };
    await createEstate(store, head, { id: 'bench', name: '基准小区' });
    await createBuilding(store, head, 'bench', { code: '1' });
    await putFeeItemVersion(store, head, 'bench', 'property_fee', {
      name: '物业服务费',
      category: 'property_fee',
      basis: 'area_month',
      rateFen: 250,
      unitLabel: '㎡·月',
      effectiveFrom: '2026-01-01',
    });
    const at = new Date().toISOString();
    const units = Array.from({ length: UNITS }, (_, i) => {
      const code = unitCode(i);
      const buildingCode = code.split('-')[0] as string;
      return {
        ...keys.unit('bench', code),
        ...keys.unitIndex('bench', buildingCode, code),
        type: 'unit',
        estateId: 'bench',
        code,
        buildingCode,
        areaCentiM2: 8000 + (i % 50) * 100,
        status: 'occupied',
        statusSince: at,
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
    });
    await batchWriteAll(store, units, 16);
    const before = await countItems(store);
    console.log(`seeded ${UNITS} units; billing…`);

    // Act 2: monthly billing through the command path.
    const t0 = performance.now();
    const outcome = await runMonthlyBilling(
      store,
      ctx(),
      { estateId: 'bench', month: '2026-12', billingDate: '2026-12-01' },
      { chunkSize: CHUNK, concurrency: CONCURRENCY, groupConcurrency: GROUP_CONCURRENCY },
    );
    const billingSeconds = (performance.now() - t0) / 1000;
    // Items the run wrote, less its own bookkeeping (the run cursor and its lease).
    const written = (await countItems(store)) - before - 2;
    const billingItemsPerSecond = written / billingSeconds;
    console.log(`billed in ${billingSeconds.toFixed(1)} s (${billingItemsPerSecond.toFixed(1)} items/s); raw again…`);

    // Act 3: raw BatchWriteItem again, on the emulator as billing left it.
    const rawAfter = await timed(raw, rawItems(sampleSize));
    const bestRaw = Math.max(rawFresh.itemsPerSecond, rawAfter.itemsPerSecond);
    const loadAfter = load();

    console.log(
      JSON.stringify(
        {
          bench: 'billing',
          units: UNITS,
          billed: outcome.billed,
          failed: outcome.failed,
          chunks: outcome.chunks,
          chunkSize: CHUNK,
          concurrency: CONCURRENCY,
          tables: STREAM ? "the app's table (indexes, TTL, stream)" : "the app's table without its stream (indexes, TTL)",
          groupConcurrency: GROUP_CONCURRENCY,
          billingWallSeconds: Number(billingSeconds.toFixed(1)),
          unitsPerSecond: Number((UNITS / billingSeconds).toFixed(1)),
          itemsWritten: written,
          billingItemsPerSecond: Number(billingItemsPerSecond.toFixed(1)),
          raw: {
            mode:
              sampleSize >= written
                ? `full: ${sampleSize} billing-shaped items a pass, 25 a call, ${CONCURRENCY} calls in flight`
                : `sample: ${sampleSize} billing-shaped items a pass (of ${written}), 25 a call, ${CONCURRENCY} calls in flight; extrapolated to ${written} items`,
            freshEmulator: rawFresh,
            afterSeedingAndBilling: rawAfter,
            bestItemsPerSecond: bestRaw,
            extrapolatedSecondsForAllItems: Number((written / bestRaw).toFixed(1)),
          },
          ratio: Number((billingItemsPerSecond / bestRaw).toFixed(2)),
          target: 0.5,
          machine: { cpus: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
        },
        null,
        2,
      ),
    );
    client.destroy();
  } finally {
    await dynamo.stop();
  }
};
