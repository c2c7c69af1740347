/**
 * Local mode: `npm start [-- --data-dir DIR]`.
 * Starts DynamoDB Local (in memory unless --data-dir), creates the table from the shared definition,
 * seeds demo data on a new table, and serves http://127.0.0.1:${PORT:-4000}/graphql (on `HOST` when set)
 * by turning each request into an API Gateway HTTP API event for the real Lambda handler.
 */
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { startDynamoLocal, ensureStream, ensureTable, freePort, type DynamoLocal } from './dynamoLocal.js';
import type { TokenClaims } from '../../functions/lib/auth/tokens.js';
import type { WebSocket } from 'ws';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, 'expert-count': { type: 'string' }, quiet: { type: 'boolean', default: false } },
});
const started = Date.now();
const phases: Array<[string, number]> = [];
const phase = (name: string) => phases.push([name, performance.now()]);
phase('start.ts');
// The pinned AWS SDK warns that its releases after January 2027 need Node 22 (Lambda runs 22).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// CloudWatch metrics (EMF lines) are for Lambda; locally they would only fill the terminal.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const port = Number(process.env.PORT ?? 4000);
const tableName = process.env.TABLE_NAME ?? 'kezhi-local';

let dynamo: DynamoLocal | undefined;
let java: ChildProcess | undefined;
let stopPoller: (() => Promise<void>) | undefined;
let stopWebhooks: (() => Promise<void>) | undefined;
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await stopPoller?.().catch(() => undefined);
  await stopWebhooks?.().catch(() => undefined);
  await dynamo?.stop();
  // Stopped before DynamoDB Local was ready: its JVM must not outlive the runner.
  if (!dynamo && java?.exitCode === null) java.kill('SIGKILL');
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  // DynamoDB Local's JVM starts first; the runner's modules (the handler, the seed, the text analyzer's dictionaries)
  // load and the keys are read or made while it does. The handler reads its configuration at its first invocation.
  const ddbPort = process.env.DDB_PORT ? Number(process.env.DDB_PORT) : await freePort();
  const dynamoStarting = startDynamoLocal({
    port: ddbPort,
    ...(values['data-dir'] && { dataDir: values['data-dir'] }),
    onSpawned: (child) => (java = child),
  });
  const loading = Promise.all([
    import('./devKeys.js').then(({ loadDevKeys }) => loadDevKeys()),
    import('./seed.js'),
    import('./localGrants.js'),
    import('./streamPoller.js'),
    import('./wsAdapter.js'),
    import('./invocation.js'),
    import('./host.js'),
    import('./httpAdapter.js'),
    import('./idePage.js'),
    import('@aws-lambda-powertools/logger'),
    import('../../functions/lib/auth/policy.js'),
    import('../../functions/lib/auth/tokens.js'),
    import('../../functions/graphql/handler.js'),
    import('../../functions/lib/server.js'),
    import('../../functions/lib/app.js'),
    import('../../functions/lib/logging.js'),
    import('../../functions/lib/realtime/subscriptions.js'),
    import('../../functions/lib/streams/needStream.js'),
    import('../../functions/lib/webhooks/worker.js'),
    import('../../functions/lib/data/keys.js'),
    // The seed's search terms need the analyzer (jieba, OpenCC, pinyin): its dictionaries load meanwhile too.
    import('../../functions/lib/domain/text.js').then(({ textAnalyzer }) => textAnalyzer()),
  ]);
  const [
    keys,
    { SEED_PARTNERS, createExecutor, seedDemoData },
    { grantLocalFlags, seedExpertUser },
    { MAX_BACKOFF_MS, createStreamPoller, oneLine, startPolling },
    { attachWebSocket, createLocalGateway },
    { localFunction, lambdaContext },
    { displayUrl, ideSampleTokens, isLoopback, listenHost },
    { createHttpAdapter },
    { renderIdePage },
    { Logger },
    { PARTNER_SCOPE },
    { signLocalToken },
    { createHandler },
    { buildServer },
    { configFromEnv, createDeps },
    { ServiceName, createLogger, inRequestScope },
    { createSubscriptionService },
    { createNeedStreamProcessor },
    { createWebhookWorker },
    { needStreamFilter },
  ] = await loading;
  phase('modules, keys');
  dynamo = await dynamoStarting;
  phase('dynamo');
  // A new table's stream is turned on once the seed's bulk load is written (see ensureTable), before its needs are approved
  // (the needs' submissions and the seed's other flows run meanwhile).
  const created = await ensureTable(dynamo.endpoint, tableName, { withoutStream: true });
  phase('table');
  const host = listenHost(process.env);

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
  // The GraphQL and WebSocket functions serve concurrent requests as Lambda does: each invocation in an execution environment
  // of its own (invocation.ts), so each keeps its own request id in its log lines. The stream and webhook functions are
  // invoked one batch, one run at a time.
  const graphql = localFunction(createHandler);

  // WebSocket and stream: the same wiring as the two functions on AWS (functions/*/handler.ts), each with
  // its own service name, with the local connection gateway.
  const sockets = new Map<string, WebSocket>();
  const gateway = createLocalGateway(sockets);
  const subscriptions = localFunction(() => createSubscriptionService(createDeps(configFromEnv(), createLogger(ServiceName.subscriptions)), gateway).handle);
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
  });
  stopPoller = () => poller.stop();
  const startPoller = async () => {
    await ensureStream(dynamo?.endpoint as string, tableName);
    poller.start();
  };
  if (!created) await startPoller();
  // The scheduled webhooks function of AWS (every minute there), every second here: due retries, from the table.
  const webhooksDeps = createDeps(configFromEnv(), createLogger(ServiceName.webhooks));
  const webhookWorker = createWebhookWorker(webhooksDeps, { policy: { allowLoopback: webhooksDeps.webhookAllowLoopback ?? false } });
  const webhookPolling = startPolling(
    async () => {
      // As the scheduled function's handler (functions/webhooks/handler.ts) runs it: its lines carry the run's request id.
      const lambda = lambdaContext('kezhi-webhooks-local');
      return (await inRequestScope(webhooksDeps.logger, { requestId: lambda.awsRequestId, lambda }, () => webhookWorker.deliverDueWebhooks())).attempted;
    },
    {
      intervalMs: Number(process.env.WEBHOOK_POLL_MS ?? 1000),
      onFailing: (error) => console.error(`webhook worker: ${oneLine(error)} (backing off until it recovers)`),
      onRecovered: (failures) => console.error(`webhook worker: recovered after ${failures} failed runs`),
    },
  );
  stopWebhooks = () => webhookPolling.stop();

  phase('wiring');
  // The seed waits as long as a busy machine needs (the API's 2 s request timeout is for Lambda's 10 s).
  const seedConfig = configFromEnv();
  const deps = createDeps(
    { ...seedConfig, dbTimeouts: { ...seedConfig.dbTimeouts, requestTimeoutMs: 30_000 } },
    new Logger({ serviceName: 'kezhi-seed', logLevel: 'WARN' }),
  );
  const seedServer = buildServer({ logger: deps.logger, introspection: false });
  await seedServer.start();
  const run = createExecutor(seedServer, deps, keys.privateJwk);
  if (created) {
    const summary = await seedDemoData(run, deps.store, {
      ...(values['expert-count'] && { expertCount: Number(values['expert-count']) }),
      beforeFlows: startPoller,
    });
    console.log(
      `seeded ${Object.entries(summary.counts)
        .map(([what, n]) => `${n} ${what}`)
        .join(', ')}`,
    );
    phase('seed');
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
  phase('lookups');

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

  phase('tokens');
  const server = createHttpAdapter({
    path: '/graphql',
    handler: graphql.invoke,
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
  attachWebSocket(server, '/graphql', subscriptions.invoke, sockets, {
    ...(process.env.WS_INIT_TIMEOUT_MS && { connectionInitWaitTimeout: Number(process.env.WS_INIT_TIMEOUT_MS) }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  phase('listen');
  const actualPort = (server.address() as AddressInfo).port;
  if (process.env.KEZHI_TIMINGS) {
    let last = 0;
    console.log(`phases (ms): ${phases.map(([name, at]) => `${name} ${Math.round(at - last)}${((last = at), '')}`).join(', ')}`);
  }
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
