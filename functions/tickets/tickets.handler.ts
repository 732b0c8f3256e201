import { apiHandler } from '../core/api-handler';
import { businessDate } from '../core/dates';
import { access, stripKeys } from '../store/keys';
import { readEstate } from '../units/units.commands';
import {
  createAgreement,
  createPaidOrder,
  drawMaterials,
  orderView,
  payPaidOrder,
  pricePaidOrder,
  readOrder,
} from './paid-service.commands';
import { listTeams, putRosterDay, putTeam, putTicketSettings } from './setup.commands';
import {
  createTicket,
  followUpTicket,
  handOverTicket,
  putComplaintRecord,
  shiftHandover,
  ticketDetail,
  ticketStockTake,
  transitionTicket,
} from './tickets.commands';
import type { TicketRecord } from './tickets.domain';
import { ticketRoutes } from './tickets.routes';
import { readSettings, ticketView } from './tickets.store';

const clean = (item: Record<string, unknown>) => {
  const { type: _type, ...rest } = stripKeys(item);
  return rest;
};

/** HTTP edge of tickets and paid-service orders: parse → command → response. */
export const handler = apiHandler(ticketRoutes, {
  getTicketSettings: async ({ params, store }) => {
    await readEstate(store, params.estateId);
    return { body: (await readSettings(store, params.estateId)) as never };
  },
  putTicketSettings: async ({ params, body, ctx, store }) => ({
    body: (await putTicketSettings(store, ctx, params.estateId, body)).result as never,
  }),
  listTeams: async ({ params, store }) => {
    await readEstate(store, params.estateId);
    return { body: { items: await listTeams(store, params.estateId) } };
  },
  putTeam: async ({ params, body, ctx, store }) => ({
    body: (await putTeam(store, ctx, params.estateId, params.teamCode, body)).result as never,
  }),
  putRosterDay: async ({ params, body, ctx, store }) => ({
    body: (await putRosterDay(store, ctx, params.estateId, params.teamCode, params.date, body)).result as never,
  }),
  createTicket: async ({ params, body, ctx, store }) => ({
    body: (await createTicket(store, ctx, params.estateId, body)).result as never,
  }),
  listTickets: async ({ params, query, store }) => {
    await readEstate(store, params.estateId);
    const view = (item: Record<string, unknown>) => ticketView(clean(item) as unknown as TicketRecord);
    if (query.owner) {
      return { body: { items: (await access.listOwnerOpenTickets(store, params.estateId, query.owner)).map(view) } };
    }
    const page = await access.listTicketsByState(store, params.estateId, query.state, {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return { body: { items: page.items.map(view), ...(page.cursor ? { cursor: page.cursor } : {}) } };
  },
  getTicket: async ({ params, ctx, store }) => ({
    body: (await ticketDetail(store, params.estateId, params.ticketId, ctx.now)) as never,
  }),
  transitionTicket: async ({ params, body, ctx, store }) => ({
    body: (await transitionTicket(store, ctx, params.estateId, params.ticketId, body)).result as never,
  }),
  handOverTicket: async ({ params, body, ctx, store }) => ({
    body: (await handOverTicket(store, ctx, params.estateId, params.ticketId, body)).result as never,
  }),
  followUpTicket: async ({ params, body, ctx, store }) => ({
    body: (await followUpTicket(store, ctx, params.estateId, params.ticketId, body)).result as never,
  }),
  putComplaintRecord: async ({ params, body, ctx, store }) => ({
    body: (await putComplaintRecord(store, ctx, params.estateId, params.ticketId, body)).result as never,
  }),
  shiftHandover: async ({ params, body, ctx, store }) => ({
    body: (await shiftHandover(store, ctx, params.estateId, body)).result as never,
  }),
  listShiftHandovers: async ({ params, query, ctx, store }) => {
    await readEstate(store, params.estateId);
    const date = query.date ?? businessDate(ctx.now);
    return { body: { items: (await access.listShiftHandovers(store, params.estateId, date)).map(clean) } };
  },
  ticketStockTake: async ({ params, query, ctx, store }) => ({
    body: (await ticketStockTake(store, params.estateId, query.asOf ? new Date(query.asOf) : ctx.now)) as never,
  }),
  createPaidOrder: async ({ params, body, ctx, store }) => ({
    body: (await createPaidOrder(store, ctx, params.estateId, body)).result as never,
  }),
  listPaidOrders: async ({ params, query, store }) => {
    await readEstate(store, params.estateId);
    const page = await access.listPaidOrders(store, params.estateId, query.limit);
    return { body: { items: page.items.map((item) => orderView(clean(item) as never)) } };
  },
  getPaidOrder: async ({ params, store }) => {
    const { order, materials } = await readOrder(store, params.estateId, params.number);
    return { body: { ...orderView(order), materials } };
  },
  pricePaidOrder: async ({ params, body, ctx, store }) => ({
    body: (await pricePaidOrder(store, ctx, params.estateId, params.number, body)).result as never,
  }),
  drawMaterials: async ({ params, body, ctx, store }) => ({
    body: (await drawMaterials(store, ctx, params.estateId, params.number, body)).result as never,
  }),
  payPaidOrder: async ({ params, body, ctx, store }) => ({
    body: (await payPaidOrder(store, ctx, params.estateId, params.number, body)).result as never,
  }),
  createServiceAgreement: async ({ params, body, ctx, store }) => ({
    body: (await createAgreement(store, ctx, params.estateId, body)).result as never,
  }),
  listServiceAgreements: async ({ params, store }) => {
    await readEstate(store, params.estateId);
    return { body: { items: (await access.listAgreements(store, params.estateId)).map(clean) } };
  },
});
