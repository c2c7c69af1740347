import { chinaDate } from '../domain/dates.js';
import type {
  FigureInput,
  HelpedEnterpriseInput,
  ProjectStatus,
  Resolvers,
  TalentInput,
  TransferMode,
} from '../generated/graphql.js';
import { AppError, ErrorCode, badInput } from '../errors.js';
import { checkDomains, checkKeywords } from '../services/inputs.js';
import { allows, authorize } from '../auth/policy.js';
import { toConnection } from '../data/pagination.js';
import { getRegion, requireRegion } from '../regions/index.js';
import { domainTerm, isDomain } from '../vocabulary.js';
import { maskPhone, normalizePhone } from '../domain/personalData.js';
import type { OrganizationRecord } from '../repositories/organizations.js';
import type { TechnologyFilter } from '../repositories/technologies.js';
import type { ProjectFilter, ProjectRecord } from '../repositories/projects.js';
import type { FigureRecord, HelpedEnterpriseRecord, PairingFilter, TalentRecord } from '../repositories/pairings.js';
import type { Context } from '../context.js';
import { optionalText, requireCurrentVersion, requireText, requireVersion } from '../services/inputs.js';
import { requireOrganization } from './organization.js';

/** Limits of list inputs of the pools. */
export const POOL_LIMITS = { domains: 5, keywords: 20, keywordLength: 30, references: 50, talents: 50, figures: 20 } as const;

// ---- Pure checks (unit-tested) -------------------------------------------------------------------

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (2019-02-29 is not one). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The calendar date in China (UTC+8, no daylight saving) at an ISO instant: what "today" means to the people recording. */

/** Validates an optional date input: undefined stays (unchanged), null or blank clears, anything else must be YYYY-MM-DD. */
export function optionalDate(value: string | null | undefined, field: string): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value.trim() === '') return null;
  const date = value.trim();
  if (!isIsoDate(date)) throw badInput(field, `${field} must be a date written YYYY-MM-DD`);
  return date;
}

/** Requires `start` ≤ `end` when both are set (ISO dates compare as strings). */
export function checkDateRange(start: string | null, end: string | null): void {
  if (start && end && end < start) throw badInput('endDate', 'endDate must not be before startDate');
}

/** Legal moves of a project's status; a project keeps its status when none is given. */
const PROJECT_MOVES: Record<ProjectStatus, readonly ProjectStatus[]> = {
  PLANNED: ['ACTIVE', 'CANCELLED'],
  ACTIVE: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};

/** True when a project may go from `from` to `to` (staying put is always allowed). */
export const canMoveProject = (from: ProjectStatus, to: ProjectStatus): boolean => from === to || PROJECT_MOVES[from].includes(to);

export { checkDomains, checkKeywords };

/** At least one transfer mode, duplicates removed. */
export function checkTransferModes(modes: readonly TransferMode[]): TransferMode[] {
  const unique = [...new Set(modes)];
  if (unique.length === 0) throw badInput('transferModes', 'Name at least one way the technology may be taken up');
  return unique;
}

/** Figures of a follow-up: named, unique names, finite values, at most 20. */
export function checkFigures(figures: readonly FigureInput[]): FigureRecord[] {
  if (figures.length > POOL_LIMITS.figures) throw badInput('figures', `At most ${POOL_LIMITS.figures} figures`);
  const out = figures.map((f) => {
    if (!Number.isFinite(f.value)) throw badInput('figures', `The figure "${f.name}" needs a finite value`);
    return { name: requireText(f.name, 'figures', 30), value: f.value, unit: optionalText(f.unit, 'figures', 10) ?? null };
  });
  const names = out.map((f) => f.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) throw badInput('figures', `The figure "${repeated}" is given twice`);
  return out;
}

// ---- Loading references ---------------------------------------------------------------------------

/** Ids of a list input, duplicates removed, at most `max`. */
function uniqueIds(ids: readonly string[], field: string, max: number = POOL_LIMITS.references): string[] {
  const unique = [...new Set(ids)];
  if (unique.length > max) throw badInput(field, `At most ${max} ids`);
  return unique;
}

/** Fails with BAD_USER_INPUT naming `field` unless every id loads (one batched read for all). */
async function requireAll<T>(ids: readonly string[], field: string, load: (id: string) => Promise<T | undefined>, what: string): Promise<T[]> {
  const records = await Promise.all(ids.map((id) => load(id)));
  const missing = ids.find((_id, i) => records[i] === undefined);
  if (missing !== undefined) throw badInput(field, `${what} ${missing} not found`);
  return records as T[];
}

/** The organization that will own a record, which the caller must manage. */
async function requireManagedOrganization(ctx: Context, id: string): Promise<OrganizationRecord> {
  const organization = await requireOrganization(ctx, id, 'organizationId');
  authorize(ctx.principal, { type: 'pool.manage', organizationPath: organization.path });
  return organization;
}

/** On update: a new owning organization (the caller must manage it too), or undefined when unchanged. */
async function movedOrganization(ctx: Context, currentId: string, requested: string | null | undefined) {
  if (requested == null || requested === currentId) return undefined;
  return requireManagedOrganization(ctx, requested);
}

const requireNeeds = (ctx: Context, ids: readonly string[]) => requireAll(uniqueIds(ids, 'needIds'), 'needIds', (id) => ctx.repos.needs.get(id), 'Need');
const requireExperts = (ctx: Context, ids: readonly string[]) =>
  requireAll(uniqueIds(ids, 'expertIds'), 'expertIds', (id) => ctx.repos.experts.get(id), 'Expert');

/** An optional single reference: undefined unchanged, null cleared, otherwise it must exist. */
async function optionalRef(id: string | null | undefined, field: string, load: (id: string) => Promise<unknown>, what: string) {
  if (id === undefined) return undefined;
  if (id === null || id === '') return null;
  if ((await load(id)) === undefined) throw badInput(field, `${what} ${id} not found`);
  return id;
}

/** A pairing's project must exist and belong to the rural revitalization action. */
async function checkPairingProject(ctx: Context, projectId: string | null | undefined): Promise<string | null | undefined> {
  if (projectId === undefined) return undefined;
  if (projectId === null || projectId === '') return null;
  const project = await ctx.repos.projects.get(projectId);
  if (!project) throw badInput('projectId', `Project ${projectId} not found`);
  if (project.action !== 'RURAL_REVITALIZATION') throw badInput('projectId', 'A "6个1" pairing connects a RURAL_REVITALIZATION project');
  return projectId;
}

async function checkHelpedEnterprise(ctx: Context, input: HelpedEnterpriseInput): Promise<HelpedEnterpriseRecord> {
  const name = requireText(input.name, 'helpedEnterprise.name');
  const organizationId = input.organizationId || null;
  if (organizationId && !(await ctx.repos.organizations.get(organizationId))) {
    throw badInput('helpedEnterprise.organizationId', `Organization ${organizationId} not found`);
  }
  return { name, organizationId };
}

async function checkTalents(ctx: Context, talents: readonly TalentInput[]): Promise<TalentRecord[]> {
  if (talents.length > POOL_LIMITS.talents) throw badInput('talents', `At most ${POOL_LIMITS.talents} talents`);
  const out = talents.map((t) => ({ name: requireText(t.name, 'talents', 50), expertId: t.expertId || null }));
  const linked = out.flatMap((t) => (t.expertId ? [t.expertId] : []));
  await requireAll([...new Set(linked)], 'talents', (id) => ctx.repos.experts.get(id), 'Expert');
  return out;
}

function checkTechnologyFilter(filter: TechnologyFilter | null | undefined): TechnologyFilter {
  if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
  if (filter?.domain && !isDomain(filter.domain)) throw badInput('filter.domain', `Unknown domain "${filter.domain}"`);
  return filter ?? {};
}

function checkRegionFilter<F extends { regionCode?: string | null }>(filter: F | null | undefined): F | Record<string, never> {
  if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
  return filter ?? {};
}

const regionOf = (code: string) => getRegion(code) ?? requireRegion(code);

// ---- Resolvers -----------------------------------------------------------------------------------

/** The technology pool (技术库), the project pool (项目库) and "6个1" pairings: read by signed-in callers, managed by the owning organization's subtree admins. */
export const poolResolvers: Resolvers = {
  Query: {
    technology: async (_p, { id }, ctx) => {
      authorize(ctx.principal, { type: 'pool.read' });
      return (await ctx.repos.technologies.get(id)) ?? null;
    },
    technologies: async (_p, { filter, first, after }, ctx) => {
      authorize(ctx.principal, { type: 'pool.read' });
      return toConnection(await ctx.repos.technologies.list(checkTechnologyFilter(filter), { first, after }));
    },
    project: async (_p, { id }, ctx) => {
      authorize(ctx.principal, { type: 'pool.read' });
      return (await ctx.repos.projects.get(id)) ?? null;
    },
    projects: async (_p, { filter, first, after }, ctx) => {
      authorize(ctx.principal, { type: 'pool.read' });
      return toConnection(await ctx.repos.projects.list(checkRegionFilter<ProjectFilter>(filter), { first, after }));
    },
    pairing: async (_p, { id }, ctx) => {
      authorize(ctx.principal, { type: 'pool.read' });
      return (await ctx.repos.pairings.get(id)) ?? null;
    },
    pairings: async (_p, { filter, first, after }, ctx) => {
      authorize(ctx.principal, { type: 'pool.read' });
      return toConnection(await ctx.repos.pairings.list(checkRegionFilter<PairingFilter>(filter), { first, after }));
    },
  },
  Mutation: {
    createTechnology: async (_p, { input }, ctx) => {
      const title = requireText(input.title, 'title');
      const description = optionalText(input.description, 'description') ?? null;
      const ownerName = optionalText(input.ownerName, 'ownerName', 100) ?? null;
      const domains = checkDomains(input.domains);
      const keywords = checkKeywords(input.keywords ?? []);
      const transferModes = checkTransferModes(input.transferModes);
      const region = requireRegion(input.regionCode);
      const contactName = optionalText(input.contactName, 'contactName', 50) ?? null;
      const contactPhone = input.contactPhone ? normalizePhone(input.contactPhone, 'contactPhone') : null;
      const organization = await requireManagedOrganization(ctx, input.organizationId);
      const now = ctx.now();
      const technology = await ctx.repos.technologies.create({
        id: ctx.newId(),
        title,
        description,
        organizationId: organization.id,
        organizationPath: organization.path,
        ownerName,
        domains,
        keywords,
        maturity: input.maturity,
        transferModes,
        regionCode: region.code,
        contactName,
        contactPhone,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      return { technology };
    },
    updateTechnology: async (_p, { input }, ctx) => {
      const version = requireVersion(input.version);
      const current = await ctx.repos.technologies.requireFresh(input.id);
      authorize(ctx.principal, { type: 'pool.manage', organizationPath: current.organizationPath });
      const moved = await movedOrganization(ctx, current.organizationId, input.organizationId);
      requireCurrentVersion(current.version, version, 'technology');
      const technology = await ctx.repos.technologies.update(
        current,
        {
          organizationId: moved?.id,
          organizationPath: moved?.path,
          title: input.title == null ? undefined : requireText(input.title, 'title'),
          description: optionalText(input.description, 'description'),
          ownerName: optionalText(input.ownerName, 'ownerName', 100),
          domains: input.domains == null ? undefined : checkDomains(input.domains),
          keywords: input.keywords == null ? undefined : checkKeywords(input.keywords),
          maturity: input.maturity ?? undefined,
          transferModes: input.transferModes == null ? undefined : checkTransferModes(input.transferModes),
          regionCode: input.regionCode == null ? undefined : requireRegion(input.regionCode).code,
          contactName: optionalText(input.contactName, 'contactName', 50),
          contactPhone: input.contactPhone === undefined ? undefined : input.contactPhone ? normalizePhone(input.contactPhone, 'contactPhone') : null,
        },
        ctx.now(),
      );
      return { technology };
    },
    createProject: async (_p, { input }, ctx) => {
      const title = requireText(input.title, 'title');
      const description = optionalText(input.description, 'description') ?? null;
      const region = requireRegion(input.regionCode);
      const startDate = optionalDate(input.startDate, 'startDate') ?? null;
      const endDate = optionalDate(input.endDate, 'endDate') ?? null;
      checkDateRange(startDate, endDate);
      const organization = await requireManagedOrganization(ctx, input.organizationId);
      const needs = await requireNeeds(ctx, input.needIds ?? []);
      const experts = await requireExperts(ctx, input.expertIds ?? []);
      const teamId = (await optionalRef(input.teamId, 'teamId', (id) => ctx.repos.teams.get(id), 'Team')) ?? null;
      const now = ctx.now();
      const project = await ctx.repos.projects.create({
        id: ctx.newId(),
        title,
        description,
        organizationId: organization.id,
        organizationPath: organization.path,
        action: input.action,
        regionCode: region.code,
        status: input.status ?? 'PLANNED',
        needIds: needs.map((n) => n.id),
        expertIds: experts.map((e) => e.id),
        teamId,
        startDate,
        endDate,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      return { project };
    },
    updateProject: async (_p, { input }, ctx) => {
      const version = requireVersion(input.version);
      const current = await ctx.repos.projects.requireFresh(input.id);
      authorize(ctx.principal, { type: 'pool.manage', organizationPath: current.organizationPath });
      const moved = await movedOrganization(ctx, current.organizationId, input.organizationId);
      requireCurrentVersion(current.version, version, 'project');
      if (input.status && !canMoveProject(current.status, input.status)) {
        throw new AppError(ErrorCode.INVALID_TRANSITION, `A ${current.status} project cannot become ${input.status}`, { field: 'status' });
      }
      const startDate = optionalDate(input.startDate, 'startDate');
      const endDate = optionalDate(input.endDate, 'endDate');
      checkDateRange(startDate === undefined ? current.startDate : startDate, endDate === undefined ? current.endDate : endDate);
      const changes: Partial<ProjectRecord> = {
        organizationId: moved?.id,
        organizationPath: moved?.path,
        title: input.title == null ? undefined : requireText(input.title, 'title'),
        description: optionalText(input.description, 'description'),
        action: input.action ?? undefined,
        regionCode: input.regionCode == null ? undefined : requireRegion(input.regionCode).code,
        status: input.status ?? undefined,
        needIds: input.needIds == null ? undefined : (await requireNeeds(ctx, input.needIds)).map((n) => n.id),
        expertIds: input.expertIds == null ? undefined : (await requireExperts(ctx, input.expertIds)).map((e) => e.id),
        teamId: await optionalRef(input.teamId, 'teamId', (id) => ctx.repos.teams.get(id), 'Team'),
        startDate,
        endDate,
      };
      const project = await ctx.repos.projects.update(current, changes, ctx.now());
      return { project };
    },
    createPairing: async (_p, { input }, ctx) => {
      const region = requireRegion(input.regionCode);
      const industry = requireText(input.industry, 'industry', 50);
      const organization = await requireManagedOrganization(ctx, input.organizationId);
      if (!(await ctx.repos.experts.get(input.expertId))) throw badInput('expertId', `Expert ${input.expertId} not found`);
      const projectId = (await checkPairingProject(ctx, input.projectId)) ?? null;
      const teamId = (await optionalRef(input.teamId, 'teamId', (id) => ctx.repos.teams.get(id), 'Team')) ?? null;
      const helpedEnterprise = await checkHelpedEnterprise(ctx, input.helpedEnterprise);
      const talents = await checkTalents(ctx, input.talents ?? []);
      const now = ctx.now();
      const pairing = await ctx.repos.pairings.create({
        id: ctx.newId(),
        organizationId: organization.id,
        organizationPath: organization.path,
        regionCode: region.code,
        expertId: input.expertId,
        projectId,
        teamId,
        helpedEnterprise,
        industry,
        talents,
        action: 'RURAL_REVITALIZATION',
        followUpCount: 0,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      return { pairing };
    },
    updatePairing: async (_p, { input }, ctx) => {
      const version = requireVersion(input.version);
      const current = await ctx.repos.pairings.requireFresh(input.id);
      authorize(ctx.principal, { type: 'pool.manage', organizationPath: current.organizationPath });
      const moved = await movedOrganization(ctx, current.organizationId, input.organizationId);
      requireCurrentVersion(current.version, version, 'pairing');
      const regionCode = input.regionCode == null ? undefined : requireRegion(input.regionCode).code;
      const industry = input.industry == null ? undefined : requireText(input.industry, 'industry', 50);
      if (input.expertId != null && !(await ctx.repos.experts.get(input.expertId))) throw badInput('expertId', `Expert ${input.expertId} not found`);
      const pairing = await ctx.repos.pairings.update(
        current,
        {
          organizationId: moved?.id,
          organizationPath: moved?.path,
          regionCode,
          industry,
          expertId: input.expertId ?? undefined,
          projectId: await checkPairingProject(ctx, input.projectId),
          teamId: await optionalRef(input.teamId, 'teamId', (id) => ctx.repos.teams.get(id), 'Team'),
          helpedEnterprise: input.helpedEnterprise == null ? undefined : await checkHelpedEnterprise(ctx, input.helpedEnterprise),
          talents: input.talents == null ? undefined : await checkTalents(ctx, input.talents),
        },
        ctx.now(),
      );
      return { pairing };
    },
    addPairingFollowUp: async (_p, { input }, ctx) => {
      const pairing = await ctx.repos.pairings.requireFresh(input.pairingId, 'pairingId');
      authorize(ctx.principal, { type: 'pool.manage', organizationPath: pairing.organizationPath });
      const at = ctx.now();
      const date = optionalDate(input.date, 'date');
      if (!date) throw badInput('date', 'date must not be empty');
      if (date > chinaDate(at)) throw badInput('date', 'A follow-up records a visit that has happened: date must not be in the future');
      const outcome = requireText(input.outcome, 'outcome', 2000);
      const figures = checkFigures(input.figures ?? []);
      await ctx.repos.pairings.addFollowUp(pairing, { date, outcome, figures, recordedBy: ctx.principal.userId, at });
      return { pairing: { ...pairing, followUpCount: pairing.followUpCount + 1 } };
    },
  },
  Technology: {
    organization: (t, _a, ctx) => requireOrganization(ctx, t.organizationId),
    domains: (t) => t.domains.map(domainTerm),
    region: (t) => regionOf(t.regionCode),
    contactPhone: (t, _a, ctx) => {
      if (!t.contactPhone) return null;
      if (!allows(ctx.principal, { type: 'pool.readContact', organizationPath: t.organizationPath })) return maskPhone(t.contactPhone);
      ctx.logger.info('audit: personal data read', { audit: true, field: 'Technology.contactPhone', technologyId: t.id, principal: ctx.principal.userId, roles: ctx.principal.roles });
      return t.contactPhone;
    },
  },
  Project: {
    organization: (p, _a, ctx) => requireOrganization(ctx, p.organizationId),
    region: (p) => regionOf(p.regionCode),
    needs: async (p, _a, ctx) => (await Promise.all(p.needIds.map((id) => ctx.repos.needs.get(id)))).flatMap((n) => n ?? []),
    experts: async (p, _a, ctx) => (await Promise.all(p.expertIds.map((id) => ctx.repos.experts.get(id)))).flatMap((e) => e ?? []),
    team: async (p, _a, ctx) => (p.teamId ? ((await ctx.repos.teams.get(p.teamId)) ?? null) : null),
  },
  Pairing: {
    organization: (p, _a, ctx) => requireOrganization(ctx, p.organizationId),
    region: (p) => regionOf(p.regionCode),
    expert: async (p, _a, ctx) => {
      const expert = await ctx.repos.experts.get(p.expertId);
      if (!expert) throw new AppError(ErrorCode.NOT_FOUND, `Expert ${p.expertId} not found`);
      return expert;
    },
    project: async (p, _a, ctx) => (p.projectId ? ((await ctx.repos.projects.get(p.projectId)) ?? null) : null),
    team: async (p, _a, ctx) => (p.teamId ? ((await ctx.repos.teams.get(p.teamId)) ?? null) : null),
    followUps: (p, _a, ctx) => ctx.repos.pairings.listFollowUps(p.id),
  },
  HelpedEnterprise: {
    organization: async (h, _a, ctx) => (h.organizationId ? ((await ctx.repos.organizations.get(h.organizationId)) ?? null) : null),
  },
  Talent: {
    expert: async (t, _a, ctx) => (t.expertId ? ((await ctx.repos.experts.get(t.expertId)) ?? null) : null),
  },
};
