/**
 * The local runner's server (infra/local/start.ts) for benchmarks, run as its own process by test/bench/servers/spawn.ts:
 * the same HTTP adapter, Lambda handlers in execution environments (invocation.ts), WebSocket adapter, local connection
 * gateway and stream poller, over a table the benchmark made and filled in the benchmark's DynamoDB Local (TABLE_NAME,
 * DYNAMODB_ENDPOINT, CURSOR_SECRET, LOCAL_JWT_PUBLIC_JWK in the environment), without starting a database or seeding
 * demo data. Prints "listening on <port>" when it serves.
 */
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import { createHttpAdapter } from '../../../infra/local/httpAdapter.js';
import { attachWebSocket, createLocalGateway } from '../../../infra/local/wsAdapter.js';
import { localFunction } from '../../../infra/local/invocation.js';
import { createStreamPoller } from '../../../infra/local/streamPoller.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const { createHandler } = await import('../../../functions/graphql/handler.js');
const { configFromEnv, createDeps } = await import('../../../functions/lib/app.js');
const { ServiceName, createLogger } = await import('../../../functions/lib/logging.js');
const { createSubscriptionService } = await import('../../../functions/lib/realtime/subscriptions.js');
const { createNeedStreamProcessor } = await import('../../../functions/lib/streams/needStream.js');

const sockets = new Map<string, WebSocket>();
const gateway = createLocalGateway(sockets);
const graphql = localFunction(createHandler);
const subscriptions = localFunction(() => createSubscriptionService(createDeps(configFromEnv(), createLogger(ServiceName.subscriptions)), gateway).handle);
const streamsDeps = createDeps(configFromEnv(), createLogger(ServiceName.streams));
const poller = createStreamPoller({
  endpoint: String(process.env.DYNAMODB_ENDPOINT),
  tableName: String(process.env.TABLE_NAME),
  handler: createNeedStreamProcessor(streamsDeps, createSubscriptionService(streamsDeps, gateway)),
  intervalMs: Number(process.env.STREAM_POLL_MS ?? 100),
});
if (process.env.STREAM_POLL_MS !== '0') poller.start();

const server = createHttpAdapter({ path: '/graphql', handler: graphql.invoke });
attachWebSocket(server, '/graphql', subscriptions.invoke, sockets);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
console.log(`listening on ${(server.address() as AddressInfo).port}`);
process.on('SIGTERM', () => void poller.stop().finally(() => process.exit(0)));
