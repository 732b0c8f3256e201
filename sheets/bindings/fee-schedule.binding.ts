import { access, keys } from '../../functions/store/keys';
import type { RowView, TabBinding } from '../sync/binding';
import { FEE_SCHEDULE_TAB } from '../tabs/fee-schedule.tab';
import { loadByPairIds, pairId } from './load';

const view = (item: Record<string, unknown>): RowView => ({
  ...item,
  // An `entered` item has no rate: its amount is typed at each charge.
  rateFen: item.basis === 'entered' ? undefined : item.rateFen,
});

/** 收费标准 ⇄ the estate's fee item versions (outbound only; fee settings messages of the topic are not rows). */
export const feeScheduleBinding: TabBinding = {
  layout: FEE_SCHEDULE_TAB,
  role: 'centre_head',
  idsOf: (message, estateId) => {
    if (message.entityType !== 'feeItem') return [];
    const version = message.payload as { estateId?: string; code?: string; effectiveFrom?: string } | null;
    return version?.estateId === estateId && version.code && version.effectiveFrom
      ? [pairId(version.code, version.effectiveFrom)]
      : [];
  },
  load: (store, estateId, ids) =>
    loadByPairIds(store, ids, (code, effectiveFrom) => keys.feeItem(estateId, code, effectiveFrom), view),
  loadAll: async (store, estateId) =>
    new Map(
      (await access.listFeeItems(store, estateId)).map((item) => [
        pairId(String(item.code), String(item.effectiveFrom)),
        view(item),
      ]),
    ),
};
