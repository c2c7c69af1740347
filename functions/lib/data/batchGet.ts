import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Key } from './keys.js';

/** BatchGetItem's limit on keys per request. */
export const BATCH_GET_LIMIT = 100;
const MAX_ATTEMPTS = 8;

const keyString = (k: Key) => `${k.PK}\u0000${k.SK}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads items by key, at most 100 keys a request, retrying UnprocessedKeys with jittered exponential
 * backoff; returns one entry per key, in key order (undefined where no item exists).
 */
export async function batchGetItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  options: { consistentRead?: boolean; baseDelayMs?: number } = {},
): Promise<Array<Record<string, unknown> | undefined>> {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(keys.map((k) => [keyString(k), { PK: k.PK, SK: k.SK }])).values()];
  for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
    let pending: Key[] = unique.slice(start, start + BATCH_GET_LIMIT);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${MAX_ATTEMPTS} attempts`);
      if (attempt > 0) await sleep(Math.random() * (options.baseDelayMs ?? 25) * 2 ** attempt);
      const out = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistentRead ?? false } } }),
      );
      for (const item of out.Responses?.[tableName] ?? []) found.set(keyString(item as Key), item);
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
    }
  }
  return keys.map((k) => found.get(keyString(k)));
}
