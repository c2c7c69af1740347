/**
 * Local mode: `npm start [-- --data-dir DIR]`.
 * Starts DynamoDB Local (in memory unless --data-dir), creates the table from the shared definition,
 * seeds demo data on a new table, and serves http://127.0.0.1:${PORT:-4000}/graphql (on `HOST` when set)
 * by turning each request into an API Gateway HTTP API event for the real Lambda handler.
 */
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { startDynamoLocal, ensureTable, type DynamoLocal } from './dynamoLocal.js';
import { loadDevKeys } from './devKeys.js';
import { createHttpAdapter, type HttpApiHandler } from './httpAdapter.js';
import { renderIdePage } from './idePage.js';
import { SEED_PARTNERS, createExecutor, seedDemoData } from './seed.js';
import { grantLocalFlags, seedExpertUser } from './localGrants.js';
import { PARTNER_SCOPE } from '../../functions/lib/auth/policy.js';
import { signLocalToken, type TokenClaims } from '../../functions/lib/auth/tokens.js';
import { needStreamFilter } from '../../functions/lib/data/keys.js';
import { MAX_BACKOFF_MS, createStreamPoller, oneLine, startPolling } from './streamPoller.js';
import { attachWebSocket, createLocalGateway } from './wsAdapter.js';
import { concurrentInvocations, lambdaContext } from './invocation.js';
import { displayUrl, ideSampleTokens, isLoopback, listenHost } from './host.js';
import type { WebSocket } from 'ws';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, 'expert-count': { type: 'string' }, quiet: { type: 'boolean', default: false } },
});
const started = Date.now();
// The pinned AWS SDK warns that its releases after January 2027 need Node 22 (Lambda runs 22).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// CloudWatch metrics (EMF lines) are for Lambda; locally they would only fill the terminal.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const port = Number(process.env.PORT ?? 4000);
const host = listenHost(process.env);
const tableName = process.env.TABLE_NAME ?? 'kezhi-local';

let dynamo: DynamoLocal | undefined;
let stopPoller: (() => Promise<void>) | undefined;
let stopWebhooks: (() => Promise<void>) | undefined;
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await stopPoller?.().catch(() => undefined);
  await stopWebhooks?.().catch(() => undefined);
  await dynamo?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  const keys = await loadDevKeys();
  dynamo = await startDynamoLocal({
    ...(process.env.DDB_PORT && { port: Number(process.env.DDB_PORT) }),
    ...(values['data-dir'] && { dataDir: values['data-dir'] }),
  });
  const created = await ensureTable(dynamo.endpoint, tableName);

  // The handler reads its configuration from the environment, exactly as in Lambda.
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    CURSOR_SECRET: keys.cursorSecret,
    LOCAL_JWT_PUBLIC_JWK: JSON.stringify(keys.publicJwk),
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // Partners' test receivers run on this machine: webhooks may use http to loopback here (never on AWS).
    WEBHOOK_ALLOW_LOOPBACK: process.env.WEBHOOK_ALLOW_LOOPBACK ?? 'true',
  });
  // Concurrent requests are concurrent invocations: each keeps its own request id in its log lines.
  const invoke = await concurrentInvocations();
  const { handler } = (await import('../../functions/graphql/handler.js')) as { handler: HttpApiHandler };
  const { buildServer } = await import('../../functions/lib/server.js');
  const { configFromEnv, createDeps } = await import('../../functions/lib/app.js');
  const { ServiceName, createLogger } = await import('../../functions/lib/logging.js');

  const { createSubscriptionService } = await import('../../functions/lib/realtime/subscriptions.js');
  const { createNeedStreamProcessor } = await import('../../functions/lib/streams/needStream.js');
  const { createWebhookWorker } = await import('../../functions/lib/webhooks/worker.js');

  // WebSocket and stream: the same wiring as the two functions on AWS (functions/*/handler.ts), each with
  // its own service name, with the local connection gateway.
  const sockets = new Map<string, WebSocket>();
  const gateway = createLocalGateway(sockets);
  const subscriptionsDeps = createDeps(configFromEnv(), createLogger(ServiceName.subscriptions));
  const subscriptions = createSubscriptionService(subscriptionsDeps, gateway);
  const streamsDeps = createDeps(configFromEnv(), createLogger(ServiceName.streams));
  const webhookPolicy = { allowLoopback: streamsDeps.webhookAllowLoopback ?? false };
  const poller = createStreamPoller({
    endpoint: dynamo.endpoint,
    tableName,
    // As on AWS, the stream handler tries a new webhook delivery at once.
    handler: createNeedStreamProcessor(
      streamsDeps,
      createSubscriptionService(streamsDeps, gateway),
      createWebhookWorker(streamsDeps, { policy: webhookPolicy }),
    ),
    intervalMs: Number(process.env.STREAM_POLL_MS ?? 100),
    // The deployed event filter: the handler sees what it sees on AWS.
    filters: [needStreamFilter],
    // One line per failure streak (the poller backs off meanwhile), not a stack trace every poll.
    onError: (error) => console.error(`stream poller: ${oneLine(error)} (backing off up to ${MAX_BACKOFF_MS / 1000} s until it recovers)`),
    onSkipped: (error) => console.error(`stream poller: ${error.message}`),
    onRecovered: (failures) => console.error(`stream poller: recovered after ${failures} failed polls`),
    invoke,
  });
  poller.start();
  stopPoller = () => poller.stop();
  // The scheduled webhooks function of AWS (every minute there), every second here: due retries, from the table.
  const webhooksDeps = createDeps(configFromEnv(), createLogger(ServiceName.webhooks));
  const webhookWorker = createWebhookWorker(webhooksDeps, { policy: { allowLoopback: webhooksDeps.webhookAllowLoopback ?? false } });
  const webhookPolling = startPolling(async () => (await invoke(lambdaContext('kezhi-webhooks-local'), () => webhookWorker.deliverDueWebhooks())).attempted, {
    intervalMs: Number(process.env.WEBHOOK_POLL_MS ?? 1000),
    onFailing: (error) => console.error(`webhook worker: ${oneLine(error)} (backing off until it recovers)`),
    onRecovered: (failures) => console.error(`webhook worker: recovered after ${failures} failed runs`),
  });
  stopWebhooks = () => webhookPolling.stop();

  const deps = createDeps(configFromEnv(), new Logger({ serviceName: 'kezhi-seed', logLevel: 'WARN' }));
  const seedServer = buildServer({ logger: deps.logger, introspection: false });
  await seedServer.start();
  const run = createExecutor(seedServer, deps, keys.privateJwk);
  if (created) {
    const summary = await seedDemoData(run, values['expert-count'] ? { expertCount: Number(values['expert-count']) } : {});
    console.log(
      `seeded ${Object.entries(summary.counts)
        .map(([what, n]) => `${n} ${what}`)
        .join(', ')}`,
    );
  } else {
    console.log(`using the existing table ${tableName} in ${values['data-dir'] ?? 'memory'}`);
  }

  // Sample principals for the printed tokens, looked up through the API.
  const lookup = async (regionCode: string, level: string) => {
    const data = await run(
      { sub: 'runner', roles: ['PROVINCE_ADMIN'] },
      `query ($f: OrganizationFilter) { organizations(filter: $f, first: 1) { edges { node { id name } } } }`,
      {
        f: { kind: 'ASSOCIATION', level, regionCode },
      },
    );
    const edges = (data.organizations as { edges: Array<{ node: { id: string; name: string } }> }).edges;
    return edges[0]?.node;
  };
  const guangzhou = await lookup('4401', 'CITY');
  const shenzhen = await lookup('4403', 'CITY');
  const expertData = await run(
    { sub: 'runner', roles: ['PROVINCE_ADMIN'] },
    `{ experts(first: 1, filter: { regionCode: "4401" }) { edges { node { id name } } } }`,
    {},
  );
  const expert = (expertData.experts as { edges: Array<{ node: { id: string; name: string } }> }).edges[0]?.node;
  // The campaigns' ids, for the governance queries (overduePlans, Organization.plan).
  const campaignData = await run({ sub: 'runner', roles: ['PROVINCE_ADMIN'] }, `{ campaigns(first: 5) { edges { node { id name planDueDate } } } }`, {});
  const campaigns = (campaignData.campaigns as { edges: Array<{ node: { id: string; name: string; planDueDate: string } }> }).edges.map((e) => e.node);
  for (const c of campaigns) console.log(`campaign ${c.name} (plans due ${c.planDueDate}): id ${c.id}`);
  await seedServer.stop();

  const samples: Record<string, TokenClaims> = {
    'PROVINCE_ADMIN (省科协组织联络部)': { sub: 'demo-province-admin', roles: ['PROVINCE_ADMIN'], name: '省科协组织联络部' },
    ...(guangzhou && { [`ORG_ADMIN of ${guangzhou.name}`]: { sub: 'demo-gz-admin', roles: ['ORG_ADMIN'], org: guangzhou.id } }),
    ...(shenzhen && { [`ORG_ADMIN of ${shenzhen.name}`]: { sub: 'demo-sz-admin', roles: ['ORG_ADMIN'], org: shenzhen.id } }),
    ...(expert && { [`EXPERT ${expert.name}`]: { sub: seedExpertUser(expert.id), roles: ['EXPERT'], expert: expert.id } }),
    'REQUESTER (owner of the demo needs)': { sub: 'demo-requester', roles: ['REQUESTER'] },
    // The partner platforms' machine tokens, with both OAuth scopes (Cognito client credentials on AWS).
    ...Object.fromEntries(
      SEED_PARTNERS.map((p) => [
        `PARTNER ${p.nameEn} (${p.clientId})`,
        { sub: p.clientId, roles: ['PARTNER'], partner: p.clientId, scope: [PARTNER_SCOPE.expertsWrite, PARTNER_SCOPE.needsRead].join(' ') },
      ]),
    ),
  };
  const tokens: Record<string, string> = {};
  // `npm run token -- --role EXPERT` without --expert signs in as local-expert: an EXPERT without an expert record, as before.
  await grantLocalFlags(deps.store, { sub: 'local-expert', roles: ['EXPERT'] });
  // A token carries only the identity: the samples' ORG_ADMIN and EXPERT flags are grants in the table (kept by re-runs).
  for (const [label, claims] of Object.entries(samples)) {
    await grantLocalFlags(deps.store, claims);
    tokens[label] = await signLocalToken(keys.privateJwk, claims);
  }

  const server = createHttpAdapter({
    path: '/graphql',
    handler,
    invoke,
    htmlPage: () =>
      renderIdePage({
        endpoint: '/graphql',
        sampleTokens: ideSampleTokens(host, tokens),
        defaultQuery: [
          'query Regions {\n  regions(parentCode: "44") {\n    code\n    name\n  }\n}\n',
          '# Search as people type: Traditional or Simplified, pinyin or initials for names (sign in with a sample token)',
          'query Search {\n  search(query: "荔枝园病虫害防治", first: 5) {\n    edges { node { score matchedTerms highlights { field text }',
          '      node { __typename ... on Need { title } ... on Expert { name } ... on Technology { title } ... on Project { title } } } }\n  }\n}\n',
        ].join('\n'),
      }),
  });
  attachWebSocket(server, '/graphql', subscriptions.handle, sockets, invoke, {
    ...(process.env.WS_INIT_TIMEOUT_MS && { connectionInitWaitTimeout: Number(process.env.WS_INIT_TIMEOUT_MS) }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = displayUrl(host, actualPort, '/graphql');
  if (!isLoopback(host)) console.log(`Listening on ${host}: reachable from the network; the IDE page embeds no sample tokens.`);
  if (!values.quiet) {
    console.log('\nSample tokens (Authorization: Bearer <token>), valid 12 h; more with `npm run token -- --role ROLE [--org ID]`:');
    for (const [label, token] of Object.entries(tokens)) console.log(`\n# ${label}\n${token}`);
    console.log(`GraphQL IDE: open ${url} in a browser; subscriptions: ${url.replace('http', 'ws')} (graphql-transport-ws)`);
  }
  console.log(`\nDynamoDB Local: ${dynamo.endpoint} (table ${tableName})`);
  console.log(`Kezhi API ready at ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
