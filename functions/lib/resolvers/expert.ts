import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';
import { getRegion, requireRegion } from '../regions/index.js';
import { DOMAINS, domainTerm } from '../vocabulary.js';

/** The talent pool (人才库): read by signed-in callers; phone masked, ID number never returned. */
export const expertResolvers: Resolvers = {
  Query: {
    domains: () => [...DOMAINS],
    expert: (_p, { id }, ctx) => ctx.services.experts.get(id),
    experts: async (_p, { filter, first, after }, ctx) => toConnection(await ctx.services.experts.list(filter, { first, after }), { after }),
  },
  Mutation: {
    registerExpert: async (_p, { input }, ctx) => ({ expert: await ctx.services.experts.register(input) }),
    updateExpert: async (_p, { input }, ctx) => ({ expert: await ctx.services.experts.update(input) }),
  },
  Domain: {
    id: (d) => d.code,
  },
  Expert: {
    domains: (e) => e.domains.map(domainTerm),
    organization: (e, _a, ctx) => ctx.services.experts.organization(e),
    region: (e) => getRegion(e.regionCode) ?? requireRegion(e.regionCode),
    serviceRegions: (e) => e.serviceRegionCodes.flatMap((c) => getRegion(c) ?? []),
    phone: (e, _a, ctx) => ctx.services.experts.phone(e),
    teams: async (e, { first, after }, ctx) => toConnection(await ctx.services.teams.ofExpert(e, { first, after }), { after }),
    matchedNeeds: async (e, { first, after }, ctx) => toConnection(await ctx.services.experts.matchedNeeds(e, { first, after }), { after }),
    openAssignments: (e) => e.openAssignments ?? 0,
  },
};
