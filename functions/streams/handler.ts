import { Metrics } from '@aws-lambda-powertools/metrics';
import { configFromEnv, createDeps } from '../lib/app.js';
import { ServiceName, createLogger } from '../lib/logging.js';
import { createApiGatewayGateway } from '../lib/realtime/gateway.js';
import { createSubscriptionService } from '../lib/realtime/subscriptions.js';
import { createNeedStreamProcessor } from '../lib/streams/needStream.js';
import { createWebhookWorker } from '../lib/webhooks/worker.js';

const deps = createDeps(configFromEnv(), createLogger(ServiceName.streams));
// Failed and masked deliveries counted as on the HTTP path, under this function's service (the stack alarms on them).
const metrics = new Metrics({ namespace: 'Kezhi', serviceName: ServiceName.streams });
const subscriptions = createSubscriptionService(deps, createApiGatewayGateway(process.env.WEBSOCKET_ENDPOINT ?? ''), undefined, undefined, metrics);

// Fresh webhook deliveries are tried at once from here; the scheduled webhooks function retries the rest.
const webhooks = createWebhookWorker(deps, { policy: { allowLoopback: deps.webhookAllowLoopback ?? false } });

/** Table stream → matching and fan-out to subscribers and partner webhooks, reporting partial batch failures. */
export const handler = createNeedStreamProcessor(deps, subscriptions, webhooks);
