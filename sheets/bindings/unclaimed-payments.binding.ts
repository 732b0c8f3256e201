import { access, keys } from '../../functions/store/keys';
import type { RowView, TabBinding } from '../sync/binding';
import { UNCLAIMED_PAYMENTS_TAB } from '../tabs/unclaimed-payments.tab';
import { loadByIds } from './load';

/**
 * The payer as the provider reported it (a WeChat openid, an Alipay buyer id or logon id): an account
 * identifier, shown as its first and last 4 characters. A value the provider already masked stays as it is.
 */
export const maskPayer = (payer: unknown): string | undefined => {
  if (typeof payer !== 'string' || payer === '') return undefined;
  if (payer.includes('*')) return payer;
  return payer.length > 8 ? `${payer.slice(0, 4)}****${payer.slice(-4)}` : '****';
};

const view = (item: Record<string, unknown>): RowView => ({ ...item, payer: maskPayer(item.payer) });

/**
 * Is the hold this estate's to see? Its order's estate, the estate it was assigned to, or nobody's yet
 * (unmatched: every estate's desk may recognise the payer). Once seen it stays seen: assignment only adds.
 */
const visibleTo = (item: Record<string, unknown>, estateId: string) =>
  !item.estateId || item.estateId === estateId || (item.assignedTo as { estateId?: string } | undefined)?.estateId === estateId;

/**
 * 待认领款项 ⇄ held payments (outbound only). The hold message carries the estate of a matched order; the assign
 * and resolve messages carry only `{holdId, status}`, so those ids pass here and `load` keeps the estate's own.
 */
export const unclaimedPaymentsBinding: TabBinding = {
  layout: UNCLAIMED_PAYMENTS_TAB,
  role: 'cashier',
  idsOf: (message, estateId) => {
    const hold = message.payload as { estateId?: string } | null;
    return hold?.estateId && hold.estateId !== estateId ? [] : [message.entityId];
  },
  load: async (store, estateId, ids) => {
    const found = await loadByIds(
      store,
      ids,
      (holdId) => keys.paymentHold(holdId),
      (item) => item,
    );
    return new Map([...found].filter(([, item]) => visibleTo(item, estateId)).map(([id, item]) => [id, view(item)]));
  },
  /** Open holds only: no access pattern lists the closed ones (the queue index drops a hold when it closes). */
  loadAll: async (store, estateId) =>
    new Map(
      (await access.listPaymentQueue(store))
        .filter((item) => visibleTo(item, estateId))
        .map((item) => [String(item.holdId), view(item)]),
    ),
};
