import { createGraphqlHandler, lazyHandler, loadConfig } from '../lib/app.js';

/** What a cold start makes: the configuration (the secret is read then) and Apollo Server with its own logger and clients. */
export const createHandler = async () => createGraphqlHandler(await loadConfig());

/** HTTP API (payload v2) → Apollo Server. Built once per cold start (the first invocation). */
export const handler = lazyHandler(createHandler);
