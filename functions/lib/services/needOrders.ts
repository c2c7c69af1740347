// The workflow steps' inputs share shapes (grabNeed, acceptNeed, declineNeed, startNeedService: NeedStepInput; withdrawNeed,
// closeNeed: ReasonedNeedStepInput); each mutation has its own input type, named after it.
import type {
  CompleteNeedInput,
  DispatchNeedInput,
  Language,
  NeedFilter as NeedFilterInput,
  NeedStatus,
  GrabNeedInput as NeedStepInput,
  RateNeedInput,
  WithdrawNeedInput as ReasonedNeedStepInput,
  ReviewNeedInput,
  SubmitNeedInput,
} from '../generated/graphql.js';
import { AppError, ErrorCode, badInput } from '../errors.js';
import { allows, authorize, needListingScope, postsAsRequester } from '../auth/policy.js';
import type { WriteOp } from '../data/store.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { regionLineage, requireRegion } from '../regions/index.js';
import { isDomain } from '../vocabulary.js';
import { maskName, maskPhone, normalizePhone } from '../domain/personalData.js';
import {
  applyDecline,
  capacityToRelease,
  checkDescriptionRatable,
  nextStatus,
  untouchedNeedWorkflow,
  type NeedTransitionAction,
} from '../domain/needWorkflow.js';
import {
  checkDesiredPeriod,
  checkDispatchTargets,
  checkNeedDomains,
  checkNeedKeywords,
  checkNeedRegion,
  checkStars,
  matchesLimit,
  rankTechnologies,
  type RankedTechnology,
} from '../domain/needRules.js';
import { regionContains } from '../domain/organizations.js';
import { quarterOf } from '../domain/service.js';
import type { NeedEventRecord, NeedFilter, NeedMatchRecord, NeedRecord, RatingRecord, RequesterRecord } from '../repositories/needs.js';
import type { OrganizationRecord } from '../repositories/organizations.js';
import type { ExpertRecord } from '../repositories/experts.js';
import type { TeamRecord } from '../repositories/teams.js';
import type { TechnologyRecord } from '../repositories/technologies.js';
import { optionalText, requireCurrentVersion, requireText, requireVersion } from './inputs.js';
import type { ServiceContext } from './context.js';
import { needScope } from './scopes.js';
import { textAnalyzer } from '../domain/text.js';

interface StepOptions {
  version: number;
  reason?: string | null;
  changes?: Partial<NeedRecord>;
  /** Writes of other entities in the same transaction (capacity counters, quarterly figures). */
  extra?: WriteOp[];
  remainingAssignees?: number;
}

/** Needs and the order-dispatch workflow (群众点单、中心派单、志愿者接单、群众评单). */
export class NeedOrderService {
  constructor(protected readonly ctx: ServiceContext) {}

  // ---- Queries ----

  /** A need the caller may see; null when there is none, FORBIDDEN when it is not visible to the caller. */
  async need(id: string): Promise<NeedRecord | null> {
    const need = await this.ctx.repos.needs.getConsistent(id);
    if (!need) return null;
    authorize(this.ctx.principal, { type: 'need.read', need: needScope(need) });
    return need;
  }

  /** Needs matching the filter within what the caller may list (its subtree, or published needs), newest first. */
  async needs(filter: NeedFilterInput | null | undefined, args: PageArgs): Promise<Page<NeedRecord>> {
    const scoped = await this.scopedFilter(checkNeedFilter(filter));
    return this.ctx.repos.needs.list(scoped, args);
  }

  /** The caller's own needs as requester, newest first. */
  async myNeeds(status: NeedStatus | null | undefined, args: PageArgs): Promise<Page<NeedRecord>> {
    const { userId } = this.ctx.principal;
    if (!userId) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to see your needs');
    return this.ctx.repos.needs.list({ requesterUserId: userId, ...(status && { status }) }, args);
  }

  // ---- Workflow steps ----

  /** 点单: a requester posts a need, or an admin records one from a survey; counts as received in the quarterly figures. */
  async submitNeed(input: SubmitNeedInput): Promise<NeedRecord> {
    const { principal, repos } = this.ctx;
    if (principal.kind === 'ANONYMOUS') throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to post a need');
    const region = requireRegion(input.regionCode);
    checkNeedRegion(region.code);
    const domains = checkNeedDomains(input.domains);
    const keywords = checkNeedKeywords(input.keywords);
    // The Date scalar has checked the format; only the order is a rule.
    const desiredFrom = input.desiredFrom ?? null;
    const desiredTo = input.desiredTo ?? null;
    checkDesiredPeriod(desiredFrom, desiredTo);
    const requester = await this.checkRequester(input.requester);
    const title = requireText(input.title, 'title');
    const description = requireText(input.description, 'description', 2000);
    const organization = input.organizationId
      ? await repos.organizations.require(input.organizationId, 'organizationId')
      : await this.responsibleAssociation(region.code);
    if (!regionContains(organization.regionCode, region.code)) {
      throw badInput('organizationId', `The organization's region ${organization.regionCode} does not contain ${region.code}`);
    }
    authorize(principal, { type: 'need.submit', organizationPath: organization.path });
    const now = this.ctx.now();
    const need: NeedRecord = {
      id: this.ctx.newId(),
      title,
      description,
      kind: input.kind,
      requester,
      postedBy: principal.userId ?? principal.partnerId ?? 'unknown',
      requesterUserId: postsAsRequester(principal) ? principal.userId : null,
      domains,
      keywords,
      regionCode: region.code,
      organizationId: organization.id,
      organizationPath: organization.path,
      urgency: input.urgency ?? 'NORMAL',
      desiredFrom,
      desiredTo,
      languages: [...new Set<Language>(input.languages ?? [])],
      status: 'SUBMITTED',
      ...untouchedNeedWorkflow(),
      openedAt: null,
      searchTerms: (await textAnalyzer()).indexTerms({ title, keywords, description }),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    // Needs received count in the quarterly figures of the responsible organization and its ancestors.
    const received = repos.activities.counterOps(organization.path, quarterOf(now), 'NEEDS', { received: 1 });
    return repos.needs.submit(need, this.event('SUBMIT', null, 'SUBMITTED', null, now), received);
  }

  /** 审核: an admin of the need's subtree approves it (OPEN, then matched) or rejects it with a reason. */
  async reviewNeed(input: ReviewNeedInput): Promise<NeedRecord> {
    const need = await this.requireNeedToManage(input.id);
    this.authorizeManagement(need);
    if (input.approve) return this.step(need, 'APPROVE', { version: input.version, reason: optionalReason(input.reason) });
    return this.step(need, 'REJECT', { version: input.version, reason: requireReason(input.reason) });
  }

  /** 派单: an admin of the need's subtree dispatches it to experts and/or a team (again to re-dispatch). */
  async dispatchNeed(input: DispatchNeedInput): Promise<NeedRecord> {
    const { repos } = this.ctx;
    const need = await this.requireNeedToManage(input.id);
    this.authorizeManagement(need);
    const expertIds = checkDispatchTargets(input.expertIds, input.teamId);
    for (const id of expertIds) await repos.experts.require(id, 'expertIds');
    if (input.teamId) await repos.teams.require(input.teamId, 'teamId');
    const changes = { dispatchedExpertIds: expertIds, dispatchedTeamId: input.teamId ?? null };
    return this.step(need, 'DISPATCH', { version: input.version, reason: optionalReason(input.reason), changes });
  }

  /** 抢单: an expert matched to an open need takes it (one of its open assignments). */
  async grabNeed(input: NeedStepInput): Promise<NeedRecord> {
    const need = await this.requireVisibleNeed(input.id);
    nextStatus(need.status, 'GRAB');
    const { expertId } = this.ctx.principal;
    const matched = expertId !== null && (await this.ctx.repos.needs.isMatched(need.id, expertId));
    authorize(this.ctx.principal, { type: 'need.grab', need: needScope(need), matched });
    const me = this.actingExpertId();
    const changes = { dispatchedExpertIds: [me], acceptedExpertIds: [me] };
    return this.step(need, 'GRAB', { version: input.version, changes, extra: [this.ctx.repos.experts.capacityOp(me, 1)] });
  }

  /** 接单: a dispatched expert (or the dispatched team's leader) accepts (one of its open assignments). */
  async acceptNeed(input: NeedStepInput): Promise<NeedRecord> {
    const need = await this.requireVisibleNeed(input.id);
    nextStatus(need.status, 'ACCEPT');
    authorize(this.ctx.principal, { type: 'need.respond', need: needScope(need), teamLeaderExpertId: await this.teamLeaderOf(need) });
    const me = this.actingExpertId();
    if (need.acceptedExpertIds.includes(me)) throw new AppError(ErrorCode.CONFLICT, 'You have already accepted this need');
    const changes = { acceptedExpertIds: [...need.acceptedExpertIds, me] };
    return this.step(need, 'ACCEPT', { version: input.version, changes, extra: [this.ctx.repos.experts.capacityOp(me, 1)] });
  }

  /** A dispatched expert (or the team's leader, for the team) declines; with nobody left the need returns to OPEN. */
  async declineNeed(input: NeedStepInput): Promise<NeedRecord> {
    const need = await this.requireVisibleNeed(input.id);
    nextStatus(need.status, 'DECLINE', { remainingAssignees: 1 });
    const leader = await this.teamLeaderOf(need);
    authorize(this.ctx.principal, { type: 'need.respond', need: needScope(need), teamLeaderExpertId: leader });
    const me = this.actingExpertId();
    if (need.acceptedExpertIds.includes(me)) throw new AppError(ErrorCode.INVALID_TRANSITION, 'You have accepted this need; ask an admin to re-dispatch it');
    const { remainingAssignees, ...changes } = applyDecline(need, me, leader);
    return this.step(need, 'DECLINE', { version: input.version, reason: optionalReason(input.reason), changes, remainingAssignees });
  }

  /** The serving experts, the team leader or the handling admins start the service. */
  async startNeedService(input: NeedStepInput): Promise<NeedRecord> {
    const need = await this.requireVisibleNeed(input.id);
    nextStatus(need.status, 'START');
    authorize(this.ctx.principal, { type: 'need.serve', need: needScope(need), teamLeaderExpertId: await this.teamLeaderOf(need) });
    return this.step(need, 'START', { version: input.version, reason: optionalReason(input.reason) });
  }

  /** The service is completed with an outcome: the experts' capacity is freed and the need counts as resolved. */
  async completeNeed(input: CompleteNeedInput): Promise<NeedRecord> {
    const need = await this.requireVisibleNeed(input.id);
    nextStatus(need.status, 'COMPLETE');
    authorize(this.ctx.principal, { type: 'need.serve', need: needScope(need), teamLeaderExpertId: await this.teamLeaderOf(need) });
    const outcome = requireText(input.outcome, 'outcome', 2000);
    // Needs resolved count in the quarterly figures of the responsible organization and its ancestors.
    const resolved = this.ctx.repos.activities.counterOps(need.organizationPath, quarterOf(this.ctx.now()), 'NEEDS', { resolved: 1 });
    return this.step(need, 'COMPLETE', { version: input.version, changes: { outcome }, extra: [...this.releaseCapacity(need), ...resolved] });
  }

  /** 评单: the requester rates the service, 1 to 5 stars. */
  async rateNeed(input: RateNeedInput): Promise<NeedRecord> {
    const need = await this.requireVisibleNeed(input.id);
    nextStatus(need.status, 'RATE');
    authorize(this.ctx.principal, { type: 'need.requesterStep', need: needScope(need) });
    return this.step(need, 'RATE', { version: input.version, changes: { rating: this.rating(input) } });
  }

  /** A serving expert rates how well the need was described (the status does not change). */
  async rateNeedDescription(input: RateNeedInput): Promise<NeedRecord> {
    const need = await this.requireVisibleNeed(input.id);
    checkDescriptionRatable(need.status);
    authorize(this.ctx.principal, { type: 'need.rateDescription', need: needScope(need) });
    requireCurrentVersion(need.version, requireVersion(input.version), 'need');
    return this.ctx.repos.needs.update(need, { descriptionRating: this.rating(input) }, this.ctx.now());
  }

  /** The requester withdraws a live need, with a reason; accepted experts get their capacity back. */
  async withdrawNeed(input: ReasonedNeedStepInput): Promise<NeedRecord> {
    const need = await this.requireVisibleNeed(input.id);
    nextStatus(need.status, 'WITHDRAW');
    authorize(this.ctx.principal, { type: 'need.requesterStep', need: needScope(need) });
    return this.step(need, 'WITHDRAW', { version: input.version, reason: requireReason(input.reason), extra: this.releaseCapacity(need) });
  }

  /** An admin of the need's subtree closes a live need, with a reason; accepted experts get their capacity back. */
  async closeNeed(input: ReasonedNeedStepInput): Promise<NeedRecord> {
    const need = await this.requireNeedToManage(input.id);
    nextStatus(need.status, 'CLOSE');
    this.authorizeManagement(need);
    return this.step(need, 'CLOSE', { version: input.version, reason: requireReason(input.reason), extra: this.releaseCapacity(need) });
  }

  // ---- Field reads ----

  /**
   * The requester, its contact person and phone masked (李**, 139****2222) unless the caller may read
   * them (`need.readContact`: the requester, the handling admins, the serving experts); an unmasked read is audited.
   */
  requesterOf(need: NeedRecord): RequesterRecord {
    const { contactName, contactPhone } = need.requester;
    if (!contactName && !contactPhone) return need.requester;
    if (!allows(this.ctx.principal, { type: 'need.readContact', need: needScope(need) })) {
      return { ...need.requester, contactName: contactName && maskName(contactName), contactPhone: contactPhone && maskPhone(contactPhone) };
    }
    const audit = { audit: true, field: 'Need.requester.contact', needId: need.id, principal: this.ctx.principal.userId };
    this.ctx.logger.info('audit: personal data read', audit);
    return need.requester;
  }

  /** The organization responsible for the need. */
  organizationOf(need: NeedRecord): Promise<OrganizationRecord> {
    return this.ctx.repos.organizations.require(need.organizationId);
  }

  /** The requester's own organization, if it has one here. */
  async requesterOrganizationOf(requester: RequesterRecord): Promise<OrganizationRecord | null> {
    return requester.organizationId ? ((await this.ctx.repos.organizations.get(requester.organizationId)) ?? null) : null;
  }

  /** The experts the need is dispatched to (those that still exist). */
  dispatchedExpertsOf(need: NeedRecord): Promise<ExpertRecord[]> {
    return this.existingExperts(need.dispatchedExpertIds);
  }

  /** The experts who accepted (or grabbed) the need (those that still exist). */
  acceptedExpertsOf(need: NeedRecord): Promise<ExpertRecord[]> {
    return this.existingExperts(need.acceptedExpertIds);
  }

  /** The team the need is dispatched to, if any. */
  async dispatchedTeamOf(need: NeedRecord): Promise<TeamRecord | null> {
    return need.dispatchedTeamId ? ((await this.ctx.repos.teams.get(need.dispatchedTeamId)) ?? null) : null;
  }

  /**
   * The need's history, oldest first. The actors' user ids are for the admins of the need's subtree
   * (`need.manage`); everyone else who may read the need sees the actors' roles, with `actorId` null.
   */
  async historyOf(need: NeedRecord): Promise<NeedEventRecord[]> {
    const events = await this.ctx.repos.needs.history(need.id);
    if (allows(this.ctx.principal, { type: 'need.manage', need: needScope(need) })) return events;
    return events.map((event) => ({ ...event, actorId: null }));
  }

  /** The stored matching experts, best first: for the admins of the need's subtree. */
  matchesOf(need: NeedRecord, first: number | null | undefined): Promise<NeedMatchRecord[]> {
    this.authorizeManagement(need);
    // By rank through the request's loader: a page of needs reads its matches in one batch, not one Query per need.
    return this.ctx.repos.needs.topMatches(need, matchesLimit(first));
  }

  /** Technologies of the pool that fit the need, best first (read by the need's domains). */
  async matchingTechnologiesOf(need: NeedRecord, first: number | null | undefined): Promise<Array<RankedTechnology<TechnologyRecord>>> {
    authorize(this.ctx.principal, { type: 'pool.read' });
    const pages = await Promise.all(need.domains.map((domain) => this.ctx.repos.technologies.list({ domain }, { first: 50 })));
    return rankTechnologies(
      need,
      pages.flatMap((p) => p.items.map((e) => e.node)),
      first,
    );
  }

  /** The need of a stored match, if the caller may read it (`need.read`, as `Query.need`): FORBIDDEN otherwise. */
  async needOfMatch(match: NeedMatchRecord): Promise<NeedRecord> {
    const need = await this.ctx.repos.needs.get(match.needId);
    if (!need) throw new AppError(ErrorCode.NOT_FOUND, `Need ${match.needId} not found`);
    authorize(this.ctx.principal, { type: 'need.read', need: needScope(need) });
    return need;
  }

  /** The expert of a stored match. */
  expertOfMatch(match: NeedMatchRecord): Promise<ExpertRecord> {
    return this.ctx.repos.experts.require(match.expertId);
  }

  // ---- Helpers ----

  /** Loads a need the caller may see: NOT_FOUND when absent, FORBIDDEN when not visible to the caller. */
  private async requireVisibleNeed(id: string): Promise<NeedRecord> {
    const need = await this.ctx.repos.needs.requireFresh(id);
    authorize(this.ctx.principal, { type: 'need.read', need: needScope(need) });
    return need;
  }

  /**
   * Loads a need for an admin step: refused when the caller cannot see it, like requireVisibleNeed, but
   * for the reason the step would be refused (managing implies seeing): an admin elsewhere learns that
   * the need belongs to an organization outside its subtree, not that it is unpublished.
   */
  private async requireNeedToManage(id: string): Promise<NeedRecord> {
    const need = await this.ctx.repos.needs.requireFresh(id);
    if (!allows(this.ctx.principal, { type: 'need.read', need: needScope(need) })) this.authorizeManagement(need);
    return need;
  }

  private authorizeManagement(need: NeedRecord): void {
    authorize(this.ctx.principal, { type: 'need.manage', need: needScope(need) });
  }

  /**
   * Applies a step: legality (INVALID_TRANSITION), version (CONFLICT), then one transaction: the need,
   * its index items, the history event and the other entities' writes.
   */
  private async step(need: NeedRecord, action: NeedTransitionAction, options: StepOptions): Promise<NeedRecord> {
    const to = nextStatus(need.status, action, { remainingAssignees: options.remainingAssignees ?? 0 });
    requireCurrentVersion(need.version, requireVersion(options.version), 'need');
    // Matching, inboxes and notifications follow from the table's stream (functions/streams).
    const changes: Partial<NeedRecord> = { ...options.changes, status: to, ...(to === 'OPEN' && { openedAt: this.ctx.now() }) };
    const event = this.event(action, need.status, to, options.reason ?? null, this.ctx.now());
    return this.ctx.repos.needs.transition(need, changes, event, options.extra);
  }

  /** A history event of the caller's step. */
  private event(action: NeedEventRecord['action'], from: NeedStatus | null, to: NeedStatus, reason: string | null, at: string): NeedEventRecord {
    return { at, action, from, to, actorId: this.ctx.principal.userId, actorRoles: this.ctx.principal.roles, reason };
  }

  /** Scopes a needs listing to what the caller may see, by key (the policy decides the scope). */
  private async scopedFilter(filter: NeedFilter): Promise<NeedFilter> {
    const { principal, repos } = this.ctx;
    const scope = needListingScope(principal);
    switch (scope.kind) {
      case 'ALL':
        return filter;
      case 'SUBTREE': {
        // The subtree is always in the query (a partition or a residual condition, see planNeedQuery):
        // a region filter narrows it and never widens it to other organizations' needs in that region.
        const own = await repos.organizations.require(scope.organizationId, 'organizationId');
        if (filter.regionCode) authorize(principal, { type: 'needs.listRegion', regionCode: filter.regionCode, adminRegionCode: own.regionCode });
        if (!filter.organizationId) return { ...filter, organizationId: own.id };
        const target = await repos.organizations.require(filter.organizationId, 'filter.organizationId');
        authorize(principal, { type: 'needs.listOrganization', organizationPath: target.path });
        return filter;
      }
      case 'PUBLISHED':
        authorize(principal, { type: 'needs.listPublished', status: filter.status ?? null });
        return { ...filter, status: 'OPEN' };
    }
  }

  /** The association responsible for a region: the nearest one at or above it. */
  private async responsibleAssociation(regionCode: string): Promise<OrganizationRecord> {
    for (const region of regionLineage(regionCode)) {
      const id = await this.ctx.repos.organizations.getAssociationIdOfRegion(region.code);
      if (id) return this.ctx.repos.organizations.require(id, 'regionCode');
    }
    throw badInput('regionCode', `No association covers region ${regionCode} yet`);
  }

  private async checkRequester(input: SubmitNeedInput['requester']): Promise<RequesterRecord> {
    const organization = input.organizationId ? await this.ctx.repos.organizations.get(input.organizationId) : undefined;
    if (input.organizationId && !organization) throw badInput('requester.organizationId', `Organization ${input.organizationId} not found`);
    return {
      kind: input.kind,
      name: requireText(input.name, 'requester.name'),
      organizationId: organization?.id ?? null,
      contactName: optionalText(input.contactName, 'requester.contactName', 50) ?? null,
      contactPhone: input.contactPhone ? normalizePhone(input.contactPhone, 'requester.contactPhone') : null,
    };
  }

  private rating(input: RateNeedInput): RatingRecord {
    return { stars: checkStars(input.stars), comment: optionalText(input.comment, 'comment', 500) ?? null, at: this.ctx.now() };
  }

  private async teamLeaderOf(need: NeedRecord): Promise<string | null> {
    if (!need.dispatchedTeamId) return null;
    return (await this.ctx.repos.teams.get(need.dispatchedTeamId))?.leaderExpertId ?? null;
  }

  /** Capacity counters of the experts a need frees when it ends. */
  private releaseCapacity(need: NeedRecord): WriteOp[] {
    return capacityToRelease(need).map((id) => this.ctx.repos.experts.capacityOp(id, -1));
  }

  private async existingExperts(ids: readonly string[]): Promise<ExpertRecord[]> {
    return (await Promise.all(ids.map((id) => this.ctx.repos.experts.get(id)))).flatMap((e) => e ?? []);
  }

  /** The caller's expert id, once the policy has allowed an expert's step (so it is set). */
  private actingExpertId(): string {
    const { expertId } = this.ctx.principal;
    if (!expertId) throw new AppError(ErrorCode.FORBIDDEN, 'Only an expert may do this');
    return expertId;
  }
}

const optionalReason = (reason: string | null | undefined): string | null => optionalText(reason, 'reason', 500) ?? null;

function requireReason(reason: string | null | undefined, field = 'reason'): string {
  const text = optionalText(reason, field, 500);
  if (!text) throw badInput(field, 'Give a reason');
  return text;
}

function checkNeedFilter(filter: NeedFilterInput | null | undefined): NeedFilter {
  if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
  if (filter?.domain && !isDomain(filter.domain)) throw badInput('filter.domain', `Unknown domain "${filter.domain}"`);
  return filter ?? {};
}
