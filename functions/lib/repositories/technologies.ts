import { entityKey, indexKeysFor, indexPartition, indexSortKey, type Dimensions, type Key } from '../data/keys.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import { hydratePage, type Store, type WriteOp } from '../data/store.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { AppError, ErrorCode } from '../errors.js';
import type { TechnologyMaturity, TransferMode } from '../generated/graphql.js';

/** A technology of the technology pool (技术库) as stored; `organizationPath` is its organization's path (for the policy). */
export interface TechnologyRecord {
  id: string;
  title: string;
  description: string | null;
  organizationId: string;
  organizationPath: string[];
  ownerName: string | null;
  domains: string[];
  keywords: string[];
  maturity: TechnologyMaturity;
  transferModes: TransferMode[];
  regionCode: string;
  contactName: string | null;
  contactPhone: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Filters of `technologies`; every combination is one Query (regionCode is a sort-key prefix). */
export interface TechnologyFilter {
  domain?: string | null;
  maturity?: TechnologyMaturity | null;
  regionCode?: string | null;
}

/** The fields an update may change. */
export type TechnologyChanges = Partial<Omit<TechnologyRecord, 'id' | 'version' | 'createdAt' | 'updatedAt'>>;

type Indexed = Pick<TechnologyRecord, 'id' | 'domains' | 'maturity' | 'regionCode'>;
const indexKeys = (t: Indexed): Key[] => indexKeysFor('TECH', { domain: t.domains, maturity: t.maturity }, indexSortKey(t.regionCode, t.id));
const keyId = (k: Key) => `${k.PK}\u0000${k.SK}`;

/** The technology pool: main items and their filter index items, written together. */
export class TechnologyRepository {
  constructor(
    private readonly store: Store,
    private readonly loader: ItemLoader,
  ) {}

  /** The technology through the request's batching cache. */
  async get(id: string): Promise<TechnologyRecord | undefined> {
    const item = await this.loader.load(entityKey('TECH', id));
    return item ? recordOf<TechnologyRecord>(item) : undefined;
  }

  /** Strongly consistent read (before a conditional update). */
  async getFresh(id: string): Promise<TechnologyRecord | undefined> {
    const item = await this.store.get(entityKey('TECH', id));
    return item ? recordOf<TechnologyRecord>(item) : undefined;
  }

  /** One page of technologies matching every given filter, in region order (also used by need matching). */
  async list(filter: TechnologyFilter, args: PageArgs): Promise<Page<TechnologyRecord>> {
    const dims: Dimensions<'TECH'> = {};
    if (filter.domain) dims.domain = filter.domain;
    if (filter.maturity) dims.maturity = filter.maturity;
    const page = await this.store.queryPage({
      partition: indexPartition('TECH', dims),
      ...(filter.regionCode && { sortPrefix: filter.regionCode }),
      args,
    });
    return hydratePage(page, (item) => String(item.id), (id) => this.get(id));
  }

  /** The technology and its index items, atomically. */
  async create(record: TechnologyRecord): Promise<TechnologyRecord> {
    await this.store.transact([
      this.store.putNew({ ...entityKey('TECH', record.id), entity: 'TECH', ...record }),
      ...indexKeys(record).map((k) => this.store.put({ ...k, entity: 'TECH', id: record.id })),
    ]);
    this.loader.prime(entityKey('TECH', record.id), { ...record });
    return record;
  }

  /**
   * Applies `fields` if `current.version` is still current; index items follow the changed domains,
   * maturity and region in the same transaction, so a list never shows a stale or missing entry.
   */
  async update(current: TechnologyRecord, fields: TechnologyChanges, now: string): Promise<TechnologyRecord> {
    // Fields left undefined stay as they are (a plain spread would overwrite them with undefined).
    const changed = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const next = { ...current, ...changed } as TechnologyRecord;
    const before = new Map(indexKeys(current).map((k) => [keyId(k), k]));
    const after = new Map(indexKeys(next).map((k) => [keyId(k), k]));
    const ops: WriteOp[] = [this.store.updateVersioned(entityKey('TECH', current.id), current.version, fields, now)];
    for (const [id, k] of before) if (!after.has(id)) ops.push(this.store.delete(k));
    for (const [id, k] of after) if (!before.has(id)) ops.push(this.store.put({ ...k, entity: 'TECH', id: current.id }));
    await this.store.transact(ops);
    return this.reload(current.id);
  }

  /** Reads the item again with strong consistency (after a write) and refreshes the request cache. */
  private async reload(id: string): Promise<TechnologyRecord> {
    const item = await this.store.get(entityKey('TECH', id));
    if (!item) throw new AppError(ErrorCode.NOT_FOUND, `Technology ${id} not found`);
    this.loader.clear(entityKey('TECH', id)).prime(entityKey('TECH', id), item);
    return recordOf<TechnologyRecord>(item);
  }
}
