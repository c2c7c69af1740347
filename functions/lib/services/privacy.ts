import type { ServiceContext } from './context.js';
import { allows, authorize, isSelf } from '../auth/policy.js';
import { ROLES, type Principal } from '../auth/principal.js';
import { AppError, ErrorCode } from '../errors.js';
import { callerOf } from '../idempotency.js';
import { ERASED_USER, checkErasureConfirmation } from '../domain/personalData.js';
import { needScope } from './scopes.js';
import type { UserAccessRecord } from '../repositories/access.js';
import type { ExpertRecord } from '../repositories/experts.js';
import type { NeedMatchRecord, NeedRecord } from '../repositories/needs.js';
import type { TeamMembershipRecord } from '../repositories/teams.js';
import type { ParticipationRecord } from '../repositories/activities.js';
import type { OrganizationRecord } from '../repositories/organizations.js';
import type { PersonalDataReadRecord } from '../repositories/personalData.js';
import type { Page, PageArgs } from '../data/pagination.js';

/** The root of a person's data export: who asked, its access record and expert record (each section is read when selected). */
export interface MyDataModel {
  principal: Principal;
  userId: string;
  access: UserAccessRecord | null;
  expert: ExpertRecord | null;
  exportedAt: string;
}

/** The account section of the export. */
export interface MyAccountModel {
  userId: string;
  name: string | null;
  roles: Principal['roles'];
  revokedRoles: Principal['roles'];
  organizationId: string | null;
  status: 'ACTIVE' | 'DISABLED';
}

/** What an erasure removed or anonymised in this call. */
export interface ErasureModel {
  userId: string;
  expertId: string | null;
  erasedAt: string;
  expertItems: number;
  teamMemberships: number;
  pendingMemberships: number;
  matches: number;
  participationsAnonymised: number;
  needsAnonymised: number;
  idempotencyRecords: number;
  dataReads: number;
}

const emptyPage = <T>(): Page<T> => ({ items: [], hasNextPage: false });

/** Writes of an erasure in flight at once: quick for a long service record, gentle on the table. */
const ERASURE_CONCURRENCY = 10;

/** Runs `work` over `items`, ERASURE_CONCURRENCY at a time, and returns the results in order. */
async function inChunks<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += ERASURE_CONCURRENCY) {
    results.push(...(await Promise.all(items.slice(start, start + ERASURE_CONCURRENCY).map(work))));
  }
  return results;
}

/** Needs anonymised per read of the requester's partition (each pass removes them from it). */
const NEEDS_PER_PASS = 50;

/** The person's rights under PIPL: export everything held about them, erase their account. */
export class PrivacyService {
  constructor(protected readonly ctx: ServiceContext) {}

  /** The signed-in person's data (a signed-in user; partners FORBIDDEN, anonymous callers UNAUTHENTICATED). */
  async myData(): Promise<MyDataModel> {
    const { principal, repos } = this.ctx;
    authorize(principal, { type: 'personalData.export' });
    const userId = principal.userId as string;
    const [access, expert] = await Promise.all([repos.access.get(userId), this.ownExpert(userId)]);
    return { principal, userId, access: access ?? null, expert, exportedAt: this.ctx.now() };
  }

  /** The account section: roles in force, revoked roles, organization, status. */
  account(data: MyDataModel): MyAccountModel {
    return {
      userId: data.userId,
      name: data.principal.name,
      roles: data.principal.roles,
      revokedRoles: data.access?.revokedRoles ?? [],
      organizationId: data.principal.organizationId,
      status: data.access?.disabled ? 'DISABLED' : 'ACTIVE',
    };
  }

  /** An organization named in the export (the person's, or a reader's). */
  async organization(id: string | null): Promise<OrganizationRecord | null> {
    return id ? ((await this.ctx.repos.organizations.get(id)) ?? null) : null;
  }

  /** Active team memberships of the person. */
  teamMemberships(data: MyDataModel, args: PageArgs): Promise<Page<TeamMembershipRecord>> {
    return data.expert ? this.ctx.repos.teams.membershipsOfExpert(data.expert.id, args) : Promise.resolve(emptyPage());
  }

  /** Pending invitations and applications of the person. */
  pendingMemberships(data: MyDataModel, args: PageArgs): Promise<Page<TeamMembershipRecord>> {
    return data.expert ? this.ctx.repos.teams.listRequestsOfExpert(data.expert.id, args) : Promise.resolve(emptyPage());
  }

  /** The person's participations (sign-ups, check-ins, hours), newest activity first. */
  participations(data: MyDataModel, args: PageArgs): Promise<Page<ParticipationRecord>> {
    return data.expert ? this.ctx.repos.activities.participationsOf(data.expert.id, args) : Promise.resolve(emptyPage());
  }

  /** The person's matches: open ones (its inbox) or past ones. */
  matches(data: MyDataModel, open: boolean, args: PageArgs): Promise<Page<NeedMatchRecord>> {
    return data.expert ? this.ctx.repos.needs.matchesOfExpert(data.expert.id, open, args) : Promise.resolve(emptyPage());
  }

  /** The need of one of the person's matches, when the person may (still) read it; null otherwise. */
  async needOfMatch(match: NeedMatchRecord): Promise<NeedRecord | null> {
    const need = await this.ctx.repos.needs.get(match.needId);
    return need && allows(this.ctx.principal, { type: 'need.read', need: needScope(need) }) ? need : null;
  }

  /** Needs the person posted as requester, newest first. */
  needsPosted(data: MyDataModel, args: PageArgs): Promise<Page<NeedRecord>> {
    return this.ctx.repos.needs.list({ requesterUserId: data.userId }, args);
  }

  /** Audit lines of reads of the person's personal data by others, newest first. */
  dataReads(data: MyDataModel, args: PageArgs): Promise<Page<PersonalDataReadRecord>> {
    return data.expert ? this.ctx.repos.personalData.readsOf(data.expert.id, args) : Promise.resolve(emptyPage());
  }

  /**
   * Erases the signed-in person's account (PIPL right to deletion). Deleted: memberships (team counters follow),
   * pending memberships, stored matches (inbox), idempotency records, audit lines, the expert record with its index
   * items and guards. Anonymised: participations (hours stay with the organizations and activities) and needs posted
   * as requester (contact removed, the need stays). Last, the access record is disabled with every role revoked, so
   * the token is refused from the next request on. Each step is idempotent, so a retry after a failure completes the
   * job (the token still works until the last step); after it, every request with the token is FORBIDDEN.
   */
  async deleteMyAccount(confirm: string): Promise<ErasureModel> {
    const { principal, repos } = this.ctx;
    authorize(principal, { type: 'account.delete' });
    checkErasureConfirmation(confirm);
    const userId = principal.userId as string;
    const expert = await this.ownExpert(userId);
    // A retry after the expert record was erased still cleans up under the token's expert id.
    const expertId = expert?.id ?? principal.expertId;
    const now = this.ctx.now();
    const result: ErasureModel = {
      userId,
      expertId,
      erasedAt: now,
      expertItems: 0,
      teamMemberships: 0,
      pendingMemberships: 0,
      matches: 0,
      participationsAnonymised: 0,
      needsAnonymised: 0,
      idempotencyRecords: 0,
      dataReads: 0,
    };
    if (expertId) {
      const teamIds = new Set([...(expert?.teamIds ?? []), ...(await repos.teams.allTeamIdsOf(expertId))]);
      for (const teamId of teamIds) {
        if (await this.leaveTeam(teamId, expertId)) result.teamMemberships += 1;
      }
      result.pendingMemberships = await repos.teams.eraseRequestsOf(expertId);
      result.matches = await repos.needs.eraseMatchesOf(expertId);
      const moved = await inChunks(await repos.activities.serviceOf(expertId), (row) =>
        repos.activities.anonymiseParticipation(row, `anonymous-${this.ctx.newId()}`),
      );
      result.participationsAnonymised = moved.filter(Boolean).length;
      result.dataReads = await repos.personalData.eraseReadsOf(expertId);
    }
    result.needsAnonymised = await this.anonymiseNeedsPosted(userId, now);
    const caller = callerOf(principal);
    if (caller) result.idempotencyRecords = await repos.idempotency.eraseCaller(caller);
    if (expert) result.expertItems = await repos.experts.erase(expert);
    await repos.access.put({ userId, disabled: true, revokedRoles: [...ROLES], updatedAt: now, erasedAt: now });
    this.ctx.logger.info('account erased', { audit: true, ...result });
    return result;
  }

  /** The caller's own expert record, by the token's expert id or its user guard (a token issued before registering). */
  private async ownExpert(userId: string): Promise<ExpertRecord | null> {
    const { principal, repos } = this.ctx;
    const id = principal.expertId ?? (await repos.experts.idOfUser(userId));
    const expert = id ? await repos.experts.getFresh(id) : undefined;
    return expert && isSelf(principal, expert) ? expert : null;
  }

  /** Leaves one team (the member item and the counter); false when the expert was no longer a member. */
  private async leaveTeam(teamId: string, expertId: string): Promise<boolean> {
    try {
      // The expert record is erased afterwards, so its own side of the membership needs no write.
      await this.ctx.repos.teams.removeMember(teamId, expertId, []);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND) return false;
      throw error;
    }
  }

  /**
   * Anonymises every need the person posted as requester, a page at a time: each one leaves the requester's
   * index partition as it is anonymised, so the loop reads the first page again until it is empty (bounded:
   * a pass that anonymises nothing ends it).
   */
  private async anonymiseNeedsPosted(userId: string, now: string): Promise<number> {
    const { repos } = this.ctx;
    let count = 0;
    for (;;) {
      const page = await repos.needs.list({ requesterUserId: userId }, { first: NEEDS_PER_PASS });
      const done = await inChunks(page.items, async ({ node }) => {
        const current = await repos.needs.getFresh(node.id);
        if (!current || current.requesterUserId !== userId) return false;
        await repos.needs.anonymiseRequester(current, userId, ERASED_USER, now);
        return true;
      });
      const changed = done.filter(Boolean).length;
      count += changed;
      if (changed === 0 || !page.hasNextPage) return count;
    }
  }
}
