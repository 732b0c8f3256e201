import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every command needs from the store. Passed in, so tests can give each test its own table. */
export interface Store {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

export interface StoreOptions {
  tableName: string;
  /** Set for DynamoDB Local (e.g. http://127.0.0.1:8000); unset in AWS. */
  endpoint?: string | undefined;
  region?: string | undefined;
}

export const createStore = ({ tableName, endpoint, region }: StoreOptions): Store => {
  const client = new DynamoDBClient({
    region: region ?? process.env.AWS_REGION ?? 'cn-north-1',
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3 } : {}),
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, tableName };
};

let fromEnv: Store | undefined;

/** The store a Lambda (or the local target) uses: `TABLE_NAME`, and `DYNAMODB_ENDPOINT` locally. */
export const storeFromEnv = (): Store => {
  if (!fromEnv) {
    const tableName = process.env.TABLE_NAME;
    if (!tableName) throw new Error('TABLE_NAME is not set');
    fromEnv = createStore({ tableName, endpoint: process.env.DYNAMODB_ENDPOINT });
  }
  return fromEnv;
};
