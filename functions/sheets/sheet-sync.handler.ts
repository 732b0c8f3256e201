import { EXCEPTIONS_TAB, SHEET_BINDINGS } from '../../sheets/bindings';
import { SheetSetupNeededError } from '../../sheets/sync/backend';
import { syncCycle } from '../../sheets/sync/engine';
import { rebuildSheet } from '../../sheets/sync/rebuild';
import { type ApiEvent, apiHandler } from '../core/api-handler';
import { UnauthorizedError } from '../core/errors';
import type { ScheduleEvent } from '../core/schedule-handler';
import { readSecretString } from '../core/secrets';
import { type Store, storeFromEnv } from '../store/client';
import { checkPing } from './ping.domain';
import { sheetSyncTargetFromEnv } from './sheet-sync.config';
import { sheetRoutes } from './sheets.routes';

/**
 * The sheet sync: every minute (schedule `sheet-sync`) and at once when the spreadsheet's Apps Script trigger
 * pings. Reserved concurrency 1 in AWS, so two cycles never race; a ping that finds a cycle running is throttled
 * and the next minute catches up.
 */
const syncOptions = async (store: Store) => {
  const target = await sheetSyncTargetFromEnv(store);
  if (!target) return undefined;
  return { store, backend: target.backend, estateId: target.estateId, bindings: SHEET_BINDINGS, exceptionsTab: EXCEPTIONS_TAB };
};

/**
 * One cycle. The local workbook is created on first use (an office without Google needs no set-up step); a Google
 * spreadsheet is set up by a person (`sheets:setup`), since it is shared with staff.
 */
let inFlight: Promise<unknown> | undefined;

/**
 * One cycle at a time in this process (in AWS, reserved concurrency 1 does it across invocations; locally the
 * minute timer, the folder watcher and a ping may meet): a call that finds a cycle running is skipped as busy —
 * the running cycle or the next one takes in whatever prompted it.
 */
export const runSheetCycle = async (store: Store, action: 'sync' | 'setup' | 'rebuild' = 'sync') => {
  if (inFlight) return { skipped: 'busy' as const };
  const run = runSheetAction(store, action);
  inFlight = run;
  try {
    return await run;
  } finally {
    inFlight = undefined;
  }
};

const runSheetAction = async (store: Store, action: 'sync' | 'setup' | 'rebuild') => {
  const options = await syncOptions(store);
  if (!options) return { skipped: 'not-configured' as const }; // no estate yet, or no Google sheet in AWS
  const layouts = SHEET_BINDINGS.map((b) => b.layout);
  if (action === 'setup') {
    await options.backend.setup(layouts);
    return { setup: layouts.map((l) => l.tab) };
  }
  if (action === 'rebuild') return rebuildSheet(options);
  try {
    return await syncCycle(options);
  } catch (error) {
    if (!(error instanceof SheetSetupNeededError) || options.backend.kind !== 'xlsx') throw error;
    await options.backend.setup(layouts);
    return syncCycle(options);
  }
};

const pingKey = async () => {
  const secretId = process.env.SHEETS_PING_SECRET_ID;
  if (secretId) return readSecretString(secretId);
  const local = process.env.SHEETS_PING_SECRET;
  if (!local) throw new UnauthorizedError('未配置表格通知密钥');
  return local;
};

const api = apiHandler(sheetRoutes, {
  sheetPing: async ({ rawBody, headers, store, ctx }) => {
    const check = checkPing(
      await pingKey(),
      { timestamp: headers['x-sheets-timestamp'], signature: headers['x-sheets-signature'] },
      rawBody.toString('utf8'),
      ctx.now,
    );
    if (!check.ok) throw new UnauthorizedError('表格通知签名无效或已过期');
    const report = (await runSheetCycle(store)) as { skipped?: string; rowsWritten?: number };
    return { body: { status: report.skipped ? ('busy' as const) : ('synced' as const), rowsWritten: report.rowsWritten ?? 0 } };
  },
});

export const handler = async (event: ApiEvent | ScheduleEvent) => {
  if ('scheduleId' in event) {
    const action = event.action === 'setup' || event.action === 'rebuild' ? event.action : 'sync';
    const report = await runSheetCycle(storeFromEnv(), action);
    console.log(JSON.stringify({ schedule: event.scheduleId, ...report }));
    return report;
  }
  return api(event);
};
