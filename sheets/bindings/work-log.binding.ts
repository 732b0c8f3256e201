import { parseOrThrow } from '../../functions/core/validation';
import { access, keys } from '../../functions/store/keys';
import { createTicket } from '../../functions/tickets/tickets.commands';
import type { TicketRecord } from '../../functions/tickets/tickets.domain';
import { CreateTicketBody } from '../../functions/tickets/tickets.schema';
import { ticketView } from '../../functions/tickets/tickets.store';
import type { TabBinding } from '../sync/binding';
import { WORK_LOG_TAB } from '../tabs/work-log.tab';
import { allPages, estateOf, loadByIds } from './load';

const view = (item: Record<string, unknown>) => ticketView(item as unknown as TicketRecord);

/**
 * 工作信息记录本 ⇄ tickets. A row typed at the desk is a new matter (createTicket, as the API); afterwards the
 * ticket moves through its own commands (dispatch, done, follow-up), so the row's staff cells are not edited
 * from the sheet — such edits are reverted and kept in 同步异常.
 */
export const workLogBinding: TabBinding = {
  layout: WORK_LOG_TAB,
  role: 'front_desk',
  actorColumn: 'reportedBy.name',
  idsOf: (message, estateId) => (estateOf(message) === estateId ? [message.entityId] : []),
  load: (store, estateId, ids) =>
    loadByIds(store, ids, (id) => (/^[0-9A-Z]{26}$/.test(id) ? keys.ticket(estateId, id) : undefined), view),
  loadAll: async (store, estateId) => {
    const items = [
      ...(await allPages((cursor) =>
        access.listTicketsByState(store, estateId, 'open', { limit: 500, ...(cursor ? { cursor } : {}) }),
      )),
      ...(await allPages((cursor) =>
        access.listTicketsByState(store, estateId, 'closed', { limit: 500, ...(cursor ? { cursor } : {}) }),
      )),
    ];
    const found = await loadByIds(
      store,
      items.map((i) => String(i.ticketId)),
      (id) => keys.ticket(estateId, id),
      view,
    );
    return found;
  },
  create: async ({ store, ctx, estateId, values }) => {
    const input = parseOrThrow(CreateTicketBody, values, '登记内容');
    const { result } = await createTicket(store, ctx, estateId, input);
    return result.ticketId;
  },
};
