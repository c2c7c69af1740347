import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Principal } from './auth/principal.js';
import type { TokenVerifier } from './auth/tokens.js';
import type { Store } from './data/store.js';
import type { Key } from './data/keys.js';
import { AppError, ErrorCode } from './errors.js';
import { createRepositories, type Repositories } from './repositories/index.js';
import { createServices, type Services } from './services/index.js';

/** What lives for the whole process (one cold start): clients, verifier, logger. */
export interface AppDeps {
  store: Store;
  verifier: TokenVerifier;
  logger: Logger;
  clock?: () => Date;
  newId?: () => string;
  /** Webhooks may point at loopback `http://` URLs (local runner and tests; see AppConfig). */
  webhookAllowLoopback?: boolean;
}

/**
 * The GraphQL context of one request. Resolvers call `services` (one use case each); the repositories
 * are there for the services and the realtime/stream code, not for resolvers.
 */
export interface Context {
  principal: Principal;
  requestId: string;
  logger: Logger;
  repos: Repositories;
  services: Services;
  now: () => string;
  newId: () => string;
}

/**
 * Builds the context of an HTTP request: verifies the token (UNAUTHENTICATED on a bad one), then applies the
 * user's access record through the request's own loader (one read, cached for the request; none for anonymous
 * callers): a disabled user is FORBIDDEN, revoked roles are gone. A token stays valid for hours, so the record
 * is what makes `setUserAccess` take effect on the next request. A partner platform's token is checked the same way
 * against its partner record (read in the same batch): not ACTIVE is FORBIDDEN; over its quota is RATE_LIMITED.
 * `readAhead` (rootReads.ts: the entities a query starts from by id) joins that batch, so such a query spends no round
 * trip on the caller before its own reads.
 */
export async function createContext(
  deps: AppDeps,
  request: { authorization?: string | null; requestId?: string; readAhead?: readonly Key[] },
): Promise<Context> {
  const verified = await deps.verifier.principalFor(request.authorization);
  const repos = createRepositories(deps.store);
  const principal = await repos.access.effective(verified, request.readAhead);
  if (!principal) throw new AppError(ErrorCode.FORBIDDEN, verified.partnerId ? 'This partner platform is not active' : 'This account is disabled');
  const context = contextFor(deps, principal, request.requestId, repos);
  // A partner platform's request counts against its quota per minute (one UpdateItem; RATE_LIMITED over it).
  await context.services.partners.admitRequest();
  return context;
}

/** A context for a known principal (subscription deliveries, where the token was verified at connection_init). */
export function contextFor(deps: AppDeps, principal: Principal, requestId?: string, repos: Repositories = createRepositories(deps.store)): Context {
  const clock = deps.clock ?? (() => new Date());
  const base = {
    principal,
    requestId: requestId ?? randomUUID(),
    logger: deps.logger,
    repos,
    now: () => clock().toISOString(),
    newId: deps.newId ?? (() => randomUUID()),
    webhookAllowLoopback: deps.webhookAllowLoopback ?? false,
  };
  return { ...base, services: createServices(base) };
}
