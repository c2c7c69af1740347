import { Metrics } from '@aws-lambda-powertools/metrics';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { createDeps, lazyHandler, loadConfig } from '../lib/app.js';
import { ServiceName, createLogger } from '../lib/logging.js';
import { createApiGatewayGateway } from '../lib/realtime/gateway.js';
import { createSubscriptionService } from '../lib/realtime/subscriptions.js';

/** WebSocket API ($connect, $default, $disconnect) → graphql-ws protocol. Built once per cold start (its first invocation). */
export const handler = lazyHandler(async () => {
  const config = await loadConfig();
  const deps = createDeps(config, createLogger(ServiceName.subscriptions));
  // Masked and unavailable errors counted as on the HTTP path (the stack alarms on them).
  const metrics = new Metrics({ namespace: 'Kezhi', serviceName: ServiceName.subscriptions });
  const endpoint = process.env.WEBSOCKET_ENDPOINT ?? '';
  const client = new ApiGatewayManagementApiClient({ endpoint });
  const gateway = createApiGatewayGateway(endpoint, config.traceClient ? config.traceClient(client) : client);
  return createSubscriptionService(deps, gateway, undefined, undefined, metrics).handle;
});
