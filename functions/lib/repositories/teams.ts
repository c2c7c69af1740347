import { withTermItems } from './search.js';
import type { WeightedTerm } from '../domain/text.js';
import {
  GSI1,
  Entity,
  entityKey,
  expertRequestsGsi1,
  expertTeamsGsi1,
  indexPartition,
  indexSortKey,
  memberGsi1,
  memberKey,
  memberPrefix,
  membershipRequestGsi1,
  membershipRequestKey,
  membershipRequestPrefix,
  type Key,
} from '../data/keys.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import { hydratePage, type Store, type WriteOp } from '../data/store.js';
import { EntityStore } from '../data/entityStore.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { AppError, ErrorCode } from '../errors.js';
import type { Action, TeamMembershipStatus } from '../generated/graphql.js';

/** A volunteer team as stored; `organizationPath` is its organization's path (for the policy). */
export interface TeamRecord {
  id: string;
  name: string;
  organizationId: string;
  organizationPath: string[];
  regionCode: string;
  parentTeamId: string | null;
  leaderExpertId: string | null;
  actions: Action[];
  description: string | null;
  memberCount: number;
  /** Search terms of the name (with its pinyin) and description (term items); absent on records written before search. */
  searchTerms?: WeightedTerm[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A membership as listed under Team.members. */
export interface TeamMemberEdgeRecord {
  expertId: string;
  joinedAt: string;
  cursor: string;
}

/** A pending invitation or application as stored (PENDING_*), or a membership or answer as returned by a use case. */
export interface TeamMembershipRecord {
  teamId: string;
  expertId: string;
  status: TeamMembershipStatus;
  /** The user who invited (an invitation) or applied (an application). */
  requestedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The statuses a stored request may have. */
export type PendingStatus = Extract<TeamMembershipStatus, 'PENDING_INVITATION' | 'PENDING_APPLICATION'>;

const requestRecord = (item: Record<string, unknown>): TeamMembershipRecord => ({
  teamId: String(item.teamId),
  expertId: String(item.expertId),
  status: item.status as TeamMembershipStatus,
  requestedBy: typeof item.requestedBy === 'string' ? item.requestedBy : null,
  createdAt: String(item.createdAt),
  updatedAt: String(item.createdAt),
});

// A top-level team is listed under its organization; a sub-team under its parent team.
const indexKeys = (t: Pick<TeamRecord, 'id' | 'organizationId' | 'parentTeamId' | 'regionCode'>): Key[] => [
  {
    PK: indexPartition('TEAM', t.parentTeamId ? { parent: t.parentTeamId } : { org: t.organizationId }),
    SK: indexSortKey(t.regionCode, t.id),
  },
];

/** Teams, their index items and memberships (membership and member counter change together). */
export class TeamRepository extends EntityStore<TeamRecord> {
  constructor(store: Store, loader: ItemLoader) {
    const index = withTermItems<TeamRecord>('TEAM', indexKeys);
    super(store, loader, 'TEAM', index.keys, index.item);
  }

  /** Top-level teams of an organization. */
  listByOrganization(organizationId: string, args: PageArgs) {
    return this.listIndex(indexPartition('TEAM', { org: organizationId }), args);
  }

  /** Sub-teams (分队) of a team. */
  listSubTeams(teamId: string, args: PageArgs) {
    return this.listIndex(indexPartition('TEAM', { parent: teamId }), args);
  }

  /** Members in expert-id order, from the team's partition. */
  async listMembers(teamId: string, args: PageArgs): Promise<{ items: TeamMemberEdgeRecord[]; hasNextPage: boolean }> {
    const { PK, SKPrefix } = memberPrefix(teamId);
    const page = await this.store.queryPage({ partition: PK, sortPrefix: SKPrefix, args });
    return {
      hasNextPage: page.hasNextPage,
      items: page.keys.map(({ item, cursor }) => ({ expertId: String(item.expertId), joinedAt: String(item.joinedAt), cursor })),
    };
  }

  /** Teams an expert belongs to (GSI1). */
  async listByMember(expertId: string, args: PageArgs): Promise<Page<TeamRecord>> {
    const { GSI1PK, GSI1SKPrefix } = expertTeamsGsi1(expertId);
    const page = await this.store.queryPage({ partition: GSI1PK, sortPrefix: GSI1SKPrefix, index: GSI1, args });
    return hydratePage(
      page,
      (item) => String(item.teamId),
      (id) => this.get(id),
    );
  }

  /**
   * All team ids of an expert from GSI1 (eventually consistent): only for experts whose item does not
   * keep its team ids yet (see ExpertRecord.teamIds); an expert is in few teams.
   */
  async allTeamIdsOf(expertId: string): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const page = await this.listByMember(expertId, { first: 100, after });
      ids.push(...page.items.map((e) => e.node.id));
      after = page.hasNextPage ? (page.items.at(-1)?.cursor ?? null) : null;
    } while (after);
    return ids;
  }

  /** The organization paths of these teams, read with strong consistency (teams that do not exist are skipped). */
  async organizationPathsOf(teamIds: readonly string[]): Promise<string[][]> {
    const items = await this.store.batchGet(
      teamIds.map((id) => entityKey('TEAM', id)),
      { consistentRead: true },
    );
    return items.flatMap((item) => (item ? [recordOf<TeamRecord>(item).organizationPath] : []));
  }

  /**
   * Joins: the membership item (CONFLICT on `expertId` when it exists), the member counter and the
   * expert's side of the change (`expertOps`, versioned), in one transaction. The membership item
   * comes first, so "already a member" is the error when it and a stale expert version both fail.
   */
  async addMember(teamId: string, expertId: string, now: string, expertOps: WriteOp[]): Promise<void> {
    await this.store.transact([
      this.store.putNew(
        this.memberItem(teamId, expertId, now),
        () => new AppError(ErrorCode.CONFLICT, 'The expert is already a member of this team', { field: 'expertId' }),
      ),
      this.counterOp(teamId, 1),
      ...expertOps,
    ]);
    this.loader.clear(entityKey('TEAM', teamId));
  }

  /** The membership item of a member (the team's partition, and the expert's teams on GSI1). */
  memberItem(teamId: string, expertId: string, joinedAt: string): Record<string, unknown> {
    return { ...memberKey(teamId, expertId), ...memberGsi1(teamId, expertId), entity: Entity.MEMBER, teamId, expertId, joinedAt };
  }

  /** Leaves: the membership item (NOT_FOUND on `expertId` when absent), the counter and the expert's side, in one transaction. */
  async removeMember(teamId: string, expertId: string, expertOps: WriteOp[]): Promise<void> {
    await this.store.transact([
      this.store.delete(memberKey(teamId, expertId), {
        expression: 'attribute_exists(PK)',
        onFailed: () => new AppError(ErrorCode.NOT_FOUND, 'The expert is not a member of this team', { field: 'expertId' }),
      }),
      this.counterOp(teamId, -1),
      ...expertOps,
    ]);
    this.loader.clear(entityKey('TEAM', teamId));
  }

  /** True when the expert is a member of the team (strongly consistent). */
  async isMember(teamId: string, expertId: string): Promise<boolean> {
    return (await this.store.get(memberKey(teamId, expertId))) !== undefined;
  }

  /** The pending invitation or application of the expert to the team (strongly consistent), if any. */
  async getRequest(teamId: string, expertId: string): Promise<TeamMembershipRecord | undefined> {
    const item = await this.store.get(membershipRequestKey(teamId, expertId));
    return item ? requestRecord(item) : undefined;
  }

  /** Stores a pending invitation or application; one at a time per team and expert (CONFLICT on `expertId`). */
  async createRequest(request: TeamMembershipRecord & { status: PendingStatus }): Promise<TeamMembershipRecord> {
    const { teamId, expertId, status, requestedBy, createdAt } = request;
    await this.store.transact([
      this.store.putNew(
        {
          ...membershipRequestKey(teamId, expertId),
          ...membershipRequestGsi1(teamId, expertId),
          entity: Entity.MEMBERSHIP_REQUEST,
          teamId,
          expertId,
          status,
          requestedBy,
          createdAt,
        },
        (old) =>
          new AppError(
            ErrorCode.CONFLICT,
            old?.status === 'PENDING_APPLICATION' ? 'The expert has already applied to this team' : 'The expert is already invited to this team',
            { field: 'expertId' },
          ),
      ),
    ]);
    return request;
  }

  /** Removes a pending request of this status (declined, rejected, or consumed by a join); NOT_FOUND on `teamId` when there is none. */
  deleteRequestOp(teamId: string, expertId: string, status: PendingStatus): WriteOp {
    return this.store.delete(membershipRequestKey(teamId, expertId), {
      expression: '#status = :status',
      names: { '#status': 'status' },
      values: { ':status': status },
      onFailed: () =>
        new AppError(ErrorCode.NOT_FOUND, status === 'PENDING_INVITATION' ? 'No pending invitation to this team' : 'No pending application to this team', {
          field: 'teamId',
        }),
    });
  }

  /** Removes a pending request (see deleteRequestOp) on its own. */
  async deleteRequest(teamId: string, expertId: string, status: PendingStatus): Promise<void> {
    await this.store.transact([this.deleteRequestOp(teamId, expertId, status)]);
  }

  /** One page of a team's pending invitations and applications, in expert-id order. */
  async listRequests(teamId: string, args: PageArgs): Promise<Page<TeamMembershipRecord>> {
    const { PK, SKPrefix } = membershipRequestPrefix(teamId);
    const page = await this.store.queryPage({ partition: PK, sortPrefix: SKPrefix, args });
    return { hasNextPage: page.hasNextPage, items: page.keys.map(({ item, cursor }) => ({ node: requestRecord(item), cursor })) };
  }

  /** One page of an expert's pending invitations and applications (GSI1), in team-id order. */
  async listRequestsOfExpert(expertId: string, args: PageArgs): Promise<Page<TeamMembershipRecord>> {
    const { GSI1PK, GSI1SKPrefix } = expertRequestsGsi1(expertId);
    const page = await this.store.queryPage({ partition: GSI1PK, sortPrefix: GSI1SKPrefix, index: GSI1, args });
    return { hasNextPage: page.hasNextPage, items: page.keys.map(({ item, cursor }) => ({ node: requestRecord(item), cursor })) };
  }

  /** One page of an expert's memberships (GSI1), as ACTIVE membership records, in team-id order. */
  async membershipsOfExpert(expertId: string, args: PageArgs): Promise<Page<TeamMembershipRecord>> {
    const { GSI1PK, GSI1SKPrefix } = expertTeamsGsi1(expertId);
    const page = await this.store.queryPage({ partition: GSI1PK, sortPrefix: GSI1SKPrefix, index: GSI1, args });
    return {
      hasNextPage: page.hasNextPage,
      items: page.keys.map(({ item, cursor }) => ({
        node: {
          teamId: String(item.teamId),
          expertId,
          status: 'ACTIVE',
          requestedBy: null,
          createdAt: String(item.joinedAt),
          updatedAt: String(item.joinedAt),
        },
        cursor,
      })),
    };
  }

  /** Deletes every pending invitation and application of an expert (account erasure); returns how many. */
  async eraseRequestsOf(expertId: string): Promise<number> {
    const { GSI1PK, GSI1SKPrefix } = expertRequestsGsi1(expertId);
    const items = await this.store.queryAll({ partition: GSI1PK, sortPrefix: GSI1SKPrefix, index: GSI1 });
    await this.store.batchWrite({ delete: items.map((i) => ({ PK: String(i.PK), SK: String(i.SK) })) });
    return items.length;
  }

  // The counter is not a user-edited field, so it does not bump `version`.
  private counterOp(teamId: string, delta: 1 | -1): WriteOp {
    return this.store.update(
      entityKey('TEAM', teamId),
      { add: { memberCount: delta } },
      { expression: 'attribute_exists(PK)', onFailed: () => new AppError(ErrorCode.NOT_FOUND, `Team ${teamId} not found`, { field: 'teamId' }) },
    );
  }
}
