import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/store/keys';
import type { TabBinding } from '../sync/binding';
import { listExceptions } from '../sync/sync-state';
import { SYNC_EXCEPTIONS_TAB } from '../tabs/sync-exceptions.tab';
import { loadByIds } from './load';

const view = (item: Record<string, unknown>) => item;

/** 同步异常 ⇄ the sync's exception records; a person's 处理 choice is stored on the record. */
export const syncExceptionsBinding: TabBinding = {
  layout: SYNC_EXCEPTIONS_TAB,
  role: 'front_desk',
  idsOf: () => [],
  load: (store, estateId, ids) => loadByIds(store, ids, (id) => keys.sheetException(estateId, id), view),
  loadAll: async (store, estateId) =>
    new Map((await listExceptions(store, estateId)).map((e) => [e.excId, view(e as unknown as Record<string, unknown>)])),
  update: async ({ store, ctx, estateId, id, values }) => {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: keys.sheetException(estateId, id),
        UpdateExpression: 'SET #r = :r, handledNote = :n, handledBy = :by, handledAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#r': 'resolution' },
        ExpressionAttributeValues: {
          ':r': values.resolution ?? null,
          ':n': values.handledNote ?? null,
          ':by': ctx.actor.name,
          ':at': ctx.now.toISOString(),
        },
      }),
    );
  },
};
