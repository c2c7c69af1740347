import { configFromEnv, createDeps } from '../lib/app.js';
import { createApiGatewayGateway } from '../lib/realtime/gateway.js';
import { createSubscriptionService } from '../lib/realtime/subscriptions.js';

const config = configFromEnv();
const service = createSubscriptionService(createDeps(config), createApiGatewayGateway(process.env.WEBSOCKET_ENDPOINT ?? ''));

/** WebSocket API ($connect, $default, $disconnect) → graphql-ws protocol. Built once per cold start. */
export const handler = service.handle;
