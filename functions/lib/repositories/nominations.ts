import { indexKeysFor, indexPartition, timeSortKey, type Dimensions, type Key } from '../data/keys.js';
import type { ItemLoader } from '../data/loader.js';
import type { Store } from '../data/store.js';
import { EntityStore } from '../data/entityStore.js';
import type { Page, PageArgs } from '../data/pagination.js';
import type { NominationCategory, NominationStatus } from '../generated/graphql.js';

/** A nomination for recognition (先进队伍、典型人物、典型案例). */
export interface NominationRecord {
  id: string;
  category: NominationCategory;
  organizationId: string;
  organizationPath: string[];
  teamId: string | null;
  expertId: string | null;
  caseTitle: string | null;
  citation: string;
  status: NominationStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const indexKeys = (n: NominationRecord): Key[] =>
  indexKeysFor('NOMINATION', { org: n.organizationPath, category: n.category, status: n.status }, timeSortKey(n.createdAt, n.id));

/** Nominations, listed by organization subtree, category and status, newest first. */
export class NominationRepository extends EntityStore<NominationRecord> {
  constructor(store: Store, loader: ItemLoader) {
    super(store, loader, 'NOMINATION', indexKeys);
  }

  async list(
    filter: { organizationId: string; category?: NominationCategory | null; status?: NominationStatus | null },
    args: PageArgs,
  ): Promise<Page<NominationRecord>> {
    const dims: Dimensions<'NOMINATION'> = { org: filter.organizationId };
    if (filter.category) dims.category = filter.category;
    if (filter.status) dims.status = filter.status;
    return this.listIndex(indexPartition('NOMINATION', dims), args, { descending: true });
  }
}
