import { indexKeysFor, indexPartition, indexSortKey, type Dimensions, type Key } from '../data/keys.js';
import type { ItemLoader } from '../data/loader.js';
import type { Store } from '../data/store.js';
import { EntityStore } from '../data/entityStore.js';
import type { Page, PageArgs } from '../data/pagination.js';
import type { HostKind, WorkstationKind } from '../generated/graphql.js';

/** A workstation as stored. */
export interface WorkstationRecord {
  id: string;
  kind: WorkstationKind;
  name: string;
  host: { kind: HostKind; name: string };
  regionCode: string;
  organizationId: string;
  organizationPath: string[];
  residentExpertIds: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

const indexKeys = (w: WorkstationRecord): Key[] => indexKeysFor('WORKSTATION', { kind: w.kind }, indexSortKey(w.regionCode, w.id));

/** Workstations (院士专家工作站, 学会服务站, 科技专家服务站), listed by kind and region subtree. */
export class WorkstationRepository extends EntityStore<WorkstationRecord> {
  constructor(store: Store, loader: ItemLoader) {
    super(store, loader, 'WORKSTATION', indexKeys);
  }

  async list(filter: { kind?: WorkstationKind | null; regionCode?: string | null }, args: PageArgs): Promise<Page<WorkstationRecord>> {
    const dims: Dimensions<'WORKSTATION'> = filter.kind ? { kind: filter.kind } : {};
    return this.listIndex(indexPartition('WORKSTATION', dims), args, { sortPrefix: filter.regionCode });
  }
}
