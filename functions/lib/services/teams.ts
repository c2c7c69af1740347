import type { ServiceContext } from './context.js';
// addTeamMember and removeTeamMember have their own input types of one shape.
import type {
  ApplyToTeamInput,
  CreateTeamInput,
  InviteTeamMemberInput,
  LeaveTeamInput,
  RespondToTeamInvitationInput,
  ReviewTeamApplicationInput,
  AddTeamMemberInput as TeamMemberInput,
  UpdateTeamInput,
} from '../generated/graphql.js';
import { authorize } from '../auth/policy.js';
import { namedIndexedText, textAnalyzer } from '../domain/text.js';
import { AppError, ErrorCode } from '../errors.js';
import { checkActions, checkSubTeamParent } from '../domain/teams.js';
import { expertScope, withTeam, withoutTeam } from '../domain/experts.js';
import type { PendingStatus, TeamMembershipRecord, TeamRecord } from '../repositories/teams.js';
import type { ExpertRecord } from '../repositories/experts.js';
import type { OrganizationRecord } from '../repositories/organizations.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { optionalText, requireText, requireVersion } from './inputs.js';
import { retryOnConcurrentChange, type RetryOptions } from './retry.js';
import type { WriteOp } from '../data/store.js';

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
      searchTerms: (await textAnalyzer()).indexTerms(namedIndexedText(name, description)),
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
    const name = input.name == null ? undefined : requireText(input.name, 'name');
    const description = optionalText(input.description, 'description');
    const textChanged = name !== undefined || description !== undefined;
    const fields = {
      name,
      leaderExpertId: input.leaderExpertId === undefined ? undefined : input.leaderExpertId,
      actions: input.actions == null ? undefined : checkActions(input.actions),
      description,
      // New text, new terms (the update moves the term items); older teams get theirs on any update.
      searchTerms:
        textChanged || !current.searchTerms
          ? (await textAnalyzer()).indexTerms(namedIndexedText(name ?? current.name, description === undefined ? current.description : description))
          : undefined,
    };
    return repos.teams.update(expected, fields, this.ctx.now());
  }

  /**
   * `addTeamMember`, kept for existing clients: it only invites now (see invite), so it widens nothing;
   * the payload's expert is the one read before, whose personal data the inviting admin still sees masked.
   */
  async addMember(input: TeamMemberInput): Promise<MembershipChange & { membership: TeamMembershipRecord }> {
    const membership = await this.invite(input);
    const { repos } = this.ctx;
    return { membership, team: await repos.teams.require(membership.teamId, 'teamId'), expert: await repos.experts.require(membership.expertId, 'expertId') };
  }

  /** Invites an expert (admins of the team's organization subtree): a pending invitation that widens nothing until the expert accepts. */
  async invite(input: InviteTeamMemberInput): Promise<TeamMembershipRecord> {
    const { repos, principal } = this.ctx;
    const team = await repos.teams.require(input.teamId, 'teamId');
    authorize(principal, { type: 'team.manage', organizationPath: team.organizationPath });
    const expert = await repos.experts.require(input.expertId, 'expertId');
    return this.request(team, expert, 'PENDING_INVITATION');
  }

  /** The expert applies to join a team (the expert itself); an admin of the team's organization subtree reviews it. */
  async apply(input: ApplyToTeamInput): Promise<TeamMembershipRecord> {
    const { repos, principal } = this.ctx;
    const team = await repos.teams.require(input.teamId, 'teamId');
    const expert = await repos.experts.require(input.expertId, 'expertId');
    authorize(principal, { type: 'team.join', expert });
    return this.request(team, expert, 'PENDING_APPLICATION');
  }

  /** The expert accepts (joins: ACTIVE) or declines (DECLINED) its invitation; no pending invitation is NOT_FOUND, a member already CONFLICT. */
  async respondToInvitation(input: RespondToTeamInvitationInput): Promise<TeamMembershipRecord> {
    const { repos, principal } = this.ctx;
    const team = await repos.teams.require(input.teamId, 'teamId');
    const expert = await repos.experts.require(input.expertId, 'expertId');
    authorize(principal, { type: 'team.join', expert });
    return input.accept ? this.join(team, expert.id, 'PENDING_INVITATION') : this.refuse(team, expert.id, 'PENDING_INVITATION', 'DECLINED');
  }

  /** An admin of the team's organization subtree approves (the expert joins: ACTIVE) or rejects (REJECTED) an application. */
  async reviewApplication(input: ReviewTeamApplicationInput): Promise<TeamMembershipRecord> {
    const { repos, principal } = this.ctx;
    const team = await repos.teams.require(input.teamId, 'teamId');
    authorize(principal, { type: 'team.manage', organizationPath: team.organizationPath });
    await repos.experts.require(input.expertId, 'expertId');
    return input.approve ? this.join(team, input.expertId, 'PENDING_APPLICATION') : this.refuse(team, input.expertId, 'PENDING_APPLICATION', 'REJECTED');
  }

  /** The expert leaves a team (the expert itself); its scope is recomputed from the teams it is still in. */
  async leave(input: LeaveTeamInput): Promise<MembershipChange> {
    const { repos, principal } = this.ctx;
    const team = await repos.teams.require(input.teamId, 'teamId');
    const expert = await repos.experts.require(input.expertId, 'expertId');
    authorize(principal, { type: 'team.join', expert });
    return this.changeMembership(team, expert.id, 'LEAVE');
  }

  /** Removes an expert from a team (admins of the team's organization subtree); the expert's scope is recomputed from the teams it is still in. */
  async removeMember(input: TeamMemberInput): Promise<MembershipChange> {
    const team = await this.ctx.repos.teams.require(input.teamId, 'teamId');
    authorize(this.ctx.principal, { type: 'team.manage', organizationPath: team.organizationPath });
    return this.changeMembership(team, input.expertId, 'LEAVE');
  }

  /** One page of a team's pending invitations and applications (admins of the team's organization subtree). */
  pendingMembers(team: TeamRecord, page: PageArgs): Promise<Page<TeamMembershipRecord>> {
    authorize(this.ctx.principal, { type: 'team.manage', organizationPath: team.organizationPath });
    return this.ctx.repos.teams.listRequests(team.id, page);
  }

  /** One page of an expert's pending invitations and applications (the expert itself). */
  pendingMembershipsOf(expert: ExpertRecord, page: PageArgs): Promise<Page<TeamMembershipRecord>> {
    authorize(this.ctx.principal, { type: 'team.join', expert });
    return this.ctx.repos.teams.listRequestsOfExpert(expert.id, page);
  }

  /** The team of a membership. */
  teamOf(membership: TeamMembershipRecord): Promise<TeamRecord> {
    authorize(this.ctx.principal, { type: 'team.read' });
    return this.ctx.repos.teams.require(membership.teamId);
  }

  /** The expert of a membership (its personal data masked by Expert's own fields). */
  expertOf(membership: TeamMembershipRecord): Promise<ExpertRecord> {
    authorize(this.ctx.principal, { type: 'expert.read' });
    return this.ctx.repos.experts.require(membership.expertId);
  }

  // A pending invitation or application; a member already is a CONFLICT on `expertId`, and so is a pending one (see createRequest).
  private async request(team: TeamRecord, expert: ExpertRecord, status: PendingStatus): Promise<TeamMembershipRecord> {
    const { repos } = this.ctx;
    if (await repos.teams.isMember(team.id, expert.id)) throw alreadyMember();
    const now = this.ctx.now();
    return repos.teams.createRequest({ teamId: team.id, expertId: expert.id, status, requestedBy: this.ctx.principal.userId, createdAt: now, updatedAt: now });
  }

  // A declined invitation or rejected application is removed (a new one may follow); the answer is returned, not kept.
  private async refuse(team: TeamRecord, expertId: string, pending: PendingStatus, answer: 'DECLINED' | 'REJECTED'): Promise<TeamMembershipRecord> {
    const request = await this.requireRequest(team, expertId, pending);
    await this.ctx.repos.teams.deleteRequest(team.id, expertId, pending);
    return { ...request, status: answer, updatedAt: this.ctx.now() };
  }

  // The pending request a join or refusal consumes: none is NOT_FOUND on `teamId`, or CONFLICT on `expertId` when the expert is a member already.
  private async requireRequest(team: TeamRecord, expertId: string, pending: PendingStatus): Promise<TeamMembershipRecord> {
    const { repos } = this.ctx;
    const request = await repos.teams.getRequest(team.id, expertId);
    if (request?.status === pending) return request;
    if (await repos.teams.isMember(team.id, expertId)) throw alreadyMember();
    throw new AppError(ErrorCode.NOT_FOUND, pending === 'PENDING_INVITATION' ? 'No pending invitation to this team' : 'No pending application to this team', {
      field: 'teamId',
    });
  }

  // The accepted invitation or approved application becomes a membership: the request is consumed in the join's transaction.
  private async join(team: TeamRecord, expertId: string, pending: PendingStatus): Promise<TeamMembershipRecord> {
    const consumed: { request?: TeamMembershipRecord } = {};
    await this.changeMembership(team, expertId, 'JOIN', async () => {
      consumed.request = await this.requireRequest(team, expertId, pending);
      return [this.ctx.repos.teams.deleteRequestOp(team.id, expertId, pending)];
    });
    const now = this.ctx.now();
    return { ...(consumed.request as TeamMembershipRecord), status: 'ACTIVE', updatedAt: now };
  }

  /**
   * A membership change and the expert's scope, consistently. The expert item keeps its team ids, so
   * one strongly consistent GetItem gives them with the expert's version; the scope is recomputed from
   * them (team and organization paths never change) and written with the membership item and the team
   * counter in one transaction on the condition that the expert is still at that version. When another
   * membership change of the same expert got in between, the transaction fails and this one re-reads and
   * recomputes (a few times, with jittered backoff), so concurrent joins and leaves all take effect and
   * no organization is dropped from (or left behind in) the scope. A join also consumes the pending
   * request (`consume`, re-checked on every attempt) in the same transaction.
   */
  private async changeMembership(team: TeamRecord, expertId: string, change: 'JOIN' | 'LEAVE', consume?: () => Promise<WriteOp[]>): Promise<MembershipChange> {
    const { repos } = this.ctx;
    return retryOnConcurrentChange(async () => {
      const extra = consume ? await consume() : [];
      const expert = await repos.experts.requireFresh(expertId, 'expertId');
      // Experts that joined teams before the item kept its team ids: their teams from GSI1, this once.
      const current = expert.teamIds ?? (await repos.teams.allTeamIdsOf(expert.id));
      const teamIds = change === 'JOIN' ? withTeam(current, team.id) : withoutTeam(current, team.id);
      const own = expert.organizationId ? await repos.organizations.get(expert.organizationId) : undefined;
      const scope = expertScope(own?.path ?? [], await repos.teams.organizationPathsOf(teamIds));
      const now = this.ctx.now();
      const expertOps = [...repos.experts.membershipOps(expert, teamIds, scope, now), ...extra];
      if (change === 'JOIN') await repos.teams.addMember(team.id, expert.id, now, expertOps);
      else await repos.teams.removeMember(team.id, expert.id, expertOps);
      return { team: await repos.teams.reload(team.id), expert: await repos.experts.reload(expert.id) };
    }, MEMBERSHIP_RETRY);
  }
}

const alreadyMember = () => new AppError(ErrorCode.CONFLICT, 'The expert is already a member of this team', { field: 'expertId' });
