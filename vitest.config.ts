import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

/**
 * One graphql in tests, as in Node and in the bundles (its CommonJS main): Vite would give our sources
 * graphql's ES build while packages loaded by Node (@graphql-tools/schema, Apollo) use the CommonJS one.
 */
const resolve = { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] };

/** unit: no I/O · integration: real DynamoDB Local · infra: CDK assertions · e2e: the local runner with real clients. */
export default defineConfig({
  test: {
    // The pinned SDK warns that releases after January 2027 need Node 22; Lambda runs Node 22, tests run on 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_DEV: 'false', POWERTOOLS_METRICS_DISABLED: 'true' },
    projects: [
      { resolve, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        resolve,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/dynamoGlobalSetup.ts'],
          setupFiles: ['test/support/dynamoPerFile.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      { resolve, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 60_000 } },
      { resolve, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 240_000, fileParallelism: false } },
    ],
  },
});
