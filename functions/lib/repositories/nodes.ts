import { entityKey, isMainItem, type EntityType } from '../data/keys.js';
import type { ItemLoader } from '../data/loader.js';

/**
 * Which entity an id belongs to. Ids are not type-prefixed, so the id is read under every entity type's key
 * shape at once through the request's loader (one BatchGetItem per 100 keys); the item found stays in the
 * request's cache, so the type's own read that follows costs no second round trip.
 */
export class NodeRepository {
  constructor(private readonly loader: ItemLoader) {}

  /** For each id, the first of `types` whose main item exists under it, or undefined. */
  async entityTypesOf<T extends EntityType>(ids: readonly string[], types: readonly T[]): Promise<Array<T | undefined>> {
    const items = await Promise.all(ids.map((id) => Promise.all(types.map((type) => this.loader.load(entityKey(type, id))))));
    return items.map((found) => types.find((type, i) => isMainItem(type, found[i])));
  }
}
