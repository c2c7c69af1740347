import { createGraphqlHandler, lazyHandler, loadConfig } from '../lib/app.js';

/** HTTP API (payload v2) → Apollo Server. Built once per cold start (the first invocation: the secret is read then). */
export const handler = lazyHandler(async () => createGraphqlHandler(await loadConfig()));
