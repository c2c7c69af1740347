import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';
import { planNodeId, quarterlyReportNodeId } from '../domain/nodeIds.js';

/** Resolvers of governance.graphql: campaigns and plans, quarterly reports, nominations and their eligibility. */
export const governanceResolvers: Resolvers = {
  Query: {
    campaign: (_p, { id }, ctx) => ctx.services.governance.campaign(id),
    campaigns: async (_p, { first, after }, ctx) => toConnection(await ctx.services.governance.campaigns({ first, after }), { after }),
    overduePlans: (_p, { organizationId, campaignId, asOf }, ctx) => ctx.services.governance.overduePlans(organizationId, campaignId, asOf),
    quarterlyReport: (_p, { organizationId, quarter }, ctx) => ctx.services.governance.quarterlyReport(organizationId, quarter),
    lateReports: (_p, { organizationId, quarter, asOf }, ctx) => ctx.services.governance.lateReports(organizationId, quarter, asOf),
    nominations: async (_p, { organizationId, category, status, first, after }, ctx) =>
      toConnection(await ctx.services.recognition.nominations(organizationId, { category, status }, { first, after }), { after }),
  },
  Mutation: {
    createCampaign: async (_p, { input }, ctx) => ({ campaign: await ctx.services.governance.createCampaign(input) }),
    submitPlan: async (_p, { input }, ctx) => ({ plan: await ctx.services.governance.submitPlan(input) }),
    submitQuarterlyReport: async (_p, { input }, ctx) => ({ quarterlyReport: await ctx.services.governance.submitQuarterlyReport(input) }),
    nominate: async (_p, { input }, ctx) => ({ nomination: await ctx.services.recognition.nominate(input) }),
    award: async (_p, { input }, ctx) => ({ nomination: await ctx.services.recognition.award(input) }),
  },
  Organization: {
    plan: (o, { campaignId }, ctx) => ctx.services.governance.plan(o, campaignId),
  },
  Plan: {
    id: (p) => planNodeId(p.campaignId, p.organizationId),
    campaign: (p, _x, ctx) => ctx.services.governance.planCampaign(p),
    organization: (p, _x, ctx) => ctx.services.governance.organization(p.organizationId),
  },
  QuarterlyReport: {
    id: (r) => quarterlyReportNodeId(r.organizationId, r.quarter),
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
