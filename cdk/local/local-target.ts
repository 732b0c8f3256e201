import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ScheduleEvent } from '../../functions/core/schedule-handler';
import type { FunctionDefinition } from '../../functions/manifest';
import { ensureTable } from '../../functions/store/ensure-table';
import { type DynamoLocal, startDynamoLocal } from './dynamo-local';
import { loadOrCreateLocalKeys, localVerifier } from './local-auth';
import { type LocalScheduler, startLocalScheduler } from './local-scheduler';
import { createLocalServer, defaultLoad } from './local-server';
import { watchWorkbook } from './workbook-watcher';

/**
 * The whole app on one machine: DynamoDB Local (data under DATA_DIR), the table, the HTTP routes
 * and the schedules of the manifest.
 */
export interface LocalTargetOptions {
  port: number;
  dataDir: string;
  tableName?: string;
  /** Keep DynamoDB in memory (tests); default: on disk under dataDir. */
  inMemory?: boolean;
  /** Use an already running DynamoDB (tests); otherwise one is started. */
  dynamoEndpoint?: string;
  log?: (line: string) => void;
  runSchedules?: boolean;
}

export interface LocalTarget {
  url: string;
  dynamoEndpoint: string;
  tableName: string;
  scheduler: LocalScheduler;
  stop(): Promise<void>;
}

export const startLocalTarget = async (options: LocalTargetOptions): Promise<LocalTarget> => {
  const log = options.log ?? (() => {});
  const dataDir = resolve(options.dataDir);
  const tableName = options.tableName ?? 'desk-local';
  const dynamo: DynamoLocal | undefined = options.dynamoEndpoint
    ? undefined
    : await startDynamoLocal({ dataDir: options.inMemory ? undefined : dataDir });
  const endpoint = options.dynamoEndpoint ?? dynamo?.endpoint ?? '';
  try {
    const client = new DynamoDBClient({
      endpoint,
      region: 'cn-north-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const outcome = await ensureTable(client, tableName);
    client.destroy();
    log(`table ${tableName}: ${outcome}`);

    // The handlers read their configuration from the environment, exactly as in Lambda.
    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = endpoint;
    process.env.AWS_REGION ??= 'cn-north-1';

    const keys = await loadOrCreateLocalKeys(dataDir);
    const invoke = async (fn: FunctionDefinition, event: ScheduleEvent) => {
      const mod = await defaultLoad(fn);
      return (mod.handler as (e: ScheduleEvent) => Promise<unknown>)(event);
    };
    const scheduler = startLocalScheduler(invoke, log, { timers: options.runSchedules !== false });
    // The embedded ledger: a save of the local workbook runs the sheet sync at once (Google is pinged instead).
    const workbook = process.env.SHEETS_XLSX ?? join(dataDir, '台账.xlsx');
    const watcher =
      options.runSchedules !== false && !process.env.GOOGLE_SHEETS_ID
        ? watchWorkbook(workbook, () => {
            scheduler.runNow('sheet-sync').catch((error: unknown) => log(`sheet-sync after save failed: ${String(error)}`));
          })
        : undefined;
    const server: Server = createLocalServer({ verifier: localVerifier(keys), runSchedule: scheduler.runNow, log });
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(options.port, '127.0.0.1', () => done());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    return {
      url: `http://127.0.0.1:${port}`,
      dynamoEndpoint: endpoint,
      tableName,
      scheduler,
      async stop() {
        scheduler.stop();
        watcher?.close();
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
};
