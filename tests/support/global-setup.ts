import type { TestProject } from 'vitest/node';
import { type DynamoLocal, startDynamoLocal } from '../../cdk/local/dynamo-local';

/** One real DynamoDB Local (in memory) for the whole run; each test makes its own table in it. */
let dynamo: DynamoLocal | undefined;

export default async function setup(project: TestProject) {
  dynamo = await startDynamoLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo?.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
