import { isTermKey, keyString, termKey, termPartition, type EntityType, type Key } from '../data/keys.js';
import type { Store } from '../data/store.js';
import type { WeightedTerm } from '../domain/text.js';

/** Entity types found by search. */
export type SearchEntityType = Extract<EntityType, 'NEED' | 'EXPERT' | 'TECH' | 'PROJECT' | 'ORG' | 'TEAM'>;

/** What an entity keeps for search: the weighted terms its service computed from its text when it was written. */
export interface Searchable {
  id: string;
  createdAt: string;
  /** Absent on entities written before search existed (the backfill script adds them). */
  searchTerms?: WeightedTerm[];
}

/** Most term items read per query term (one Query of 101 items): the best hits of a very common term may be cut. */
export const MAX_HITS_PER_TERM = 100;

/** The term items of an entity: one per search term, under its region (see keys.ts). */
export const termKeysOf = (type: SearchEntityType, record: Searchable, regionCode: string | null): Key[] =>
  (record.searchTerms ?? []).map((t) => termKey(t.term, regionCode, type, record.id));

/**
 * The term item for one of `termKeysOf`' keys: the entity's type and id, the term's weight and the entity's
 * creation time (ranking reads only term items). Undefined for a key that is not one of the entity's term items.
 */
export function termItemOf(type: SearchEntityType, key: Key, record: Searchable, regionCode: string | null): Record<string, unknown> | undefined {
  const wanted = keyString(key);
  const term = (record.searchTerms ?? []).find((t) => keyString(termKey(t.term, regionCode, type, record.id)) === wanted);
  return term && { ...key, entity: type, id: record.id, term: term.term, weight: term.weight, createdAt: record.createdAt };
}

/** One entity indexed under one query term. */
export interface TermHit {
  type: SearchEntityType;
  id: string;
  term: string;
  weight: number;
  createdAt: string;
}

/** Reads term items: one Query per query term, never more. */
export class SearchRepository {
  constructor(private readonly store: Store) {}

  /** The entities of the given types indexed under each term, within a region subtree when given. */
  async hits(terms: readonly string[], types: readonly SearchEntityType[], regionPrefix: string | null): Promise<TermHit[]> {
    const pages = await Promise.all(
      terms.map((term) =>
        this.store.queryPage({ partition: termPartition(term), ...(regionPrefix && { sortPrefix: regionPrefix }), args: { first: MAX_HITS_PER_TERM } }),
      ),
    );
    return pages.flatMap((page) =>
      page.keys
        .map(({ item }) => ({
          type: String(item.entity) as SearchEntityType,
          id: String(item.id),
          term: String(item.term),
          weight: Number(item.weight),
          createdAt: String(item.createdAt),
        }))
        .filter((h) => types.includes(h.type)),
    );
  }
}

/**
 * The index of an entity with a region: its filter index items and its term items (both under its region), and
 * what each item holds (a term item its weight; a filter index item what `filterItem` says, by default type and id).
 */
export function withTermItems<R extends Searchable & { regionCode: string }>(
  type: SearchEntityType,
  filterKeys: (record: R) => Key[],
  filterItem: (key: Key, record: R) => Record<string, unknown> = (key, record) => ({ ...key, entity: type, id: record.id }),
) {
  return {
    keys: (record: R): Key[] => [...filterKeys(record), ...termKeysOf(type, record, record.regionCode)],
    item: (key: Key, record: R): Record<string, unknown> =>
      (isTermKey(key) ? termItemOf(type, key, record, record.regionCode) : undefined) ?? filterItem(key, record),
  };
}
