import { Metrics } from '@aws-lambda-powertools/metrics';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { createDeps, lazyHandler, loadConfig } from '../lib/app.js';
import { ServiceName, createLogger } from '../lib/logging.js';
import { createApiGatewayGateway } from '../lib/realtime/gateway.js';
import { createSubscriptionService } from '../lib/realtime/subscriptions.js';
import { createNeedStreamProcessor } from '../lib/streams/needStream.js';
import { createWebhookWorker } from '../lib/webhooks/worker.js';

/** Table stream → matching and fan-out to subscribers and partner webhooks, reporting partial batch failures. Built on the first invocation. */
export const handler = lazyHandler(async () => {
  const config = await loadConfig();
  const deps = createDeps(config, createLogger(ServiceName.streams));
  // Failed and masked deliveries counted as on the HTTP path, under this function's service (the stack alarms on them).
  const metrics = new Metrics({ namespace: 'Kezhi', serviceName: ServiceName.streams });
  const endpoint = process.env.WEBSOCKET_ENDPOINT ?? '';
  const client = new ApiGatewayManagementApiClient({ endpoint });
  const gateway = createApiGatewayGateway(endpoint, config.traceClient ? config.traceClient(client) : client);
  const subscriptions = createSubscriptionService(deps, gateway, undefined, undefined, metrics);
  // Fresh webhook deliveries are tried at once from here; the scheduled webhooks function retries the rest.
  const webhooks = createWebhookWorker(deps, { policy: { allowLoopback: deps.webhookAllowLoopback ?? false } });
  return createNeedStreamProcessor(deps, subscriptions, webhooks);
});
