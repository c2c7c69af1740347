import type { Resolvers } from '../generated/graphql.js';
import { authorize } from '../auth/policy.js';

/** User access (disable, revoke roles): the province's switch for subscriptions. */
export const accessResolvers: Resolvers = {
  Query: {
    userAccess: async (_p, { userId }, ctx) => {
      authorize(ctx.principal, { type: 'access.manage' });
      return (await ctx.repos.access.get(userId)) ?? null;
    },
  },
  Mutation: {
    setUserAccess: async (_p, { input }, ctx) => {
      authorize(ctx.principal, { type: 'access.manage' });
      const access = await ctx.repos.access.put({ userId: input.userId, disabled: input.disabled, revokedRoles: [...new Set(input.revokedRoles ?? [])], updatedAt: ctx.now() });
      return { access };
    },
  },
};
