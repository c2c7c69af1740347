import { entityKey, guardKey, indexKeysFor, indexPartition, indexSortKey, type Dimensions } from '../data/keys.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import { hydratePage, type Store, type WriteOp } from '../data/store.js';
import type { PageArgs, Page } from '../data/pagination.js';
import type { RegionLevel } from '../regions/index.js';
import { AppError, ErrorCode } from '../errors.js';

export type OrganizationKind = 'ASSOCIATION' | 'SOCIETY' | 'UNIVERSITY_ASSOCIATION' | 'ENTERPRISE_ASSOCIATION' | 'PARK_ASSOCIATION';

/** An organization as stored. `path` lists the ids from the root association down to this one. */
export interface OrganizationRecord {
  id: string;
  name: string;
  kind: OrganizationKind;
  level: RegionLevel;
  regionCode: string;
  parentId: string | null;
  path: string[];
  contactName: string | null;
  contactPhone: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface OrganizationFilter {
  kind?: OrganizationKind | null;
  level?: RegionLevel | null;
  regionCode?: string | null;
  parentId?: string | null;
}

const indexKeys = (o: Pick<OrganizationRecord, 'id' | 'kind' | 'level' | 'parentId' | 'regionCode'>) =>
  indexKeysFor('ORG', { kind: o.kind, level: o.level, parent: o.parentId }, indexSortKey(o.regionCode, o.id));

/** Organizations: main items, their filter index items, and the one-association-per-region guard. */
export class OrganizationRepository {
  constructor(
    private readonly store: Store,
    private readonly loader: ItemLoader,
  ) {}

  async get(id: string): Promise<OrganizationRecord | undefined> {
    const item = await this.loader.load(entityKey('ORG', id));
    return item ? recordOf<OrganizationRecord>(item) : undefined;
  }

  /** The association of a region, through its guard item (GetItem, strongly consistent). */
  async getAssociationIdOfRegion(regionCode: string): Promise<string | undefined> {
    const guard = await this.store.get(guardKey('ASSOCIATION_REGION', regionCode));
    return typeof guard?.ownerId === 'string' ? guard.ownerId : undefined;
  }

  /** One page of organizations matching every given filter, in region-code order. */
  async list(filter: OrganizationFilter, args: PageArgs): Promise<Page<OrganizationRecord>> {
    const dims: Dimensions<'ORG'> = {};
    if (filter.kind) dims.kind = filter.kind;
    if (filter.level) dims.level = filter.level;
    if (filter.parentId) dims.parent = filter.parentId;
    const page = await this.store.queryPage({
      partition: indexPartition('ORG', dims),
      ...(filter.regionCode && { sortPrefix: filter.regionCode }),
      args,
    });
    return hydratePage(page, (item) => String(item.id), (id) => this.get(id));
  }

  /** Writes a new organization with its index items (and the region guard for an association), atomically. */
  async create(record: OrganizationRecord): Promise<OrganizationRecord> {
    const ops: WriteOp[] = [
      this.store.putNew({ ...entityKey('ORG', record.id), entity: 'ORG', ...record }),
      ...indexKeys(record).map((k) => this.store.put({ ...k, entity: 'ORG', id: record.id })),
    ];
    if (record.kind === 'ASSOCIATION') {
      ops.push(
        this.store.putNew({ ...guardKey('ASSOCIATION_REGION', record.regionCode), ownerId: record.id }, () =>
          new AppError(ErrorCode.CONFLICT, `Region ${record.regionCode} already has an association`, { field: 'regionCode' }),
        ),
      );
    }
    await this.store.transact(ops);
    this.loader.prime(entityKey('ORG', record.id), { ...record });
    return record;
  }

  /** Changes the mutable fields if `version` is current (name, contact); index keys do not change. */
  async update(
    id: string,
    version: number,
    fields: Partial<Pick<OrganizationRecord, 'name' | 'contactName' | 'contactPhone'>>,
    now: string,
  ): Promise<OrganizationRecord> {
    await this.store.transact([this.store.updateVersioned(entityKey('ORG', id), version, fields, now)]);
    return this.reload(id);
  }

  /** Reads the item again with strong consistency (after a write) and refreshes the request cache. */
  private async reload(id: string): Promise<OrganizationRecord> {
    const item = await this.store.get(entityKey('ORG', id));
    if (!item) throw new AppError(ErrorCode.NOT_FOUND, `Organization ${id} not found`);
    this.loader.clear(entityKey('ORG', id)).prime(entityKey('ORG', id), item);
    return recordOf<OrganizationRecord>(item);
  }
}
