import type { Store } from '../../functions/store/client';
import { access } from '../../functions/store/keys';
import type { RowView } from '../sync/binding';

/** Loads the records behind row ids at once: `keyOf` locates a row id's item (undefined: not this estate's). */
export const loadByIds = async (
  store: Store,
  ids: readonly string[],
  keyOf: (id: string) => { pk: string; sk: string } | undefined,
  view: (item: Record<string, unknown>) => RowView,
): Promise<Map<string, RowView>> => {
  const wanted = new Map<string, string>();
  for (const id of ids) {
    const key = keyOf(id);
    if (key) wanted.set(`${key.pk}\u0000${key.sk}`, id);
  }
  const items = await access.getItems(
    store,
    [...wanted.keys()].map((k) => {
      const [pk = '', sk = ''] = k.split('\u0000');
      return { pk, sk };
    }),
  );
  const found = new Map<string, RowView>();
  for (const item of items) {
    const id = wanted.get(`${String(item.pk)}\u0000${String(item.sk)}`);
    if (id) found.set(id, view(item));
  }
  return found;
};

/** Every page of a paged access pattern. */
export const allPages = async (
  page: (cursor: string | undefined) => Promise<{ items: Record<string, unknown>[]; cursor?: string }>,
) => {
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.cursor;
  } while (cursor);
  return items;
};

/** The estate's unit codes, in building/unit order. */
export const unitCodesOf = async (store: Store, estateId: string) =>
  (await allPages((cursor) => access.listUnits(store, estateId, { limit: 500, ...(cursor ? { cursor } : {}) }))).map((u) =>
    String(u.code),
  );

/** The estate id of an outbox payload or entity id `estate/…`. */
export const estateOf = (message: { entityId: string; payload: unknown }) =>
  String((message.payload as { estateId?: unknown } | null)?.estateId ?? message.entityId.split('/')[0]);

/**
 * Row ids of two parts, `<scope>/<id>` (a unit and its entry, case, charge or permit; an item and its version date):
 * the id locates its record on its own, with the estate.
 */
export const pairId = (scope: string, id: string) => `${scope}/${id}`;

export const splitPairId = (rowId: string): [scope: string, id: string] | undefined => {
  const at = rowId.lastIndexOf('/');
  return at > 0 ? [rowId.slice(0, at), rowId.slice(at + 1)] : undefined;
};

/** `loadByIds` for two-part row ids: `keyOf(scope, id)` locates the item. */
export const loadByPairIds = (
  store: Store,
  ids: readonly string[],
  keyOf: (scope: string, id: string) => { pk: string; sk: string },
  view: (item: Record<string, unknown>) => RowView,
) =>
  loadByIds(
    store,
    ids,
    (rowId) => {
      const pair = splitPairId(rowId);
      return pair ? keyOf(...pair) : undefined;
    },
    view,
  );
