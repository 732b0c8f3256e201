import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITION } from './table';

/**
 * Creates the table from its definition, or adds what an older local table lacks (indexes, TTL).
 * Used by the local target at start and by the tests; in AWS the CDK stack owns the table.
 */
export const ensureTable = async (client: DynamoDBClient, tableName: string): Promise<'created' | 'updated' | 'unchanged'> => {
  const t = TABLE_DEFINITION;
  const attribute = (name: string): AttributeDefinition => ({ AttributeName: name, AttributeType: 'S' });
  const gsi = (index: (typeof t.globalIndexes)[number]) => ({
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });

  let existing: Awaited<ReturnType<typeof describe>>;
  const describe = async () => (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  try {
    existing = await describe();
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    existing = undefined;
  }

  let outcome: 'created' | 'updated' | 'unchanged' = 'unchanged';
  if (!existing) {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          attribute(t.partitionKey),
          attribute(t.sortKey),
          ...t.globalIndexes.flatMap((index) => [attribute(index.partitionKey), attribute(index.sortKey)]),
        ],
        KeySchema: [
          { AttributeName: t.partitionKey, KeyType: 'HASH' },
          { AttributeName: t.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: t.globalIndexes.map(gsi),
        StreamSpecification: { StreamEnabled: true, StreamViewType: t.streamView },
      }),
    );
    outcome = 'created';
  } else {
    const have = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    for (const index of t.globalIndexes) {
      if (have.has(index.indexName)) continue;
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [attribute(index.partitionKey), attribute(index.sortKey)],
          GlobalSecondaryIndexUpdates: [{ Create: gsi(index) }],
        }),
      );
      outcome = 'updated';
    }
  }

  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true },
      }),
    );
    if (outcome === 'unchanged') outcome = 'updated';
  }
  return outcome;
};
