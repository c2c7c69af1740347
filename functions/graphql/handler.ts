import { configFromEnv, createGraphqlHandler } from '../lib/app.js';

/** HTTP API (payload v2) → Apollo Server. Built once per cold start. */
export const handler = createGraphqlHandler(configFromEnv());
