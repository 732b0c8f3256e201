import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../functions/store/client';

/** What every benchmark needs: bounded concurrent clients with latencies, percentiles, item counts. */
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Runs `total` jobs from `clients` concurrent workers; each worker takes the next index when it is free. */
export const runClients = async (work: (client: number, index: number) => Promise<void>, total: number, clients: number) => {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (next < total) {
        const index = next;
        next += 1;
        const t0 = performance.now();
        await work(client, index);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: total / seconds, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
};

/** Every item of a (benchmark) table, counted by a paged scan. */
export const countItems = async (store: Store) => {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(new ScanCommand({ TableName: store.tableName, Select: 'COUNT', ExclusiveStartKey: start }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
};
