import type { Permit } from '../../functions/renovation/renovation.store';
import { ledgerRow } from '../../functions/renovation/renovation-ledger';
import { access, keys, stripKeys } from '../../functions/store/keys';
import type { RowView, TabBinding } from '../sync/binding';
import { RENOVATION_LEDGER_TAB, type SHEET_REFUND_STATUSES } from '../tabs/renovation-ledger.tab';
import { loadByPairIds, pairId } from './load';

/** The API's ledger row with the clock left out: 未到期 and 可退 are one 待退 (see SHEET_REFUND_STATUSES). */
const view = (item: Record<string, unknown>): RowView => {
  const row = ledgerRow(stripKeys(item) as unknown as Permit, '');
  const refundStatus: keyof typeof SHEET_REFUND_STATUSES =
    row.refundStatus === 'due' || row.refundStatus === 'not_due' ? 'awaiting' : row.refundStatus;
  return { ...row, refundStatus };
};

/** 装修台账 ⇄ renovation permits (outbound only). */
export const renovationLedgerBinding: TabBinding = {
  layout: RENOVATION_LEDGER_TAB,
  role: 'front_desk',
  idsOf: (message, estateId) => {
    const permit = message.payload as { estateId?: string; unitCode?: string } | null;
    return permit?.estateId === estateId && permit.unitCode ? [pairId(permit.unitCode, message.entityId)] : [];
  },
  load: (store, estateId, ids) =>
    loadByPairIds(store, ids, (unitCode, permitId) => keys.renovationPermit(estateId, unitCode, permitId), view),
  loadAll: async (store, estateId) =>
    new Map(
      (await access.listEstateRenovations(store, estateId))
        .filter((item) => item.type === 'renovationPermit')
        .map((item) => [pairId(String(item.unitCode), String(item.permitId)), view(item)]),
    ),
};
