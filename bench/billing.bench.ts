import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoLocal } from '../cdk/local/dynamo-local';
import { putFeeItemVersion } from '../functions/fees/fee-schedule.commands';
import { runMonthlyBilling } from '../functions/schedules/billing.commands';
import { createStore, type Store } from '../functions/store/client';
import type { CommandContext } from '../functions/store/commit';
import { ensureTable } from '../functions/store/ensure-table';
import { keys } from '../functions/store/keys';
import { createBuilding, createEstate } from '../functions/units/units.commands';
import { countItems } from './support';

/**
 * Monthly billing throughput: BENCH_UNITS (default 10,000) occupied units billed for one month through the
 * schedule's command path (one transaction per unit: charge entry, account, idempotency record, audit, outbox)
 * against DynamoDB Local; and, in the same run, raw BatchWriteItem of the same number of items, as the ceiling.
 */
const UNITS = Number(process.env.BENCH_UNITS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const CHUNK = 100;

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

export const run = async () => {
  const dynamo = await startDynamoLocal();
  try {
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'cn-north-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    await ensureTable(client, 'bench-billing');
    await ensureTable(client, 'bench-billing-raw');
    const store = createStore({ tableName: 'bench-billing', endpoint: dynamo.endpoint });
    const raw = createStore({ tableName: 'bench-billing-raw', endpoint: dynamo.endpoint });

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

    // Act 1: monthly billing through the command path.
    const t0 = performance.now();
    const outcome = await runMonthlyBilling(
      store,
      ctx(),
      { estateId: 'bench', month: '2026-12', billingDate: '2026-12-01' },
      { chunkSize: CHUNK, concurrency: CONCURRENCY },
    );
    const billingSeconds = (performance.now() - t0) / 1000;
    const written = (await countItems(store)) - before;
    const billingItemsPerSecond = written / billingSeconds;

    console.log(`billed in ${billingSeconds.toFixed(1)} s; raw BatchWriteItem…`);
    // Act 2: raw BatchWriteItem of the same number of items of similar size.
    const rawItems = Array.from({ length: written }, (_, i) => ({
      pk: `RAW#${i % UNITS}`,
      sk: `ITEM#${i}`,
      type: 'raw',
      amountFen: 20000,
      note: '物业服务费 2026-12'.repeat(8),
    }));
    const t1 = performance.now();
    await batchWriteAll(raw, rawItems, CONCURRENCY);
    const rawSeconds = (performance.now() - t1) / 1000;
    const rawItemsPerSecond = written / rawSeconds;

    console.log(
      JSON.stringify(
        {
          bench: 'billing',
          units: UNITS,
          billed: outcome.billed,
          failed: outcome.failed,
          chunks: outcome.chunks,
          concurrency: CONCURRENCY,
          billingWallSeconds: Number(billingSeconds.toFixed(1)),
          unitsPerSecond: Number((UNITS / billingSeconds).toFixed(1)),
          itemsWritten: written,
          billingItemsPerSecond: Number(billingItemsPerSecond.toFixed(1)),
          rawBatchWriteSeconds: Number(rawSeconds.toFixed(1)),
          rawBatchWriteItemsPerSecond: Number(rawItemsPerSecond.toFixed(1)),
          ratio: Number((billingItemsPerSecond / rawItemsPerSecond).toFixed(2)),
          target: 0.5,
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
