import { describe, expect, it } from 'vitest';
import { IdempotencyKeyReusedError } from '../../functions/core/errors';
import { runCommand } from '../../functions/store/commit';
import { keys } from '../../functions/store/keys';
import { allItems, context, freshStore } from '../support/store';

const planPut = (tableName: string, id: string, value: number) => async () => ({
  writes: [{ item: { Put: { TableName: tableName, Item: { pk: `THING#${id}`, sk: 'THING', value } } } }],
  audit: [{ entityType: 'thing', entityId: id, entityPk: `THING#${id}`, action: 'create', before: null, after: { value } }],
  outbox: [{ topic: 'thing.changed', entityType: 'thing', entityId: id, payload: { value } }],
  result: { id, value },
});

describe('commit', () => {
  it('writes the items, the idempotency record, the audit entry and the outbox entry together', async () => {
    // Prepare
    const store = await freshStore('commit');
    const ctx = context('front_desk', { idempotencyKey: 'key-00000001' });
    // Act
    const outcome = await runCommand(store, ctx, { name: 'test.put', request: { id: 'a' } }, planPut(store.tableName, 'a', 1));
    // Assess
    const items = await allItems(store);
    expect(outcome).toEqual({ result: { id: 'a', value: 1 }, replayed: false });
    expect(items.map((item) => item.type ?? 'thing').sort()).toEqual(['audit', 'idempotency', 'outbox', 'thing']);
    const audit = items.find((item) => item.type === 'audit');
    expect(audit).toMatchObject({
      actor: { id: 'u-front_desk', name: '测试员', role: 'front_desk' },
      source: 'api',
      at: '2026-11-20T02:00:00.000Z',
      before: null,
      after: { value: 1 },
      gsi1pk: 'AUDIT#2026-11-20',
    });
    const idempotency = items.find((item) => item.type === 'idempotency');
    expect(idempotency?.expiresAt).toBeGreaterThan(Date.parse('2026-11-20T02:00:00Z') / 1000);
  });

  it('returns the first result and writes nothing when retried with the same idempotency key', async () => {
    // Prepare
    const store = await freshStore('commit');
    const ctx = context('front_desk', { idempotencyKey: 'key-00000002' });
    await runCommand(store, ctx, { name: 'test.put', request: { id: 'b' } }, planPut(store.tableName, 'b', 1));
    const before = await allItems(store);
    // Act
    const retried = await runCommand(store, ctx, { name: 'test.put', request: { id: 'b' } }, planPut(store.tableName, 'b', 2));
    // Assess
    expect(retried).toEqual({ result: { id: 'b', value: 1 }, replayed: true });
    expect(await allItems(store)).toHaveLength(before.length);
  });

  it('posts once when the same key arrives ten times at once', async () => {
    // Prepare
    const store = await freshStore('commit');
    const ctx = context('front_desk', { idempotencyKey: 'key-00000003' });
    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        runCommand(store, { ...ctx }, { name: 'test.put', request: { id: 'c' } }, planPut(store.tableName, `c${i}`, i)),
      ),
    );
    // Assess: one thing written, nine replays of the same result
    const things = (await allItems(store)).filter((item) => item.sk === 'THING');
    expect(things).toHaveLength(1);
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    const first = outcomes.find((o) => !o.replayed)?.result;
    for (const outcome of outcomes) expect(outcome.result).toEqual(first);
  });

  it('refuses a reused idempotency key carrying a different request', async () => {
    const store = await freshStore('commit');
    const ctx = context('front_desk', { idempotencyKey: 'key-00000004' });
    await runCommand(store, ctx, { name: 'test.put', request: { id: 'd' } }, planPut(store.tableName, 'd', 1));
    await expect(
      runCommand(store, ctx, { name: 'test.put', request: { id: 'other' } }, planPut(store.tableName, 'other', 1)),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('writes nothing at all when one condition of the transaction fails', async () => {
    // Prepare: the thing exists already
    const store = await freshStore('commit');
    await runCommand(store, context(), { name: 'test.put', request: { id: 'e' } }, planPut(store.tableName, 'e', 1));
    const before = await allItems(store);
    // Act
    const failing = runCommand(
      store,
      context('front_desk', { idempotencyKey: 'key-00000005' }),
      { name: 'test.create', request: {} },
      async () => ({
        writes: [
          { item: { Put: { TableName: store.tableName, Item: { pk: 'THING#f', sk: 'THING' } } } },
          {
            item: {
              Put: {
                TableName: store.tableName,
                Item: { ...keys.calendarDay('x'), pk: 'THING#e', sk: 'THING' },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          },
        ],
        audit: [],
        outbox: [],
        result: null,
      }),
    );
    // Assess
    await expect(failing).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    expect(await allItems(store)).toHaveLength(before.length);
  });
});
