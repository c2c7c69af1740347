import { ENTITY_TYPE_NAMES, entityKey, type EntityType, type Key } from './keys.js';
import { recordOf, type ItemLoader } from './loader.js';
import { hydratePage, type KeyPage, type Store, type WriteOp } from './store.js';
import type { Page, PageArgs } from './pagination.js';
import { AppError, ErrorCode } from '../errors.js';

const keyId = (k: Key) => `${k.PK}\u0000${k.SK}`;

/**
 * The persistence every indexed entity shares: its main item and its index items written together,
 * versioned updates that move index items in the same transaction, reads through the request's
 * DataLoader, and strongly consistent reloads after a write.
 */
export class EntityStore<T extends { id: string; version: number }> {
  constructor(
    readonly store: Store,
    protected readonly loader: ItemLoader,
    private readonly type: EntityType,
    /** Every index key the record is listed under (see keys.ts). */
    private readonly indexKeysOf: (record: T) => Key[],
    /** What an index item holds besides its key (by default the entity type and id). */
    private readonly indexItemOf: (key: Key, record: T) => Record<string, unknown> = (key, record) => ({ ...key, entity: type, id: record.id }),
  ) {}

  /** The record through the request's batching cache. */
  async get(id: string): Promise<T | undefined> {
    const item = await this.loader.load(entityKey(this.type, id));
    return item ? recordOf<T>(item) : undefined;
  }

  /** The record through the request's batching cache, or NOT_FOUND naming `field`. */
  async require(id: string, field = 'id'): Promise<T> {
    const record = await this.get(id);
    if (!record) throw new AppError(ErrorCode.NOT_FOUND, `${ENTITY_TYPE_NAMES[this.type]} ${id} not found`, { field });
    return record;
  }

  /**
   * Strongly consistent read through the request's batching cache: batched with the tick's other reads, and shared by
   * later calls in the request (a query that must not show a stale record; before a conditional update use getFresh).
   */
  async getConsistent(id: string): Promise<T | undefined> {
    const item = await this.loader.loadConsistent(entityKey(this.type, id));
    return item ? recordOf<T>(item) : undefined;
  }

  /** Strongly consistent read on its own (before a conditional update). */
  async getFresh(id: string): Promise<T | undefined> {
    const item = await this.store.get(entityKey(this.type, id));
    return item ? recordOf<T>(item) : undefined;
  }

  /** Strongly consistent read of a record that must exist: NOT_FOUND naming `field` otherwise. */
  async requireFresh(id: string, field = 'id'): Promise<T> {
    const record = await this.getFresh(id);
    if (!record) throw new AppError(ErrorCode.NOT_FOUND, `${ENTITY_TYPE_NAMES[this.type]} ${id} not found`, { field });
    return record;
  }

  /** Reads again with strong consistency after a write and refreshes the request cache. */
  async reload(id: string): Promise<T> {
    const key = entityKey(this.type, id);
    const item = await this.store.get(key);
    if (!item) throw new AppError(ErrorCode.NOT_FOUND, `${ENTITY_TYPE_NAMES[this.type]} ${id} not found`);
    this.loader.clear(key).prime(key, item);
    return recordOf<T>(item);
  }

  /** Writes of a new record: the main item (must not exist) and its index items. */
  createOps(record: T): WriteOp[] {
    return [
      this.store.putNew({ ...entityKey(this.type, record.id), entity: this.type, ...record }),
      ...this.indexKeysOf(record).map((k) => this.store.put(this.indexItemOf(k, record))),
    ];
  }

  /** Creates the record with its index items (and the caller's extra writes, e.g. guards), atomically. */
  async create(record: T, extra: WriteOp[] = []): Promise<T> {
    await this.store.transact([...this.createOps(record), ...extra]);
    this.loader.prime(entityKey(this.type, record.id), { ...record });
    return record;
  }

  /**
   * Writes of a versioned update: the fields set (null removes, undefined keeps), `version` bumped
   * on the condition that it is still `current.version`, index items that no longer apply deleted
   * and new ones put (and kept ones whose content changed put again). Returns the record as it will be.
   */
  updateOps(current: T, fields: Partial<T>, now: string): { ops: WriteOp[]; next: T } {
    const changed = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
    const next: T = { ...current, ...changed };
    const before = new Map(this.indexKeysOf(current).map((k) => [keyId(k), k]));
    const after = new Map(this.indexKeysOf(next).map((k) => [keyId(k), k]));
    const ops: WriteOp[] = [this.store.updateVersioned(entityKey(this.type, current.id), current.version, fields, now)];
    for (const [id, k] of before) if (!after.has(id)) ops.push(this.store.delete(k));
    for (const [id, k] of after) {
      // A kept key is written again only when what its item holds changed (a search term's weight).
      const item = this.indexItemOf(k, next);
      if (!before.has(id) || JSON.stringify(item) !== JSON.stringify(this.indexItemOf(k, current))) ops.push(this.store.put(item));
    }
    return { ops, next };
  }

  /** Applies a versioned update (and the caller's extra writes) atomically, then reloads. */
  async update(current: T, fields: Partial<T>, now: string, extra: WriteOp[] = []): Promise<T> {
    await this.store.transact([...this.updateOps(current, fields, now).ops, ...extra]);
    return this.reload(current.id);
  }

  /** A page of records listed under an index partition (optionally a region subtree by sort-key prefix). */
  async listIndex(partition: string, args: PageArgs, options: { sortPrefix?: string | null; descending?: boolean } = {}): Promise<Page<T>> {
    return this.hydrate(
      await this.store.queryPage({
        partition,
        args,
        ...(options.sortPrefix && { sortPrefix: options.sortPrefix }),
        ...(options.descending && { descending: true }),
      }),
    );
  }

  /** Records of a page of index items, loaded in one BatchGetItem. */
  hydrate(page: KeyPage): Promise<Page<T>> {
    return hydratePage(
      page,
      (item) => String(item.id),
      (id) => this.get(id),
    );
  }
}
