import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { AppError, ErrorCode } from '../errors.js';
import type { IndexName } from './table.js';
import type { Key } from './keys.js';
import { CursorCodec, pageSize, type PageArgs } from './pagination.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One write of a transaction, with the domain error to raise when its condition fails. */
export interface WriteOp {
  item: TransactItem;
  /** Receives the item as it was (for conditional writes that ask for ALL_OLD). */
  onConditionFailed?: (old: Record<string, unknown> | undefined) => AppError;
}

export interface KeyPage {
  keys: Array<{ item: Record<string, unknown>; cursor: string }>;
  hasNextPage: boolean;
}

/**
 * Turns a page of index (or membership) items into a page of records, loading each through `load`
 * (a DataLoader, so the whole page is one BatchGetItem). Items whose record vanished are skipped.
 */
export async function hydratePage<T>(page: KeyPage, idOf: (item: Record<string, unknown>) => string, load: (id: string) => Promise<T | undefined>) {
  const records = await Promise.all(page.keys.map(({ item }) => load(idOf(item))));
  return {
    hasNextPage: page.hasNextPage,
    items: page.keys.flatMap(({ cursor }, i) => {
      const node = records[i];
      return node ? [{ node, cursor }] : [];
    }),
  };
}

/** DynamoDB's limit on items in one TransactWriteItems call. */
export const TRANSACTION_LIMIT = 100;

/**
 * The table access shared by all repositories: strongly consistent gets, transactions that turn
 * cancellation reasons into domain errors, and key-designed page queries with signed cursors.
 */
export class Store {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly cursors: CursorCodec,
  ) {}

  async get(key: Key): Promise<Record<string, unknown> | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  /** A Put of a new item; fails (CONFLICT by default) when an item with the same key exists. */
  putNew(item: Record<string, unknown>, onExists?: WriteOp['onConditionFailed']): WriteOp {
    return {
      item: { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' } },
      onConditionFailed: onExists ?? (() => new AppError(ErrorCode.CONFLICT, 'The item already exists')),
    };
  }

  /** An unconditional Put (index items that carry no state of their own). */
  put(item: Record<string, unknown>): WriteOp {
    return { item: { Put: { TableName: this.tableName, Item: item } } };
  }

  delete(key: Key, condition?: { expression: string; values?: Record<string, unknown>; onFailed: WriteOp['onConditionFailed'] }): WriteOp {
    return {
      item: {
        Delete: {
          TableName: this.tableName,
          Key: key,
          ...(condition && { ConditionExpression: condition.expression }),
          ...(condition?.values && { ExpressionAttributeValues: condition.values }),
        },
      },
      ...(condition && { onConditionFailed: condition.onFailed }),
    };
  }

  /**
   * An optimistic-concurrency update: SETs (or REMOVEs, for null) the given fields and bumps `version`,
   * only if the item exists and still has `expectedVersion`. Someone else's write in between makes the
   * condition fail; the old image tells NOT_FOUND (no item) from CONFLICT (newer version).
   */
  updateVersioned(key: Key, expectedVersion: number, fields: Record<string, unknown>, now: string): WriteOp {
    const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':expected': expectedVersion, ':next': expectedVersion + 1, ':now': now };
    const sets = ['#version = :next', '#updatedAt = :now'];
    const removes: string[] = [];
    Object.entries(fields).forEach(([field, value], i) => {
      if (value === undefined) return;
      names[`#f${i}`] = field;
      if (value === null) removes.push(`#f${i}`);
      else {
        values[`:v${i}`] = value;
        sets.push(`#f${i} = :v${i}`);
      }
    });
    return {
      item: {
        Update: {
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(PK) AND #version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      onConditionFailed: (old) =>
        old
          ? new AppError(ErrorCode.CONFLICT, `Stale version ${expectedVersion}: the item is at version ${String(old.version)}; reload and retry`)
          : new AppError(ErrorCode.NOT_FOUND, 'The item does not exist'),
    };
  }

  /** Runs writes atomically; a failed condition becomes the op's domain error (the SDK error is its cause). */
  async transact(ops: WriteOp[]): Promise<void> {
    if (ops.length === 0) return;
    if (ops.length > TRANSACTION_LIMIT) throw new Error(`transaction of ${ops.length} items exceeds ${TRANSACTION_LIMIT}`);
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: ops.map((o) => o.item) }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      const op = failed >= 0 ? ops[failed] : undefined;
      if (op?.onConditionFailed) {
        const old = reasons[failed]?.Item ? unmarshall(reasons[failed].Item as Record<string, AttributeValue>) : undefined;
        const domain = op.onConditionFailed(old);
        throw new AppError(domain.code, domain.message, { ...(domain.field && { field: domain.field }), cause: error });
      }
      if (reasons.some((r) => r.Code === 'TransactionConflict')) {
        throw new AppError(ErrorCode.CONFLICT, 'A concurrent change touched the same data; retry', { cause: error });
      }
      throw error;
    }
  }

  /**
   * Every item of a small item collection (a need's history, a pairing's follow-ups), in sort-key
   * order, strongly consistent so that a write of this request is seen.
   */
  async queryAll(partition: string, sortPrefix?: string): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: sortPrefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
          ExpressionAttributeValues: { ':pk': partition, ...(sortPrefix && { ':prefix': sortPrefix }) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /**
   * One page of a key-designed list: Query on `partition` (optionally `begins_with(sort, prefix)`),
   * reading `first + 1` items to know whether a next page exists, so the last page carries no cursor.
   */
  async queryPage(query: {
    partition: string;
    sortPrefix?: string;
    index?: IndexName;
    args: PageArgs;
    /** Newest first for time-ordered sort keys. */
    descending?: boolean;
    /** A sort-key range (inclusive), e.g. dates; instead of `sortPrefix`. */
    sortBetween?: [string, string];
    /**
     * A residual condition on immutable attributes of index items, for filter combinations no single
     * partition serves. Reading continues until the page is full, so pages are never short.
     */
    filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
  }): Promise<KeyPage> {
    const first = pageSize(query.args.first);
    const pkName = query.index ? `${query.index}PK` : 'PK';
    const skName = query.index ? `${query.index}SK` : 'SK';
    const scope = `${query.index ?? 'table'}|${query.partition}|${query.sortPrefix ?? ''}|${query.sortBetween?.join('..') ?? ''}|${query.filter ? JSON.stringify(query.filter.values) : ''}`;
    let startKey = query.args.after ? this.cursors.decode(scope, query.args.after) : undefined;
    const items: Array<Record<string, unknown>> = [];
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          ...(query.index && { IndexName: query.index }),
          KeyConditionExpression: query.sortPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : query.sortBetween ? '#pk = :pk AND #sk BETWEEN :lo AND :hi' : '#pk = :pk',
          ExpressionAttributeNames: { '#pk': pkName, ...((query.sortPrefix || query.sortBetween) && { '#sk': skName }), ...query.filter?.names },
          ExpressionAttributeValues: {
            ':pk': query.partition,
            ...(query.sortPrefix && { ':prefix': query.sortPrefix }),
            ...(query.sortBetween && { ':lo': query.sortBetween[0], ':hi': query.sortBetween[1] }),
            ...query.filter?.values,
          },
          ...(query.filter && { FilterExpression: query.filter.expression }),
          ...(query.descending && { ScanIndexForward: false }),
          // With a residual filter, read in larger steps: DynamoDB applies Limit before the filter.
          Limit: query.filter ? Math.max(100, first + 1) : first + 1 - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey && items.length < first + 1);
    const keyNames = query.index ? ['PK', 'SK', pkName, skName] : ['PK', 'SK'];
    const page = items.slice(0, first);
    return {
      hasNextPage: items.length > first,
      keys: page.map((item) => ({
        item,
        cursor: this.cursors.encode(scope, Object.fromEntries(keyNames.map((k) => [k, item[k]]))),
      })),
    };
  }
}
