import { apiHandler } from '../core/api-handler';
import { access, keys, stripKeys } from '../store/keys';
import { importUnits } from './unit-import.command';
import {
  createBuilding,
  createEstate,
  createUnit,
  readEstate,
  readUnit,
  updateBuilding,
  updateEstate,
  updateUnit,
} from './units.commands';
import { type UnitRecord, unitView } from './units.domain';
import { unitRoutes } from './units.routes';

/** HTTP edge of the unit registry: parse → command → response. */
export const handler = apiHandler(unitRoutes, {
  createEstate: async ({ body, ctx, store }) => ({ body: (await createEstate(store, ctx, body)).result }),

  listEstates: async ({ store }) => ({
    body: { items: (await access.listEstates(store)).map((item) => stripKeys(item) as never) },
  }),

  getEstate: async ({ params, store }) => ({ body: await readEstate(store, params.estateId) }),

  updateEstate: async ({ params, body, ctx, store }) => ({
    body: (await updateEstate(store, ctx, params.estateId, body)).result,
  }),

  updateBuilding: async ({ params, body, ctx, store }) => ({
    body: (await updateBuilding(store, ctx, params.estateId, params.buildingCode, body)).result,
  }),

  createBuilding: async ({ params, body, ctx, store }) => ({
    body: (await createBuilding(store, ctx, params.estateId, body)).result,
  }),

  listBuildings: async ({ params, store }) => {
    await readEstate(store, params.estateId);
    return { body: { items: (await access.listBuildings(store, params.estateId)).map((item) => stripKeys(item) as never) } };
  },

  createUnit: async ({ params, body, ctx, store }) => ({ body: (await createUnit(store, ctx, params.estateId, body)).result }),

  listUnits: async ({ params, query, store }) => {
    await readEstate(store, params.estateId);
    const page = await access.listUnits(store, params.estateId, {
      buildingCode: query.building,
      limit: query.limit,
      cursor: query.cursor,
    });
    return {
      body: {
        items: page.items.map((item) => unitView(stripKeys(item) as unknown as UnitRecord)),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      },
    };
  },

  getUnit: async ({ params, store }) => ({ body: unitView(await readUnit(store, params.estateId, params.unitCode)) }),

  updateUnit: async ({ params, body, ctx, store }) => ({
    body: (await updateUnit(store, ctx, params.estateId, params.unitCode, body)).result,
  }),

  getUnitHistory: async ({ params, store }) => {
    const unit = await readUnit(store, params.estateId, params.unitCode);
    const page = await access.listAudit(store, keys.unit(unit.estateId, unit.code).pk);
    return { body: { items: page.items.map((item) => stripKeys(item) as never) } };
  },

  importUnits: async ({ params, rawBody, contentType, ctx, store }) => ({
    body: await importUnits(store, ctx, params.estateId, { bytes: rawBody, contentType }),
  }),
});
