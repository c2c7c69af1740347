import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../infra/local/dynamoLocal.js';

declare module 'vitest' {
  export interface ProvidedContext {
    ddbEndpoint: string;
  }
}

/** One DynamoDB Local (in memory, free port) for all integration tests; each test file makes its own table. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoLocal();
  project.provide('ddbEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}
