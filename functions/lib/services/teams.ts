import type { ServiceContext } from './context.js';
import type { CreateTeamInput, TeamMemberInput, UpdateTeamInput } from '../generated/graphql.js';
import { authorize } from '../auth/policy.js';
import { checkActions, checkSubTeamParent } from '../domain/teams.js';
import { expertScope, withTeam, withoutTeam } from '../domain/experts.js';
import type { TeamRecord } from '../repositories/teams.js';
import type { ExpertRecord } from '../repositories/experts.js';
import type { OrganizationRecord } from '../repositories/organizations.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { optionalText, requireText, requireVersion } from './inputs.js';
import { retryOnConcurrentChange, type RetryOptions } from './retry.js';

/** A membership change that keeps meeting concurrent changes of the same expert: 5 attempts, waits below 20, 40, 80 and 160 ms. */
export const MEMBERSHIP_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 10 };

/** A team and the expert after a membership change. */
export interface MembershipChange {
  team: TeamRecord;
  expert: ExpertRecord;
}

/** One page of a team's members with the team's counter. */
export interface MemberPage {
  items: Array<{ node: ExpertRecord; cursor: string; joinedAt: string }>;
  hasNextPage: boolean;
  totalCount: number;
}

/** Volunteer teams and sub-teams, and joining them. */
export class TeamService {
  constructor(protected readonly ctx: ServiceContext) {}

  /** One team (signed-in callers); null when unknown. */
  async get(id: string): Promise<TeamRecord | null> {
    authorize(this.ctx.principal, { type: 'team.read' });
    return (await this.ctx.repos.teams.get(id)) ?? null;
  }

  /** One page of the top-level teams of an organization (signed-in callers). */
  ofOrganization(organization: OrganizationRecord, page: PageArgs): Promise<Page<TeamRecord>> {
    authorize(this.ctx.principal, { type: 'team.read' });
    return this.ctx.repos.teams.listByOrganization(organization.id, page);
  }

  /** One page of the sub-teams (分队) of a team. */
  subTeams(team: TeamRecord, page: PageArgs): Promise<Page<TeamRecord>> {
    authorize(this.ctx.principal, { type: 'team.read' });
    return this.ctx.repos.teams.listSubTeams(team.id, page);
  }

  /** The team a sub-team belongs to, if any. */
  async parent(team: TeamRecord): Promise<TeamRecord | null> {
    return team.parentTeamId ? this.get(team.parentTeamId) : null;
  }

  /** One page of the teams an expert belongs to. */
  ofExpert(expert: ExpertRecord, page: PageArgs): Promise<Page<TeamRecord>> {
    authorize(this.ctx.principal, { type: 'team.read' });
    return this.ctx.repos.teams.listByMember(expert.id, page);
  }

  /** One page of a team's members (experts in id order, with when they joined) and the member counter. */
  async members(team: TeamRecord, page: PageArgs): Promise<MemberPage> {
    authorize(this.ctx.principal, { type: 'expert.read' });
    const listed = await this.ctx.repos.teams.listMembers(team.id, page);
    const experts = await Promise.all(listed.items.map((m) => this.ctx.repos.experts.get(m.expertId)));
    // A membership whose expert vanished is skipped rather than failing the page.
    const items = listed.items.flatMap((m, i) => {
      const node = experts[i];
      return node ? [{ node, cursor: m.cursor, joinedAt: m.joinedAt }] : [];
    });
    return { items, hasNextPage: listed.hasNextPage, totalCount: team.memberCount };
  }

  /** Creates a team (or a sub-team of a team of the same organization) as an admin of the organization's subtree. */
  async create(input: CreateTeamInput): Promise<TeamRecord> {
    const { repos, principal } = this.ctx;
    const name = requireText(input.name, 'name');
    const actions = checkActions(input.actions);
    const description = optionalText(input.description, 'description') ?? null;
    const organization = await repos.organizations.require(input.organizationId, 'organizationId');
    authorize(principal, { type: 'team.manage', organizationPath: organization.path });
    if (input.parentTeamId) checkSubTeamParent(await repos.teams.require(input.parentTeamId, 'parentTeamId'), organization.id);
    if (input.leaderExpertId) await repos.experts.require(input.leaderExpertId, 'leaderExpertId');
    const now = this.ctx.now();
    return repos.teams.create({
      id: this.ctx.newId(),
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
  }

  /** Renames a team, changes its leader, actions or description (a stale version is a CONFLICT). */
  async update(input: UpdateTeamInput): Promise<TeamRecord> {
    const { repos, principal } = this.ctx;
    const current = await repos.teams.require(input.id);
    authorize(principal, { type: 'team.manage', organizationPath: current.organizationPath });
    if (input.leaderExpertId) await repos.experts.require(input.leaderExpertId, 'leaderExpertId');
    // The condition is on the version the client read, not the one in this request's cache.
    const expected = { ...current, version: requireVersion(input.version) };
    const fields = {
      name: input.name == null ? undefined : requireText(input.name, 'name'),
      leaderExpertId: input.leaderExpertId === undefined ? undefined : input.leaderExpertId,
      actions: input.actions == null ? undefined : checkActions(input.actions),
      description: optionalText(input.description, 'description'),
    };
    return repos.teams.update(expected, fields, this.ctx.now());
  }

  /** Adds an expert to a team (admins of the team's organization subtree); the team's organizations join the expert's scope. */
  addMember(input: TeamMemberInput): Promise<MembershipChange> {
    return this.changeMembership(input, 'JOIN');
  }

  /** Removes an expert from a team; the expert's scope is recomputed from the teams it is still in. */
  removeMember(input: TeamMemberInput): Promise<MembershipChange> {
    return this.changeMembership(input, 'LEAVE');
  }

  /**
   * A membership change and the expert's scope, consistently. The expert item keeps its team ids, so
   * one strongly consistent GetItem gives them with the expert's version; the scope is recomputed from
   * them (team and organization paths never change) and written with the membership item and the team
   * counter in one transaction on the condition that the expert is still at that version. When another
   * membership change of the same expert got in between, the transaction fails and this one re-reads and
   * recomputes (a few times, with jittered backoff), so concurrent joins and leaves all take effect and
   * no organization is dropped from (or left behind in) the scope.
   */
  private async changeMembership(input: TeamMemberInput, change: 'JOIN' | 'LEAVE'): Promise<MembershipChange> {
    const { repos, principal } = this.ctx;
    const team = await repos.teams.require(input.teamId, 'teamId');
    authorize(principal, { type: 'team.manage', organizationPath: team.organizationPath });
    return retryOnConcurrentChange(async () => {
      const expert = await repos.experts.requireFresh(input.expertId, 'expertId');
      // Experts that joined teams before the item kept its team ids: their teams from GSI1, this once.
      const current = expert.teamIds ?? (await repos.teams.allTeamIdsOf(expert.id));
      const teamIds = change === 'JOIN' ? withTeam(current, team.id) : withoutTeam(current, team.id);
      const own = expert.organizationId ? await repos.organizations.get(expert.organizationId) : undefined;
      const scope = expertScope(own?.path ?? [], await repos.teams.organizationPathsOf(teamIds));
      const now = this.ctx.now();
      const expertOps = repos.experts.membershipOps(expert, teamIds, scope, now);
      if (change === 'JOIN') await repos.teams.addMember(team.id, expert.id, now, expertOps);
      else await repos.teams.removeMember(team.id, expert.id, expertOps);
      return { team: await repos.teams.reload(team.id), expert: await repos.experts.reload(expert.id) };
    }, MEMBERSHIP_RETRY);
  }
}
