import { describe, expect, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Store, isUnavailable, staleVersion } from '../../functions/lib/data/store.js';
import { CursorCodec } from '../../functions/lib/data/pagination.js';

type Request = { RequestItems: Record<string, { Keys: Array<{ PK: string; SK: string }> }> };

/**
 * DynamoDB Local never returns UnprocessedKeys, so the retry path is shown with a scripted client:
 * each call answers some keys and leaves the rest unprocessed.
 */
function scriptedClient(table: string, existing: Set<string>, unprocessedPerCall: number[]) {
  const calls: number[] = [];
  const client = {
    async send(command: { input: Request }) {
      const keys = command.input.RequestItems[table]?.Keys ?? [];
      calls.push(keys.length);
      const leave = unprocessedPerCall[calls.length - 1] ?? 0;
      const processed = keys.slice(0, keys.length - leave);
      const rest = keys.slice(keys.length - leave);
      return {
        Responses: {
          [table]: processed
            .filter((k) => existing.has(k.PK))
            .reverse()
            .map((k) => ({ ...k, value: k.PK })),
        },
        ...(rest.length && { UnprocessedKeys: { [table]: { Keys: rest } } }),
      };
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, calls };
}

const batchGetItems = (client: DynamoDBDocumentClient, table: string, keys: Array<{ PK: string; SK: string }>, options?: { baseDelayMs?: number }) =>
  new Store(client, table, new CursorCodec('secret')).batchGet(keys, options);

describe('Method: Store.batchGet', () => {
  it('splits 250 keys into requests of at most 100 and keeps key order', async () => {
    const keys = Array.from({ length: 250 }, (_, i) => ({ PK: `K#${i}`, SK: '#K' }));
    const { client, calls } = scriptedClient('t', new Set(keys.filter((_, i) => i % 7 !== 0).map((k) => k.PK)), []);
    const items = await batchGetItems(client, 't', keys);
    expect(calls).toEqual([100, 100, 50]);
    expect(items).toHaveLength(250);
    items.forEach((item, i) => expect(item?.value).toBe(i % 7 === 0 ? undefined : `K#${i}`));
  });

  it('retries UnprocessedKeys until every key is answered', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => ({ PK: `K#${i}`, SK: '#K' }));
    const { client, calls } = scriptedClient('t', new Set(keys.map((k) => k.PK)), [6, 3, 0]);
    const items = await batchGetItems(client, 't', keys, { baseDelayMs: 1 });
    expect(calls).toEqual([10, 6, 3]);
    expect(items.map((i) => i?.value)).toEqual(keys.map((k) => k.PK));
  });

  it('asks once for a key given twice and answers both places', async () => {
    const keys = [
      { PK: 'A', SK: '#' },
      { PK: 'B', SK: '#' },
      { PK: 'A', SK: '#' },
    ];
    const { client, calls } = scriptedClient('t', new Set(['A', 'B']), []);
    expect((await batchGetItems(client, 't', keys)).map((i) => i?.value)).toEqual(['A', 'B', 'A']);
    expect(calls).toEqual([2]);
  });

  it('gives up after repeated throttling', async () => {
    const { client } = scriptedClient('t', new Set(['A']), [1, 1, 1, 1, 1, 1, 1, 1, 1]);
    await expect(batchGetItems(client, 't', [{ PK: 'A', SK: '#' }], { baseDelayMs: 0 })).rejects.toThrow(/unprocessed/);
  });
});

/** A client whose `send` answers from a script, one entry per call (a function, or an error to throw). */
function scripted(answers: Array<(input: Record<string, unknown>) => unknown>) {
  const inputs: Array<Record<string, unknown>> = [];
  const client = {
    middlewareStack: { add: () => undefined },
    async send(command: { input: Record<string, unknown> }) {
      inputs.push(command.input);
      const answer = answers[inputs.length - 1];
      if (!answer) throw new Error('unexpected call');
      return answer(command.input);
    },
  };
  return { store: new Store(client as unknown as DynamoDBDocumentClient, 't', new CursorCodec('secret')), inputs };
}

const sdkError = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });

describe('Method: Store.batchWrite', () => {
  it('sends 60 puts in batches of 25 and retries what DynamoDB left unprocessed', async () => {
    const { store, inputs } = scripted([
      (input) => ({ UnprocessedItems: { t: ((input.RequestItems as Record<string, unknown[]>).t ?? []).slice(20) } }),
      () => ({}),
      () => ({}),
      () => ({}),
    ]);
    const items = Array.from({ length: 60 }, (_, i) => ({ PK: `P${i}`, SK: '#' }));
    expect(await store.batchWrite({ put: items }, { baseDelayMs: 0 })).toBe(4);
    expect(inputs.map((i) => (i.RequestItems as Record<string, unknown[]>).t?.length)).toEqual([25, 5, 25, 10]);
  });

  it('throws when items stay unprocessed after 8 attempts', async () => {
    const stuck = (input: Record<string, unknown>) => ({ UnprocessedItems: { t: (input.RequestItems as Record<string, unknown[]>).t } });
    const { store } = scripted(Array.from({ length: 8 }, () => stuck));
    await expect(store.batchWrite({ delete: [{ PK: 'A', SK: '#' }] }, { baseDelayMs: 0 })).rejects.toThrow(/unprocessed after 8 attempts/);
  });
});

describe('Method: Store (SDK errors at the boundary)', () => {
  it('turns throttling into RATE_LIMITED, retryable, keeping the SDK error as cause', async () => {
    const throttled = sdkError('ProvisionedThroughputExceededException');
    const { store } = scripted([
      () => {
        throw throttled;
      },
    ]);
    const error = await store.get({ PK: 'A', SK: '#' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true, cause: throttled });
  });

  it("turns a failed condition of a single write into the caller's error, with the old item", async () => {
    const { ConditionalCheckFailedException } = await import('@aws-sdk/client-dynamodb');
    const failed = new ConditionalCheckFailedException({ message: 'failed', $metadata: {}, Item: { version: { N: '7' } } });
    const { store } = scripted([
      () => {
        throw failed;
      },
    ]);
    const error = await store
      .updateItem(
        { PK: 'A', SK: '#' },
        { set: { name: 'x' } },
        { condition: { expression: 'attribute_exists(PK)' }, onConditionFailed: (old) => staleVersion(6, Number(old?.version)) },
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'version', message: 'Stale version 6: the item is at version 7; reload and retry', cause: failed });
  });

  it('answers false from putIfAbsent when the item exists', async () => {
    const { ConditionalCheckFailedException } = await import('@aws-sdk/client-dynamodb');
    const { store, inputs } = scripted([
      () => {
        throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });
      },
    ]);
    expect(await store.putIfAbsent({ PK: 'A', SK: '#' })).toBe(false);
    expect(inputs[0]).toMatchObject({ ConditionExpression: 'attribute_not_exists(PK)' });
  });
});

describe('Method: Store (an unavailable database)', () => {
  /** What the SDK throws, after its own retries, when the database does not answer. */
  const failures = {
    'a request timeout': sdkError('TimeoutError', { code: 'ETIMEDOUT' }),
    'a connection timeout': sdkError('TimeoutError'),
    'a refused connection': Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    'a reset connection': Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    'a hung-up socket': new Error('socket hang up'),
    'an InternalServerError': sdkError('InternalServerError', { $metadata: { httpStatusCode: 500 } }),
    'a 503 answer': sdkError('ServiceUnavailable', { $metadata: { httpStatusCode: 503 } }),
    'any other 5xx answer': sdkError('UnknownError', { $metadata: { httpStatusCode: 502 } }),
  };

  it.each(Object.entries(failures))('turns %s into SERVICE_UNAVAILABLE, retryable, keeping the SDK error as cause', async (_, failure) => {
    const { store } = scripted([
      () => {
        throw failure;
      },
    ]);
    const error = await store.get({ PK: 'A', SK: '#' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true, cause: failure });
  });

  it('does so for writes and transactions too', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const fail = () => {
      throw refused;
    };
    const { store } = scripted([fail, fail, fail]);
    const errors = await Promise.all([
      store.putItem({ PK: 'A', SK: '#' }, { condition: { expression: 'attribute_not_exists(PK)' } }).catch((e: unknown) => e),
      store.updateItem({ PK: 'A', SK: '#' }, { add: { n: 1 } }).catch((e: unknown) => e),
      store.transact([store.put({ PK: 'A', SK: '#' })]).catch((e: unknown) => e),
    ]);
    for (const error of errors) expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
  });

  it('leaves client faults (a 400 validation error) to the caller', async () => {
    const invalid = sdkError('ValidationException', { $metadata: { httpStatusCode: 400 } });
    const { store } = scripted([
      () => {
        throw invalid;
      },
    ]);
    expect(await store.get({ PK: 'A', SK: '#' }).catch((e: unknown) => e)).toBe(invalid);
  });
});

describe('Function: isUnavailable', () => {
  it('is false for throttling, conditions and non-errors', () => {
    expect(isUnavailable(sdkError('ThrottlingException', { $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isUnavailable(sdkError('ConditionalCheckFailedException', { $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isUnavailable('ECONNREFUSED')).toBe(false);
  });
});
