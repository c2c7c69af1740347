import { guardKey, indexKeysFor, indexPartition, indexSortKey, type Dimensions } from '../data/keys.js';
import type { ItemLoader } from '../data/loader.js';
import { withTermItems } from './search.js';
import type { WeightedTerm } from '../domain/text.js';
import type { Store, WriteOp } from '../data/store.js';
import { EntityStore } from '../data/entityStore.js';
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
  /** Search terms of the name (with its pinyin) and description (term items); absent on records written before search. */
  searchTerms?: WeightedTerm[];
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

const indexKeys = (o: Pick<OrganizationRecord, 'id' | 'kind' | 'level' | 'parentId' | 'regionCode' | 'path'>) =>
  indexKeysFor('ORG', { kind: o.kind, level: o.level, parent: o.parentId, ancestor: o.path }, indexSortKey(o.regionCode, o.id));

/** Organizations: main items, their filter index items, and the one-association-per-region guard. */
export class OrganizationRepository extends EntityStore<OrganizationRecord> {
  constructor(store: Store, loader: ItemLoader) {
    const index = withTermItems<OrganizationRecord>('ORG', indexKeys);
    super(store, loader, 'ORG', index.keys, index.item);
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
    return this.listIndex(indexPartition('ORG', dims), args, { sortPrefix: filter.regionCode });
  }

  /** Ids of every organization in a subtree (the organization included), page by page. */
  async subtreeIds(organizationId: string): Promise<string[]> {
    return (await this.store.queryAll({ partition: indexPartition('ORG', { ancestor: organizationId }) })).map((item) => String(item.id));
  }

  /** Ids of an organization's direct children, every page. */
  async childIds(organizationId: string): Promise<string[]> {
    return (await this.store.queryAll({ partition: indexPartition('ORG', { parent: organizationId }) })).map((item) => String(item.id));
  }

  /** Writes of a new organization: its item, its index items and, for an association, the one-per-region guard. */
  override createOps(record: OrganizationRecord): WriteOp[] {
    const guards =
      record.kind === 'ASSOCIATION'
        ? [
            this.store.putNew(
              { ...guardKey('ASSOCIATION_REGION', record.regionCode), ownerId: record.id },
              () => new AppError(ErrorCode.CONFLICT, `Region ${record.regionCode} already has an association`, { field: 'regionCode' }),
            ),
          ]
        : [];
    return [...super.createOps(record), ...guards];
  }
}
