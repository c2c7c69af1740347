import type { Language, NeedStatus, Resolvers } from '../generated/graphql.js';
import { AppError, ErrorCode, badInput } from '../errors.js';
import { allows, authorize, type NeedScope } from '../auth/policy.js';
import { hasRole } from '../auth/principal.js';
import { toConnection } from '../data/pagination.js';
import type { WriteOp } from '../data/store.js';
import { getRegion, regionLineage, requireRegion } from '../regions/index.js';
import { domainTerm, isDomain } from '../vocabulary.js';
import { maskPhone, normalizePhone } from '../domain/personalData.js';
import { nextStatus, PUBLISHED_STATUSES, type NeedTransitionAction } from '../domain/needWorkflow.js';
import { HOME_PROVINCE, regionContains } from '../domain/organizations.js';
import { scoreTechnology } from '../domain/matching.js';
import { quarterOf } from '../domain/service.js';
import type { NeedEventRecord, NeedFilter, NeedRecord } from '../repositories/needs.js';
import type { Context } from '../context.js';
import { optionalText, requireCurrentVersion, requireText, requireVersion } from '../services/inputs.js';
import { requireOrganization } from './organization.js';
import { requireExpert } from './expert.js';

export const MAX_NEED_DOMAINS = 3;
/** At most this many experts per dispatch, so every later step (capacity counters included) fits one transaction. */
export const MAX_DISPATCHED_EXPERTS = 10;

/** What the policy sees of a need. */
export const needScope = (n: NeedRecord): NeedScope => ({
  organizationPath: n.organizationPath,
  requesterUserId: n.requesterUserId,
  postedBy: n.postedBy,
  published: PUBLISHED_STATUSES.includes(n.status),
  dispatchedExpertIds: n.dispatchedExpertIds,
  acceptedExpertIds: n.acceptedExpertIds,
});

/** Loads a need the caller may see: NOT_FOUND when absent, FORBIDDEN when not visible to the caller. */
async function requireVisibleNeed(ctx: Context, id: string): Promise<NeedRecord> {
  const need = await ctx.repos.needs.requireFresh(id);
  authorize(ctx.principal, { type: 'need.read', need: needScope(need) });
  return need;
}

const checkCurrentVersion = (need: NeedRecord, version: number): void => requireCurrentVersion(need.version, requireVersion(version), 'need');

const requireReason = (reason: string | null | undefined, field = 'reason') => {
  const text = optionalText(reason, field, 500);
  if (!text) throw badInput(field, 'Give a reason');
  return text;
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
function checkDate(value: string | null | undefined, field: string): string | null {
  if (!value) return null;
  if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) throw badInput(field, `${field} must be a date like 2026-12-01`);
  return value;
}

function event(ctx: Context, need: NeedRecord, action: NeedEventRecord['action'], to: NeedStatus, reason: string | null = null): NeedEventRecord {
  return { at: ctx.now(), action, from: need.status, to, actorId: ctx.principal.userId, actorRoles: ctx.principal.roles, reason };
}

async function teamLeaderOf(ctx: Context, need: NeedRecord): Promise<string | null> {
  if (!need.dispatchedTeamId) return null;
  return (await ctx.repos.teams.get(need.dispatchedTeamId))?.leaderExpertId ?? null;
}

const releaseCapacity = (ctx: Context, need: NeedRecord): WriteOp[] =>
  ['ACCEPTED', 'IN_SERVICE'].includes(need.status) ? need.acceptedExpertIds.map((id) => ctx.repos.experts.capacityOp(id, -1)) : [];

/**
 * Applies a step: legality (INVALID_TRANSITION), version (CONFLICT), then the transaction.
 */
async function step(
  ctx: Context,
  need: NeedRecord,
  action: NeedTransitionAction,
  options: { version: number; reason?: string | null; changes?: Partial<NeedRecord>; extra?: WriteOp[]; remainingAssignees?: number },
): Promise<NeedRecord> {
  const to = nextStatus(need.status, action, { remainingAssignees: options.remainingAssignees ?? 0 });
  checkCurrentVersion(need, options.version);
  // Matching, inboxes and notifications follow from the table's stream (functions/streams).
  const changes: Partial<NeedRecord> = { ...options.changes, status: to, ...(to === 'OPEN' && { openedAt: ctx.now() }) };
  const updated = await ctx.repos.needs.transition(need, changes, event(ctx, need, action, to, options.reason ?? null), options.extra);
  return updated;
}

/** The association responsible for a region: the nearest one at or above it. */
async function responsibleAssociation(ctx: Context, regionCode: string) {
  for (const region of regionLineage(regionCode)) {
    const id = await ctx.repos.organizations.getAssociationIdOfRegion(region.code);
    if (id) return requireOrganization(ctx, id, 'regionCode');
  }
  throw badInput('regionCode', `No association covers region ${regionCode} yet`);
}

/** Scopes a needs listing to what the caller may see, by key: admins their subtree, others published needs. */
async function scopedFilter(ctx: Context, filter: NeedFilter): Promise<NeedFilter> {
  const p = ctx.principal;
  if (hasRole(p, 'PROVINCE_ADMIN')) return filter;
  if (hasRole(p, 'ORG_ADMIN') && p.organizationId) {
    const own = await requireOrganization(ctx, p.organizationId, 'organizationId');
    if (filter.organizationId) {
      const target = await requireOrganization(ctx, filter.organizationId, 'filter.organizationId');
      if (!target.path.includes(own.id)) throw new AppError(ErrorCode.FORBIDDEN, 'That organization is outside your subtree');
      return filter;
    }
    if (filter.regionCode) {
      if (!filter.regionCode.startsWith(own.regionCode)) throw new AppError(ErrorCode.FORBIDDEN, 'That region is outside your organization');
      return filter;
    }
    return { ...filter, organizationId: own.id };
  }
  authorize(p, { type: 'needs.listPublished' });
  if (filter.status && filter.status !== 'OPEN') throw new AppError(ErrorCode.FORBIDDEN, 'Only published (OPEN) needs can be browsed; requesters see their own with myNeeds');
  return { ...filter, status: 'OPEN' };
}

function checkNeedFilter(filter: NeedFilter | null | undefined): NeedFilter {
  if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
  if (filter?.domain && !isDomain(filter.domain)) throw badInput('filter.domain', `Unknown domain "${filter.domain}"`);
  return filter ?? {};
}

/** Needs and the order-dispatch workflow (群众点单、中心派单、志愿者接单、群众评单). */
export const needResolvers: Resolvers = {
  Query: {
    need: async (_p, { id }, ctx) => {
      const need = await ctx.repos.needs.getFresh(id);
      if (!need) return null;
      authorize(ctx.principal, { type: 'need.read', need: needScope(need) });
      return need;
    },
    needs: async (_p, { filter, first, after }, ctx) => {
      const scoped = await scopedFilter(ctx, checkNeedFilter(filter));
      return toConnection(await ctx.repos.needs.list(scoped, { first, after }));
    },
    myNeeds: async (_p, { status, first, after }, ctx) => {
      if (!ctx.principal.userId) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to see your needs');
      return toConnection(await ctx.repos.needs.list({ requesterUserId: ctx.principal.userId, ...(status && { status }) }, { first, after }));
    },
  },
  Mutation: {
    submitNeed: async (_p, { input }, ctx) => {
      if (ctx.principal.kind === 'ANONYMOUS') throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to post a need');
      const region = requireRegion(input.regionCode);
      if (!region.code.startsWith(HOME_PROVINCE)) throw badInput('regionCode', 'Needs are posted for places in Guangdong (codes starting with 44)');
      const domains = [...new Set(input.domains)];
      if (domains.length < 1 || domains.length > MAX_NEED_DOMAINS) throw badInput('domains', `Choose 1 to ${MAX_NEED_DOMAINS} domains`);
      const unknown = domains.find((d) => !isDomain(d));
      if (unknown) throw badInput('domains', `Unknown domain "${unknown}"`);
      const keywords = [...new Set((input.keywords ?? []).map((k) => k.trim()).filter(Boolean))];
      if (keywords.length > 20 || keywords.some((k) => [...k].length > 30)) throw badInput('keywords', 'At most 20 keywords of at most 30 characters');
      const desiredFrom = checkDate(input.desiredFrom, 'desiredFrom');
      const desiredTo = checkDate(input.desiredTo, 'desiredTo');
      if (desiredFrom && desiredTo && desiredFrom > desiredTo) throw badInput('desiredTo', 'desiredTo is before desiredFrom');
      const requesterOrg = input.requester.organizationId ? await ctx.repos.organizations.get(input.requester.organizationId) : undefined;
      if (input.requester.organizationId && !requesterOrg) throw badInput('requester.organizationId', `Organization ${input.requester.organizationId} not found`);
      const requester = {
        kind: input.requester.kind,
        name: requireText(input.requester.name, 'requester.name'),
        organizationId: requesterOrg?.id ?? null,
        contactName: optionalText(input.requester.contactName, 'requester.contactName', 50) ?? null,
        contactPhone: input.requester.contactPhone ? normalizePhone(input.requester.contactPhone, 'requester.contactPhone') : null,
      };
      const title = requireText(input.title, 'title');
      const description = requireText(input.description, 'description', 2000);
      const organization = input.organizationId ? await requireOrganization(ctx, input.organizationId, 'organizationId') : await responsibleAssociation(ctx, region.code);
      if (!regionContains(organization.regionCode, region.code)) throw badInput('organizationId', `The organization's region ${organization.regionCode} does not contain ${region.code}`);
      authorize(ctx.principal, { type: 'need.submit', organizationPath: organization.path });
      const now = ctx.now();
      const need: NeedRecord = {
        id: ctx.newId(),
        title,
        description,
        kind: input.kind,
        requester,
        postedBy: ctx.principal.userId ?? ctx.principal.partnerId ?? 'unknown',
        requesterUserId: hasRole(ctx.principal, 'REQUESTER') ? ctx.principal.userId : null,
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
        dispatchedExpertIds: [],
        dispatchedTeamId: null,
        declinedExpertIds: [],
        acceptedExpertIds: [],
        outcome: null,
        rating: null,
        descriptionRating: null,
        openedAt: null,
        historyCount: 0,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      // Needs received count in the quarterly figures of the responsible organization and its ancestors.
      const received = ctx.repos.activities.counterOps(organization.path, quarterOf(now), 'NEEDS', { received: 1 });
      const created = await ctx.repos.needs.submit(need, { at: now, action: 'SUBMIT', from: null, to: 'SUBMITTED', actorId: ctx.principal.userId, actorRoles: ctx.principal.roles, reason: null }, received);
      return { need: created };
    },
    reviewNeed: async (_p, { input }, ctx) => {
      const need = await requireVisibleNeed(ctx, input.id);
      authorize(ctx.principal, { type: 'need.manage', need: needScope(need) });
      if (input.approve) return { need: await step(ctx, need, 'APPROVE', { version: input.version, reason: optionalText(input.reason, 'reason', 500) ?? null }) };
      return { need: await step(ctx, need, 'REJECT', { version: input.version, reason: requireReason(input.reason) }) };
    },
    dispatchNeed: async (_p, { input }, ctx) => {
      const need = await requireVisibleNeed(ctx, input.id);
      authorize(ctx.principal, { type: 'need.manage', need: needScope(need) });
      const expertIds = [...new Set(input.expertIds ?? [])];
      if (expertIds.length === 0 && !input.teamId) throw badInput('expertIds', 'Dispatch to at least one expert or a team');
      if (expertIds.length > MAX_DISPATCHED_EXPERTS) throw badInput('expertIds', `Dispatch to at most ${MAX_DISPATCHED_EXPERTS} experts (or to a team)`);
      for (const id of expertIds) await requireExpert(ctx, id, 'expertIds');
      if (input.teamId && !(await ctx.repos.teams.get(input.teamId))) throw new AppError(ErrorCode.NOT_FOUND, `Team ${input.teamId} not found`, { field: 'teamId' });
      const changes = { dispatchedExpertIds: expertIds, dispatchedTeamId: input.teamId ?? null };
      return { need: await step(ctx, need, 'DISPATCH', { version: input.version, reason: optionalText(input.reason, 'reason', 500) ?? null, changes }) };
    },
    grabNeed: async (_p, { input }, ctx) => {
      const need = await requireVisibleNeed(ctx, input.id);
      nextStatus(need.status, 'GRAB');
      const expertId = ctx.principal.expertId;
      const matched = expertId !== null && (await ctx.repos.needs.isMatched(need.id, expertId));
      authorize(ctx.principal, { type: 'need.grab', need: needScope(need), matched });
      const me = expertId as string;
      const changes = { dispatchedExpertIds: [me], acceptedExpertIds: [me] };
      return { need: await step(ctx, need, 'GRAB', { version: input.version, changes, extra: [ctx.repos.experts.capacityOp(me, 1)] }) };
    },
    acceptNeed: async (_p, { input }, ctx) => {
      const need = await requireVisibleNeed(ctx, input.id);
      nextStatus(need.status, 'ACCEPT');
      authorize(ctx.principal, { type: 'need.respond', need: needScope(need), teamLeaderExpertId: await teamLeaderOf(ctx, need) });
      const me = ctx.principal.expertId as string;
      if (need.acceptedExpertIds.includes(me)) throw new AppError(ErrorCode.CONFLICT, 'You have already accepted this need');
      const changes = { acceptedExpertIds: [...need.acceptedExpertIds, me] };
      return { need: await step(ctx, need, 'ACCEPT', { version: input.version, changes, extra: [ctx.repos.experts.capacityOp(me, 1)] }) };
    },
    declineNeed: async (_p, { input }, ctx) => {
      const need = await requireVisibleNeed(ctx, input.id);
      nextStatus(need.status, 'DECLINE', { remainingAssignees: 1 });
      const leader = await teamLeaderOf(ctx, need);
      authorize(ctx.principal, { type: 'need.respond', need: needScope(need), teamLeaderExpertId: leader });
      const me = ctx.principal.expertId as string;
      if (need.acceptedExpertIds.includes(me)) throw new AppError(ErrorCode.INVALID_TRANSITION, 'You have accepted this need; ask an admin to re-dispatch it');
      const dispatchedExpertIds = need.dispatchedExpertIds.filter((id) => id !== me);
      const teamDeclined = leader === me;
      const dispatchedTeamId = teamDeclined ? null : need.dispatchedTeamId;
      const remaining = dispatchedExpertIds.filter((id) => !need.acceptedExpertIds.includes(id)).length + (dispatchedTeamId ? 1 : 0) + need.acceptedExpertIds.length;
      const changes = { dispatchedExpertIds, dispatchedTeamId, declinedExpertIds: [...new Set([...need.declinedExpertIds, me])] };
      return { need: await step(ctx, need, 'DECLINE', { version: input.version, reason: optionalText(input.reason, 'reason', 500) ?? null, changes, remainingAssignees: remaining }) };
    },
    startNeedService: async (_p, { input }, ctx) => {
      const need = await requireVisibleNeed(ctx, input.id);
      nextStatus(need.status, 'START');
      authorize(ctx.principal, { type: 'need.serve', need: needScope(need), teamLeaderExpertId: await teamLeaderOf(ctx, need) });
      return { need: await step(ctx, need, 'START', { version: input.version, reason: optionalText(input.reason, 'reason', 500) ?? null }) };
    },
    completeNeed: async (_p, { input }, ctx) => {
      const need = await requireVisibleNeed(ctx, input.id);
      nextStatus(need.status, 'COMPLETE');
      authorize(ctx.principal, { type: 'need.serve', need: needScope(need), teamLeaderExpertId: await teamLeaderOf(ctx, need) });
      const outcome = requireText(input.outcome, 'outcome', 2000);
      const resolved = ctx.repos.activities.counterOps(need.organizationPath, quarterOf(ctx.now()), 'NEEDS', { resolved: 1 });
      return { need: await step(ctx, need, 'COMPLETE', { version: input.version, changes: { outcome }, extra: [...releaseCapacity(ctx, need), ...resolved] }) };
    },
    rateNeed: async (_p, { input }, ctx) => {
      const need = await requireVisibleNeed(ctx, input.id);
      nextStatus(need.status, 'RATE');
      authorize(ctx.principal, { type: 'need.requesterStep', need: needScope(need) });
      const rating = { stars: checkStars(input.stars), comment: optionalText(input.comment, 'comment', 500) ?? null, at: ctx.now() };
      return { need: await step(ctx, need, 'RATE', { version: input.version, changes: { rating } }) };
    },
    rateNeedDescription: async (_p, { input }, ctx) => {
      const need = await requireVisibleNeed(ctx, input.id);
      if (need.status !== 'COMPLETED' && need.status !== 'RATED') throw new AppError(ErrorCode.INVALID_TRANSITION, 'The description can be rated once the service is completed');
      authorize(ctx.principal, { type: 'need.rateDescription', need: needScope(need) });
      checkCurrentVersion(need, input.version);
      const descriptionRating = { stars: checkStars(input.stars), comment: optionalText(input.comment, 'comment', 500) ?? null, at: ctx.now() };
      return { need: await ctx.repos.needs.update(need, { descriptionRating }, ctx.now()) };
    },
    withdrawNeed: async (_p, { input }, ctx) => {
      const need = await requireVisibleNeed(ctx, input.id);
      nextStatus(need.status, 'WITHDRAW');
      authorize(ctx.principal, { type: 'need.requesterStep', need: needScope(need) });
      return { need: await step(ctx, need, 'WITHDRAW', { version: input.version, reason: requireReason(input.reason), extra: releaseCapacity(ctx, need) }) };
    },
    closeNeed: async (_p, { input }, ctx) => {
      const need = await requireVisibleNeed(ctx, input.id);
      nextStatus(need.status, 'CLOSE');
      authorize(ctx.principal, { type: 'need.manage', need: needScope(need) });
      return { need: await step(ctx, need, 'CLOSE', { version: input.version, reason: requireReason(input.reason), extra: releaseCapacity(ctx, need) }) };
    },
  },
  Need: {
    requester: (n, _a, ctx) => {
      const { contactPhone } = n.requester;
      if (!contactPhone) return n.requester;
      if (!allows(ctx.principal, { type: 'need.readContact', need: needScope(n) })) return { ...n.requester, contactPhone: maskPhone(contactPhone) };
      ctx.logger.info('audit: personal data read', { audit: true, field: 'Need.requester.contactPhone', needId: n.id, principal: ctx.principal.userId });
      return n.requester;
    },
    domains: (n) => n.domains.map(domainTerm),
    region: (n) => getRegion(n.regionCode) ?? requireRegion(n.regionCode),
    organization: (n, _a, ctx) => requireOrganization(ctx, n.organizationId),
    dispatchedExperts: async (n, _a, ctx) => (await Promise.all(n.dispatchedExpertIds.map((id) => ctx.repos.experts.get(id)))).flatMap((e) => e ?? []),
    acceptedExperts: async (n, _a, ctx) => (await Promise.all(n.acceptedExpertIds.map((id) => ctx.repos.experts.get(id)))).flatMap((e) => e ?? []),
    dispatchedTeam: async (n, _a, ctx) => (n.dispatchedTeamId ? ((await ctx.repos.teams.get(n.dispatchedTeamId)) ?? null) : null),
    history: (n, _a, ctx) => ctx.repos.needs.history(n.id),
    matchingTechnologies: async (n, { first }, ctx) => {
      authorize(ctx.principal, { type: 'pool.read' });
      const limit = Math.min(Math.max(first ?? 5, 0), 20);
      const pages = await Promise.all(n.domains.map((domain) => ctx.repos.technologies.list({ domain }, { first: 50 })));
      const unique = new Map(pages.flatMap((p) => p.items.map((e) => [e.node.id, e.node] as const)));
      return [...unique.values()]
        .map((technology) => ({ technology, ...scoreTechnology(n, technology) }))
        .sort((a, b) => b.score - a.score || (a.technology.id < b.technology.id ? -1 : 1))
        .slice(0, limit);
    },
    matches: async (n, { first }, ctx) => {
      authorize(ctx.principal, { type: 'need.manage', need: needScope(n) });
      return ctx.repos.needs.matches(n.id, Math.min(Math.max(first ?? 20, 0), 100));
    },
  },
  Requester: {
    organization: async (r, _a, ctx) => (r.organizationId ? ((await ctx.repos.organizations.get(r.organizationId)) ?? null) : null),
  },
  NeedMatch: {
    need: async (m, _a, ctx) => {
      const need = await ctx.repos.needs.get(m.needId);
      if (!need) throw new AppError(ErrorCode.NOT_FOUND, `Need ${m.needId} not found`);
      return need;
    },
    expert: (m, _a, ctx) => requireExpert(ctx, m.expertId),
  },
  Expert: {
    openAssignments: (e) => e.openAssignments ?? 0,
    matchedNeeds: async (e, { first, after }, ctx) => {
      authorize(ctx.principal, { type: 'expert.readPersonalData', expert: e });
      return toConnection(await ctx.repos.needs.inbox(e.id, { first, after }));
    },
  },
};

function checkStars(stars: number): number {
  if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw badInput('stars', 'stars must be 1 to 5');
  return stars;
}
