import { Entity, GSI1, connectionKey, deliveryKey, subscribersOf, subscriptionGsi1, subscriptionKey, type SubscriptionTarget } from '../data/keys.js';
import { AppError, ErrorCode } from '../errors.js';
import { TRANSACTION_LIMIT, type Store } from '../data/store.js';
import type { Principal } from '../auth/principal.js';

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

  /** Adds a subscription; false when the id is already in use on this connection. */
  async putSubscription(record: SubscriptionRecord): Promise<boolean> {
    return this.store.putIfAbsent({
      ...subscriptionKey(record.connectionId, record.subscriptionId),
      ...subscriptionGsi1(record.target, record.connectionId, record.subscriptionId),
      entity: Entity.SUBSCRIPTION,
      ...record,
      expiresAt: ttl(CONNECTION_TTL_SECONDS),
    });
  }

  async deleteSubscription(connectionId: string, subscriptionId: string): Promise<void> {
    await this.store.batchWrite({ delete: [subscriptionKey(connectionId, subscriptionId)] });
  }

  /** Subscriptions listening for a target (one Query on GSI1). */
  async subscribersOf(target: SubscriptionTarget): Promise<SubscriptionRecord[]> {
    return (await this.store.queryAll({ partition: subscribersOf(target), index: GSI1 })) as unknown as SubscriptionRecord[];
  }

  /** Removes a connection and all its subscriptions ($disconnect, or a 410 Gone on delivery). */
  async deleteConnection(connectionId: string): Promise<void> {
    const items = await this.store.queryAll(connectionKey(connectionId).PK);
    await this.store.batchWrite({ delete: items.map((i) => ({ PK: String(i.PK), SK: String(i.SK) })) });
  }

  /** Claims the delivery of one event to one subscription; false when it was already delivered. */
  async claimDelivery(needId: string, openedAt: string, connectionId: string, subscriptionId: string): Promise<boolean> {
    const key = deliveryKey(needId, openedAt, connectionId, subscriptionId);
    return this.store.putIfAbsent({ ...key, entity: Entity.DELIVERY, expiresAt: ttl(DELIVERY_TTL_SECONDS) });
  }

  /**
   * Claims the deliveries of one event to many subscriptions, `TRANSACTION_LIMIT` in one TransactWriteItems: a fan-out to
   * 1,000 subscribers costs 10 requests, not 1,000. A chunk holding one already claimed (a redelivered stream record) is
   * refused whole by DynamoDB; its claims are then made one by one, so each answer is still true exactly once.
   */
  async claimDeliveries(needId: string, openedAt: string, subscriptions: ReadonlyArray<{ connectionId: string; subscriptionId: string }>): Promise<boolean[]> {
    const claimed: boolean[] = [];
    for (let start = 0; start < subscriptions.length; start += TRANSACTION_LIMIT) {
      const chunk = subscriptions.slice(start, start + TRANSACTION_LIMIT);
      if (chunk.length === 1) {
        const [one] = chunk;
        claimed.push(await this.claimDelivery(needId, openedAt, one!.connectionId, one!.subscriptionId));
        continue;
      }
      const items = chunk.map((s) => ({
        ...deliveryKey(needId, openedAt, s.connectionId, s.subscriptionId),
        entity: Entity.DELIVERY,
        expiresAt: ttl(DELIVERY_TTL_SECONDS),
      }));
      try {
        await this.store.transact(items.map((item) => this.store.putNew(item)));
        claimed.push(...chunk.map(() => true));
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== ErrorCode.CONFLICT) throw error;
        claimed.push(...(await Promise.all(items.map((item) => this.store.putIfAbsent(item)))));
      }
    }
    return claimed;
  }

  /** Gives a claim back when sending failed for a reason worth retrying. */
  async releaseDelivery(needId: string, openedAt: string, connectionId: string, subscriptionId: string): Promise<void> {
    await this.store.batchWrite({ delete: [deliveryKey(needId, openedAt, connectionId, subscriptionId)] });
  }
}
