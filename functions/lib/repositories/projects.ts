import { indexKeysFor, indexPartition, indexSortKey, type Dimensions, type Key } from '../data/keys.js';
import type { ItemLoader } from '../data/loader.js';
import { withTermItems } from './search.js';
import type { WeightedTerm } from '../domain/text.js';
import type { Store } from '../data/store.js';
import { EntityStore } from '../data/entityStore.js';
import type { Page, PageArgs } from '../data/pagination.js';
import type { Action, ProjectStatus } from '../generated/graphql.js';

/** A service project of the project pool (项目库) as stored; `organizationPath` is its organization's path. */
export interface ProjectRecord {
  id: string;
  title: string;
  description: string | null;
  organizationId: string;
  organizationPath: string[];
  action: Action;
  regionCode: string;
  status: ProjectStatus;
  needIds: string[];
  expertIds: string[];
  teamId: string | null;
  /** ISO dates (YYYY-MM-DD). */
  startDate: string | null;
  endDate: string | null;
  /** Search terms of the title, keywords and description (term items); absent on records written before search. */
  searchTerms?: WeightedTerm[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Filters of `projects`; `organizationId` matches the organization's subtree, `regionCode` the region's. */
export interface ProjectFilter {
  organizationId?: string | null;
  action?: Action | null;
  status?: ProjectStatus | null;
  regionCode?: string | null;
}

/** The fields an update may change. */
export type ProjectChanges = Partial<Omit<ProjectRecord, 'id' | 'version' | 'createdAt' | 'updatedAt'>>;

// The org dimension holds every id of the organization's path, so a filter on an organization lists its subtree.
type Indexed = Pick<ProjectRecord, 'id' | 'organizationPath' | 'action' | 'status' | 'regionCode'>;
const indexKeys = (p: Indexed): Key[] =>
  indexKeysFor('PROJECT', { org: p.organizationPath, action: p.action, status: p.status }, indexSortKey(p.regionCode, p.id));

/** The project pool: main items and their filter index items, written together. */
export class ProjectRepository extends EntityStore<ProjectRecord> {
  constructor(store: Store, loader: ItemLoader) {
    const index = withTermItems<ProjectRecord>('PROJECT', indexKeys);
    super(store, loader, 'PROJECT', index.keys, index.item);
  }

  /** One page of projects matching every given filter, in region order. */
  async list(filter: ProjectFilter, args: PageArgs): Promise<Page<ProjectRecord>> {
    const dims: Dimensions<'PROJECT'> = {};
    if (filter.organizationId) dims.org = filter.organizationId;
    if (filter.action) dims.action = filter.action;
    if (filter.status) dims.status = filter.status;
    return this.listIndex(indexPartition('PROJECT', dims), args, { sortPrefix: filter.regionCode });
  }
}
