import DataLoader from 'dataloader';
import { keyString, type Key } from './keys.js';
import type { Store } from './store.js';

export type ItemLoader = DataLoader<Key, Record<string, unknown> | undefined, string>;

/**
 * The per-request item loader: every `load(key)` in one tick becomes one BatchGetItem (≤ 100 keys a
 * call), so a nested list costs one round trip per level, and each item is read once per request.
 */
export function createItemLoader(store: Store): ItemLoader {
  return new DataLoader((keys) => store.batchGet(keys), { cacheKeyFn: keyString, maxBatchSize: 100 });
}

/** Strips the table's key attributes from an item, leaving the entity record. */
export function recordOf<T>(item: Record<string, unknown>): T {
  const { PK: _pk, SK: _sk, GSI1PK: _g1pk, GSI1SK: _g1sk, entity: _entity, ...rest } = item;
  return rest as T;
}
