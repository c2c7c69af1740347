import { Metrics } from '@aws-lambda-powertools/metrics';
import { configFromEnv, createDeps } from '../lib/app.js';
import { ServiceName, createLogger } from '../lib/logging.js';
import { createApiGatewayGateway } from '../lib/realtime/gateway.js';
import { createSubscriptionService } from '../lib/realtime/subscriptions.js';

const deps = createDeps(configFromEnv(), createLogger(ServiceName.subscriptions));
// Masked and unavailable errors counted as on the HTTP path (the stack alarms on them).
const metrics = new Metrics({ namespace: 'Kezhi', serviceName: ServiceName.subscriptions });
const service = createSubscriptionService(deps, createApiGatewayGateway(process.env.WEBSOCKET_ENDPOINT ?? ''), undefined, undefined, metrics);

/** WebSocket API ($connect, $default, $disconnect) → graphql-ws protocol. Built once per cold start. */
export const handler = service.handle;
