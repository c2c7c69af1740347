import { randomUUID, randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { SignJWT, importJWK, type JWK } from 'jose';
import { createDeps, createGraphqlHandler, type AppConfig, type GraphqlHandler } from '../../functions/lib/app.js';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, generateLocalKeys, signLocalToken, type TokenClaims } from '../../functions/lib/auth/tokens.js';
import { ensureTable } from '../../infra/local/dynamoLocal.js';
import { dynamoEndpoint } from './dynamoPerFile.js';
import { grantLocalFlags } from '../../infra/local/localGrants.js';
import { httpApiEvent, lambdaContext } from '../../infra/local/httpAdapter.js';
import { RequestCounter } from './requestCounter.js';
import { createStreamPoller } from '../../infra/local/streamPoller.js';
import { createSubscriptionService, type SubscriptionService } from '../../functions/lib/realtime/subscriptions.js';
import { createNeedStreamProcessor } from '../../functions/lib/streams/needStream.js';
import { GoneError, type ConnectionGateway } from '../../functions/lib/realtime/gateway.js';
import type { AppDeps } from '../../functions/lib/context.js';
import { needStreamFilter } from '../../functions/lib/data/keys.js';

export { RequestCounter };

/** Response data is dynamic JSON; tests read it loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON is read loosely by tests; each assertion is the type check
export type Data = Record<string, any>;

export interface GraphqlResponse {
  status: number;
  data: Data | null | undefined;
  errors: Array<{ message: string; path?: string[]; extensions: { code: string; field?: string; retryable?: boolean } }> | undefined;
  raw: string;
  /** Response headers (lower-case names). */
  headers: Record<string, string>;
}

export interface TestApp {
  tableName: string;
  /** The real Lambda handler, for requests `gql` cannot make (raw bodies, extensions, the local HTTP adapter). */
  handler: GraphqlHandler;
  /** Calls the real Lambda handler with an HTTP API v2 event. */
  gql(query: string, variables?: Record<string, unknown>, token?: string | null, headers?: Record<string, string>): Promise<GraphqlResponse>;
  /** A local token for `sub` (a new one unless given); ORG_ADMIN with `org` and EXPERT with `expert` are granted in the table first. */
  token(claims: Partial<TokenClaims> & { roles: string[] }, expiresIn?: string | number): Promise<string>;
  /** A local token carrying exactly `claims` (plus iss, aud, iat, exp), writing nothing to the table: forged claims, bare identities. */
  rawToken(claims: Record<string, unknown>, expiresIn?: string | number): Promise<string>;
  requests: RequestCounter;
  logs: string[];
  deps: AppDeps;
  /** Waits until the table's stream has been handled (matching, inboxes, notifications), as Lambda would. */
  settle(): Promise<void>;
  /** Messages the subscription code sent, by connection; connections listed in `gone` answer 410. */
  gateway: RecordingGateway;
  subscriptions: SubscriptionService;
}

/** A connection gateway that records what it sends (integration tests of the protocol shell and fan-out). */
export class RecordingGateway implements ConnectionGateway {
  readonly sent: Array<{ connectionId: string; message: Record<string, unknown> }> = [];
  readonly closed: Array<{ connectionId: string; code: number; reason: string }> = [];
  readonly gone = new Set<string>();
  async send(connectionId: string, message: string) {
    if (this.gone.has(connectionId)) throw new GoneError(connectionId);
    this.sent.push({ connectionId, message: JSON.parse(message) as Record<string, unknown> });
  }
  async close(connectionId: string, code: number, reason: string) {
    this.closed.push({ connectionId, code, reason });
  }
  to(connectionId: string) {
    return this.sent.filter((s) => s.connectionId === connectionId).map((s) => s.message);
  }
}

let keysPromise: Promise<{ privateJwk: JWK; publicJwk: JWK }> | undefined;

/**
 * A handler over a fresh table in this test file's DynamoDB Local (or over `tableName`, created unless `createTable: false`);
 * `endpoint` and `dbTimeouts` point it at another database with other timeouts (fault tests).
 */
export async function createTestApp(
  options: { tableName?: string; createTable?: boolean; endpoint?: string; dbTimeouts?: AppConfig['dbTimeouts']; webhookAllowLoopback?: boolean } = {},
): Promise<TestApp> {
  const endpoint = options.endpoint ?? dynamoEndpoint();
  const tableName = options.tableName ?? `kezhi-test-${randomUUID()}`;
  if (options.createTable !== false) await ensureTable(endpoint, tableName);
  keysPromise ??= generateLocalKeys();
  const keys = await keysPromise;
  const config: AppConfig = {
    tableName,
    dynamoEndpoint: endpoint,
    // DynamoDB Local on a busy machine can stall for seconds; unless a test is about faults, such a
    // stall must not become a retried (and possibly doubled) write.
    dbTimeouts: options.dbTimeouts ?? { requestTimeoutMs: 10_000 },
    cursorSecret: randomBytes(32).toString('base64url'),
    production: false,
    ...(options.webhookAllowLoopback && { webhookAllowLoopback: true }),
    auth: { kind: 'local', publicJwk: keys.publicJwk },
  };
  const logs: string[] = [];
  const logger = new Logger({ serviceName: 'kezhi-test', logLevel: 'INFO' });
  // Capture structured log lines instead of printing them.
  const capture =
    (level: string) =>
    (message: string, ...rest: unknown[]) =>
      logs.push(JSON.stringify({ level, message, rest }, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v)));
  Object.assign(logger, { info: capture('INFO'), error: capture('ERROR'), warn: capture('WARN') });
  const deps = createDeps(config, logger);
  const requests = RequestCounter.attach(deps.store);
  const handler = createGraphqlHandler(config, deps);
  const gateway = new RecordingGateway();
  const subscriptions = createSubscriptionService(deps, gateway);
  const poller = createStreamPoller({
    endpoint,
    tableName,
    handler: createNeedStreamProcessor(deps, subscriptions),
    // The deployed event filter (infra/KezhiStack.ts), so the tests see what the function sees on AWS.
    filters: [needStreamFilter],
    onError: (e) => logs.push(`stream: ${String(e)}`),
  });
  return {
    handler,
    deps,
    gateway,
    subscriptions,
    settle: () => poller.drain(),
    tableName,
    requests,
    logs,
    // The token carries the identity; what the flags ask (an organization to administer, an expert) goes into the table.
    async token(claims, expiresIn) {
      const full = { ...claims, sub: claims.sub ?? `user-${randomUUID()}` };
      await grantLocalFlags(deps.store, full);
      return signLocalToken(keys.privateJwk, full, expiresIn);
    },
    async rawToken(claims, expiresIn = '12h') {
      const key = await importJWK(keys.privateJwk, 'ES256');
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(key);
    },
    async gql(query, variables, token, headers) {
      const event = httpApiEvent({
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const result = await handler(event, lambdaContext('kezhi-test'), () => undefined);
      const raw = result.body ?? '';
      const body = JSON.parse(raw) as { data?: Data; errors?: GraphqlResponse['errors'] };
      const responseHeaders = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));
      return { status: result.statusCode ?? 200, data: body.data, errors: body.errors, raw, headers: responseHeaders };
    },
  };
}
