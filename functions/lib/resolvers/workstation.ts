import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';
import { getRegion, requireRegion } from '../regions/index.js';

/** Resolvers of workstation.graphql: workstations and their visit logs. */
export const workstationResolvers: Resolvers = {
  Query: {
    workstation: (_p, { id }, ctx) => ctx.services.workstations.workstation(id),
    workstations: async (_p, { filter, first, after }, ctx) => toConnection(await ctx.services.workstations.workstations(filter, { first, after }), { after }),
  },
  Mutation: {
    createWorkstation: async (_p, { input }, ctx) => ({ workstation: await ctx.services.workstations.createWorkstation(input) }),
    updateWorkstation: async (_p, { input }, ctx) => ({ workstation: await ctx.services.workstations.updateWorkstation(input) }),
  },
  Workstation: {
    region: (w) => getRegion(w.regionCode) ?? requireRegion(w.regionCode),
    organization: (w, _x, ctx) => ctx.services.workstations.organization(w),
    residentExperts: (w, _x, ctx) => ctx.services.workstations.residentExperts(w),
    visits: async (w, { first, after }, ctx) => toConnection(await ctx.services.workstations.visits(w, { first, after }), { after }),
  },
};
