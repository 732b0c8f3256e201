import { apiHandler } from '../core/api-handler';
import {
  closeDefect,
  completeStep,
  completeTransfer,
  inspectAndOpenTickets,
  issueKeys,
  listCases,
  openCase,
  recordDocument,
} from './checkin.commands';
import { checkinRoutes } from './checkin.routes';
import { caseView, readCase } from './checkin.store';
import { collectFees, recordServices } from './checkin-fees.commands';

/** HTTP edge of check-in cases: parse → command → response. */
const where = (p: { estateId: string; unitCode: string; caseId: string }) => ({
  estateId: p.estateId,
  unitCode: p.unitCode,
  caseId: p.caseId,
});

export const handler = apiHandler(checkinRoutes, {
  openCase: async ({ params, body, ctx, store }) => ({
    body: (await openCase(store, ctx, params.estateId, params.unitCode, body)).result,
  }),
  listCases: async ({ params, store }) => ({ body: { items: await listCases(store, params.estateId, params.unitCode) } }),
  getCase: async ({ params, store }) => {
    const { checkinCase, defects } = await readCase(store, params.estateId, params.unitCode, params.caseId);
    return { body: caseView(checkinCase, defects) };
  },
  recordDocument: async ({ params, body, ctx, store }) => ({
    body: (await recordDocument(store, ctx, where(params), params.document, body)).result as never,
  }),
  completeStep: async ({ params, body, ctx, store }) => ({
    body: (await completeStep(store, ctx, where(params), params.step, body)).result as never,
  }),
  collectFees: async ({ params, body, ctx, store }) => ({
    body: (await collectFees(store, ctx, where(params), body)).result as never,
  }),
  issueKeys: async ({ params, body, ctx, store }) => ({
    body: (await issueKeys(store, ctx, where(params), body)).result as never,
  }),
  recordInspection: async ({ params, body, ctx, store }) => ({
    body: (await inspectAndOpenTickets(store, ctx, where(params), body)) as never,
  }),
  closeDefect: async ({ params, body, ctx, store }) => ({
    body: (await closeDefect(store, ctx, where(params), params.defectId, body)).result as never,
  }),
  recordServices: async ({ params, body, ctx, store }) => ({
    body: (await recordServices(store, ctx, where(params), body)).result as never,
  }),
  completeTransfer: async ({ params, body, ctx, store }) => ({
    body: (await completeTransfer(store, ctx, where(params), body)).result as never,
  }),
});
