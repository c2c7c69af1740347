import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { AppError, ErrorCode } from '../errors.js';
import { keyAttributes, type IndexName } from './table.js';
import { keyString, type Key } from './keys.js';
import { CursorCodec, pageSize, type PageArgs } from './pagination.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What a failed condition means in the domain; receives the item as it was when DynamoDB returned it. */
export type OnConditionFailed = (old: Record<string, unknown> | undefined) => AppError;

/** One write of a transaction, with the domain error to raise when its condition fails. */
export interface WriteOp {
  item: TransactItem;
  onConditionFailed?: OnConditionFailed;
}

/** A condition expression built from named parts (`#name` → attribute, `:value` → value). */
export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** The changes of an update: `set` assigns (null removes the attribute, undefined is skipped), `add` adds to numbers (a missing one counts as 0). */
export interface Changes {
  set?: Record<string, unknown>;
  add?: Record<string, number>;
}

export interface KeyPage {
  keys: Array<{ item: Record<string, unknown>; cursor: string }>;
  hasNextPage: boolean;
}

/** A query on one partition of the table or an index. */
export interface PartitionQuery {
  partition: string;
  index?: IndexName;
  /** `begins_with(sort, prefix)`. */
  sortPrefix?: string;
  /** A sort-key range (inclusive), instead of `sortPrefix`. */
  sortBetween?: readonly [string, string];
  /** Newest first for time-ordered sort keys. */
  descending?: boolean;
  /**
   * A residual condition on immutable attributes of index items, for filter combinations no single
   * partition serves. Reading continues until the page is full, so pages are never short.
   */
  filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
  /**
   * Only these attributes of each item (a ProjectionExpression). DynamoDB bills the whole item either way; what it spares
   * is sending, and the SDK's unmarshalling of, the attributes nobody reads (a publication's 1,000 subscriptions). Not for
   * `queryPage`, whose cursors are made of the items' keys.
   */
  attributes?: readonly string[];
}

/** Told of every request the store sends (instrumentation: request counters in tests and benchmarks). */
export type RequestListener = (commandName: string) => void;

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
/** BatchGetItem's limit on keys per request. */
export const BATCH_GET_LIMIT = 100;
/** BatchWriteItem's limit on requests per call. */
export const BATCH_WRITE_LIMIT = 25;
/** Attempts of a batch before unprocessed keys or items become an error. */
export const BATCH_MAX_ATTEMPTS = 8;

/** Most members one `addToSetIfAbsent` claims (its condition names each; DynamoDB allows 4 KB of expression). */
export const SET_CLAIM_LIMIT = 100;
/** Most members one `createSetIfAbsent` writes (16-character claims: ~160 KB of DynamoDB's 400 KB item limit). */
export const SET_CREATE_LIMIT = 10_000;

const THROTTLING = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']);

/** SDK error names of a database that did not answer in time or answered with a server fault. */
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
]);
/** Node socket error codes of an endpoint that cannot be reached or dropped the connection. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * True when an SDK error (after the SDK's own retries) means the database is unreachable or failing:
 * a timeout, a refused or reset connection, or a 5xx answer. Client faults (conditions, validation) are not.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, $metadata } = error as Error & { code?: unknown; $metadata?: { httpStatusCode?: number } };
  if (UNAVAILABLE_NAMES.has(error.name)) return true;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (/socket hang up/i.test(error.message)) return true;
  return ($metadata?.httpStatusCode ?? 0) >= 500;
}

/** Jittered exponential backoff before attempt `attempt` (1, 2, …) of a batch. */
const backoff = (attempt: number, baseMs: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * baseMs * 2 ** attempt));

/** Builds `SET`/`REMOVE`/`ADD` clauses with placeholder names; `prefix` keeps placeholders of several parts apart. */
function updateExpression(changes: Changes, prefix: string) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  const adds: string[] = [];
  Object.entries(changes.set ?? {}).forEach(([field, value], i) => {
    if (value === undefined) return;
    names[`#${prefix}s${i}`] = field;
    if (value === null) removes.push(`#${prefix}s${i}`);
    else {
      values[`:${prefix}s${i}`] = value;
      sets.push(`#${prefix}s${i} = :${prefix}s${i}`);
    }
  });
  Object.entries(changes.add ?? {}).forEach(([field, value], i) => {
    names[`#${prefix}a${i}`] = field;
    values[`:${prefix}a${i}`] = value;
    adds.push(`#${prefix}a${i} :${prefix}a${i}`);
  });
  const expression = [sets.length && `SET ${sets.join(', ')}`, removes.length && `REMOVE ${removes.join(', ')}`, adds.length && `ADD ${adds.join(', ')}`]
    .filter(Boolean)
    .join(' ');
  return { expression, names, values };
}

/** DynamoDB's (and DynamoDB Local's) messages for a partition or sort key over its size limit (2,048 / 1,024 bytes). */
const KEY_TOO_LARGE = /key.*(size|bytes|too large|exceed)|(size|exceed).*key/i;

/**
 * The only code that sends DynamoDB commands. Repositories describe reads and writes in the table's
 * terms (keys, conditions, changes); the store sends them, retries what DynamoDB left unprocessed, and
 * translates SDK errors into `AppError`s at this boundary: a failed condition becomes the caller's
 * domain error, throttling becomes RATE_LIMITED and an unreachable or failing database SERVICE_UNAVAILABLE
 * (both retryable), and the SDK error is kept as `cause`.
 */
export class Store {
  readonly #db: DynamoDBDocumentClient;

  constructor(
    db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly cursors: CursorCodec,
  ) {
    this.#db = db;
  }

  /** Calls `listener` with the low-level command name (`QueryCommand`, …) of every request sent from now on. */
  onRequest(listener: RequestListener): void {
    this.#db.middlewareStack.add(
      (next, context) => async (args) => {
        listener(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: `onRequest${this.#listenerCount++}` },
    );
  }
  #listenerCount = 0;

  /**
   * Sends one command (the client times out and retries, see client.ts), translating throttling and an
   * unavailable database; other SDK errors go up unchanged for the caller's condition handling.
   */
  async #send<T>(run: (db: DynamoDBDocumentClient) => Promise<T>): Promise<T> {
    try {
      return await run(this.#db);
    } catch (error) {
      // A key over DynamoDB's size limits (an overlong id that no input check caught) is the client's mistake.
      if (error instanceof Error && error.name === 'ValidationException' && KEY_TOO_LARGE.test(error.message)) {
        throw new AppError(ErrorCode.BAD_USER_INPUT, 'A key value is too long', { cause: error });
      }
      if (error instanceof Error && THROTTLING.has(error.name)) {
        throw new AppError(ErrorCode.RATE_LIMITED, 'The service is busy; retry in a moment', { cause: error, retryable: true });
      }
      if (isUnavailable(error)) {
        throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The service is temporarily unavailable; retry in a moment', { cause: error, retryable: true });
      }
      throw error;
    }
  }

  /** A strongly consistent read of one item. */
  async get(key: Key): Promise<Record<string, unknown> | undefined> {
    const out = await this.#send((db) => db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })));
    return out.Item;
  }

  /**
   * Reads items by key, at most 100 keys a request, retrying UnprocessedKeys with jittered exponential
   * backoff (an error after 8 attempts); one entry per key, in key order (undefined where no item exists).
   */
  async batchGet(keys: readonly Key[], options: { consistentRead?: boolean; baseDelayMs?: number } = {}): Promise<Array<Record<string, unknown> | undefined>> {
    const found = new Map<string, Record<string, unknown>>();
    const unique = [...new Map(keys.map((k) => [keyString(k), { PK: k.PK, SK: k.SK }])).values()];
    for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
      let pending: Key[] = unique.slice(start, start + BATCH_GET_LIMIT);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= BATCH_MAX_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${BATCH_MAX_ATTEMPTS} attempts`);
        if (attempt > 0) await backoff(attempt, options.baseDelayMs ?? 25);
        const request = new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: options.consistentRead ?? false } } });
        const out = await this.#send((db) => db.send(request));
        for (const item of out.Responses?.[this.tableName] ?? []) found.set(keyString(item as Key), item);
        pending = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Key[];
      }
    }
    return keys.map((k) => found.get(keyString(k)));
  }

  /**
   * Writes one item on its own. With a condition, a failed check becomes `onConditionFailed`'s error
   * (CONFLICT by default); without one, the put replaces whatever was there.
   */
  async putItem(item: Record<string, unknown>, options: { condition?: Condition; onConditionFailed?: OnConditionFailed } = {}): Promise<void> {
    const { condition } = options;
    try {
      const request = new PutCommand({
        TableName: this.tableName,
        Item: item,
        ...(condition && { ConditionExpression: condition.expression }),
        ...(condition?.names && { ExpressionAttributeNames: condition.names }),
        ...(condition?.values && { ExpressionAttributeValues: condition.values }),
        // The item as it was when the condition failed, for `onConditionFailed` (as updateItem does).
        ...(condition && { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }),
      });
      await this.#send((db) => db.send(request));
    } catch (error) {
      throw this.#conditionError(error, options.onConditionFailed);
    }
  }

  /** Writes a new item on its own; false (nothing written) when an item with its key exists. */
  async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.putItem(item, { condition: { expression: 'attribute_not_exists(PK)' } });
      return true;
    } catch (error) {
      if (error instanceof AppError && error.cause instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Updates one item on its own and returns it as it is afterwards; a failed condition becomes the caller's error. */
  async updateItem(
    key: Key,
    changes: Changes,
    options: { condition?: Condition; onConditionFailed?: OnConditionFailed } = {},
  ): Promise<Record<string, unknown>> {
    const update = updateExpression(changes, 'u');
    const { condition } = options;
    const names = { ...update.names, ...condition?.names };
    const values = { ...update.values, ...condition?.values };
    try {
      const request = new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: update.expression,
        ...(condition && { ConditionExpression: condition.expression }),
        ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
        ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      const out = await this.#send((db) => db.send(request));
      return out.Attributes ?? {};
    } catch (error) {
      throw this.#conditionError(error, options.onConditionFailed);
    }
  }

  /**
   * Adds `members` (at most `SET_CLAIM_LIMIT`) to the string set `attribute` of one item (made when absent, with `fields`
   * set) in one UpdateItem, on condition that none of them is in it yet: true when all were added, false (nothing
   * written) when one already was. Many claims in one small item: far cheaper than one conditional item per claim.
   */
  async addToSetIfAbsent(key: Key, attribute: string, members: readonly string[], fields: Record<string, unknown> = {}): Promise<boolean> {
    if (members.length > SET_CLAIM_LIMIT) throw new Error(`a claim of ${members.length} members exceeds ${SET_CLAIM_LIMIT}`);
    return this.#addToSet(key, attribute, members, fields, {
      expression: members.map((_, i) => `NOT contains(#m, :k${i})`).join(' AND '),
      values: Object.fromEntries(members.map((m, i) => [`:k${i}`, m])),
    });
  }

  /**
   * Writes the string set `attribute` of one item with `members` (at most `SET_CREATE_LIMIT`; the item is made when absent,
   * with `fields` set) in one UpdateItem, on condition that the item has no such set yet: true when written, false (nothing
   * written) when the set was there. The first claims of an event: one request whatever their number.
   */
  async createSetIfAbsent(key: Key, attribute: string, members: readonly string[], fields: Record<string, unknown> = {}): Promise<boolean> {
    if (members.length > SET_CREATE_LIMIT) throw new Error(`a set of ${members.length} members exceeds ${SET_CREATE_LIMIT}`);
    return this.#addToSet(key, attribute, members, fields, { expression: 'attribute_not_exists(#m)', values: {} });
  }

  /** One UpdateItem adding `members` to the set `#m` and setting `fields`, if `condition` holds: false when it did not. */
  async #addToSet(
    key: Key,
    attribute: string,
    members: readonly string[],
    fields: Record<string, unknown>,
    condition: { expression: string; values: Record<string, unknown> },
  ): Promise<boolean> {
    if (members.length === 0) return true;
    const fieldNames = Object.keys(fields);
    const request = new UpdateCommand({
      TableName: this.tableName,
      Key: key,
      UpdateExpression: `ADD #m :all${fieldNames.length ? ` SET ${fieldNames.map((_, i) => `#f${i} = :f${i}`).join(', ')}` : ''}`,
      ConditionExpression: condition.expression,
      ExpressionAttributeNames: { '#m': attribute, ...Object.fromEntries(fieldNames.map((name, i) => [`#f${i}`, name])) },
      ExpressionAttributeValues: {
        ':all': new Set(members),
        ...condition.values,
        ...Object.fromEntries(fieldNames.map((name, i) => [`:f${i}`, fields[name]])),
      },
    });
    try {
      await this.#send((db) => db.send(request));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Removes one member from the string set `attribute` of one item (nothing when it is not there). */
  async removeFromSet(key: Key, attribute: string, member: string): Promise<void> {
    const request = new UpdateCommand({
      TableName: this.tableName,
      Key: key,
      UpdateExpression: 'DELETE #m :one',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#m': attribute },
      ExpressionAttributeValues: { ':one': new Set([member]) },
    });
    try {
      await this.#send((db) => db.send(request));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  #conditionError(error: unknown, onFailed: OnConditionFailed | undefined): unknown {
    if (!(error instanceof ConditionalCheckFailedException)) return error;
    const old = error.Item ? unmarshall(error.Item) : undefined;
    const domain = onFailed ? onFailed(old) : new AppError(ErrorCode.CONFLICT, 'The item was changed or already exists');
    return new AppError(domain.code, domain.message, { ...(domain.field && { field: domain.field }), cause: error });
  }

  /**
   * Puts and deletes items in batches of 25, retrying unprocessed requests with jittered exponential
   * backoff; throws when some are still unprocessed after 8 attempts. Returns the requests sent.
   * For items that carry no state of their own (stored matches, connection cleanup): no conditions.
   */
  async batchWrite(writes: { put?: Array<Record<string, unknown>>; delete?: Key[] }, options: { baseDelayMs?: number } = {}): Promise<number> {
    const all: Array<Record<string, unknown>> = [
      ...(writes.put ?? []).map((Item) => ({ PutRequest: { Item } })),
      ...(writes.delete ?? []).map((k) => ({ DeleteRequest: { Key: { PK: k.PK, SK: k.SK } } })),
    ];
    let requests = 0;
    for (let start = 0; start < all.length; start += BATCH_WRITE_LIMIT) {
      let pending = all.slice(start, start + BATCH_WRITE_LIMIT);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= BATCH_MAX_ATTEMPTS) throw new Error(`BatchWriteItem left ${pending.length} writes unprocessed after ${BATCH_MAX_ATTEMPTS} attempts`);
        if (attempt > 0) await backoff(attempt, options.baseDelayMs ?? 25);
        const request = new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } });
        const out = await this.#send((db) => db.send(request));
        requests += 1;
        pending = out.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
    return requests;
  }

  // ---- Transaction parts ------------------------------------------------------------------------

  /** A Put of a new item; fails (CONFLICT by default) when an item with the same key exists. */
  putNew(item: Record<string, unknown>, onExists?: OnConditionFailed): WriteOp {
    return {
      item: { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' } },
      onConditionFailed: onExists ?? (() => new AppError(ErrorCode.CONFLICT, 'The item already exists')),
    };
  }

  /** An unconditional Put (index items that carry no state of their own). */
  put(item: Record<string, unknown>): WriteOp {
    return { item: { Put: { TableName: this.tableName, Item: item } } };
  }

  delete(key: Key, condition?: Condition & { onFailed: OnConditionFailed }): WriteOp {
    return {
      item: {
        Delete: {
          TableName: this.tableName,
          Key: key,
          ...(condition && { ConditionExpression: condition.expression }),
          ...(condition?.names && { ExpressionAttributeNames: condition.names }),
          ...(condition?.values && { ExpressionAttributeValues: condition.values }),
        },
      },
      ...(condition && { onConditionFailed: condition.onFailed }),
    };
  }

  /** An Update of one item inside a transaction (counters, guarded changes), with its condition. */
  update(key: Key, changes: Changes, condition?: Condition & { onFailed: OnConditionFailed }): WriteOp {
    const update = updateExpression(changes, 'u');
    const names = { ...update.names, ...condition?.names };
    const values = { ...update.values, ...condition?.values };
    return {
      item: {
        Update: {
          TableName: this.tableName,
          Key: key,
          UpdateExpression: update.expression,
          ...(condition && { ConditionExpression: condition.expression, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }),
          ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
          ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
        },
      },
      ...(condition && { onConditionFailed: condition.onFailed }),
    };
  }

  /**
   * An optimistic-concurrency update: SETs (or REMOVEs, for null) the given fields and bumps `version`,
   * only if the item exists and still has `expectedVersion`. Someone else's write in between makes the
   * condition fail; the old image tells NOT_FOUND (no item) from CONFLICT on `version` (newer version).
   */
  updateVersioned(key: Key, expectedVersion: number, fields: Record<string, unknown>, now: string): WriteOp {
    return this.update(
      key,
      { set: { ...fields, version: expectedVersion + 1, updatedAt: now } },
      {
        expression: 'attribute_exists(PK) AND #version = :expected',
        names: { '#version': 'version' },
        values: { ':expected': expectedVersion },
        onFailed: (old) => (old ? staleVersion(expectedVersion, Number(old.version)) : new AppError(ErrorCode.NOT_FOUND, 'The item does not exist')),
      },
    );
  }

  /** Runs writes atomically; a failed condition becomes the op's domain error (the SDK error is its cause). */
  async transact(ops: WriteOp[]): Promise<void> {
    if (ops.length === 0) return;
    if (ops.length > TRANSACTION_LIMIT) throw new Error(`transaction of ${ops.length} items exceeds ${TRANSACTION_LIMIT}`);
    try {
      await this.#send((db) => db.send(new TransactWriteCommand({ TransactItems: ops.map((o) => o.item) })));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      const op = failed >= 0 ? ops[failed] : undefined;
      if (op?.onConditionFailed) {
        const old = reasons[failed]?.Item ? unmarshall(reasons[failed].Item) : undefined;
        const domain = op.onConditionFailed(old);
        throw new AppError(domain.code, domain.message, { ...(domain.field && { field: domain.field }), cause: error });
      }
      if (reasons.some((r) => r.Code === 'TransactionConflict')) {
        throw new AppError(ErrorCode.CONFLICT, 'A concurrent change touched the same data; retry', { cause: error, retryable: true });
      }
      if (reasons.some((r) => r.Code === 'ThrottlingError' || r.Code === 'ProvisionedThroughputExceeded')) {
        throw new AppError(ErrorCode.RATE_LIMITED, 'The service is busy; retry in a moment', { cause: error, retryable: true });
      }
      throw error;
    }
  }

  // ---- Queries ----------------------------------------------------------------------------------

  #queryInput(query: PartitionQuery, consistent: boolean) {
    const { partitionKey: pkName, sortKey: skName } = keyAttributes(query.index);
    return {
      TableName: this.tableName,
      ...(query.index && { IndexName: query.index }),
      KeyConditionExpression: query.sortPrefix
        ? '#pk = :pk AND begins_with(#sk, :prefix)'
        : query.sortBetween
          ? '#pk = :pk AND #sk BETWEEN :lo AND :hi'
          : '#pk = :pk',
      ExpressionAttributeNames: {
        '#pk': pkName,
        ...((query.sortPrefix || query.sortBetween) && { '#sk': skName }),
        ...query.filter?.names,
        ...Object.fromEntries((query.attributes ?? []).map((name, i) => [`#attr${i}`, name])),
      },
      ExpressionAttributeValues: {
        ':pk': query.partition,
        ...(query.sortPrefix && { ':prefix': query.sortPrefix }),
        ...(query.sortBetween && { ':lo': query.sortBetween[0], ':hi': query.sortBetween[1] }),
        ...query.filter?.values,
      },
      ...(query.filter && { FilterExpression: query.filter.expression }),
      ...(query.attributes?.length && { ProjectionExpression: query.attributes.map((_, i) => `#attr${i}`).join(', ') }),
      ...(query.descending && { ScanIndexForward: false }),
      // GSIs cannot be read consistently.
      ...(consistent && !query.index && { ConsistentRead: true }),
    };
  }

  /**
   * Every item of a partition (or of a sort-key prefix or range of it), following every page: for
   * small item collections (a need's history, a connection's subscriptions, an expert's service record).
   * Base-table reads are strongly consistent, so that a write of this request is seen.
   */
  async queryAll(query: PartitionQuery | string, sortPrefix?: string): Promise<Array<Record<string, unknown>>> {
    const q: PartitionQuery = typeof query === 'string' ? { partition: query, ...(sortPrefix && { sortPrefix }) } : query;
    const items: Array<Record<string, unknown>> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const request = new QueryCommand({ ...this.#queryInput(q, true), ExclusiveStartKey: startKey });
      const out = await this.#send((db) => db.send(request));
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /**
   * One page of a key-designed list: Query on `partition`, reading `first + 1` items to know whether
   * a next page exists, so the last page carries no cursor. Cursors are signed and bound to the query.
   */
  async queryPage(query: Omit<PartitionQuery, 'attributes'> & { args: PageArgs }): Promise<KeyPage> {
    const first = pageSize(query.args.first);
    const { partitionKey: pkName, sortKey: skName } = keyAttributes(query.index);
    const scope = `${query.index ?? 'table'}|${query.partition}|${query.sortPrefix ?? ''}|${query.sortBetween?.join('..') ?? ''}|${query.filter ? JSON.stringify(query.filter.values) : ''}`;
    let startKey = query.args.after ? this.cursors.decode(scope, query.args.after) : undefined;
    const items: Array<Record<string, unknown>> = [];
    do {
      const request = new QueryCommand({
        ...this.#queryInput(query, false),
        // With a residual filter, read in larger steps: DynamoDB applies Limit before the filter.
        Limit: query.filter ? Math.max(100, first + 1) : first + 1 - items.length,
        ExclusiveStartKey: startKey,
      });
      const out = await this.#send((db) => db.send(request));
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey && items.length < first + 1);
    const base = keyAttributes();
    // A cursor continues from the item's base-table key (and, on an index, its index key too).
    const keyNames = query.index ? [base.partitionKey, base.sortKey, pkName, skName] : [base.partitionKey, base.sortKey];
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

/** The one CONFLICT of optimistic concurrency: the client's version is behind the stored one. */
export function staleVersion(given: number, stored: number, what = 'item'): AppError {
  return new AppError(ErrorCode.CONFLICT, `Stale version ${given}: the ${what} is at version ${stored}; reload and retry`, { field: 'version' });
}
