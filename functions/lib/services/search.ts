import type { ServiceContext } from './context.js';
import { allows, needListingScope, withinNeedListingScope, type NeedListingScope } from '../auth/policy.js';
import { AppError, ErrorCode, badInput } from '../errors.js';
import { pageSize, type Page, type PageArgs } from '../data/pagination.js';
import { requireRegion } from '../regions/index.js';
import { highlight, rankHits, textAnalyzer, type RankedHit, type TextAnalyzer } from '../domain/text.js';
import type { SearchEntityType } from '../repositories/search.js';
import type { NeedRecord } from '../repositories/needs.js';
import type { ExpertRecord } from '../repositories/experts.js';
import type { TechnologyRecord } from '../repositories/technologies.js';
import type { ProjectRecord } from '../repositories/projects.js';
import type { OrganizationRecord } from '../repositories/organizations.js';
import type { TeamRecord } from '../repositories/teams.js';
import type { SearchType } from '../generated/graphql.js';
import { requireText } from './inputs.js';
import { needScope } from './scopes.js';

/** A highlighted field of a hit. */
export interface SearchHighlightModel {
  field: string;
  text: string;
}

/** One search hit: the record found, its relevance, the query terms it matched and its highlighted fields. */
export interface SearchHitModel {
  node: SearchRecord;
  score: number;
  matchedTerms: string[];
  highlights: SearchHighlightModel[];
}

/** Whatever a search returns. */
export type SearchRecord = NeedRecord | ExpertRecord | TechnologyRecord | ProjectRecord | OrganizationRecord | TeamRecord;

const ENTITY_OF: Record<SearchType, SearchEntityType> = {
  NEED: 'NEED',
  EXPERT: 'EXPERT',
  TECHNOLOGY: 'TECH',
  PROJECT: 'PROJECT',
  ORGANIZATION: 'ORG',
  TEAM: 'TEAM',
};
const ALL_TYPES = Object.keys(ENTITY_OF) as SearchType[];

/** Most characters of a query. */
const MAX_QUERY_LENGTH = 100;

// The cursor is the position in the ranked candidates after the last hit returned. It needs no signature: a forged
// one only skips candidates, and every candidate is checked against the caller's visibility again.
const encodeCursor = (position: number) => Buffer.from(`search:${position}`).toString('base64url');
function decodeCursor(cursor: string | null | undefined): number {
  if (!cursor) return 0;
  const match = /^search:(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badInput('after', 'Malformed cursor');
  return Number(match[1]);
}

/** Full-text search over needs and experts, within what the caller may read through the lists. */
export class SearchService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Hits best first: one Query per query term (term items, region subtree by sort-key prefix), ranked in memory,
   * then the records of the page's candidates read in one BatchGetItem per round and kept only when the caller
   * may list them (needs: the `needs` scope of the policy and `need.read`; experts: `expert.read`).
   */
  async search(
    query: string,
    types: readonly SearchType[] | null | undefined,
    regionCode: string | null | undefined,
    args: PageArgs,
  ): Promise<Page<SearchHitModel>> {
    const { principal, repos } = this.ctx;
    if (principal.kind === 'ANONYMOUS') throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to search');
    const q = requireText(query, 'query', MAX_QUERY_LENGTH);
    const region = regionCode ? requireRegion(regionCode).code : null;
    const first = pageSize(args.first);
    const start = decodeCursor(args.after);
    const wanted = [...new Set(types && types.length > 0 ? types : ALL_TYPES)].map((t) => ENTITY_OF[t]);
    const needs = needListingScope(principal);
    const readable = wanted.filter((t) => (t === 'NEED' ? this.mayListNeeds(needs) : this.mayList(t)));
    const text = await textAnalyzer();
    const terms = text.queryTerms(q);
    if (terms.length === 0 || readable.length === 0) return { items: [], hasNextPage: false };
    const ranked = rankHits(await repos.search.hits(terms, readable, region));

    const items: Page<SearchHitModel>['items'] = [];
    let hasNextPage = false;
    let position = start;
    while (position < ranked.length && !hasNextPage) {
      const round = ranked.slice(position, position + first + 1 - items.length);
      // The loads of one round go out together: the request's DataLoader sends them as one BatchGetItem.
      const records = await Promise.all(round.map((hit) => this.visible(hit, needs)));
      for (const [i, record] of records.entries()) {
        if (!record) continue;
        if (items.length === first) {
          hasNextPage = true;
          break;
        }
        items.push({ node: this.toHit(round[i] as RankedHit<SearchEntityType>, record, text), cursor: encodeCursor(position + i + 1) });
      }
      position += round.length;
    }
    return { items, hasNextPage };
  }

  /** Whether the caller may list experts, technologies and projects, teams (as their lists ask), organizations (public). */
  private mayList(type: Exclude<SearchEntityType, 'NEED'>): boolean {
    const { principal } = this.ctx;
    if (type === 'ORG') return true;
    return allows(principal, type === 'EXPERT' ? { type: 'expert.read' } : type === 'TEAM' ? { type: 'team.read' } : { type: 'pool.read' });
  }

  /** Whether the caller may list needs at all (a published-needs caller is asked as `needs` asks it). */
  private mayListNeeds(scope: NeedListingScope): boolean {
    return scope.kind !== 'PUBLISHED' || allows(this.ctx.principal, { type: 'needs.listPublished', status: 'OPEN' });
  }

  /** The record of a candidate when the caller may see it through the lists, else undefined. */
  private async visible(hit: RankedHit<SearchEntityType>, scope: NeedListingScope): Promise<SearchRecord | undefined> {
    const { principal, repos } = this.ctx;
    // Experts, technologies, projects, organizations and teams are read by every signed-in caller (checked above).
    if (hit.type === 'EXPERT') return repos.experts.get(hit.id);
    if (hit.type === 'TECH') return repos.technologies.get(hit.id);
    if (hit.type === 'PROJECT') return repos.projects.get(hit.id);
    if (hit.type === 'ORG') return repos.organizations.get(hit.id);
    if (hit.type === 'TEAM') return repos.teams.get(hit.id);
    const need = await repos.needs.get(hit.id);
    return need && allows(principal, { type: 'need.read', need: needScope(need) }) && withinNeedListingScope(scope, need) ? need : undefined;
  }

  private toHit(hit: RankedHit<SearchEntityType>, record: SearchRecord, text: TextAnalyzer): SearchHitModel {
    const mark = (field: string, value: string | null | undefined): SearchHighlightModel[] => {
      const marked = value ? highlight(value, text.normalize(value), hit.matchedTerms) : null;
      return marked ? [{ field, text: marked }] : [];
    };
    const titled = (r: NeedRecord | TechnologyRecord | ProjectRecord) => [
      ...mark('title', r.title),
      ...('keywords' in r ? mark('keywords', r.keywords.join('、')) : []),
      ...mark('description', r.description),
    ];
    // A name found by pinyin or initials is marked whole, one found by its words word by word.
    const name = (n: string) =>
      text.nameTerms(n).some((t) => /^[a-z]+$/.test(t) && hit.matchedTerms.includes(t)) ? [{ field: 'name', text: `【${n}】` }] : mark('name', n);
    const fields =
      'path' in record
        ? name(record.name)
        : 'memberCount' in record
          ? [...name(record.name), ...mark('description', record.description)]
          : 'name' in record
            ? [...name(record.name), ...mark('keywords', record.keywords.join('、')), ...mark('affiliation', record.affiliation), ...mark('bio', record.bio)]
            : titled(record);
    return { node: record, score: hit.score, matchedTerms: hit.matchedTerms, highlights: fields };
  }
}
