import type { Logger } from '@aws-lambda-powertools/logger';
import type { Principal } from '../auth/principal.js';
import type { Repositories } from '../repositories/index.js';

/**
 * What every application service works with for one request (or one published event): who is
 * calling, the request's repositories (one DataLoader cache), the clock and the id source.
 */
export interface ServiceContext {
  principal: Principal;
  requestId: string;
  logger: Logger;
  repos: Repositories;
  /** The current time as an ISO-8601 UTC string. */
  now: () => string;
  newId: () => string;
  /** Webhooks may point at loopback `http://` URLs (the local runner and tests; false on AWS). */
  webhookAllowLoopback?: boolean;
}
