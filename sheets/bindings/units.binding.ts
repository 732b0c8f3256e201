import { access, keys } from '../../functions/store/keys';
import { type UnitRecord, unitView } from '../../functions/units/units.domain';
import type { TabBinding } from '../sync/binding';
import { UNITS_TAB } from '../tabs/units.tab';
import { allPages, loadByIds } from './load';

/** The masked view only: ID numbers and bank accounts never leave the store in full. */
const view = (item: Record<string, unknown>) => unitView(item as unknown as UnitRecord);

/** 房号 ← the unit registry (outbound only). Row id: the unit code. */
export const unitsBinding: TabBinding = {
  layout: UNITS_TAB,
  role: 'front_desk',
  idsOf: (message, estateId) => {
    const [estate, code] = message.entityId.split('/');
    return estate === estateId && code ? [code] : [];
  },
  load: (store, estateId, ids) => loadByIds(store, ids, (code) => keys.unit(estateId, code), view),
  loadAll: async (store, estateId) => {
    const items = await allPages((cursor) => access.listUnits(store, estateId, { limit: 500, ...(cursor ? { cursor } : {}) }));
    return new Map(items.map((item) => [String(item.code), view(item)]));
  },
};
