import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';
import { getRegion, requireRegion } from '../regions/index.js';
import { domainTerm } from '../vocabulary.js';

const regionOf = (code: string) => getRegion(code) ?? requireRegion(code);

/** The technology pool (技术库), the project pool (项目库) and "6个1" pairings (graphql/pool.graphql): each field one PoolService call. */
export const poolResolvers: Resolvers = {
  Query: {
    technology: (_p, { id }, ctx) => ctx.services.pools.technology(id),
    technologies: async (_p, { filter, first, after }, ctx) => toConnection(await ctx.services.pools.technologies(filter, { first, after }), { after }),
    project: (_p, { id }, ctx) => ctx.services.pools.project(id),
    projects: async (_p, { filter, first, after }, ctx) => toConnection(await ctx.services.pools.projects(filter, { first, after }), { after }),
    pairing: (_p, { id }, ctx) => ctx.services.pools.pairing(id),
    pairings: async (_p, { filter, first, after }, ctx) => toConnection(await ctx.services.pools.pairings(filter, { first, after }), { after }),
  },
  Mutation: {
    createTechnology: async (_p, { input }, ctx) => ({ technology: await ctx.services.pools.createTechnology(input) }),
    updateTechnology: async (_p, { input }, ctx) => ({ technology: await ctx.services.pools.updateTechnology(input) }),
    createProject: async (_p, { input }, ctx) => ({ project: await ctx.services.pools.createProject(input) }),
    updateProject: async (_p, { input }, ctx) => ({ project: await ctx.services.pools.updateProject(input) }),
    createPairing: async (_p, { input }, ctx) => ({ pairing: await ctx.services.pools.createPairing(input) }),
    updatePairing: async (_p, { input }, ctx) => ({ pairing: await ctx.services.pools.updatePairing(input) }),
    addPairingFollowUp: async (_p, { input }, ctx) => ({ pairing: await ctx.services.pools.addFollowUp(input) }),
  },
  Technology: {
    organization: (t, _a, ctx) => ctx.services.pools.organizationOf(t),
    domains: (t) => t.domains.map(domainTerm),
    region: (t) => regionOf(t.regionCode),
    contactName: (t, _a, ctx) => ctx.services.pools.technologyContactName(t),
    contactPhone: (t, _a, ctx) => ctx.services.pools.technologyContactPhone(t),
  },
  Project: {
    organization: (p, _a, ctx) => ctx.services.pools.organizationOf(p),
    region: (p) => regionOf(p.regionCode),
    needs: (p, _a, ctx) => ctx.services.pools.projectNeeds(p),
    experts: (p, _a, ctx) => ctx.services.pools.projectExperts(p),
    team: (p, _a, ctx) => ctx.services.pools.teamOf(p),
  },
  Pairing: {
    organization: (p, _a, ctx) => ctx.services.pools.organizationOf(p),
    region: (p) => regionOf(p.regionCode),
    expert: (p, _a, ctx) => ctx.services.pools.pairingExpert(p),
    project: (p, _a, ctx) => ctx.services.pools.pairingProjectOf(p),
    team: (p, _a, ctx) => ctx.services.pools.teamOf(p),
    followUps: (p, _a, ctx) => ctx.services.pools.followUps(p),
  },
  HelpedEnterprise: {
    organization: (h, _a, ctx) => ctx.services.pools.enterpriseOrganization(h),
  },
  Talent: {
    expert: (t, _a, ctx) => ctx.services.pools.talentExpert(t),
  },
};
