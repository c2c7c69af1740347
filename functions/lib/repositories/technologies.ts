import { indexKeysFor, indexPartition, indexSortKey, type Dimensions, type Key } from '../data/keys.js';
import type { ItemLoader } from '../data/loader.js';
import { withTermItems } from './search.js';
import type { WeightedTerm } from '../domain/text.js';
import type { Store } from '../data/store.js';
import { EntityStore } from '../data/entityStore.js';
import type { Page, PageArgs } from '../data/pagination.js';
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
  /** Search terms of the title, keywords and description (term items); absent on records written before search. */
  searchTerms?: WeightedTerm[];
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

/** The technology pool: main items and their filter index items, written together. */
export class TechnologyRepository extends EntityStore<TechnologyRecord> {
  constructor(store: Store, loader: ItemLoader) {
    const index = withTermItems<TechnologyRecord>('TECH', indexKeys);
    super(store, loader, 'TECH', index.keys, index.item);
  }

  /** One page of technologies matching every given filter, in region order (also used by need matching). */
  async list(filter: TechnologyFilter, args: PageArgs): Promise<Page<TechnologyRecord>> {
    const dims: Dimensions<'TECH'> = {};
    if (filter.domain) dims.domain = filter.domain;
    if (filter.maturity) dims.maturity = filter.maturity;
    return this.listIndex(indexPartition('TECH', dims), args, { sortPrefix: filter.regionCode });
  }
}
