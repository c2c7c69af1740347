import { getRegion } from '../regions/index.js';
import { domainTerm } from '../vocabulary.js';

/** What matching needs to know of a need. */
export interface MatchableNeed {
  domains: readonly string[];
  keywords: readonly string[];
  title: string;
  description: string;
  regionCode: string;
  languages: readonly string[];
  requester: { name: string; organizationId: string | null };
  /** The need's search terms (segmented title, keywords and description, in Simplified): absent on older needs. */
  searchTerms?: ReadonlyArray<{ term: string }>;
}

/** What matching needs to know of an expert. */
export interface MatchableExpert {
  id: string;
  domains: readonly string[];
  keywords: readonly string[];
  regionCode: string;
  serviceRegionCodes: readonly string[];
  origin: 'MAINLAND' | 'HONG_KONG' | 'MACAO';
  languages: readonly string[];
  availability: 'AVAILABLE' | 'LIMITED' | 'UNAVAILABLE';
  maxOpenAssignments: number;
  openAssignments?: number;
  affiliation: string | null;
  organizationId: string | null;
}

export type MatchFactor = 'DOMAIN' | 'KEYWORD' | 'REGION' | 'LANGUAGE' | 'CAPACITY' | 'AVAILABILITY';
export interface Reason {
  factor: MatchFactor;
  /** Contribution to the score (weight × factor value). */
  score: number;
  detail: string;
}

export type MatchResult = { eligible: true; score: number; reasons: Reason[] } | { eligible: false; excludedBecause: string };

/** Weights of the factors; they sum to 1, so a score is in [0, 1]. */
export const WEIGHTS: Record<MatchFactor, number> = { DOMAIN: 0.4, KEYWORD: 0.2, REGION: 0.25, LANGUAGE: 0.05, CAPACITY: 0.05, AVAILABILITY: 0.05 };

/** Region proximity: same township 1 > county 0.8 > city 0.6 > province 0.4 > Hong Kong/Macao expert willing to serve there 0.3. */
export const PROXIMITY = { TOWNSHIP: 1, COUNTY: 0.8, CITY: 0.6, PROVINCE: 0.4, CROSS_BORDER: 0.3 } as const;

const LEVELS: Array<[number, keyof typeof PROXIMITY]> = [
  [9, 'TOWNSHIP'],
  [6, 'COUNTY'],
  [4, 'CITY'],
  [2, 'PROVINCE'],
];

const norm = (s: string) => s.normalize('NFKC').trim().toLowerCase();
const round = (n: number) => Math.round(n * 10000) / 10000;
const regionName = (code: string) => getRegion(code)?.name ?? code;

/** The deepest level at which two mainland regions agree, as a proximity and its label. */
export function regionProximity(needRegion: string, expertRegion: string): { value: number; level: keyof typeof PROXIMITY | null } {
  for (const [length, level] of LEVELS) {
    if (needRegion.length >= length && expertRegion.length >= length && needRegion.slice(0, length) === expertRegion.slice(0, length)) {
      return { value: PROXIMITY[level], level };
    }
  }
  return { value: 0, level: null };
}

// Company-name suffixes that do not distinguish employers.
const SUFFIXES = /(股份有限公司|有限责任公司|有限公司|集团|公司|co\.?,? ?ltd\.?|limited|inc\.?)$/i;
const employer = (s: string) =>
  norm(s)
    .replace(/[\s()（）.,，·]/g, '')
    .replace(SUFFIXES, '');

/** An expert employed by the requesting enterprise (same organization, or the same employer name) may not serve it. */
export function isConflictOfInterest(need: MatchableNeed, expert: MatchableExpert): boolean {
  if (need.requester.organizationId && expert.organizationId === need.requester.organizationId) return true;
  if (!expert.affiliation) return false;
  const a = employer(expert.affiliation);
  return a.length > 0 && a === employer(need.requester.name);
}

function regionFactor(need: MatchableNeed, expert: MatchableExpert): { value: number; detail: string } {
  const crossBorder = expert.origin !== 'MAINLAND' || !expert.regionCode.startsWith('44');
  if (crossBorder) {
    // Hong Kong and Macao experts count only where they said they would serve.
    const covering = expert.serviceRegionCodes.find((code) => need.regionCode.startsWith(code));
    const who = expert.origin === 'MACAO' ? 'Macao' : 'Hong Kong';
    return covering
      ? { value: PROXIMITY.CROSS_BORDER, detail: `${who} expert willing to serve in ${regionName(covering)}` }
      : { value: 0, detail: `${who} expert not serving ${regionName(need.regionCode)}` };
  }
  let best = { value: 0, detail: `based in ${regionName(expert.regionCode)}, far from ${regionName(need.regionCode)}` };
  for (const code of [expert.regionCode, ...expert.serviceRegionCodes]) {
    const { value, level } = regionProximity(need.regionCode, code);
    if (value > best.value && level) {
      const how = code === expert.regionCode ? 'based in' : 'serves';
      best = { value, detail: `${how} ${regionName(code)}: same ${level.toLowerCase()} as ${regionName(need.regionCode)}` };
    }
  }
  return best;
}

/**
 * An expert's keywords the need shares: among its keywords, in its title or description, or among the terms its
 * text was segmented into (Simplified, so a need written in Traditional shares 龙眼 with an expert's 龙眼).
 */
export function sharedKeywords(need: MatchableNeed, expert: Pick<MatchableExpert, 'keywords'>): string[] {
  const needTerms = need.keywords.map(norm).filter(Boolean);
  const text = norm(`${need.title} ${need.description}`);
  const segmented = new Set((need.searchTerms ?? []).map((t) => t.term));
  return expert.keywords.filter((k) => {
    const kw = norm(k);
    if (kw.length < 2) return false;
    return needTerms.some((t) => t === kw || (t.length >= 2 && (t.includes(kw) || kw.includes(t)))) || text.includes(kw) || segmented.has(kw);
  });
}

/**
 * Scores an expert for a need: deterministic, in [0, 1], with one reason per factor. Experts with a
 * conflict of interest, no availability or no free capacity are excluded, with the reason.
 */
export function score(need: MatchableNeed, expert: MatchableExpert): MatchResult {
  if (isConflictOfInterest(need, expert)) return { eligible: false, excludedBecause: 'conflict of interest: employed by the requester' };
  if (expert.availability === 'UNAVAILABLE') return { eligible: false, excludedBecause: 'not taking assignments' };
  const open = expert.openAssignments ?? 0;
  if (open >= expert.maxOpenAssignments) return { eligible: false, excludedBecause: `at capacity (${open}/${expert.maxOpenAssignments} open assignments)` };

  const reasons: Reason[] = [];
  const add = (factor: MatchFactor, value: number, detail: string) => reasons.push({ factor, score: round(WEIGHTS[factor] * value), detail });

  const domains = need.domains.filter((d) => expert.domains.includes(d));
  add(
    'DOMAIN',
    need.domains.length ? domains.length / need.domains.length : 0,
    domains.length ? `shared domains: ${domains.map((d) => domainTerm(d).zh).join('、')}` : 'no shared domain',
  );

  const keywords = sharedKeywords(need, expert);
  add('KEYWORD', Math.min(1, keywords.length / 3), keywords.length ? `shared keywords: ${keywords.join('、')}` : 'no shared keyword');

  const region = regionFactor(need, expert);
  add('REGION', region.value, region.detail);

  const languages = need.languages.filter((l) => expert.languages.includes(l));
  add(
    'LANGUAGE',
    need.languages.length === 0 || languages.length > 0 ? 1 : 0,
    need.languages.length === 0 ? 'no language required' : languages.length ? `speaks ${languages.join(', ')}` : `speaks none of ${need.languages.join(', ')}`,
  );

  add('CAPACITY', 1 - open / expert.maxOpenAssignments, `${open} of ${expert.maxOpenAssignments} assignments open`);
  add('AVAILABILITY', expert.availability === 'AVAILABLE' ? 1 : 0.5, expert.availability === 'AVAILABLE' ? 'available' : 'limited availability');

  return { eligible: true, score: round(reasons.reduce((sum, r) => sum + r.score, 0)), reasons };
}

export interface RankedMatch<E extends MatchableExpert> {
  expert: E;
  score: number;
  rank: number;
  reasons: Reason[];
}

/** Eligible experts ranked by score (ties: expert id), the best `limit`. */
export function rankExperts<E extends MatchableExpert>(need: MatchableNeed, experts: readonly E[], limit: number): Array<RankedMatch<E>> {
  const scored: Array<Omit<RankedMatch<E>, 'rank'>> = [];
  for (const expert of experts) {
    const result = score(need, expert);
    if (result.eligible) scored.push({ expert, score: result.score, reasons: result.reasons });
  }
  scored.sort((a, b) => b.score - a.score || (a.expert.id < b.expert.id ? -1 : a.expert.id > b.expert.id ? 1 : 0));
  return scored.slice(0, limit).map((m, i) => ({ ...m, rank: i + 1 }));
}

/** What matching needs to know of a technology. */
export interface MatchableTechnology {
  id: string;
  domains: readonly string[];
  keywords: readonly string[];
  regionCode: string;
  maturity: 'RESEARCH' | 'PROTOTYPE' | 'PILOT' | 'MATURE';
}

/** Weights for technologies: no capacity or language, maturity instead of availability. */
export const TECHNOLOGY_WEIGHTS = { DOMAIN: 0.45, KEYWORD: 0.25, REGION: 0.15, AVAILABILITY: 0.15 } as const;
const MATURITY: Record<MatchableTechnology['maturity'], number> = { RESEARCH: 0.25, PROTOTYPE: 0.5, PILOT: 0.75, MATURE: 1 };

/** Scores a technology for a need, in [0, 1], with reasons (maturity reported as AVAILABILITY). */
export function scoreTechnology(need: MatchableNeed, tech: MatchableTechnology): { score: number; reasons: Reason[] } {
  const reasons: Reason[] = [];
  const add = (factor: keyof typeof TECHNOLOGY_WEIGHTS, value: number, detail: string) =>
    reasons.push({ factor, score: round(TECHNOLOGY_WEIGHTS[factor] * value), detail });
  const domains = need.domains.filter((d) => tech.domains.includes(d));
  add(
    'DOMAIN',
    need.domains.length ? domains.length / need.domains.length : 0,
    domains.length ? `shared domains: ${domains.map((d) => domainTerm(d).zh).join('、')}` : 'no shared domain',
  );
  const keywords = sharedKeywords(need, tech);
  add('KEYWORD', Math.min(1, keywords.length / 3), keywords.length ? `shared keywords: ${keywords.join('、')}` : 'no shared keyword');
  const { value, level } = regionProximity(need.regionCode, tech.regionCode);
  add('REGION', value, level ? `from ${regionName(tech.regionCode)}: same ${level.toLowerCase()}` : `from ${regionName(tech.regionCode)}`);
  add('AVAILABILITY', MATURITY[tech.maturity], `maturity ${tech.maturity.toLowerCase()}`);
  return { score: round(reasons.reduce((s, r) => s + r.score, 0)), reasons };
}
