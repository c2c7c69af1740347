import { AppError, ErrorCode } from '../errors.js';
import { Entity, idempotencyKey, idempotencyPrefix } from '../data/keys.js';
import type { Store } from '../data/store.js';

/** Where a keyed mutation stands: running (its lease not yet over) or done with its response stored. */
export type IdempotencyStatus = 'IN_PROGRESS' | 'COMPLETED';

/** One caller's use of one `Idempotency-Key`, as stored. */
export interface IdempotencyRecord {
  caller: string;
  key: string;
  /** SHA-256 of the request (query, variables, operation name): the same key with another request is a conflict. */
  requestHash: string;
  status: IdempotencyStatus;
  /** Which attempt holds the key (a random id per attempt): only it may store its response or release the key. */
  claim: string;
  /** Epoch milliseconds after which an IN_PROGRESS record is abandoned (its function timed out or crashed) and may be taken over. */
  inProgressUntil: number;
  /** Epoch seconds: the table's TTL attribute; an expired record counts as absent even before DynamoDB removes it. */
  expiresAt: number;
  /** The response as sent (JSON), once COMPLETED; absent when it was too large to keep. */
  response?: string;
  /** The HTTP status the response was sent with, when not 200. */
  httpStatus?: number;
}

/** What claiming a key found: it is now ours, or another attempt's record (current, not expired). */
export type ClaimResult = { claimed: true } | { claimed: false; record: IdempotencyRecord };

const toRecord = (item: Record<string, unknown>): IdempotencyRecord => ({
  caller: String(item.caller),
  key: String(item.key),
  requestHash: String(item.requestHash),
  status: item.status === 'COMPLETED' ? 'COMPLETED' : 'IN_PROGRESS',
  claim: String(item.claim),
  inProgressUntil: Number(item.inProgressUntil ?? 0),
  expiresAt: Number(item.expiresAt),
  ...(typeof item.response === 'string' && { response: item.response }),
  ...(typeof item.httpStatus === 'number' && { httpStatus: item.httpStatus }),
});

/** Names of the attributes the conditions read (`status` is a DynamoDB reserved word). */
const names = { '#status': 'status', '#expiresAt': 'expiresAt', '#until': 'inProgressUntil', '#claim': 'claim' };

/** Idempotency records of keyed mutations (the `Idempotency-Key` header), one item per caller and key. */
export class IdempotencyRepository {
  constructor(private readonly store: Store) {}

  /**
   * Takes the key for this attempt with one conditional put: it succeeds when no record exists, when the
   * record has expired, or when an IN_PROGRESS record's lease is over; otherwise returns the record found.
   */
  async claim(record: Omit<IdempotencyRecord, 'status' | 'response' | 'httpStatus'>, nowMs: number): Promise<ClaimResult> {
    let found: Record<string, unknown> | undefined;
    try {
      await this.store.putItem(
        { ...idempotencyKey(record.caller, record.key), entity: Entity.IDEMPOTENCY, ...record, status: 'IN_PROGRESS' },
        {
          condition: {
            expression: 'attribute_not_exists(PK) OR #expiresAt <= :nowSec OR (#status = :inProgress AND #until <= :nowMs)',
            names: { '#status': names['#status'], '#expiresAt': names['#expiresAt'], '#until': names['#until'] },
            values: { ':nowSec': Math.floor(nowMs / 1000), ':nowMs': nowMs, ':inProgress': 'IN_PROGRESS' },
          },
          onConditionFailed: (old) => {
            found = old;
            return new AppError(ErrorCode.CONFLICT, 'The idempotency key is in use');
          },
        },
      );
      return { claimed: true };
    } catch (error) {
      if (error instanceof AppError && found) return { claimed: false, record: toRecord(found) };
      throw error;
    }
  }

  /** Stores the response of the attempt that holds the key; false when the key is no longer held by `claim`. */
  async complete(caller: string, key: string, claim: string, response: { body?: string; httpStatus?: number }): Promise<boolean> {
    try {
      await this.store.updateItem(
        idempotencyKey(caller, key),
        { set: { status: 'COMPLETED', response: response.body ?? null, httpStatus: response.httpStatus ?? null, inProgressUntil: null } },
        {
          condition: { expression: '#claim = :claim', names: { '#claim': names['#claim'] }, values: { ':claim': claim } },
          onConditionFailed: () => new AppError(ErrorCode.CONFLICT, 'The idempotency key was taken over'),
        },
      );
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.CONFLICT) return false;
      throw error;
    }
  }

  /** Deletes the record of the attempt that holds the key (its mutation failed), so the client may use the key again. */
  async release(caller: string, key: string, claim: string): Promise<void> {
    try {
      await this.store.transact([
        this.store.delete(idempotencyKey(caller, key), {
          expression: '#claim = :claim',
          names: { '#claim': names['#claim'] },
          values: { ':claim': claim },
          onFailed: () => new AppError(ErrorCode.CONFLICT, 'The idempotency key was taken over'),
        }),
      ]);
    } catch (error) {
      // Someone else holds the key now (our lease ran out, or it expired and was taken): theirs to keep.
      if (!(error instanceof AppError && error.code === ErrorCode.CONFLICT && !error.retryable)) throw error;
    }
  }

  /** Deletes every idempotency record of a caller (account erasure: they keep its responses); returns how many. */
  async eraseCaller(caller: string): Promise<number> {
    const { PK, SKPrefix } = idempotencyPrefix(caller);
    const items = await this.store.queryAll(PK, SKPrefix);
    await this.store.batchWrite({ delete: items.map((i) => ({ PK: String(i.PK), SK: String(i.SK) })) });
    return items.length;
  }
}
