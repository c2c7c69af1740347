import { AppError, ErrorCode } from '../errors.js';
import {
  Entity,
  GSI1,
  WEBHOOK_DUE_FROM,
  WEBHOOK_DUE_PARTITION,
  guardKey,
  webhookDeliveryKey,
  webhookDeliveryPartition,
  webhookDueGsi1,
  webhookDueUpTo,
  webhookKey,
  webhookPrefix,
  type Key,
} from '../data/keys.js';
import { recordOf } from '../data/loader.js';
import type { Store } from '../data/store.js';
import type { Page, PageArgs } from '../data/pagination.js';
import type { WebhookDeliveryStatus, WebhookEventName } from '../domain/webhooks.js';

/** A partner platform's webhook as stored. The secrets are kept to sign deliveries and never returned after they were issued. */
export interface WebhookRecord {
  id: string;
  partnerId: string;
  url: string;
  events: WebhookEventName[];
  /** The signing secret in force. */
  secret: string;
  /** The secret before the last rotation, still signing (as a second `v1`) until `previousSecretExpiresAt`. */
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
  secretRotatedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One try of a delivery: when, the receiver's HTTP status or the error (timeout, refused address, …), and how long it took. */
export interface WebhookAttemptRecord {
  at: string;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

/** One event for one webhook, with its attempts; PENDING ones are listed in the due index until DELIVERED or FAILED. */
export interface WebhookDeliveryRecord {
  id: string;
  partnerId: string;
  webhookId: string;
  event: WebhookEventName;
  createdAt: string;
  status: WebhookDeliveryStatus;
  attempts: WebhookAttemptRecord[];
  nextAttemptAt: string | null;
  /** The JSON body as sent (the same bytes on every attempt). */
  body: string;
  /** The worker that holds the delivery while it posts (a random id per claim); absent when none does. */
  claim?: string | null;
}

/** Where a delivery item lives (the worker hands these around). */
export type DeliveryRef = Pick<WebhookDeliveryRecord, 'partnerId' | 'createdAt' | 'id'>;

const CLAIM_LOST = 'The delivery is held by another worker or no longer due';
const deliveryKeyOf = (d: DeliveryRef): Key => webhookDeliveryKey(d.partnerId, d.createdAt, d.id);
const names = { '#status': 'status', '#next': 'nextAttemptAt', '#claim': 'claim' };
const isClaimLost = (error: unknown) => error instanceof AppError && error.message === CLAIM_LOST;
/** Attributes set to null are removed from the item (store.ts): read back as null. */
const webhookOf = (item: Record<string, unknown>): WebhookRecord => {
  const r = recordOf<WebhookRecord>(item);
  return {
    ...r,
    previousSecret: r.previousSecret ?? null,
    previousSecretExpiresAt: r.previousSecretExpiresAt ?? null,
    secretRotatedAt: r.secretRotatedAt ?? null,
  };
};
const deliveryOf = (item: Record<string, unknown>): WebhookDeliveryRecord => {
  const r = recordOf<WebhookDeliveryRecord>(item);
  return { ...r, nextAttemptAt: r.nextAttemptAt ?? null, attempts: r.attempts ?? [] };
};

/**
 * Webhooks (in their partner's partition) and their deliveries (in the partner's delivery partition, newest first),
 * with a uniqueness guard per delivery id (one delivery per event and webhook) and a sparse due index on GSI1.
 */
export class WebhookRepository {
  constructor(private readonly store: Store) {}

  /** One of the partner's webhooks (another partner's id is simply absent). */
  async get(partnerId: string, id: string): Promise<WebhookRecord | undefined> {
    const item = await this.store.get(webhookKey(partnerId, id));
    return item ? webhookOf(item) : undefined;
  }

  /** One page of the partner's webhooks, in id order. */
  async list(partnerId: string, args: PageArgs): Promise<Page<WebhookRecord>> {
    const { PK, SKPrefix } = webhookPrefix(partnerId);
    const page = await this.store.queryPage({ partition: PK, sortPrefix: SKPrefix, args });
    return { hasNextPage: page.hasNextPage, items: page.keys.map(({ item, cursor }) => ({ node: webhookOf(item), cursor })) };
  }

  /** All of the partner's webhooks (a handful: MAX_WEBHOOKS_PER_PARTNER). */
  async all(partnerId: string): Promise<WebhookRecord[]> {
    const { PK, SKPrefix } = webhookPrefix(partnerId);
    return (await this.store.queryAll(PK, SKPrefix)).map(webhookOf);
  }

  async create(record: WebhookRecord): Promise<WebhookRecord> {
    await this.store.transact([this.store.putNew({ ...webhookKey(record.partnerId, record.id), entity: Entity.WEBHOOK, ...record })]);
    return record;
  }

  /** Replaces the signing secret (the previous one kept until `previousSecretExpiresAt`, or dropped when null); NOT_FOUND when gone. */
  async rotateSecret(current: WebhookRecord, secret: string, previousSecretExpiresAt: string | null, now: string): Promise<WebhookRecord> {
    const fields = {
      secret,
      previousSecret: previousSecretExpiresAt ? current.secret : null,
      previousSecretExpiresAt,
      secretRotatedAt: now,
      updatedAt: now,
    };
    const item = await this.store.updateItem(
      webhookKey(current.partnerId, current.id),
      { set: fields },
      { condition: { expression: 'attribute_exists(PK)' }, onConditionFailed: () => new AppError(ErrorCode.NOT_FOUND, 'No such webhook', { field: 'id' }) },
    );
    return webhookOf(item);
  }

  /** Deletes a webhook (its deliveries stay listed; pending ones fail at their next attempt); NOT_FOUND when gone. */
  async delete(partnerId: string, id: string): Promise<void> {
    await this.store.transact([
      this.store.delete(webhookKey(partnerId, id), {
        expression: 'attribute_exists(PK)',
        onFailed: () => new AppError(ErrorCode.NOT_FOUND, 'No such webhook', { field: 'id' }),
      }),
    ]);
  }

  /**
   * Stores a new PENDING delivery due at `nextAttemptAt`, with its id's guard in the same transaction: false (nothing
   * written) when a delivery with this id exists, so a redelivered event enqueues nothing twice.
   */
  async enqueue(record: WebhookDeliveryRecord): Promise<boolean> {
    const key = deliveryKeyOf(record);
    try {
      await this.store.transact([
        this.store.putNew(
          { ...guardKey('WEBHOOK_DELIVERY', record.id), entity: Entity.WEBHOOK_DELIVERY, deliveryPK: key.PK, deliverySK: key.SK },
          () => new AppError(ErrorCode.CONFLICT, CLAIM_LOST),
        ),
        this.store.putNew({ ...key, entity: Entity.WEBHOOK_DELIVERY, ...record, ...(record.nextAttemptAt && webhookDueGsi1(record.nextAttemptAt, record.id)) }),
      ]);
      return true;
    } catch (error) {
      if (isClaimLost(error)) return false;
      throw error;
    }
  }

  /** One delivery, read consistently. */
  async getDelivery(ref: DeliveryRef): Promise<WebhookDeliveryRecord | undefined> {
    const item = await this.store.get(deliveryKeyOf(ref));
    return item ? deliveryOf(item) : undefined;
  }

  /** One page of the partner's deliveries (of one webhook when given), newest first. */
  async listDeliveries(partnerId: string, webhookId: string | null, args: PageArgs): Promise<Page<WebhookDeliveryRecord>> {
    const page = await this.store.queryPage({
      partition: webhookDeliveryPartition(partnerId),
      descending: true,
      ...(webhookId && { filter: { expression: '#webhookId = :webhookId', names: { '#webhookId': 'webhookId' }, values: { ':webhookId': webhookId } } }),
      args,
    });
    return { hasNextPage: page.hasNextPage, items: page.keys.map(({ item, cursor }) => ({ node: deliveryOf(item), cursor })) };
  }

  /** Up to `limit` deliveries due at `now` (the due index, earliest first; eventually consistent, so a claim checks again). */
  async due(now: string, limit: number): Promise<DeliveryRef[]> {
    const page = await this.store.queryPage({
      partition: WEBHOOK_DUE_PARTITION,
      index: GSI1,
      sortBetween: [WEBHOOK_DUE_FROM, webhookDueUpTo(now)],
      args: { first: limit },
    });
    return page.keys.map(({ item }) => ({ partnerId: String(item.partnerId), createdAt: String(item.createdAt), id: String(item.id) }));
  }

  /**
   * Takes a due delivery for one attempt with a conditional update (PENDING and due at `now`): its next attempt moves
   * to `leaseUntil`, so should this worker die, another retries it then. Undefined when another worker holds it or it is
   * no longer due (two workers never post the same attempt).
   */
  async claim(ref: DeliveryRef, claim: string, now: string, leaseUntil: string): Promise<WebhookDeliveryRecord | undefined> {
    try {
      const item = await this.store.updateItem(
        deliveryKeyOf(ref),
        { set: { claim, nextAttemptAt: leaseUntil, ...webhookDueGsi1(leaseUntil, ref.id) } },
        {
          condition: {
            expression: '#status = :pending AND #next <= :now',
            names: { '#status': names['#status'], '#next': names['#next'] },
            values: { ':pending': 'PENDING', ':now': now },
          },
          onConditionFailed: () => new AppError(ErrorCode.CONFLICT, CLAIM_LOST),
        },
      );
      return deliveryOf(item);
    } catch (error) {
      if (isClaimLost(error)) return undefined;
      throw error;
    }
  }

  /**
   * Records an attempt of a claimed delivery and its outcome (still PENDING with its next attempt, or DELIVERED /
   * FAILED and out of the due index). False when the claim was lost meanwhile (its lease ran out and another took it).
   */
  async recordAttempt(
    claimed: WebhookDeliveryRecord,
    claim: string,
    attempt: WebhookAttemptRecord,
    outcome: { status: WebhookDeliveryStatus; nextAttemptAt: string | null },
  ): Promise<boolean> {
    const due = outcome.nextAttemptAt ? webhookDueGsi1(outcome.nextAttemptAt, claimed.id) : { GSI1PK: null, GSI1SK: null };
    try {
      await this.store.updateItem(
        deliveryKeyOf(claimed),
        { set: { status: outcome.status, nextAttemptAt: outcome.nextAttemptAt, attempts: [...claimed.attempts, attempt], claim: null, ...due } },
        {
          condition: { expression: '#claim = :claim', names: { '#claim': names['#claim'] }, values: { ':claim': claim } },
          onConditionFailed: () => new AppError(ErrorCode.CONFLICT, CLAIM_LOST),
        },
      );
      return true;
    } catch (error) {
      if (isClaimLost(error)) return false;
      throw error;
    }
  }
}
