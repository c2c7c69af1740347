import type { Resolvers } from '../generated/graphql.js';

/** User access (disable, revoke roles): the province's switch for subscriptions. */
export const accessResolvers: Resolvers = {
  Query: {
    userAccess: (_p, { userId }, ctx) => ctx.services.access.get(userId),
  },
  UserAccess: {
    orgAdminOf: (a) => a.orgAdminOf ?? null,
  },
  Mutation: {
    setUserAccess: async (_p, { input }, ctx) => ({ access: await ctx.services.access.set(input) }),
    grantOrgAdmin: async (_p, { input }, ctx) => ({ access: await ctx.services.access.grantOrgAdmin(input) }),
    revokeOrgAdmin: async (_p, { input }, ctx) => ({ access: await ctx.services.access.revokeOrgAdmin(input) }),
  },
};
