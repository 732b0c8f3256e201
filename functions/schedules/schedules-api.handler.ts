import { apiHandler } from '../core/api-handler';
import { readEstate } from '../units/units.commands';
import { debitBatchFile, debitBatchView, importDebitResults } from './debit.commands';
import { getReminderSettings, putReminderSettings } from './reminders.commands';
import { schedulesApiRoutes } from './schedules-api.routes';

/** HTTP edge of the schedules: parse → command → response. */
export const handler = apiHandler(schedulesApiRoutes, {
  getDebitBatch: async ({ params, store }) => {
    await readEstate(store, params.estateId);
    return { body: (await debitBatchView(store, params.estateId, params.month)) as never };
  },
  getDebitBatchFile: async ({ params, store }) => {
    await readEstate(store, params.estateId);
    return { body: await debitBatchFile(store, params.estateId, params.month), headers: { 'cache-control': 'no-store' } };
  },
  importDebitResults: async ({ params, query, rawBody, ctx, store }) => {
    await readEstate(store, params.estateId);
    return {
      body: (await importDebitResults(
        store,
        ctx,
        params.estateId,
        params.month,
        { bytes: rawBody },
        { bookId: query.bookId, kind: query.kind },
      )) as never,
    };
  },
  getReminderSettings: async ({ params, store }) => ({
    body: (await getReminderSettings(store, params.estateId)) as never,
  }),
  putReminderSettings: async ({ params, body, ctx, store }) => ({
    body: (await putReminderSettings(store, ctx, params.estateId, body)).result as never,
  }),
});
