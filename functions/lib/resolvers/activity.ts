import type { ActivityStatus, Resolvers } from '../generated/graphql.js';
import { AppError, ErrorCode, badInput } from '../errors.js';
import { allows, authorize } from '../auth/policy.js';
import { toConnection } from '../data/pagination.js';
import { planKey, reportKey } from '../data/keys.js';
import { getRegion, requireRegion } from '../regions/index.js';
import { HOME_PROVINCE } from '../domain/organizations.js';
import { chinaDate } from '../domain/dates.js';
import { creditedHours, minutesBetween, organizationEligibility, parseQuarter, personEligibility, planDueDate, quarterOf, reportDueDate, starLevel, type Quarter } from '../domain/service.js';
import type { ActivityRecord, ParticipationRecord } from '../repositories/activities.js';
import type { QuarterFiguresRecord, SubmittedReportRecord } from '../repositories/governance.js';
import type { Context } from '../context.js';
import { optionalText, requireText, requireVersion } from '../services/inputs.js';
import { requireOrganization } from './organization.js';
import { requireExpert } from './expert.js';

/** Shapes the resolvers of reports and proofs return (mappers in codegen.ts). */
export interface QuarterlyReportModel {
  organizationId: string;
  quarter: string;
  dueDate: string;
  figures: QuarterFiguresRecord;
  byChild: ChildFiguresModel[];
  submitted: SubmittedReportRecord | null;
}
export interface ChildFiguresModel {
  organizationId: string;
  figures: QuarterFiguresRecord;
}
export interface ProofEntryModel {
  activityId: string;
  date: string;
  creditedHours: number;
  manualHours: number;
}
export interface ProofModel {
  person: string;
  issuedById: string;
  from: string;
  to: string;
  entries: ProofEntryModel[];
  creditedHours: number;
  manualHours: number;
  totalHours: number;
  issuedAt: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const round = (n: number) => Math.round(n * 100) / 100;

function instant(value: string, field: string): string {
  if (!ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) throw badInput(field, `${field} must be an ISO date-time like 2026-11-28T09:00:00+08:00`);
  return new Date(value).toISOString();
}
function date(value: string, field: string): string {
  if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) throw badInput(field, `${field} must be a date like 2026-11-28`);
  return value;
}
function quarter(value: string): Quarter {
  if (!parseQuarter(value)) throw badInput('quarter', 'quarter must look like 2026Q4');
  return value as Quarter;
}

const requireActivity = (ctx: Context, id: string, field = 'id'): Promise<ActivityRecord> => ctx.repos.activities.requireFresh(id, field);

const TRANSITIONS: Record<'START' | 'CANCEL' | 'COMPLETE', Partial<Record<ActivityStatus, ActivityStatus>>> = {
  START: { PLANNED: 'ONGOING' },
  CANCEL: { PLANNED: 'CANCELLED', ONGOING: 'CANCELLED' },
  COMPLETE: { ONGOING: 'COMPLETED' },
};
function nextActivityStatus(from: ActivityStatus, step: keyof typeof TRANSITIONS): ActivityStatus {
  const to = TRANSITIONS[step][from];
  if (!to) throw new AppError(ErrorCode.INVALID_TRANSITION, `An activity that is ${from} cannot ${step.toLowerCase()}`);
  return to;
}

/** The participation a caller acts on: its own, or (for the organizing admins) the named volunteer's. */
async function participationTarget(ctx: Context, input: { activityId: string; expertId?: string | null; at?: string | null }) {
  const activity = await requireActivity(ctx, input.activityId, 'activityId');
  const expertId = input.expertId ?? ctx.principal.expertId;
  if (!expertId) throw badInput('expertId', 'Name the volunteer');
  authorize(ctx.principal, { type: 'activity.participate', expertId, organizationPath: activity.organizationPath });
  if (input.at && !allows(ctx.principal, { type: 'activity.manage', organizationPath: activity.organizationPath })) {
    throw new AppError(ErrorCode.FORBIDDEN, 'Only the organizing admins may record a time other than now');
  }
  const at = input.at ? instant(input.at, 'at') : ctx.now();
  return { activity, expertId, at };
}

function requireOpenForHours(activity: ActivityRecord): void {
  if (activity.status === 'COMPLETED' || activity.status === 'CANCELLED') {
    throw new AppError(ErrorCode.INVALID_TRANSITION, `The activity is ${activity.status}: its record is closed`);
  }
}

const total = (p: ParticipationRecord) => round(p.creditedHours + p.manualHours);

/** Sums a volunteer's hours over completed activities, by provenance. */
async function serviceTotals(ctx: Context, expertId: string, from?: string, to?: string) {
  const rows = await ctx.repos.activities.serviceOf(expertId, from, to);
  const activities = await Promise.all(rows.map((r) => ctx.repos.activities.get(r.activityId)));
  const completed = rows.filter((_, i) => activities[i]?.status === 'COMPLETED');
  const credited = round(completed.reduce((s, r) => s + r.creditedHours, 0));
  const manual = round(completed.reduce((s, r) => s + r.manualHours, 0));
  return { rows: completed, activities: completed.length, credited, manual, total: round(credited + manual) };
}

/** Organizations of a subtree lacking an item under `keyOf` once `due` has passed (as of `asOf`). */
async function missing(ctx: Context, organizationId: string, due: string, asOf: string, keyOf: (orgId: string) => { PK: string; SK: string }) {
  if (asOf <= due) return [];
  const ids = await ctx.repos.organizations.subtreeIds(organizationId);
  const filed = await ctx.repos.governance.existing(ids, keyOf);
  const late = await Promise.all(ids.filter((id) => !filed.has(id)).map((id) => ctx.repos.organizations.get(id)));
  return late.flatMap((o) => o ?? []);
}

async function buildReport(ctx: Context, organizationId: string, q: Quarter): Promise<QuarterlyReportModel> {
  const organization = await requireOrganization(ctx, organizationId, 'organizationId');
  authorize(ctx.principal, { type: 'governance.manage', organizationPath: organization.path });
  const children = await ctx.repos.organizations.childIds(organization.id);
  const [figures, submitted] = await Promise.all([ctx.repos.governance.figures([organization.id, ...children], q), ctx.repos.governance.submittedReport(organization.id, q)]);
  return {
    organizationId: organization.id,
    quarter: q,
    dueDate: reportDueDate(q),
    figures: figures.get(organization.id) as QuarterFiguresRecord,
    byChild: children.map((id) => ({ organizationId: id, figures: figures.get(id) as QuarterFiguresRecord })),
    submitted: submitted ?? null,
  };
}

/** Activities, hours and proofs; workstations; plans, quarterly reports and recognition. */
export const activityResolvers: Resolvers = {
  Query: {
    activity: async (_p, { id }, ctx) => {
      authorize(ctx.principal, { type: 'activity.read' });
      return (await ctx.repos.activities.get(id)) ?? null;
    },
    activities: async (_p, { filter, first, after }, ctx) => {
      authorize(ctx.principal, { type: 'activity.read' });
      if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
      return toConnection(
        await ctx.repos.activities.list(
          { ...filter, ...(filter?.from && { from: instant(filter.from, 'filter.from') }), ...(filter?.to && { to: instant(filter.to, 'filter.to') }) },
          { first, after },
        ),
      );
    },
    proofOfService: async (_p, { expertId, from, to }, ctx) => {
      const expert = await requireExpert(ctx, expertId, 'expertId');
      authorize(ctx.principal, { type: 'expert.readPersonalData', expert });
      const fromDate = date(from, 'from');
      const toDate = date(to, 'to');
      const { rows } = await serviceTotals(ctx, expertId, fromDate, toDate);
      const byOrg = new Map<string, ParticipationRecord[]>();
      for (const r of rows) byOrg.set(r.organizationId, [...(byOrg.get(r.organizationId) ?? []), r]);
      return [...byOrg.entries()].map(([orgId, list]) => {
        const credited = round(list.reduce((s, r) => s + r.creditedHours, 0));
        const manual = round(list.reduce((s, r) => s + r.manualHours, 0));
        return {
          person: expert.name,
          issuedById: orgId,
          from: fromDate,
          to: toDate,
          entries: list.map((r) => ({ activityId: r.activityId, date: chinaDate(new Date(r.activityStartAt)), creditedHours: r.creditedHours, manualHours: r.manualHours })),
          creditedHours: credited,
          manualHours: manual,
          totalHours: round(credited + manual),
          issuedAt: ctx.now(),
        };
      });
    },
    workstation: async (_p, { id }, ctx) => {
      authorize(ctx.principal, { type: 'activity.read' });
      return (await ctx.repos.workstations.get(id)) ?? null;
    },
    workstations: async (_p, { filter, first, after }, ctx) => {
      authorize(ctx.principal, { type: 'activity.read' });
      if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
      return toConnection(await ctx.repos.workstations.list(filter ?? {}, { first, after }));
    },
    campaign: async (_p, { id }, ctx) => (await ctx.repos.governance.campaign(id)) ?? null,
    overduePlans: async (_p, { organizationId, campaignId, asOf }, ctx) => {
      const organization = await requireOrganization(ctx, organizationId, 'organizationId');
      authorize(ctx.principal, { type: 'governance.manage', organizationPath: organization.path });
      const campaign = await ctx.repos.governance.campaign(campaignId);
      if (!campaign) throw new AppError(ErrorCode.NOT_FOUND, `Campaign ${campaignId} not found`, { field: 'campaignId' });
      return missing(ctx, organization.id, campaign.planDueDate, asOf ? date(asOf, 'asOf') : chinaDate(new Date(ctx.now())), (id) => planKey(campaignId, id));
    },
    quarterlyReport: (_p, { organizationId, quarter: q }, ctx) => buildReport(ctx, organizationId, quarter(q)),
    lateReports: async (_p, { organizationId, quarter: q, asOf }, ctx) => {
      const organization = await requireOrganization(ctx, organizationId, 'organizationId');
      authorize(ctx.principal, { type: 'governance.manage', organizationPath: organization.path });
      const qq = quarter(q);
      return missing(ctx, organization.id, reportDueDate(qq), asOf ? date(asOf, 'asOf') : chinaDate(new Date(ctx.now())), (id) => reportKey(id, qq));
    },
    nominations: async (_p, { organizationId, category, status, first, after }, ctx) => {
      const organization = await requireOrganization(ctx, organizationId, 'organizationId');
      authorize(ctx.principal, { type: 'governance.manage', organizationPath: organization.path });
      return toConnection(await ctx.repos.nominations.list({ organizationId, category: category ?? null, status: status ?? null }, { first, after }));
    },
  },
  Mutation: {
    createActivity: async (_p, { input }, ctx) => {
      const organization = await requireOrganization(ctx, input.organizationId, 'organizationId');
      const region = requireRegion(input.regionCode);
      if (!region.code.startsWith(HOME_PROVINCE)) throw badInput('regionCode', 'Activities take place in Guangdong');
      const startAt = instant(input.startAt, 'startAt');
      const endAt = instant(input.endAt, 'endAt');
      if (endAt <= startAt) throw badInput('endAt', 'endAt must be after startAt');
      authorize(ctx.principal, { type: 'activity.manage', organizationPath: organization.path });
      if (input.teamId && !(await ctx.repos.teams.get(input.teamId))) throw badInput('teamId', `Team ${input.teamId} not found`);
      if (input.workstationId && !(await ctx.repos.workstations.get(input.workstationId))) throw badInput('workstationId', `Workstation ${input.workstationId} not found`);
      const needIds = [...new Set(input.needIds ?? [])];
      for (const id of needIds) if (!(await ctx.repos.needs.get(id))) throw badInput('needIds', `Need ${id} not found`);
      const planned = input.plannedVolunteers ?? 0;
      if (!Number.isInteger(planned) || planned < 0) throw badInput('plannedVolunteers', 'plannedVolunteers must be 0 or more');
      const now = ctx.now();
      const activity = await ctx.repos.activities.create({
        id: ctx.newId(),
        title: requireText(input.title, 'title'),
        description: optionalText(input.description, 'description') ?? null,
        action: input.action,
        organizationId: organization.id,
        organizationPath: organization.path,
        teamId: input.teamId ?? null,
        workstationId: input.workstationId ?? null,
        venueKind: input.venueKind,
        venue: optionalText(input.venue, 'venue', 200) ?? null,
        regionCode: region.code,
        startAt,
        endAt,
        needIds,
        plannedVolunteers: planned,
        beneficiaries: null,
        outcome: null,
        status: 'PLANNED',
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      return { activity };
    },
    startActivity: async (_p, { input }, ctx) => {
      const activity = await requireActivity(ctx, input.id);
      authorize(ctx.principal, { type: 'activity.manage', organizationPath: activity.organizationPath });
      const status = nextActivityStatus(activity.status, 'START');
      return { activity: await ctx.repos.activities.update({ ...activity, version: requireVersion(input.version) }, { status }, ctx.now()) };
    },
    cancelActivity: async (_p, { input }, ctx) => {
      const activity = await requireActivity(ctx, input.id);
      authorize(ctx.principal, { type: 'activity.manage', organizationPath: activity.organizationPath });
      const status = nextActivityStatus(activity.status, 'CANCEL');
      return { activity: await ctx.repos.activities.update({ ...activity, version: requireVersion(input.version) }, { status }, ctx.now()) };
    },
    completeActivity: async (_p, { input }, ctx) => {
      const activity = await requireActivity(ctx, input.id);
      authorize(ctx.principal, { type: 'activity.manage', organizationPath: activity.organizationPath });
      const status = nextActivityStatus(activity.status, 'COMPLETE');
      if (!Number.isInteger(input.beneficiaries) || input.beneficiaries < 0) throw badInput('beneficiaries', 'beneficiaries must be 0 or more');
      const outcome = requireText(input.outcome, 'outcome', 2000);
      const participants = await ctx.repos.activities.participants(activity.id);
      const served = participants.filter((p) => total(p) > 0);
      const figures = { activities: 1, volunteers: served.length, hours: round(served.reduce((s, p) => s + total(p), 0)), beneficiaries: input.beneficiaries };
      // One transaction: the activity and the counters of its organization and every ancestor.
      const counters = ctx.repos.activities.counterOps(activity.organizationPath, quarterOf(activity.endAt), activity.action, figures);
      const done = await ctx.repos.activities.update({ ...activity, version: requireVersion(input.version) }, { status, beneficiaries: input.beneficiaries, outcome }, ctx.now(), counters);
      return { activity: done };
    },
    signUpActivity: async (_p, { input }, ctx) => {
      const { activity, expertId, at } = await participationTarget(ctx, input);
      requireOpenForHours(activity);
      await requireExpert(ctx, expertId, 'expertId');
      return { participation: await ctx.repos.activities.signUp(activity, expertId, at) };
    },
    checkIn: async (_p, { input }, ctx) => {
      const { activity, expertId, at } = await participationTarget(ctx, input);
      if (activity.status !== 'ONGOING') throw new AppError(ErrorCode.INVALID_TRANSITION, 'Check-in opens when the activity starts');
      return { participation: await ctx.repos.activities.setParticipation(activity.id, expertId, { checkInAt: at, checkOutAt: null, creditedHours: 0 }) };
    },
    checkOut: async (_p, { input }, ctx) => {
      const { activity, expertId, at } = await participationTarget(ctx, input);
      if (activity.status !== 'ONGOING') throw new AppError(ErrorCode.INVALID_TRANSITION, 'Check-out is possible while the activity is ongoing');
      const current = await ctx.repos.activities.participation(activity.id, expertId);
      if (!current?.checkInAt) throw new AppError(ErrorCode.INVALID_TRANSITION, 'Check in first');
      if (at < current.checkInAt) throw badInput('at', 'Check-out is before check-in');
      return { participation: await ctx.repos.activities.setParticipation(activity.id, expertId, { checkOutAt: at, creditedHours: creditedHours(minutesBetween(current.checkInAt, at)) }) };
    },
    recordManualHours: async (_p, { input }, ctx) => {
      const activity = await requireActivity(ctx, input.activityId, 'activityId');
      authorize(ctx.principal, { type: 'activity.manage', organizationPath: activity.organizationPath });
      requireOpenForHours(activity);
      if (!Number.isFinite(input.hours) || input.hours < 0 || input.hours > 24 || (input.hours * 2) % 1 !== 0) throw badInput('hours', 'hours must be 0–24 in half hours');
      return { participation: await ctx.repos.activities.setParticipation(activity.id, input.expertId, { manualHours: input.hours, manualNote: requireText(input.note, 'note', 200) }) };
    },
    createWorkstation: async (_p, { input }, ctx) => {
      const organization = await requireOrganization(ctx, input.organizationId, 'organizationId');
      const region = requireRegion(input.regionCode);
      authorize(ctx.principal, { type: 'activity.manage', organizationPath: organization.path });
      const residentExpertIds = [...new Set(input.residentExpertIds ?? [])];
      for (const id of residentExpertIds) await requireExpert(ctx, id, 'residentExpertIds');
      const now = ctx.now();
      const workstation = await ctx.repos.workstations.create({
        id: ctx.newId(),
        kind: input.kind,
        name: requireText(input.name, 'name'),
        host: { kind: input.host.kind, name: requireText(input.host.name, 'host.name') },
        regionCode: region.code,
        organizationId: organization.id,
        organizationPath: organization.path,
        residentExpertIds,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      return { workstation };
    },
    updateWorkstation: async (_p, { input }, ctx) => {
      const current = await ctx.repos.workstations.requireFresh(input.id);
      authorize(ctx.principal, { type: 'activity.manage', organizationPath: current.organizationPath });
      const residentExpertIds = input.residentExpertIds == null ? undefined : [...new Set(input.residentExpertIds)];
      for (const id of residentExpertIds ?? []) await requireExpert(ctx, id, 'residentExpertIds');
      const fields = { name: input.name == null ? undefined : requireText(input.name, 'name'), residentExpertIds };
      return { workstation: await ctx.repos.workstations.update({ ...current, version: requireVersion(input.version) }, fields, ctx.now()) };
    },
    createCampaign: async (_p, { input }, ctx) => {
      authorize(ctx.principal, { type: 'campaign.manage' });
      const startDate = date(input.startDate, 'startDate');
      return ctx.repos.governance.createCampaign({ id: ctx.newId(), name: requireText(input.name, 'name'), startDate, planDueDate: planDueDate(startDate) });
    },
    submitPlan: async (_p, { input }, ctx) => {
      const organization = await requireOrganization(ctx, input.organizationId, 'organizationId');
      authorize(ctx.principal, { type: 'governance.manage', organizationPath: organization.path });
      const campaign = await ctx.repos.governance.campaign(input.campaignId);
      if (!campaign) throw new AppError(ErrorCode.NOT_FOUND, `Campaign ${input.campaignId} not found`, { field: 'campaignId' });
      const now = ctx.now();
      return ctx.repos.governance.submitPlan({ campaignId: campaign.id, organizationId: organization.id, content: requireText(input.content, 'content', 20000), submittedAt: now, late: chinaDate(new Date(now)) > campaign.planDueDate });
    },
    submitQuarterlyReport: async (_p, { input }, ctx) => {
      const q = quarter(input.quarter);
      const report = await buildReport(ctx, input.organizationId, q);
      const narrative = requireText(input.narrative, 'narrative', 20000);
      await ctx.repos.governance.submitReport(report.organizationId, q, { narrative, figures: report.figures, submittedAt: ctx.now() });
      return buildReport(ctx, input.organizationId, q);
    },
    nominate: async (_p, { input }, ctx) => {
      const organization = await requireOrganization(ctx, input.organizationId, 'organizationId');
      authorize(ctx.principal, { type: 'governance.manage', organizationPath: organization.path });
      if (input.category === 'TEAM' && !(input.teamId && (await ctx.repos.teams.get(input.teamId)))) throw badInput('teamId', 'Name the team');
      if (input.category === 'PERSON' && !(input.expertId && (await ctx.repos.experts.get(input.expertId)))) throw badInput('expertId', 'Name the person');
      if (input.category === 'CASE' && !input.caseTitle?.trim()) throw badInput('caseTitle', 'Name the case');
      const now = ctx.now();
      return ctx.repos.nominations.create({
        id: ctx.newId(),
        category: input.category,
        organizationId: organization.id,
        organizationPath: organization.path,
        teamId: input.category === 'TEAM' ? (input.teamId ?? null) : null,
        expertId: input.category === 'PERSON' ? (input.expertId ?? null) : null,
        caseTitle: input.category === 'CASE' ? requireText(input.caseTitle ?? '', 'caseTitle') : null,
        citation: requireText(input.citation, 'citation', 2000),
        status: 'NOMINATED',
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
    },
    award: async (_p, { input }, ctx) => {
      const current = await ctx.repos.nominations.requireFresh(input.id);
      authorize(ctx.principal, { type: 'campaign.manage' });
      if (current.status !== 'NOMINATED') throw new AppError(ErrorCode.INVALID_TRANSITION, 'Already awarded');
      return ctx.repos.nominations.update({ ...current, version: requireVersion(input.version) }, { status: 'AWARDED' }, ctx.now());
    },
  },
  Activity: {
    organization: (a, _x, ctx) => requireOrganization(ctx, a.organizationId),
    team: async (a, _x, ctx) => (a.teamId ? ((await ctx.repos.teams.get(a.teamId)) ?? null) : null),
    workstation: async (a, _x, ctx) => (a.workstationId ? ((await ctx.repos.workstations.get(a.workstationId)) ?? null) : null),
    region: (a) => getRegion(a.regionCode) ?? requireRegion(a.regionCode),
    needs: async (a, _x, ctx) => (await Promise.all(a.needIds.map((id) => ctx.repos.needs.get(id)))).flatMap((n) => n ?? []),
    participants: (a, _x, ctx) => {
      authorize(ctx.principal, { type: 'activity.manage', organizationPath: a.organizationPath });
      return ctx.repos.activities.participants(a.id);
    },
  },
  Participation: {
    activity: async (p, _x, ctx) => (await ctx.repos.activities.get(p.activityId)) ?? (await requireActivity(ctx, p.activityId)),
    expert: (p, _x, ctx) => requireExpert(ctx, p.expertId),
    totalHours: (p) => total(p),
  },
  Expert: {
    serviceRecord: async (e, _x, ctx) => {
      authorize(ctx.principal, { type: 'expert.readPersonalData', expert: e });
      const t = await serviceTotals(ctx, e.id);
      return { activities: t.activities, creditedHours: t.credited, manualHours: t.manual, totalHours: t.total, starLevel: starLevel(t.total), participations: t.rows };
    },
  },
  ProofOfService: {
    issuedBy: (p, _x, ctx) => requireOrganization(ctx, p.issuedById),
  },
  ProofEntry: {
    activity: async (e, _x, ctx) => requireActivity(ctx, e.activityId),
  },
  Workstation: {
    region: (w) => getRegion(w.regionCode) ?? requireRegion(w.regionCode),
    organization: (w, _x, ctx) => requireOrganization(ctx, w.organizationId),
    residentExperts: async (w, _x, ctx) => (await Promise.all(w.residentExpertIds.map((id) => ctx.repos.experts.get(id)))).flatMap((e) => e ?? []),
    visits: async (w, { first, after }, ctx) => toConnection(await ctx.repos.activities.list({ workstationId: w.id }, { first, after })),
  },
  Organization: {
    plan: (o, { campaignId }, ctx) => ctx.repos.governance.plan(campaignId, o.id).then((p) => p ?? null),
  },
  Plan: {
    campaign: async (p, _x, ctx) => {
      const campaign = await ctx.repos.governance.campaign(p.campaignId);
      if (!campaign) throw new AppError(ErrorCode.NOT_FOUND, `Campaign ${p.campaignId} not found`);
      return campaign;
    },
    organization: (p, _x, ctx) => requireOrganization(ctx, p.organizationId),
  },
  QuarterlyReport: {
    organization: (r, _x, ctx) => requireOrganization(ctx, r.organizationId),
  },
  ChildFigures: {
    organization: (c, _x, ctx) => requireOrganization(ctx, c.organizationId),
  },
  Nomination: {
    organization: (n, _x, ctx) => requireOrganization(ctx, n.organizationId),
    team: async (n, _x, ctx) => (n.teamId ? ((await ctx.repos.teams.get(n.teamId)) ?? null) : null),
    expert: async (n, _x, ctx) => (n.expertId ? ((await ctx.repos.experts.get(n.expertId)) ?? null) : null),
    eligibility: async (n, _x, ctx) => {
      if (n.category === 'PERSON' && n.expertId) {
        const t = await serviceTotals(ctx, n.expertId);
        return personEligibility(t.activities, t.total);
      }
      if (n.category === 'TEAM' && n.teamId) {
        const team = await ctx.repos.teams.get(n.teamId);
        if (!team) return null;
        const totals = await ctx.repos.governance.allTime(team.organizationId);
        return organizationEligibility(team.memberCount, totals.activities, totals.hours);
      }
      return null;
    },
  },
};
