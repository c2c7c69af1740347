import { configFromEnv, createDeps } from '../lib/app.js';
import { ServiceName, createLogger } from '../lib/logging.js';
import { createApiGatewayGateway } from '../lib/realtime/gateway.js';
import { createSubscriptionService } from '../lib/realtime/subscriptions.js';

const deps = createDeps(configFromEnv(), createLogger(ServiceName.subscriptions));
const service = createSubscriptionService(deps, createApiGatewayGateway(process.env.WEBSOCKET_ENDPOINT ?? ''));

/** WebSocket API ($connect, $default, $disconnect) → graphql-ws protocol. Built once per cold start. */
export const handler = service.handle;
