import { BATCH_GET_LIMIT } from '../data/store.js';
import { rankExperts } from '../domain/matching.js';
import { isChineseText } from '../domain/locale.js';
import { simplifier } from '../domain/text.js';
import { regionLineage } from '../regions/index.js';
import type { Repositories } from '../repositories/index.js';
import type { ExpertRecord } from '../repositories/experts.js';
import type { NeedMatchRecord, NeedRecord } from '../repositories/needs.js';

/** How many matches a need keeps. */
export const MATCH_LIMIT = 20;
/** Candidates read per domain from the mainland rings, and per domain from Hong Kong and from Macao. */
export const CANDIDATES_PER_DOMAIN = 100;
export const CROSS_BORDER_CANDIDATES = 30;

/** The most candidates one of a need's domains can bring: the mainland quota and both cross-border quotas. */
const MAX_CANDIDATES_PER_DOMAIN = CANDIDATES_PER_DOMAIN + 2 * CROSS_BORDER_CANDIDATES;

/**
 * Candidates from the expert index by domain: the nearest 100 per domain from the rings around the need's region
 * (township, county, city, province), plus up to 30 Hong Kong (81) and 30 Macao (82) experts of the domain. Every ring
 * is read at once, each Query limited, and the experts are read in a number of BatchGetItems set by the need's domains
 * (`candidateReads`): the requests depend on the need, never on the size of the talent pool.
 */
export async function findCandidates(repos: Pick<Repositories, 'experts'>, need: Pick<NeedRecord, 'domains' | 'regionCode'>): Promise<ExpertRecord[]> {
  const rings = regionLineage(need.regionCode).map((r) => r.code);
  const ids = new Set<string>();
  const perDomain = await Promise.all(
    need.domains.map(async (domain) => {
      const [mainland, crossBorder] = await Promise.all([
        Promise.all(rings.map((ring) => repos.experts.idsByDomain(domain, ring, CANDIDATES_PER_DOMAIN))),
        Promise.all(['81', '82'].map((sar) => repos.experts.idsByDomain(domain, sar, CROSS_BORDER_CANDIDATES))),
      ]);
      // Nearest ring first, up to the quota: a wider ring repeats the narrower one's experts.
      const found = new Set<string>();
      for (const id of mainland.flat()) {
        if (found.size >= CANDIDATES_PER_DOMAIN) break;
        found.add(id);
      }
      return [...found, ...crossBorder.flat()];
    }),
  );
  for (const id of perDomain.flat()) ids.add(id);
  const experts = await repos.experts.getMany([...ids], candidateReads(need.domains.length));
  return experts.filter((e): e is ExpertRecord => e !== undefined);
}

/** BatchGetItems that read a need's candidates: enough for the most its domains can bring, 100 keys per request at most. */
export const candidateReads = (domains: number): number => Math.max(1, Math.ceil((domains * MAX_CANDIDATES_PER_DOMAIN) / BATCH_GET_LIMIT));

/** Scores the candidates, stores the top matches (idempotent by rank) and returns them. */
export async function matchAndStore(repos: Pick<Repositories, 'experts' | 'needs'>, need: NeedRecord, limit = MATCH_LIMIT): Promise<NeedMatchRecord[]> {
  const candidates = await findCandidates(repos, need);
  // Keywords an expert wrote in Traditional (龍眼) are compared in Simplified, as the need's terms are (龙眼).
  const simplify = candidates.some((e) => e.keywords.some(isChineseText)) ? await simplifier() : null;
  const comparable = simplify ? candidates.map((e) => ({ ...e, keywords: e.keywords.map(simplify) })) : candidates;
  const ranked = rankExperts(need, comparable, limit).map((m) => ({
    needId: need.id,
    expertId: m.expert.id,
    score: m.score,
    rank: m.rank,
    reasons: m.reasons,
    ...(m.expert.partnerId && { partnerId: m.expert.partnerId }),
  }));
  await repos.needs.putMatches(need, ranked);
  return ranked;
}
