import { randomUUID } from 'node:crypto';
import type { Context as LambdaContext, ScheduledEvent } from 'aws-lambda';
import { createDeps, lazyHandler, loadConfig } from '../lib/app.js';
import { ServiceName, createLogger, inRequestScope } from '../lib/logging.js';
import { createWebhookWorker, type WorkerOutcome } from '../lib/webhooks/worker.js';

/** Time left for the last batch's posts (5 s each at most) before the function's timeout. */
const SAFETY_MS = 15_000;

/** Every minute (EventBridge schedule): attempts the webhook deliveries that are due, until none is left or time runs short. */
export const handler = lazyHandler<ScheduledEvent, LambdaContext | undefined, WorkerOutcome>(async () => {
  const deps = createDeps(await loadConfig(), createLogger(ServiceName.webhooks));
  const worker = createWebhookWorker(deps, { policy: { allowLoopback: deps.webhookAllowLoopback ?? false } });
  return (_event, lambda) => {
    const requestId = lambda?.awsRequestId ?? randomUUID();
    const deadline = lambda ? Date.now() + lambda.getRemainingTimeInMillis() - SAFETY_MS : Number.POSITIVE_INFINITY;
    return inRequestScope(deps.logger, { requestId, lambda }, () => worker.deliverDueWebhooks(new Date(), deadline));
  };
});
