import { badInput } from '../errors.js';
import { requireRegion } from '../regions/index.js';
import type { Language } from '../generated/graphql.js';

/** Open assignments an expert takes at once unless it says otherwise. */
export const DEFAULT_MAX_OPEN_ASSIGNMENTS = 3;
/** The most open assignments an expert may take at once. */
export const MAX_OPEN_ASSIGNMENTS = 50;

/** At least one language, each once (BAD_USER_INPUT on `languages`). */
export function checkLanguages(languages: readonly Language[]): Language[] {
  const unique = [...new Set(languages)];
  if (unique.length === 0) throw badInput('languages', 'Name at least one language');
  return unique;
}

/** Known region codes, each once (BAD_USER_INPUT on `serviceRegionCodes`). */
export function checkServiceRegions(codes: readonly string[]): string[] {
  const unique = [...new Set(codes)];
  unique.forEach((c) => requireRegion(c, 'serviceRegionCodes'));
  return unique;
}

/** 1 to 50 open assignments at once (BAD_USER_INPUT on `maxOpenAssignments`). */
export function checkCapacity(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_OPEN_ASSIGNMENTS) {
    throw badInput('maxOpenAssignments', `maxOpenAssignments must be between 1 and ${MAX_OPEN_ASSIGNMENTS}`);
  }
  return n;
}

/**
 * The organization scope of an expert (whose admins may read its personal data and listen for its
 * matches): every organization on the path of its own organization and of each of its teams'
 * organizations, each id once, in the order met. Computed from the full list of the expert's teams,
 * never patched, so a membership change cannot leave a stale organization behind or drop a live one.
 */
export function expertScope(ownOrganizationPath: readonly string[], teamOrganizationPaths: ReadonlyArray<readonly string[]>): string[] {
  return [...new Set([...ownOrganizationPath, ...teamOrganizationPaths.flat()])];
}

/** The expert's team ids after joining `teamId` (whether it was already a member is the membership item's to say). */
export const withTeam = (teamIds: readonly string[], teamId: string): string[] => [...new Set([...teamIds, teamId])];

/** The expert's team ids after leaving `teamId`. */
export const withoutTeam = (teamIds: readonly string[], teamId: string): string[] => teamIds.filter((id) => id !== teamId);
