import { configFromEnv, createDeps } from '../lib/app.js';
import { ServiceName, createLogger } from '../lib/logging.js';
import { createApiGatewayGateway } from '../lib/realtime/gateway.js';
import { createSubscriptionService } from '../lib/realtime/subscriptions.js';
import { createNeedStreamProcessor } from '../lib/streams/needStream.js';

const deps = createDeps(configFromEnv(), createLogger(ServiceName.streams));

/** Table stream → matching and fan-out to subscribers, reporting partial batch failures. */
export const handler = createNeedStreamProcessor(deps, createSubscriptionService(deps, createApiGatewayGateway(process.env.WEBSOCKET_ENDPOINT ?? '')));
