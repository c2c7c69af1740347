import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';

/** Volunteer teams (队伍) and sub-teams (分队): read by signed-in callers, managed by the organization's admins, joined by consent. */
export const teamResolvers: Resolvers = {
  Query: {
    team: (_p, { id }, ctx) => ctx.services.teams.get(id),
  },
  Mutation: {
    createTeam: async (_p, { input }, ctx) => ({ team: await ctx.services.teams.create(input) }),
    updateTeam: async (_p, { input }, ctx) => ({ team: await ctx.services.teams.update(input) }),
    addTeamMember: (_p, { input }, ctx) => ctx.services.teams.addMember(input),
    removeTeamMember: (_p, { input }, ctx) => ctx.services.teams.removeMember(input),
    inviteTeamMember: async (_p, { input }, ctx) => ({ membership: await ctx.services.teams.invite(input) }),
    respondToTeamInvitation: async (_p, { input }, ctx) => ({ membership: await ctx.services.teams.respondToInvitation(input) }),
    applyToTeam: async (_p, { input }, ctx) => ({ membership: await ctx.services.teams.apply(input) }),
    reviewTeamApplication: async (_p, { input }, ctx) => ({ membership: await ctx.services.teams.reviewApplication(input) }),
    leaveTeam: (_p, { input }, ctx) => ctx.services.teams.leave(input),
  },
  Team: {
    organization: (t, _a, ctx) => ctx.services.organizations.require(t.organizationId),
    parentTeam: (t, _a, ctx) => ctx.services.teams.parent(t),
    subTeams: async (t, { first, after }, ctx) => toConnection(await ctx.services.teams.subTeams(t, { first, after }), { after }),
    leader: async (t, _a, ctx) => (t.leaderExpertId ? ctx.services.experts.get(t.leaderExpertId) : null),
    members: async (t, { first, after }, ctx) => {
      const page = await ctx.services.teams.members(t, { first, after });
      return { ...toConnection(page, { after }), totalCount: page.totalCount };
    },
    pendingMembers: async (t, { first, after }, ctx) => toConnection(await ctx.services.teams.pendingMembers(t, { first, after }), { after }),
  },
  Expert: {
    pendingMemberships: async (e, { first, after }, ctx) => toConnection(await ctx.services.teams.pendingMembershipsOf(e, { first, after }), { after }),
  },
  TeamMembership: {
    team: (m, _a, ctx) => ctx.services.teams.teamOf(m),
    expert: (m, _a, ctx) => ctx.services.teams.expertOf(m),
  },
};
