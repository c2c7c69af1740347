import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import type { Context as LambdaContext, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { AppDeps } from '../context.js';
import { isMainItem } from '../data/keys.js';
import { inRequestScope } from '../logging.js';
import { createRepositories } from '../repositories/index.js';
import { matchAndStore } from '../matching/matchNeed.js';
import type { NeedRecord } from '../repositories/needs.js';
import type { SubscriptionService } from '../realtime/subscriptions.js';
import { enqueueNeedMatched } from '../webhooks/events.js';
import type { WebhookWorker } from '../webhooks/worker.js';

type Image = Record<string, unknown> | undefined;
const imageOf = (raw: unknown): Image => (raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined);

/**
 * Reacts to needs changing status. Into OPEN: match (once; stored matches are reused on redelivery and
 * on re-opening), show the need in the matched experts' inboxes and publish to their subscriptions
 * (delivery claims make a redelivered record silent), and enqueue a NEED_MATCHED webhook delivery per partner-owned
 * matched expert and subscribed webhook (idempotent), tried at once through `webhooks` when given (else by the
 * worker's next run). Out of OPEN: hide it from the inboxes.
 */
export function createNeedStreamProcessor(deps: AppDeps, subscriptions: Pick<SubscriptionService, 'publish'>, webhooks?: Pick<WebhookWorker, 'deliverNow'>) {
  async function processRecord(record: DynamoDBRecord, requestId: string): Promise<void> {
    const next = imageOf(record.dynamodb?.NewImage);
    const previous = imageOf(record.dynamodb?.OldImage);
    // The event filter (keys.ts: needStreamFilter, applied by Lambda and by the local poller) passes only needs' main items;
    // the check stays for a mapping deployed without it.
    if (!isMainItem('NEED', next ?? previous)) return;
    const wasOpen = previous?.status === 'OPEN';
    const isOpen = next?.status === 'OPEN';
    if (wasOpen === isOpen) return;
    const repos = createRepositories(deps.store);
    const need = (next ?? previous) as unknown as NeedRecord;
    if (!isOpen) {
      await repos.needs.setInboxVisibility(need, false);
      return;
    }
    let matches = await repos.needs.matches(need.id, 100);
    if (matches.length === 0) {
      matches = await matchAndStore(repos, need);
    } else {
      await repos.needs.setInboxVisibility(need, true);
    }
    const outcome = await subscriptions.publish(need, matches, { requestId });
    // Enqueued before the record counts as done (a failure here retries the record; enqueuing twice writes nothing).
    const enqueued = await enqueueNeedMatched(repos, need, matches, (deps.clock?.() ?? new Date()).toISOString());
    const sent = enqueued.length > 0 && webhooks ? await webhooks.deliverNow(enqueued) : undefined;
    deps.logger.info('need opened', {
      needId: need.id,
      matches: matches.length,
      ...outcome,
      webhookDeliveries: enqueued.length,
      ...(sent && { webhooksDelivered: sent.delivered }),
    });
  }

  /**
   * The stream Lambda: records in order; a failed record is reported (and retried) without holding back the
   * others. Every line it logs carries the invocation's request id, and the record's event id while it runs.
   */
  return function handle(event: DynamoDBStreamEvent, lambda?: LambdaContext): Promise<DynamoDBBatchResponse> {
    const requestId = lambda?.awsRequestId ?? randomUUID();
    return inRequestScope(deps.logger, { requestId, lambda }, async () => {
      const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
      for (const record of event.Records) {
        deps.logger.appendKeys({ eventID: record.eventID });
        try {
          await processRecord(record, requestId);
        } catch (error) {
          deps.logger.error('stream record failed', { error });
          batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? record.eventID ?? '' });
        } finally {
          deps.logger.removeKeys(['eventID']);
        }
      }
      return { batchItemFailures };
    });
  };
}
