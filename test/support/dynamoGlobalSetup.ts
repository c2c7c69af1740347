import type { TestProject } from 'vitest/node';
import { createDynamoPool, servePool } from './dynamoPool.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where test files ask for a DynamoDB Local of their own (test/support/dynamoPerFile.ts). */
    ddbPool: string;
  }
}

/** A pool of DynamoDB Locals (in memory, free ports): each integration test file gets a fresh one and stops it at its end. */
export default async function setup(project: TestProject) {
  // Each database serves one file, thousands of requests for the larger ones: the full JIT pays off here, unlike the
  // quick-start flags `npm start` uses for a short-lived developer database. The serial collector, as the benchmarks use:
  // with the parallel one's adaptive sizing, DynamoDB Local slowed down ~4× for stretches of queries (docs/performance.md, row 9).
  process.env.JAVA_TOOL_OPTIONS ??= '-XX:+UseSerialGC';
  const pool = createDynamoPool();
  const server = await servePool(pool);
  project.provide('ddbPool', server.url);
  return async () => {
    await server.close();
    await pool.close();
  };
}
