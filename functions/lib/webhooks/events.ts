import { createHash } from 'node:crypto';
import type { Repositories } from '../repositories/index.js';
import type { NeedMatchRecord, NeedRecord } from '../repositories/needs.js';
import type { DeliveryRef, WebhookRecord } from '../repositories/webhooks.js';
import type { WebhookEventName } from '../domain/webhooks.js';

/**
 * A delivery's id, the same for the same event and webhook (one need × expert × webhook for NEED_MATCHED): enqueuing
 * a redelivered stream record finds the guard of this id and writes nothing. Shaped like a UUID.
 */
export function deliveryIdFor(event: WebhookEventName, parts: readonly string[], webhookId: string): string {
  const hex = createHash('sha256')
    .update([event, ...parts, webhookId].join('\u0000'))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The `data` of a NEED_MATCHED event: what a partner may read of a published need (no requester, contact or
 * description), its own expert (our id and the partner's `externalId`), and the match's score, rank and reasons.
 */
export function needMatchedData(need: NeedRecord, match: NeedMatchRecord, expert: { id: string; externalId?: string | undefined }) {
  return {
    need: {
      id: need.id,
      title: need.title,
      kind: need.kind,
      regionCode: need.regionCode,
      domains: need.domains,
      urgency: need.urgency,
      openedAt: need.openedAt,
    },
    expert: { id: expert.id, externalId: expert.externalId ?? null },
    score: match.score,
    rank: match.rank,
    reasons: match.reasons.map((r) => ({ factor: r.factor, score: r.score, detail: r.detail })),
  };
}

/**
 * Enqueues one NEED_MATCHED delivery per match whose expert a partner platform owns and per webhook of that partner
 * subscribed to the event, due at once. Idempotent (see `deliveryIdFor`); returns the deliveries it newly enqueued.
 */
export async function enqueueNeedMatched(
  repos: Pick<Repositories, 'experts' | 'webhooks' | 'partners'>,
  need: NeedRecord,
  matches: readonly NeedMatchRecord[],
  now: string,
): Promise<DeliveryRef[]> {
  const hooksOf = new Map<string, Promise<WebhookRecord[]>>();
  const enqueued: DeliveryRef[] = [];
  // One BatchGetItem for all the matched experts (the request's loader), mostly mainland experts without a partner.
  const experts = await Promise.all(matches.map((m) => repos.experts.get(m.expertId)));
  for (const [i, match] of matches.entries()) {
    const expert = experts[i];
    const partnerId = expert?.partnerId;
    if (!expert || !partnerId) continue;
    // Only an ACTIVE partner's webhooks get new events (a suspended or revoked platform is told nothing).
    if (!hooksOf.has(partnerId))
      hooksOf.set(
        partnerId,
        repos.partners.get(partnerId).then((p) => (p?.status === 'ACTIVE' ? repos.webhooks.all(partnerId) : [])),
      );
    const hooks = ((await hooksOf.get(partnerId)) ?? []).filter((h) => h.events.includes('NEED_MATCHED'));
    for (const hook of hooks) {
      const id = deliveryIdFor('NEED_MATCHED', [need.id, expert.id], hook.id);
      const body = JSON.stringify({ id, event: 'NEED_MATCHED', createdAt: now, data: needMatchedData(need, match, expert) });
      const created = await repos.webhooks.enqueue({
        id,
        partnerId,
        webhookId: hook.id,
        event: 'NEED_MATCHED',
        createdAt: now,
        status: 'PENDING',
        attempts: [],
        nextAttemptAt: now,
        body,
      });
      if (created) enqueued.push({ partnerId, createdAt: now, id });
    }
  }
  return enqueued;
}
