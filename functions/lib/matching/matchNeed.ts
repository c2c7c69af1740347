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

/**
 * Candidates from the expert index by domain, in rings around the need's region (township, county,
 * city, province) until 100 are found per domain, plus Hong Kong (81) and Macao (82) experts of the
 * domain. The reads depend on the need's domains, not on the size of the talent pool.
 */
export async function findCandidates(repos: Pick<Repositories, 'experts'>, need: Pick<NeedRecord, 'domains' | 'regionCode'>): Promise<ExpertRecord[]> {
  const rings = regionLineage(need.regionCode).map((r) => r.code);
  const ids = new Set<string>();
  await Promise.all(
    need.domains.map(async (domain) => {
      const found = new Set<string>();
      for (const ring of rings) {
        for (const id of await repos.experts.idsByDomain(domain, ring, CANDIDATES_PER_DOMAIN)) found.add(id);
        if (found.size >= CANDIDATES_PER_DOMAIN) break;
      }
      const crossBorder = await Promise.all(['81', '82'].map((sar) => repos.experts.idsByDomain(domain, sar, CROSS_BORDER_CANDIDATES)));
      for (const id of [...found, ...crossBorder.flat()]) ids.add(id);
    }),
  );
  const experts = await Promise.all([...ids].map((id) => repos.experts.get(id)));
  return experts.filter((e): e is ExpertRecord => e !== undefined);
}

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
