import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import type { Actor, Role } from '../../functions/core/roles';
import { createStore, type Store } from '../../functions/store/client';
import type { CommandContext } from '../../functions/store/commit';
import { ensureTable } from '../../functions/store/ensure-table';

let counter = 0;

/** A table of its own in the shared DynamoDB Local, so tests run in parallel without meeting. */
export const freshStore = async (label = 't'): Promise<Store> => {
  const endpoint = inject('dynamoEndpoint');
  counter += 1;
  const tableName = `${label}-${process.pid}-${Date.now().toString(36)}-${counter}`.slice(0, 200);
  const client = new DynamoDBClient({
    endpoint,
    region: 'cn-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(client, tableName);
  client.destroy();
  return createStore({ tableName, endpoint });
};

/** Every item in the test's table (small tables only). */
export const allItems = async (store: Store): Promise<Array<Record<string, unknown>>> => {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(new ScanCommand({ TableName: store.tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

export const staff = (role: Role, name = '测试员'): Actor => ({ id: `u-${role}`, name, role });

export const context = (role: Role = 'front_desk', overrides: Partial<CommandContext> = {}): CommandContext => ({
  actor: staff(role),
  source: 'api',
  now: new Date('2026-11-20T02:00:00Z'),
  ...overrides,
});
