import type { Store } from '../../functions/store/client';
import { access, keys } from '../../functions/store/keys';
import type { RowView, TabBinding } from '../sync/binding';
import { REMINDERS_TAB } from '../tabs/reminders.tab';
import { loadByIds } from './load';

const view = (item: Record<string, unknown>): RowView => ({
  ...item,
  channelLabels: Array.isArray(item.channelLabels) ? item.channelLabels.join('、') : item.channelLabels,
});

/** The tab is the 提醒表 channel: a reminder raised without it (the estate's settings) is not delivered here. */
const onSheet = (item: Record<string, unknown>) => Array.isArray(item.channels) && item.channels.includes('sheet');

const withoutOffSheet = (rows: Map<string, Record<string, unknown>>) =>
  new Map([...rows].filter(([, item]) => onSheet(item)).map(([id, item]) => [id, view(item)]));

const loadRaw = (store: Store, estateId: string, ids: readonly string[]) =>
  loadByIds(
    store,
    ids,
    (dedupKey) => keys.reminder(estateId, dedupKey),
    (item) => item,
  );

/**
 * 提醒 ⇄ the estate's reminders (outbound only). Row id: the dedup key (`overdue:<unit>:<period>:<stage>`…),
 * which locates the reminder with the estate. Status changes (sending, sent, failed) rewrite the row.
 */
export const remindersBinding: TabBinding = {
  layout: REMINDERS_TAB,
  role: 'front_desk',
  idsOf: (message, estateId) =>
    (message.payload as { estateId?: string } | null)?.estateId === estateId ? [message.entityId] : [],
  load: async (store, estateId, ids) => withoutOffSheet(await loadRaw(store, estateId, ids)),
  loadAll: async (store, estateId) =>
    withoutOffSheet(new Map((await access.listReminders(store, estateId)).map((item) => [String(item.dedupKey), item]))),
};
