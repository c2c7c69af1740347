import { GSI1, entityKey, expertTeamsGsi1, indexPartition, indexSortKey, memberGsi1, memberKey, memberPrefix, type Key, Entity } from '../data/keys.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import { hydratePage, type Store, type WriteOp } from '../data/store.js';
import { EntityStore } from '../data/entityStore.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { AppError, ErrorCode } from '../errors.js';
import type { Action } from '../generated/graphql.js';

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
    super(store, loader, 'TEAM', indexKeys);
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
        { ...memberKey(teamId, expertId), ...memberGsi1(teamId, expertId), entity: Entity.MEMBER, teamId, expertId, joinedAt: now },
        () => new AppError(ErrorCode.CONFLICT, 'The expert is already a member of this team', { field: 'expertId' }),
      ),
      this.counterOp(teamId, 1),
      ...expertOps,
    ]);
    this.loader.clear(entityKey('TEAM', teamId));
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

  // The counter is not a user-edited field, so it does not bump `version`.
  private counterOp(teamId: string, delta: 1 | -1): WriteOp {
    return this.store.update(
      entityKey('TEAM', teamId),
      { add: { memberCount: delta } },
      { expression: 'attribute_exists(PK)', onFailed: () => new AppError(ErrorCode.NOT_FOUND, `Team ${teamId} not found`, { field: 'teamId' }) },
    );
  }
}
