import { badInput } from '../errors.js';
import { regionLineage, type Region, type RegionLevel } from '../regions/index.js';
import type { OrganizationKind, OrganizationRecord } from '../repositories/organizations.js';

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

/** Checks the level a caller gave (optional) against the region's level: BAD_USER_INPUT on `level`. */
export function checkLevel(level: RegionLevel | null | undefined, region: Region): void {
  if (level && level !== region.level) throw badInput('level', `Region ${region.code} is at level ${region.level}, not ${level}`);
}

/**
 * Chooses the parent of a new organization: the one the caller named or the association of the
 * nearest enclosing region (`derived`). An association or a society sits under the derived one, so
 * naming another is refused; only the province's association has no parent. Null means no parent.
 */
export function chooseParentId(kind: OrganizationKind, region: Region, named: string | null | undefined, derived: string | undefined): string | null {
  const derivable = kind === 'ASSOCIATION' || kind === 'SOCIETY';
  if (named && derivable && derived && named !== derived) {
    throw badInput('parentId', `A ${kind.toLowerCase()} in ${region.code} belongs under the association ${derived}`);
  }
  const chosen = named ?? derived;
  if (chosen) return chosen;
  if (kind === 'ASSOCIATION' && region.level === 'PROVINCE') return null;
  throw badInput('regionCode', `No association encloses region ${region.code} yet: create it first`);
}

/** Refuses a parent whose region does not contain the child's (BAD_USER_INPUT on `parentId`). */
export function checkParentRegion(parentRegion: string, childRegion: string): void {
  if (!regionContains(parentRegion, childRegion)) throw badInput('parentId', `The parent's region ${parentRegion} does not contain ${childRegion}`);
}

/** A new organization's record: its level is its region's, its path its parent's path and its own id. */
export function newOrganizationRecord(fields: {
  id: string;
  name: string;
  kind: OrganizationKind;
  region: Region;
  parent: Pick<OrganizationRecord, 'id' | 'path'> | null | undefined;
  contactName: string | null;
  contactPhone: string | null;
  searchTerms: OrganizationRecord['searchTerms'];
  now: string;
}): OrganizationRecord {
  const { id, name, kind, region, parent, contactName, contactPhone, searchTerms, now } = fields;
  return {
    id,
    name,
    kind,
    level: region.level,
    regionCode: region.code,
    parentId: parent?.id ?? null,
    path: [...(parent?.path ?? []), id],
    contactName,
    contactPhone,
    searchTerms,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}
