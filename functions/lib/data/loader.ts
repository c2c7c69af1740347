import DataLoader from 'dataloader';
import { keyString, type Key } from './keys.js';
import type { Store } from './store.js';

type Item = Record<string, unknown> | undefined;

/**
 * The per-request item loader: every `load(key)` in one tick becomes one BatchGetItem (≤ 100 keys a
 * call), so a nested list costs one round trip per level, and each item is read once per request.
 * `loadConsistent(key)` reads with strong consistency: a batch holding such a key is read consistently as a whole, so
 * the caller's access record and the items the operation starts from share one round trip (context.ts).
 */
export class ItemLoader extends DataLoader<Key, Item, string> {
  readonly #consistent: Set<string>;

  constructor(store: Store) {
    const consistent = new Set<string>();
    super((keys) => store.batchGet(keys, { consistentRead: keys.some((k) => consistent.has(keyString(k))) }), { cacheKeyFn: keyString, maxBatchSize: 100 });
    this.#consistent = consistent;
  }

  /**
   * The item read with strong consistency within this request: the first call drops what an eventually consistent
   * read cached and reads again (in the tick's batch, which it makes consistent); later calls share that read.
   */
  loadConsistent(key: Key): Promise<Item> {
    const id = keyString(key);
    if (!this.#consistent.has(id)) {
      this.#consistent.add(id);
      this.clear(key);
    }
    return this.load(key);
  }

  /** Starts consistent reads of `keys` in the current tick's batch without waiting for them (a read that fails is left to its user). */
  prefetchConsistent(keys: readonly Key[]): void {
    for (const key of keys) this.loadConsistent(key).catch(() => undefined);
  }
}

/** The per-request item loader (see ItemLoader). */
export function createItemLoader(store: Store): ItemLoader {
  return new ItemLoader(store);
}

/** Strips the table's key attributes from an item, leaving the entity record. */
export function recordOf<T>(item: Record<string, unknown>): T {
  const { PK: _pk, SK: _sk, GSI1PK: _g1pk, GSI1SK: _g1sk, entity: _entity, ...rest } = item;
  return rest as T;
}
