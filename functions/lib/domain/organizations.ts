import { badInput } from '../errors.js';
import { regionLineage, type Region } from '../regions/index.js';
import type { OrganizationKind } from '../repositories/organizations.js';

/** The province whose organization network this system runs. */
export const HOME_PROVINCE = '44';

/**
 * Checks that an organization of `kind` may sit in `region`: all organizations are in Guangdong;
 * societies exist at province, city and county level only.
 */
export function checkPlacement(kind: OrganizationKind, region: Region): void {
  if (!region.code.startsWith(HOME_PROVINCE)) {
    throw badInput('regionCode', 'Organizations belong to Guangdong (region codes starting with 44)');
  }
  if (kind === 'SOCIETY' && region.level === 'TOWNSHIP') {
    throw badInput('regionCode', 'Societies (学会) exist at province, city and county level only');
  }
}

/**
 * The regions whose association may be the parent, nearest first. An association's parent is the
 * association of the enclosing region (skipping regions without one, e.g. 东莞's county-level code
 * 441900); every other organization sits under the association of its own region or an enclosing one.
 */
export function parentRegionCandidates(kind: OrganizationKind, region: Region): string[] {
  const lineage = regionLineage(region.code).map((r) => r.code);
  return kind === 'ASSOCIATION' ? lineage.slice(1) : lineage;
}

/** True when a parent in `parentRegion` can contain a child in `childRegion`. */
export const regionContains = (parentRegion: string, childRegion: string): boolean => childRegion.startsWith(parentRegion);
