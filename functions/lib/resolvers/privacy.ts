import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';

/** Resolvers of privacy.graphql: the person's data export (myData) and account erasure (deleteMyAccount). */
export const privacyResolvers: Resolvers = {
  Query: {
    myData: (_p, _a, ctx) => ctx.services.privacy.myData(),
  },
  Mutation: {
    deleteMyAccount: (_p, { input }, ctx) => ctx.services.privacy.deleteMyAccount(input.confirm),
  },
  MyData: {
    account: (d, _a, ctx) => ctx.services.privacy.account(d),
    expertProfile: (d) => d.expert,
    teamMemberships: async (d, { first, after }, ctx) => toConnection(await ctx.services.privacy.teamMemberships(d, { first, after }), { after }),
    pendingMemberships: async (d, { first, after }, ctx) => toConnection(await ctx.services.privacy.pendingMemberships(d, { first, after }), { after }),
    participations: async (d, { first, after }, ctx) => toConnection(await ctx.services.privacy.participations(d, { first, after }), { after }),
    inbox: async (d, { first, after }, ctx) => toConnection(await ctx.services.privacy.matches(d, true, { first, after }), { after }),
    pastMatches: async (d, { first, after }, ctx) => toConnection(await ctx.services.privacy.matches(d, false, { first, after }), { after }),
    needsPosted: async (d, { first, after }, ctx) => toConnection(await ctx.services.privacy.needsPosted(d, { first, after }), { after }),
    dataReads: async (d, { first, after }, ctx) => toConnection(await ctx.services.privacy.dataReads(d, { first, after }), { after }),
  },
  MyAccount: {
    organization: (a, _x, ctx) => ctx.services.privacy.organization(a.organizationId),
  },
  MyExpertProfile: {
    expert: (e) => e,
  },
  MyMatch: {
    need: (m, _a, ctx) => ctx.services.privacy.needOfMatch(m),
  },
  PersonalDataRead: {
    readerOrganization: (r, _a, ctx) => ctx.services.privacy.organization(r.readerOrganizationId),
  },
};
