import { REGION_LINES } from './data.js';
import { badInput } from '../errors.js';

/** Levels of the division tree; the code length tells the level (2, 4, 6, 9 digits). */
export type RegionLevel = 'PROVINCE' | 'CITY' | 'COUNTY' | 'TOWNSHIP';

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
}

const LEVEL_BY_LENGTH: Record<number, RegionLevel> = { 2: 'PROVINCE', 4: 'CITY', 6: 'COUNTY', 9: 'TOWNSHIP' };
const PARENT_LENGTH: Record<number, number> = { 4: 2, 6: 4, 9: 6 };

interface RegionIndex {
  byCode: Map<string, Region>;
  childrenByCode: Map<string | null, Region[]>;
}

let index: RegionIndex | undefined;

/** The division tree, indexed on first use: a cold start whose first request names no region does not build it. */
function regions(): RegionIndex {
  if (index) return index;
  const byCode = new Map<string, Region>();
  const childrenByCode = new Map<string | null, Region[]>();
  for (const line of REGION_LINES.split('\n')) {
    const comma = line.indexOf(',');
    const code = line.slice(0, comma);
    const name = line.slice(comma + 1);
    const level = LEVEL_BY_LENGTH[code.length];
    if (!level) throw new Error(`region code of unexpected length: ${code}`);
    const parentLength = PARENT_LENGTH[code.length];
    const region: Region = { code, name, level, parentCode: parentLength ? code.slice(0, parentLength) : null };
    byCode.set(code, region);
    const siblings = childrenByCode.get(region.parentCode) ?? [];
    siblings.push(region);
    childrenByCode.set(region.parentCode, siblings);
  }
  return (index = { byCode, childrenByCode });
}

/** The region with this code, or undefined. */
export const getRegion = (code: string): Region | undefined => regions().byCode.get(code);

/** Children of a region in code order; with no code, the roots (Guangdong, Hong Kong, Macao). */
export const childRegions = (code?: string | null): Region[] => regions().childrenByCode.get(code ?? null) ?? [];

/** The region and its ancestors, nearest first. */
export function regionLineage(code: string): Region[] {
  const { byCode } = regions();
  const out: Region[] = [];
  for (let r = byCode.get(code); r; r = r.parentCode ? byCode.get(r.parentCode) : undefined) out.push(r);
  return out;
}

/** True when `code` is `ancestor` or lies below it (codes are prefixes of their descendants). */
export const isWithinRegion = (code: string, ancestor: string): boolean => code.startsWith(ancestor) && regions().byCode.has(code);

/** Validates a regionCode from client input: BAD_USER_INPUT naming `field` when it is unknown. */
export function requireRegion(code: string, field = 'regionCode'): Region {
  const region = regions().byCode.get(code);
  if (!region) throw badInput(field, `Unknown region code "${code}" (use GB/T 2260 codes, e.g. 4401 for Guangzhou)`);
  return region;
}

/** Number of regions loaded, by level (for diagnostics and tests). */
export function regionCounts(prefix: string): Record<RegionLevel, number> {
  const counts: Record<RegionLevel, number> = { PROVINCE: 0, CITY: 0, COUNTY: 0, TOWNSHIP: 0 };
  for (const r of regions().byCode.values()) if (r.code.startsWith(prefix)) counts[r.level] += 1;
  return counts;
}
