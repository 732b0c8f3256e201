/**
 * The one DynamoDB table, as data. The AWS stack and the local target both build it from this,
 * so their keys, indexes, stream and TTL cannot drift.
 */
export const TABLE_DEFINITION = {
  /** Logical name; the deployed name comes from the stage (CDK) or `TABLE_NAME` (local). */
  baseName: 'desk',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Overloaded global secondary indexes; which entity uses which is declared in `keys.ts`. */
  globalIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
  /** Epoch seconds; idempotency records and delivered outbox entries expire. Ledger items never carry it. */
  ttlAttribute: 'expiresAt',
  streamView: 'NEW_AND_OLD_IMAGES',
} as const;

export type IndexName = (typeof TABLE_DEFINITION.globalIndexes)[number]['indexName'];
