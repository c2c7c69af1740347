import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';

/** Resolvers of governance.graphql: campaigns and plans, quarterly reports, nominations and their eligibility. */
export const governanceResolvers: Resolvers = {
  Query: {
    campaign: (_p, { id }, ctx) => ctx.services.governance.campaign(id),
    campaigns: async (_p, { first, after }, ctx) => toConnection(await ctx.services.governance.campaigns({ first, after })),
    overduePlans: (_p, { organizationId, campaignId, asOf }, ctx) => ctx.services.governance.overduePlans(organizationId, campaignId, asOf),
    quarterlyReport: (_p, { organizationId, quarter }, ctx) => ctx.services.governance.quarterlyReport(organizationId, quarter),
    lateReports: (_p, { organizationId, quarter, asOf }, ctx) => ctx.services.governance.lateReports(organizationId, quarter, asOf),
    nominations: async (_p, { organizationId, category, status, first, after }, ctx) =>
      toConnection(await ctx.services.recognition.nominations(organizationId, { category, status }, { first, after })),
  },
  Mutation: {
    createCampaign: (_p, { input }, ctx) => ctx.services.governance.createCampaign(input),
    submitPlan: (_p, { input }, ctx) => ctx.services.governance.submitPlan(input),
    submitQuarterlyReport: (_p, { input }, ctx) => ctx.services.governance.submitQuarterlyReport(input),
    nominate: (_p, { input }, ctx) => ctx.services.recognition.nominate(input),
    award: (_p, { input }, ctx) => ctx.services.recognition.award(input),
  },
  Organization: {
    plan: (o, { campaignId }, ctx) => ctx.services.governance.plan(o, campaignId),
  },
  Plan: {
    campaign: (p, _x, ctx) => ctx.services.governance.planCampaign(p),
    organization: (p, _x, ctx) => ctx.services.governance.organization(p.organizationId),
  },
  QuarterlyReport: {
    organization: (r, _x, ctx) => ctx.services.governance.organization(r.organizationId),
  },
  ChildFigures: {
    organization: (c, _x, ctx) => ctx.services.governance.organization(c.organizationId),
  },
  Nomination: {
    organization: (n, _x, ctx) => ctx.services.recognition.organization(n),
    team: (n, _x, ctx) => ctx.services.recognition.team(n),
    expert: (n, _x, ctx) => ctx.services.recognition.expert(n),
    eligibility: (n, _x, ctx) => ctx.services.recognition.eligibility(n),
  },
};
