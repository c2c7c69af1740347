import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';
import { getRegion, requireRegion } from '../regions/index.js';

/** Organizations: public names and places; contacts and writes for admins of the subtree. */
export const organizationResolvers: Resolvers = {
  Query: {
    organization: (_p, { id }, ctx) => ctx.services.organizations.get(id),
    organizations: async (_p, { filter, first, after }, ctx) => toConnection(await ctx.services.organizations.list(filter, { first, after }), { after }),
  },
  Mutation: {
    createOrganization: async (_p, { input }, ctx) => ({ organization: await ctx.services.organizations.create(input) }),
    updateOrganization: async (_p, { input }, ctx) => ({ organization: await ctx.services.organizations.update(input) }),
  },
  Organization: {
    region: (o) => getRegion(o.regionCode) ?? requireRegion(o.regionCode),
    parent: (o, _a, ctx) => ctx.services.organizations.parent(o),
    children: async (o, { filter, first, after }, ctx) => toConnection(await ctx.services.organizations.children(o, filter, { first, after }), { after }),
    teams: async (o, { first, after }, ctx) => toConnection(await ctx.services.teams.ofOrganization(o, { first, after }), { after }),
    contactName: (o, _a, ctx) => ctx.services.organizations.contactName(o),
    contactPhone: (o, _a, ctx) => ctx.services.organizations.contactPhone(o),
  },
};
