import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';
import { getRegion, requireRegion } from '../regions/index.js';
import { domainTerm } from '../vocabulary.js';

/** Needs and the order-dispatch workflow (群众点单、中心派单、志愿者接单、群众评单): graphql/need.graphql. */
export const needResolvers: Resolvers = {
  Query: {
    need: (_p, { id }, ctx) => ctx.services.needOrders.need(id),
    needs: async (_p, { filter, first, after }, ctx) => toConnection(await ctx.services.needOrders.needs(filter, { first, after }), { after }),
    myNeeds: async (_p, { status, first, after }, ctx) => toConnection(await ctx.services.needOrders.myNeeds(status, { first, after }), { after }),
  },
  Mutation: {
    submitNeed: async (_p, { input }, ctx) => ({ need: await ctx.services.needOrders.submitNeed(input) }),
    reviewNeed: async (_p, { input }, ctx) => ({ need: await ctx.services.needOrders.reviewNeed(input) }),
    dispatchNeed: async (_p, { input }, ctx) => ({ need: await ctx.services.needOrders.dispatchNeed(input) }),
    grabNeed: async (_p, { input }, ctx) => ({ need: await ctx.services.needOrders.grabNeed(input) }),
    acceptNeed: async (_p, { input }, ctx) => ({ need: await ctx.services.needOrders.acceptNeed(input) }),
    declineNeed: async (_p, { input }, ctx) => ({ need: await ctx.services.needOrders.declineNeed(input) }),
    startNeedService: async (_p, { input }, ctx) => ({ need: await ctx.services.needOrders.startNeedService(input) }),
    completeNeed: async (_p, { input }, ctx) => ({ need: await ctx.services.needOrders.completeNeed(input) }),
    rateNeed: async (_p, { input }, ctx) => ({ need: await ctx.services.needOrders.rateNeed(input) }),
    rateNeedDescription: async (_p, { input }, ctx) => ({ need: await ctx.services.needOrders.rateNeedDescription(input) }),
    withdrawNeed: async (_p, { input }, ctx) => ({ need: await ctx.services.needOrders.withdrawNeed(input) }),
    closeNeed: async (_p, { input }, ctx) => ({ need: await ctx.services.needOrders.closeNeed(input) }),
  },
  Need: {
    requester: (n, _a, ctx) => ctx.services.needOrders.requesterOf(n),
    domains: (n) => n.domains.map(domainTerm),
    region: (n) => getRegion(n.regionCode) ?? requireRegion(n.regionCode),
    organization: (n, _a, ctx) => ctx.services.needOrders.organizationOf(n),
    dispatchedExperts: (n, _a, ctx) => ctx.services.needOrders.dispatchedExpertsOf(n),
    acceptedExperts: (n, _a, ctx) => ctx.services.needOrders.acceptedExpertsOf(n),
    dispatchedTeam: (n, _a, ctx) => ctx.services.needOrders.dispatchedTeamOf(n),
    history: (n, _a, ctx) => ctx.services.needOrders.historyOf(n),
    matchingTechnologies: (n, { first }, ctx) => ctx.services.needOrders.matchingTechnologiesOf(n, first),
    matches: (n, { first }, ctx) => ctx.services.needOrders.matchesOf(n, first),
  },
  Requester: {
    organization: (r, _a, ctx) => ctx.services.needOrders.requesterOrganizationOf(r),
  },
  NeedMatch: {
    need: (m, _a, ctx) => ctx.services.needOrders.needOfMatch(m),
    expert: (m, _a, ctx) => ctx.services.needOrders.expertOfMatch(m),
  },
};
