import type { Action, Resolvers } from '../generated/graphql.js';
import { AppError, ErrorCode, badInput } from '../errors.js';
import { authorize } from '../auth/policy.js';
import { toConnection } from '../data/pagination.js';
import type { TeamRecord } from '../repositories/teams.js';
import type { Context } from '../context.js';
import { optionalText, requireText, requireVersion } from '../services/inputs.js';
import { requireOrganization } from './organization.js';
import { requireExpert } from './expert.js';

async function requireTeam(ctx: Context, id: string, field = 'id'): Promise<TeamRecord> {
  const team = await ctx.repos.teams.get(id);
  if (!team) throw new AppError(ErrorCode.NOT_FOUND, `Team ${id} not found`, { field });
  return team;
}

function checkActions(actions: readonly Action[]): Action[] {
  const unique = [...new Set(actions)];
  if (unique.length === 0) throw badInput('actions', 'Name at least one of the five actions the team focuses on');
  return unique;
}

/** The organization scope of an expert: its own organization's path and those of its teams' organizations. */
async function scopeOf(ctx: Context, expert: { id: string; organizationId: string | null }, teamIds: string[]): Promise<string[]> {
  const teams = await Promise.all(teamIds.map((id) => ctx.repos.teams.get(id)));
  const own = expert.organizationId ? await ctx.repos.organizations.get(expert.organizationId) : undefined;
  return [...new Set([...(own?.path ?? []), ...teams.flatMap((t) => t?.organizationPath ?? [])])];
}

/** Volunteer teams (队伍) and sub-teams (分队): read by signed-in callers, managed by the organization's admins. */
export const teamResolvers: Resolvers = {
  Query: {
    team: async (_p, { id }, ctx) => {
      authorize(ctx.principal, { type: 'team.read' });
      return (await ctx.repos.teams.get(id)) ?? null;
    },
  },
  Mutation: {
    createTeam: async (_p, { input }, ctx) => {
      const name = requireText(input.name, 'name');
      const actions = checkActions(input.actions);
      const description = optionalText(input.description, 'description') ?? null;
      const organization = await requireOrganization(ctx, input.organizationId, 'organizationId');
      authorize(ctx.principal, { type: 'team.manage', organizationPath: organization.path });
      if (input.parentTeamId) {
        const parent = await requireTeam(ctx, input.parentTeamId, 'parentTeamId');
        if (parent.organizationId !== organization.id) throw badInput('parentTeamId', 'A sub-team belongs to a team of the same organization');
      }
      if (input.leaderExpertId) await requireExpert(ctx, input.leaderExpertId, 'leaderExpertId');
      const now = ctx.now();
      const team = await ctx.repos.teams.create({
        id: ctx.newId(),
        name,
        organizationId: organization.id,
        organizationPath: organization.path,
        regionCode: organization.regionCode,
        parentTeamId: input.parentTeamId ?? null,
        leaderExpertId: input.leaderExpertId ?? null,
        actions,
        description,
        memberCount: 0,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      return { team };
    },
    updateTeam: async (_p, { input }, ctx) => {
      const current = await requireTeam(ctx, input.id);
      authorize(ctx.principal, { type: 'team.manage', organizationPath: current.organizationPath });
      if (input.leaderExpertId) await requireExpert(ctx, input.leaderExpertId, 'leaderExpertId');
      // The condition is on the version the client read, not the one in this request's cache.
      const team = await ctx.repos.teams.update(
        { ...current, version: requireVersion(input.version) },
        {
          name: input.name == null ? undefined : requireText(input.name, 'name'),
          leaderExpertId: input.leaderExpertId === undefined ? undefined : input.leaderExpertId,
          actions: input.actions == null ? undefined : checkActions(input.actions),
          description: optionalText(input.description, 'description'),
        },
        ctx.now(),
      );
      return { team };
    },
    addTeamMember: async (_p, { input }, ctx) => {
      const team = await requireTeam(ctx, input.teamId, 'teamId');
      authorize(ctx.principal, { type: 'team.manage', organizationPath: team.organizationPath });
      const expert = await requireExpert(ctx, input.expertId, 'expertId');
      const scope = [...new Set([...expert.scopeOrganizationIds, ...team.organizationPath])];
      await ctx.repos.teams.addMember(team.id, expert.id, ctx.now(), [ctx.repos.experts.setScopeOp(expert.id, scope)]);
      return { team: await requireTeam(ctx, team.id), expert: { ...expert, scopeOrganizationIds: scope } };
    },
    removeTeamMember: async (_p, { input }, ctx) => {
      const team = await requireTeam(ctx, input.teamId, 'teamId');
      authorize(ctx.principal, { type: 'team.manage', organizationPath: team.organizationPath });
      const expert = await requireExpert(ctx, input.expertId, 'expertId');
      const remaining = (await ctx.repos.teams.allTeamIdsOf(expert.id)).filter((id) => id !== team.id);
      const scope = await scopeOf(ctx, expert, remaining);
      await ctx.repos.teams.removeMember(team.id, expert.id, [ctx.repos.experts.setScopeOp(expert.id, scope)]);
      return { team: await requireTeam(ctx, team.id), expert: { ...expert, scopeOrganizationIds: scope } };
    },
  },
  Team: {
    organization: (t, _a, ctx) => requireOrganization(ctx, t.organizationId),
    parentTeam: async (t, _a, ctx) => (t.parentTeamId ? ((await ctx.repos.teams.get(t.parentTeamId)) ?? null) : null),
    subTeams: async (t, { first, after }, ctx) => toConnection(await ctx.repos.teams.listSubTeams(t.id, { first, after })),
    leader: async (t, _a, ctx) => (t.leaderExpertId ? ((await ctx.repos.experts.get(t.leaderExpertId)) ?? null) : null),
    members: async (t, { first, after }, ctx) => {
      const page = await ctx.repos.teams.listMembers(t.id, { first, after });
      const experts = await Promise.all(page.items.map((m) => ctx.repos.experts.get(m.expertId)));
      const items = page.items.flatMap((m, i) => {
        const node = experts[i];
        return node ? [{ node, cursor: m.cursor, joinedAt: m.joinedAt }] : [];
      });
      return { ...toConnection({ items, hasNextPage: page.hasNextPage }), totalCount: t.memberCount };
    },
  },
};
