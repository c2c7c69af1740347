import { describe, expect, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Store } from '../../functions/lib/data/store.js';
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
        Responses: { [table]: processed.filter((k) => existing.has(k.PK)).reverse().map((k) => ({ ...k, value: k.PK })) },
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
    const keys = [{ PK: 'A', SK: '#' }, { PK: 'B', SK: '#' }, { PK: 'A', SK: '#' }];
    const { client, calls } = scriptedClient('t', new Set(['A', 'B']), []);
    expect((await batchGetItems(client, 't', keys)).map((i) => i?.value)).toEqual(['A', 'B', 'A']);
    expect(calls).toEqual([2]);
  });

  it('gives up after repeated throttling', async () => {
    const { client } = scriptedClient('t', new Set(['A']), [1, 1, 1, 1, 1, 1, 1, 1, 1]);
    await expect(batchGetItems(client, 't', [{ PK: 'A', SK: '#' }], { baseDelayMs: 0 })).rejects.toThrow(/unprocessed/);
  });
});
