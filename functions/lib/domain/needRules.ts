import { badInput } from '../errors.js';
import { isDomain } from '../vocabulary.js';
import { HOME_PROVINCE } from './organizations.js';
import { scoreTechnology, type MatchableNeed, type MatchableTechnology, type Reason } from './matching.js';

/** Most domains a need names. */
export const MAX_NEED_DOMAINS = 3;
/** Most keywords a need lists, and the longest keyword. */
export const MAX_NEED_KEYWORDS = 20;
export const MAX_NEED_KEYWORD_LENGTH = 30;
/** At most this many experts per dispatch, so every later step (capacity counters included) fits one transaction. */
export const MAX_DISPATCHED_EXPERTS = 10;

/** Needs are posted for places in Guangdong (BAD_USER_INPUT on `regionCode` otherwise). */
export function checkNeedRegion(regionCode: string): void {
  if (!regionCode.startsWith(HOME_PROVINCE)) throw badInput('regionCode', `Needs are posted for places in Guangdong (codes starting with ${HOME_PROVINCE})`);
}

/** 1 to 3 known domain codes, deduplicated (BAD_USER_INPUT on `domains`). */
export function checkNeedDomains(domains: readonly string[]): string[] {
  const unique = [...new Set(domains)];
  if (unique.length < 1 || unique.length > MAX_NEED_DOMAINS) throw badInput('domains', `Choose 1 to ${MAX_NEED_DOMAINS} domains`);
  const unknown = unique.find((d) => !isDomain(d));
  if (unknown) throw badInput('domains', `Unknown domain "${unknown}"`);
  return unique;
}

/** At most 20 trimmed, distinct keywords of at most 30 characters (BAD_USER_INPUT on `keywords`). */
export function checkNeedKeywords(keywords: readonly string[] | null | undefined): string[] {
  const unique = [...new Set((keywords ?? []).map((k) => k.trim()).filter(Boolean))];
  if (unique.length > MAX_NEED_KEYWORDS || unique.some((k) => [...k].length > MAX_NEED_KEYWORD_LENGTH)) {
    throw badInput('keywords', `At most ${MAX_NEED_KEYWORDS} keywords of at most ${MAX_NEED_KEYWORD_LENGTH} characters`);
  }
  return unique;
}

/** The desired period may be open at either end, but does not end before it starts (BAD_USER_INPUT on `desiredTo`). */
export function checkDesiredPeriod(from: string | null, to: string | null): void {
  if (from && to && from > to) throw badInput('desiredTo', 'desiredTo is before desiredFrom');
}

/** A dispatch names 1 to 10 distinct experts, a team, or both; returns the distinct expert ids (BAD_USER_INPUT on `expertIds`). */
export function checkDispatchTargets(expertIds: readonly string[] | null | undefined, teamId: string | null | undefined): string[] {
  const unique = [...new Set(expertIds ?? [])];
  if (unique.length === 0 && !teamId) throw badInput('expertIds', 'Dispatch to at least one expert or a team');
  if (unique.length > MAX_DISPATCHED_EXPERTS) throw badInput('expertIds', `Dispatch to at most ${MAX_DISPATCHED_EXPERTS} experts (or to a team)`);
  return unique;
}

/** A rating is 1 to 5 whole stars (BAD_USER_INPUT on `stars`). */
export function checkStars(stars: number): number {
  if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw badInput('stars', 'stars must be 1 to 5');
  return stars;
}

/** How many stored matches `Need.matches(first)` returns: 20 by default, at most 100. */
export const matchesLimit = (first: number | null | undefined): number => Math.min(Math.max(first ?? 20, 0), 100);

/** How many technologies `Need.matchingTechnologies(first)` returns: 5 by default, at most 20. */
export const technologiesLimit = (first: number | null | undefined): number => Math.min(Math.max(first ?? 5, 0), 20);

/** A technology ranked for a need. */
export interface RankedTechnology<T extends MatchableTechnology> {
  technology: T;
  score: number;
  reasons: Reason[];
}

/**
 * Ranks candidate technologies (read by the need's domains, so one may come twice) for a need: each
 * once, best score first, ties by id, at most `technologiesLimit(first)`.
 */
export function rankTechnologies<T extends MatchableTechnology>(
  need: MatchableNeed,
  candidates: readonly T[],
  first: number | null | undefined,
): Array<RankedTechnology<T>> {
  const unique = new Map(candidates.map((t) => [t.id, t] as const));
  return [...unique.values()]
    .map((technology) => ({ technology, ...scoreTechnology(need, technology) }))
    .sort((a, b) => b.score - a.score || (a.technology.id < b.technology.id ? -1 : 1))
    .slice(0, technologiesLimit(first));
}
