import type { Resolvers } from '../generated/graphql.js';

/** User access (disable, revoke roles): the province's switch for subscriptions. */
export const accessResolvers: Resolvers = {
  Query: {
    userAccess: (_p, { userId }, ctx) => ctx.services.access.get(userId),
  },
  Mutation: {
    setUserAccess: async (_p, { input }, ctx) => ({ access: await ctx.services.access.set(input) }),
  },
};
