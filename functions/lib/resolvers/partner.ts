import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';

/** Resolvers of partner.graphql: partner platforms, managed by the province, each reading its own record. */
export const partnerResolvers: Resolvers = {
  Query: {
    partners: async (_p, { first, after }, ctx) => toConnection(await ctx.services.partners.list({ first, after })),
    partner: (_p, { id }, ctx) => ctx.services.partners.get(id),
    myPartner: (_p, _a, ctx) => ctx.services.partners.mine(),
  },
  Mutation: {
    createPartner: async (_p, { input }, ctx) => ({ partner: await ctx.services.partners.create(input) }),
    updatePartner: async (_p, { input }, ctx) => ({ partner: await ctx.services.partners.update(input) }),
    suspendPartner: async (_p, { input }, ctx) => ({ partner: await ctx.services.partners.changeStatus(input.id, input.version, 'suspend') }),
    reactivatePartner: async (_p, { input }, ctx) => ({ partner: await ctx.services.partners.changeStatus(input.id, input.version, 'reactivate') }),
    revokePartner: async (_p, { input }, ctx) => ({ partner: await ctx.services.partners.changeStatus(input.id, input.version, 'revoke') }),
  },
};
