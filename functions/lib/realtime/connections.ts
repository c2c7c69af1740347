import { createHash } from 'node:crypto';
import { Entity, GSI1, connectionKey, deliveryClaimsKey, subscribersOf, subscriptionGsi1, subscriptionKey, type SubscriptionTarget } from '../data/keys.js';
import { SET_CLAIM_LIMIT, SET_CREATE_LIMIT, type Store } from '../data/store.js';
import type { Principal } from '../auth/principal.js';
import { recordOf } from '../data/loader.js';

/** API Gateway closes WebSocket connections after 2 hours; items expire (TTL) a little later. */
export const CONNECTION_TTL_SECONDS = 2 * 60 * 60 + 10 * 60;
/** Delivery markers only need to outlive stream retries. */
export const DELIVERY_TTL_SECONDS = 24 * 60 * 60;

export interface ConnectionRecord {
  connectionId: string;
  initReceived: boolean;
  acknowledged: boolean;
  principal: Principal | null;
  /** Seconds since the epoch when the token used at connection_init expires. */
  tokenExpiresAt: number | null;
  connectedAt: string;
  /** The `acceptLanguage` of connection_init's payload (an Accept-Language value), absent when none was given. */
  acceptLanguage?: string | null;
}

export interface SubscriptionRecord {
  connectionId: string;
  subscriptionId: string;
  target: SubscriptionTarget;
  query: string;
  variables: Record<string, unknown> | null;
  operationName: string | null;
  minScore: number;
  principal: Principal;
  tokenExpiresAt: number | null;
  /** The connection's `acceptLanguage`: with the principal's preference, the language each `next` is written in. */
  acceptLanguage?: string | null;
}

/** A subscription's member in a claims set: 16 characters of its ids' SHA-256 (96 bits), so ~20,000 fit in one item. */
const claimMember = (connectionId: string, subscriptionId: string) =>
  createHash('sha256').update(`${connectionId}#${subscriptionId}`).digest('base64url').slice(0, 16);

/**
 * The record of a subscription item: its `record` string, or (an item written before the record was one string, still
 * alive until its TTL) its attributes.
 */
function subscriptionOf(item: Record<string, unknown>): SubscriptionRecord {
  if (typeof item.record === 'string') return JSON.parse(item.record) as SubscriptionRecord;
  return recordOf<SubscriptionRecord>(item);
}

/**
 * What a publication reads of a subscription item: its record string, or the record's fields (an item of the earlier
 * form). Every field of SubscriptionRecord is named (the compiler checks), so an earlier-form item is read whole.
 */
const SUBSCRIPTION_ATTRIBUTES = [
  'record',
  ...Object.keys({
    connectionId: true,
    subscriptionId: true,
    target: true,
    query: true,
    variables: true,
    operationName: true,
    minScore: true,
    principal: true,
    tokenExpiresAt: true,
    acceptLanguage: true,
  } satisfies Record<keyof SubscriptionRecord, true>),
];

const ttl = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

/** Connection and subscription items; subscriptions are found by target on GSI1. */
export class ConnectionRepository {
  constructor(private readonly store: Store) {}

  async putConnection(connectionId: string, connectedAt: string): Promise<void> {
    const record: ConnectionRecord = { connectionId, initReceived: false, acknowledged: false, principal: null, tokenExpiresAt: null, connectedAt };
    await this.store.putItem({ ...connectionKey(connectionId), entity: Entity.CONNECTION, ...record, expiresAt: ttl(CONNECTION_TTL_SECONDS) });
  }

  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const item = await this.store.get(connectionKey(connectionId));
    return item as ConnectionRecord | undefined;
  }

  /** Records connection_init: acknowledged with the principal (and the language asked for), or only that it was received (refused). */
  async markInit(connectionId: string, principal: Principal | null, tokenExpiresAt: number | null, acceptLanguage: string | null = null): Promise<void> {
    await this.store.updateItem(connectionKey(connectionId), {
      set: { initReceived: true, acknowledged: principal !== null, principal, tokenExpiresAt, acceptLanguage },
    });
  }

  /**
   * Adds a subscription; false when the id is already in use on this connection. The record is stored as one JSON string
   * (`record`) beside the keys: a publication reads every subscription of a target, and DynamoDB reads and the SDK
   * unmarshals one string attribute far faster than the same record as nested maps (1,000 subscriptions: ~40 ms, not ~110).
   */
  async putSubscription(record: SubscriptionRecord): Promise<boolean> {
    return this.store.putIfAbsent({
      ...subscriptionKey(record.connectionId, record.subscriptionId),
      ...subscriptionGsi1(record.target, record.connectionId, record.subscriptionId),
      entity: Entity.SUBSCRIPTION,
      record: JSON.stringify(record),
      expiresAt: ttl(CONNECTION_TTL_SECONDS),
    });
  }

  async deleteSubscription(connectionId: string, subscriptionId: string): Promise<void> {
    await this.store.batchWrite({ delete: [subscriptionKey(connectionId, subscriptionId)] });
  }

  /**
   * Subscriptions listening for a target (one Query on GSI1), read without their keys: only `record`, and the attributes of
   * an item of the earlier form. A publication to 1,000 subscribers reads them all; DynamoDB Local answered such a Query
   * in ~26 ms instead of ~34 ms (budget row 9, docs/performance.md).
   */
  async subscribersOf(target: SubscriptionTarget): Promise<SubscriptionRecord[]> {
    return (await this.store.queryAll({ partition: subscribersOf(target), index: GSI1, attributes: SUBSCRIPTION_ATTRIBUTES })).map(subscriptionOf);
  }

  /** Removes a connection and all its subscriptions ($disconnect, or a 410 Gone on delivery). */
  async deleteConnection(connectionId: string): Promise<void> {
    const items = await this.store.queryAll(connectionKey(connectionId).PK);
    await this.store.batchWrite({ delete: items.map((i) => ({ PK: String(i.PK), SK: String(i.SK) })) });
  }

  /** Claims the delivery of one event to one subscription; false when it was already delivered. */
  async claimDelivery(needId: string, openedAt: string, connectionId: string, subscriptionId: string): Promise<boolean> {
    const [claimed] = await this.claimDeliveries(needId, openedAt, [{ connectionId, subscriptionId }]);
    return claimed === true;
  }

  /**
   * Claims the deliveries of one event to many subscriptions, in the event's claims item: a string set of 16-character
   * hashes. The first claims of an event (a fan-out to 1,000 subscribers too) are one UpdateItem that writes the set when
   * the item has none (up to `SET_CREATE_LIMIT`). Later ones, and a redelivered stream record, add up to `SET_CLAIM_LIMIT`
   * hashes per conditional UpdateItem (the chunks go out together); a chunk holding one already claimed is refused whole,
   * and its claims are then made one by one, so each answer is still true exactly once. The same subscription twice in
   * one call: its second answer is false.
   */
  async claimDeliveries(needId: string, openedAt: string, subscriptions: ReadonlyArray<{ connectionId: string; subscriptionId: string }>): Promise<boolean[]> {
    const key = deliveryClaimsKey(needId, openedAt);
    const fields = { entity: Entity.DELIVERY, expiresAt: ttl(DELIVERY_TTL_SECONDS) };
    const members = subscriptions.map((s) => claimMember(s.connectionId, s.subscriptionId));
    const seen = new Set<string>();
    const firsts = members.map((m) => {
      if (seen.has(m)) return false;
      seen.add(m);
      return true;
    });
    const unique = [...seen];
    if (unique.length > 1 && unique.length <= SET_CREATE_LIMIT && (await this.store.createSetIfAbsent(key, 'claimed', unique, fields))) return firsts;
    const chunks: string[][] = [];
    for (let start = 0; start < unique.length; start += SET_CLAIM_LIMIT) chunks.push(unique.slice(start, start + SET_CLAIM_LIMIT));
    const claimed = new Set<string>();
    await Promise.all(
      chunks.map(async (chunk) => {
        const whole = chunk.length > 1 && (await this.store.addToSetIfAbsent(key, 'claimed', chunk, fields));
        const one = whole ? chunk.map(() => true) : await Promise.all(chunk.map((m) => this.store.addToSetIfAbsent(key, 'claimed', [m], fields)));
        chunk.forEach((m, i) => one[i] && claimed.add(m));
      }),
    );
    return members.map((m, i) => firsts[i] === true && claimed.has(m));
  }

  /** Gives a claim back when sending failed for a reason worth retrying. */
  async releaseDelivery(needId: string, openedAt: string, connectionId: string, subscriptionId: string): Promise<void> {
    await this.store.removeFromSet(deliveryClaimsKey(needId, openedAt), 'claimed', claimMember(connectionId, subscriptionId));
  }
}
