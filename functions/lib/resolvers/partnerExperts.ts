import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';

/** Partner platforms (Hong Kong, Macao): their experts synced by externalId, and the open needs matched to them. */
export const partnerExpertResolvers: Resolvers = {
  Query: {
    partnerExperts: async (_p, { first, after }, ctx) => toConnection(await ctx.services.partnerExperts.list({ first, after })),
    partnerExpert: (_p, { externalId }, ctx) => ctx.services.partnerExperts.get(externalId),
    partnerMatches: async (_p, { first, after }, ctx) => toConnection(await ctx.services.partnerExperts.matches({ first, after })),
  },
  Mutation: {
    syncPartnerExperts: async (_p, { input }, ctx) => ({ results: await ctx.services.partnerExperts.sync(input.experts) }),
    removePartnerExpert: (_p, { input }, ctx) => ctx.services.partnerExperts.remove(input.externalId),
  },
  Expert: {
    externalId: (e, _a, ctx) => ctx.services.partnerExperts.externalIdOf(e),
    partnerConsent: (e, _a, ctx) => ctx.services.partnerExperts.consentOf(e),
    email: (e, _a, ctx) => ctx.services.partnerExperts.emailOf(e),
  },
};
