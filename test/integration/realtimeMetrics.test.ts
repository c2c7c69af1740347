import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { REGISTER_EXPERT, SUBMIT_NEED, createOrgTree, makeExpertInput, makeNeedInput, NEED_STEPS, ok, type OrgTree } from '../support/fixtures.js';
import { createDeps } from '../../functions/lib/app.js';
import { generateLocalKeys } from '../../functions/lib/auth/tokens.js';
import { ServiceName } from '../../functions/lib/logging.js';
import { createSubscriptionService } from '../../functions/lib/realtime/subscriptions.js';
import type { ConnectionGateway } from '../../functions/lib/realtime/gateway.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import type { NeedRecord } from '../../functions/lib/repositories/needs.js';
import { freePort } from '../../infra/local/dynamoLocal.js';

type Emf = Record<string, unknown> & { _aws: { Namespace?: string; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> } };

/** Runs `work` and returns the EMF lines Powertools wrote to stdout meanwhile. */
async function emfOf(work: () => Promise<unknown>): Promise<Emf[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await work().catch(() => undefined);
  } finally {
    spy.mockRestore();
  }
  return lines
    .map((l) => l.trim())
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Emf);
}

/** A gateway whose sends fail as a broken management API would (not a gone connection). */
const brokenGateway: ConnectionGateway = {
  send: async () => {
    throw new Error('the management API failed');
  },
  close: async () => undefined,
};

/**
 * The WebSocket path masks errors as the HTTP path does (INTERNAL_SERVER_ERROR, SERVICE_UNAVAILABLE), and
 * counts them under the same metric names (InternalErrors, UnavailableErrors) with the service dimension of
 * the function that runs the code, which the stack alarms on (test/infra/stack.test.ts).
 */
describe('Metrics: errors on the WebSocket path', () => {
  let app: TestApp;
  let tree: OrgTree;
  let expert: { id: string; token: string };
  const metricsOf = (service: string) => new Metrics({ namespace: 'Kezhi', serviceName: service });
  const connectAndInit = async (service: ReturnType<typeof createSubscriptionService>, token: string) => {
    const connectionId = randomUUID();
    await service.handle({ requestContext: { routeKey: '$connect', connectionId }, headers: { 'sec-websocket-protocol': 'graphql-transport-ws' } });
    return service.handle({
      requestContext: { routeKey: '$default', connectionId },
      body: JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
    });
  };

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    const sub = `user-metrics-${randomUUID()}`;
    const input = makeExpertInput({ domains: ['AGRICULTURE'], regionCode: '440103', organizationId: tree.liwan });
    const id = ok(await app.gql(REGISTER_EXPERT, { input }, await app.token({ roles: ['EXPERT'], sub }))).registerExpert.expert.id as string;
    expert = { id, token: await app.token({ roles: ['EXPERT'], sub, expert: id }) };
  });
  // Metrics read this when they are made: each test makes its own with publishing on.
  beforeEach(() => vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false'));
  afterEach(() => vi.unstubAllEnvs());

  it('counts a message whose handling failed unexpectedly (closed with 4500) as InternalErrors of the subscriptions function', async () => {
    const service = createSubscriptionService(app.deps, brokenGateway, undefined, undefined, metricsOf(ServiceName.subscriptions));
    let result: unknown;
    const emf = await emfOf(async () => (result = await connectAndInit(service, expert.token)));
    expect(result).toEqual({ statusCode: 500 });
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ service: ServiceName.subscriptions, InternalErrors: 1, UnavailableErrors: 0 });
    expect(emf[0]?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Kezhi', Dimensions: [['service']] });
  });

  it('counts a failing database as UnavailableErrors of the subscriptions function, at $connect and at connection_init', async () => {
    const keys = await generateLocalKeys();
    const config = {
      tableName: app.tableName,
      dynamoEndpoint: `http://127.0.0.1:${await freePort()}`,
      dbTimeouts: { connectTimeoutMs: 300, requestTimeoutMs: 500, maxAttempts: 1 },
      cursorSecret: 'x'.repeat(43),
      production: false,
      auth: { kind: 'local' as const, publicJwk: keys.publicJwk },
    };
    // The app's token verifier over a database nobody listens on.
    const down = { ...createDeps(config, new Logger({ serviceName: 'kezhi-test', logLevel: 'CRITICAL' })), verifier: app.deps.verifier };
    const service = createSubscriptionService(down, app.gateway, undefined, undefined, metricsOf(ServiceName.subscriptions));
    const connect = await emfOf(() =>
      service.handle({ requestContext: { routeKey: '$connect', connectionId: randomUUID() }, headers: { 'sec-websocket-protocol': 'graphql-transport-ws' } }),
    );
    expect(connect.map((e) => [e.service, e.InternalErrors, e.UnavailableErrors])).toEqual([[ServiceName.subscriptions, 0, 1]]);
    const init = await emfOf(() => connectAndInit(service, expert.token));
    expect(init.map((e) => [e.service, e.InternalErrors, e.UnavailableErrors])).toEqual([
      [ServiceName.subscriptions, 0, 1],
      [ServiceName.subscriptions, 0, 1],
    ]);
  });

  it('counts failed deliveries as InternalErrors of the function that delivers (streams), and nothing when all went well', async () => {
    const requester = await app.token({ roles: ['REQUESTER'] });
    const connection = randomUUID();
    await app.subscriptions.handle({
      requestContext: { routeKey: '$connect', connectionId: connection },
      headers: { 'sec-websocket-protocol': 'graphql-transport-ws' },
    });
    await app.subscriptions.handle({
      requestContext: { routeKey: '$default', connectionId: connection },
      body: JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${expert.token}` } }),
    });
    await app.subscriptions.handle({
      requestContext: { routeKey: '$default', connectionId: connection },
      body: JSON.stringify({ type: 'subscribe', id: 's', payload: { query: 'subscription { matchingNeedPosted { score need { id } } }' } }),
    });
    const need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput() }, requester)).submitNeed.need;
    ok(await app.gql(NEED_STEPS.REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin));
    await app.settle();
    const repos = createRepositories(app.deps.store);
    const stored = (await repos.needs.get(need.id)) as NeedRecord;
    const matches = await repos.needs.matches(need.id, 100);
    expect(matches.map((m) => m.expertId)).toContain(expert.id);

    const healthy = createSubscriptionService(app.deps, app.gateway, undefined, undefined, metricsOf(ServiceName.streams));
    expect(await emfOf(() => healthy.publish({ ...stored, openedAt: new Date(Date.now() + 1000).toISOString() }, matches))).toEqual([]);

    const broken = createSubscriptionService(app.deps, brokenGateway, undefined, undefined, metricsOf(ServiceName.streams));
    let failure: unknown;
    const emf = await emfOf(() => broken.publish({ ...stored, openedAt: new Date(Date.now() + 2000).toISOString() }, matches).catch((e) => (failure = e)));
    expect(failure).toBeInstanceOf(AggregateError);
    expect(emf.map((e) => [e.service, e.InternalErrors, e.UnavailableErrors])).toEqual([[ServiceName.streams, 1, 0]]);
  });
});
