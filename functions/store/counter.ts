import { VersionConflictError } from '../core/errors';
import type { Store } from './client';
import type { PlannedWrite } from './commit';
import { access, keys } from './keys';

/**
 * Gap-free number sequences per estate (ticket, paid-service order, permit and pass numbers): read the next
 * number, then move the counter in the command's own transaction, conditional on the number read, so numbers
 * have no gaps and no repeats under concurrency (the loser re-plans).
 */
export const readCounter = async (store: Store, estateId: string, name: string) => {
  const item = await access.getCounter(store, estateId, name);
  return item ? { next: Number(item.nextNumber), exists: true } : { next: 1, exists: false };
};

/** Moves the counter by `count`, only if nobody moved it since it was read. */
export const counterWrite = (
  store: Store,
  estateId: string,
  name: string,
  counter: { next: number; exists: boolean },
  count = 1,
): PlannedWrite => ({
  item: counter.exists
    ? {
        Update: {
          TableName: store.tableName,
          Key: keys.counter(estateId, name),
          UpdateExpression: 'SET nextNumber = :after',
          ConditionExpression: 'nextNumber = :n',
          ExpressionAttributeValues: { ':n': counter.next, ':after': counter.next + count },
        },
      }
    : {
        Put: {
          TableName: store.tableName,
          Item: { ...keys.counter(estateId, name), type: 'counter', estateId, name, nextNumber: counter.next + count },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
  onConditionFailed: () => new VersionConflictError('编号已被同时使用，请重试', { counter: name }),
});
