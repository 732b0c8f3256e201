import { apiHandler } from '../core/api-handler';
import { today } from '../fees/fees.store';
import {
  apply,
  extend,
  issuePasses,
  listUnitPermits,
  recordDocument,
  recordInspection,
  requestInspection,
  resubmit,
  returnPass,
  review,
} from './renovation.commands';
import { renovationRoutes } from './renovation.routes';
import { permitView, readPermit } from './renovation.store';
import { renovationLedger } from './renovation-ledger';
import { approveRefund, collectDeposit, collectTax, rejectRefund, requestRefund } from './renovation-money.commands';

/** HTTP edge of renovation permits: parse → command → response. */
const where = (p: { estateId: string; unitCode: string; permitId: string }) => ({
  estateId: p.estateId,
  unitCode: p.unitCode,
  permitId: p.permitId,
});

export const handler = apiHandler(renovationRoutes, {
  apply: async ({ params, body, ctx, store }) => ({
    body: (await apply(store, ctx, params.estateId, params.unitCode, body)).result,
  }),
  listPermits: async ({ params, store }) => ({ body: { items: await listUnitPermits(store, params.estateId, params.unitCode) } }),
  getPermit: async ({ params, store }) => ({
    body: permitView(await readPermit(store, params.estateId, params.unitCode, params.permitId)),
  }),
  recordDocument: async ({ params, body, ctx, store }) => ({
    body: (await recordDocument(store, ctx, where(params), params.document, body)).result,
  }),
  review: async ({ params, body, ctx, store }) => ({ body: (await review(store, ctx, where(params), body)).result }),
  resubmit: async ({ params, body, ctx, store }) => ({ body: (await resubmit(store, ctx, where(params), body)).result }),
  collectDeposit: async ({ params, body, ctx, store }) => ({
    body: (await collectDeposit(store, ctx, where(params), body)).result,
  }),
  collectTax: async ({ params, body, ctx, store }) => ({ body: (await collectTax(store, ctx, where(params), body)).result }),
  issuePasses: async ({ params, body, ctx, store }) => ({ body: (await issuePasses(store, ctx, where(params), body)).result }),
  returnPass: async ({ params, body, ctx, store }) => ({
    body: (await returnPass(store, ctx, where(params), params.passNo, body)).result,
  }),
  extend: async ({ params, body, ctx, store }) => ({ body: (await extend(store, ctx, where(params), body)).result }),
  requestInspection: async ({ params, body, ctx, store }) => ({
    body: (await requestInspection(store, ctx, where(params), body)).result,
  }),
  recordInspection: async ({ params, body, ctx, store }) => ({
    body: (await recordInspection(store, ctx, where(params), body)).result,
  }),
  requestRefund: async ({ params, body, ctx, store }) => ({
    body: (await requestRefund(store, ctx, where(params), body)).result,
  }),
  approveRefund: async ({ params, body, ctx, store }) => ({
    body: (await approveRefund(store, ctx, where(params), body)).result,
  }),
  rejectRefund: async ({ params, body, ctx, store }) => ({
    body: (await rejectRefund(store, ctx, where(params), body)).result,
  }),
  ledger: async ({ params, ctx, store }) => ({
    body: { rows: await renovationLedger(store, params.estateId, today(ctx.now)) },
  }),
});
