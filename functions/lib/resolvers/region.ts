import type { Resolvers } from '../generated/graphql.js';
import { childRegions, getRegion } from '../regions/index.js';

/** Regions are public and served from the bundled division tree (no database read). */
export const regionResolvers: Resolvers = {
  Query: {
    region: (_p, { code }) => getRegion(code) ?? null,
    regions: (_p, { parentCode }) => childRegions(parentCode ?? null),
  },
  Region: {
    id: (r) => r.code,
    parent: (r) => (r.parentCode ? (getRegion(r.parentCode) ?? null) : null),
    children: (r) => childRegions(r.code),
  },
};
