import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../infra/local/dynamoLocal.js';

declare module 'vitest' {
  export interface ProvidedContext {
    ddbEndpoint: string;
  }
}

/** One DynamoDB Local (in memory, free port) for all integration tests; each test file makes its own table. */
export default async function setup(project: TestProject) {
  // This one database serves the whole run (over 20 minutes of CPU in a clean-clone CI run): the full JIT pays off
  // here, unlike the quick-start flags `npm start` uses for a short-lived developer database.
  process.env.JAVA_TOOL_OPTIONS ??= '-XX:+UseParallelGC';
  const dynamo = await startDynamoLocal();
  project.provide('ddbEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}
