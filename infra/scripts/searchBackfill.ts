import { isMainItem, type EntityType } from '../../functions/lib/data/keys.js';
import { recordOf } from '../../functions/lib/data/loader.js';
import type { Store } from '../../functions/lib/data/store.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import { expertIndexedText, namedIndexedText, textAnalyzer, type IndexedText } from '../../functions/lib/domain/text.js';
import type { ExpertRecord } from '../../functions/lib/repositories/experts.js';
import type { NeedRecord } from '../../functions/lib/repositories/needs.js';
import type { TechnologyRecord } from '../../functions/lib/repositories/technologies.js';
import type { ProjectRecord } from '../../functions/lib/repositories/projects.js';
import type { OrganizationRecord } from '../../functions/lib/repositories/organizations.js';
import type { TeamRecord } from '../../functions/lib/repositories/teams.js';

type Searchable = 'NEED' | 'EXPERT' | 'TECH' | 'PROJECT' | 'ORG' | 'TEAM';

/** The text each searchable entity is indexed by (as its service indexes it when writing it). */
const TEXT_OF: Record<Searchable, (item: Record<string, unknown>) => IndexedText> = {
  NEED: (i) => recordOf<NeedRecord>(i),
  EXPERT: (i) => expertIndexedText(recordOf<ExpertRecord>(i)),
  TECH: (i) => recordOf<TechnologyRecord>(i),
  PROJECT: (i) => ({ ...recordOf<ProjectRecord>(i), keywords: [] }),
  ORG: (i) => namedIndexedText(recordOf<OrganizationRecord>(i).name),
  TEAM: (i) => namedIndexedText(recordOf<TeamRecord>(i).name, recordOf<TeamRecord>(i).description),
};
const TYPES = Object.keys(TEXT_OF) as Searchable[];

/**
 * Gives the main items among `items` that have no `searchTerms` their terms, with a versioned update of each
 * entity (its term items in the same transaction, as any update: the version is bumped, so a client editing
 * one meanwhile gets a CONFLICT and re-reads). Items of other kinds and records with terms are skipped, so a
 * second run writes nothing. Returns how many of each type were written.
 */
export async function backfillSearchTerms(
  store: Store,
  items: ReadonlyArray<Record<string, unknown>>,
  now: string,
): Promise<Partial<Record<EntityType, number>>> {
  const repos = createRepositories(store);
  const text = await textAnalyzer();
  const written: Partial<Record<EntityType, number>> = {};
  for (const item of items) {
    const type = TYPES.find((t) => isMainItem(t, item));
    if (!type || item.searchTerms !== undefined) continue;
    const searchTerms = text.indexTerms(TEXT_OF[type](item));
    const id = String(item.id);
    if (type === 'NEED') await repos.needs.update(await repos.needs.requireFresh(id), { searchTerms }, now);
    if (type === 'EXPERT') await repos.experts.update(await repos.experts.requireFresh(id), { searchTerms }, now);
    if (type === 'TECH') await repos.technologies.update(await repos.technologies.requireFresh(id), { searchTerms }, now);
    if (type === 'PROJECT') await repos.projects.update(await repos.projects.requireFresh(id), { searchTerms }, now);
    if (type === 'ORG') await repos.organizations.update(await repos.organizations.requireFresh(id), { searchTerms }, now);
    if (type === 'TEAM') await repos.teams.update(await repos.teams.requireFresh(id), { searchTerms }, now);
    written[type] = (written[type] ?? 0) + 1;
  }
  return written;
}
