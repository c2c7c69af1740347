import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';
import { getRegion, requireRegion } from '../regions/index.js';
import { participationHours } from '../domain/serviceRecord.js';

/** Resolvers of activity.graphql: activities, participation and hours, service records and proofs of service. */
export const activityResolvers: Resolvers = {
  Query: {
    activity: (_p, { id }, ctx) => ctx.services.activities.activity(id),
    activities: async (_p, { filter, first, after }, ctx) => toConnection(await ctx.services.activities.activities(filter, { first, after }), { after }),
    proofOfService: (_p, { expertId, from, to }, ctx) => ctx.services.activities.proofOfService(expertId, from, to),
  },
  Mutation: {
    createActivity: async (_p, { input }, ctx) => ({ activity: await ctx.services.activities.createActivity(input) }),
    startActivity: async (_p, { input }, ctx) => ({ activity: await ctx.services.activities.startActivity(input) }),
    cancelActivity: async (_p, { input }, ctx) => ({ activity: await ctx.services.activities.cancelActivity(input) }),
    completeActivity: async (_p, { input }, ctx) => ({ activity: await ctx.services.activities.completeActivity(input) }),
    signUpActivity: async (_p, { input }, ctx) => ({ participation: await ctx.services.activities.signUp(input) }),
    checkIn: async (_p, { input }, ctx) => ({ participation: await ctx.services.activities.checkIn(input) }),
    checkOut: async (_p, { input }, ctx) => ({ participation: await ctx.services.activities.checkOut(input) }),
    recordManualHours: async (_p, { input }, ctx) => ({ participation: await ctx.services.activities.recordManualHours(input) }),
  },
  Activity: {
    organization: (a, _x, ctx) => ctx.services.activities.organization(a.organizationId),
    team: (a, _x, ctx) => ctx.services.activities.team(a),
    workstation: (a, _x, ctx) => ctx.services.activities.workstation(a),
    region: (a) => getRegion(a.regionCode) ?? requireRegion(a.regionCode),
    needs: (a, _x, ctx) => ctx.services.activities.needs(a),
    participants: (a, _x, ctx) => ctx.services.activities.participants(a),
  },
  Participation: {
    activity: (p, _x, ctx) => ctx.services.activities.activityOf(p),
    expert: (p, _x, ctx) => ctx.services.activities.expert(p),
    totalHours: (p) => participationHours(p),
  },
  Expert: {
    serviceRecord: (e, _x, ctx) => ctx.services.activities.serviceRecord(e),
  },
  ProofOfService: {
    issuedBy: (p, _x, ctx) => ctx.services.activities.organization(p.issuedById),
  },
  ProofEntry: {
    activity: (e, _x, ctx) => ctx.services.activities.activityOf(e),
  },
};
