import { BusinessRuleError } from '../../functions/core/errors';
import { parseOrThrow } from '../../functions/core/validation';
import { access, keys } from '../../functions/store/keys';
import { readUnit, updateUnit } from '../../functions/units/units.commands';
import { type UnitRecord, unitView } from '../../functions/units/units.domain';
import { UpdateUnitBody } from '../../functions/units/units.schema';
import type { TabBinding } from '../sync/binding';
import { UNITS_TAB } from '../tabs/units.tab';
import { allPages, loadByIds } from './load';

/** The masked view only: ID numbers and bank accounts never leave the store in full. */
const view = (item: Record<string, unknown>) => unitView(item as unknown as UnitRecord);

/** 房号 ⇄ the unit registry: outbound, plus the owner's phone inbound. Row id: the unit code. */
export const unitsBinding: TabBinding = {
  layout: UNITS_TAB,
  role: 'front_desk',
  idsOf: (message, estateId) => {
    const [estate, code] = message.entityId.split('/');
    return estate === estateId && code ? [code] : [];
  },
  load: (store, estateId, ids) => loadByIds(store, ids, (code) => keys.unit(estateId, code), view),
  update: async ({ store, ctx, estateId, id, values }) => {
    const unit = await readUnit(store, estateId, id);
    if (!unit.household) throw new BusinessRuleError('UNIT_HAS_NO_HOUSEHOLD', '此房屋尚未登记业主，不能填写联系电话');
    const phone = (values.household as { owner?: { phone?: string } } | undefined)?.owner?.phone;
    const household = { ...unit.household, owner: { ...unit.household.owner, phone } };
    const input = parseOrThrow(UpdateUnitBody, { expectedVersion: unit.version, household }, '房屋信息');
    await updateUnit(store, ctx, estateId, id, input);
  },
  loadAll: async (store, estateId) => {
    const items = await allPages((cursor) => access.listUnits(store, estateId, { limit: 500, ...(cursor ? { cursor } : {}) }));
    return new Map(items.map((item) => [String(item.code), view(item)]));
  },
};
