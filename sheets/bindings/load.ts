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
