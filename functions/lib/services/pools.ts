import type { ServiceContext } from './context.js';
import type {
  AddPairingFollowUpInput,
  CreatePairingInput,
  CreateProjectInput,
  CreateTechnologyInput,
  HelpedEnterpriseInput,
  TalentInput,
  UpdatePairingInput,
  UpdateProjectInput,
  UpdateTechnologyInput,
} from '../generated/graphql.js';
import { AppError, ErrorCode, badInput } from '../errors.js';
import { allows, authorize } from '../auth/policy.js';
import { textAnalyzer, type WeightedTerm } from '../domain/text.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { requireRegion } from '../regions/index.js';
import { isDomain } from '../vocabulary.js';
import { maskName, maskPhone, normalizePhone } from '../domain/personalData.js';
import { checkTransferModes } from '../domain/technologies.js';
import { INITIAL_PROJECT_STATUS, checkDateRange, nextProjectStatus, nextSchedule, optionalDate, uniqueReferences } from '../domain/projects.js';
import {
  PAIRING_ACTION,
  PAIRING_LIMITS,
  checkFigures,
  checkFollowUpDate,
  checkPairingProjectAction,
  checkTalents,
  linkedExpertIds,
} from '../domain/pairings.js';
import { checkDomains, checkKeywords, optionalText, requireCurrentVersion, requireText, requireVersion } from './inputs.js';
import { needScope } from './scopes.js';
import type { OrganizationRecord } from '../repositories/organizations.js';
import type { TeamRecord } from '../repositories/teams.js';
import type { ExpertRecord } from '../repositories/experts.js';
import type { NeedRecord } from '../repositories/needs.js';
import type { TechnologyFilter, TechnologyRecord } from '../repositories/technologies.js';
import type { ProjectFilter, ProjectRecord } from '../repositories/projects.js';
import type { HelpedEnterpriseRecord, PairingFilter, PairingFollowUpRecord, PairingRecord, TalentRecord } from '../repositories/pairings.js';

/** Filters of `technologies`, as the client sends them. */
export type TechnologyFilterInput = TechnologyFilter | null | undefined;
/** Filters of `projects`, as the client sends them. */
export type ProjectFilterInput = ProjectFilter | null | undefined;
/** Filters of `pairings`, as the client sends them. */
export type PairingFilterInput = PairingFilter | null | undefined;

/** A region filter names a known region (BAD_USER_INPUT on `filter.regionCode`); no filter is an empty one. */
function checkRegionFilter<F extends { regionCode?: string | null }>(filter: F | null | undefined): F | Record<string, never> {
  if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
  return filter ?? {};
}

/** An optional phone of an update: undefined unchanged, null or blank cleared, anything else a valid number. */
const optionalPhone = (phone: string | null | undefined, field: string) => (phone === undefined ? undefined : phone ? normalizePhone(phone, field) : null);

/**
 * The technology pool (技术库), the project pool (项目库) and "6个1" pairings: read by every signed-in
 * caller, listed and changed by the admins of the owning organization's subtree (`pool.manage`), which
 * a move to another organization requires of both organizations.
 */
export class PoolService {
  constructor(protected readonly ctx: ServiceContext) {}

  // ---- Technologies ----------------------------------------------------------------------------

  /** One technology, or null. */
  async technology(id: string): Promise<TechnologyRecord | null> {
    authorize(this.ctx.principal, { type: 'pool.read' });
    return (await this.ctx.repos.technologies.get(id)) ?? null;
  }

  /** A page of technologies matching every given filter, in region order. */
  async technologies(filter: TechnologyFilterInput, args: PageArgs): Promise<Page<TechnologyRecord>> {
    authorize(this.ctx.principal, { type: 'pool.read' });
    if (filter?.domain && !isDomain(filter.domain)) throw badInput('filter.domain', `Unknown domain "${filter.domain}"`);
    return this.ctx.repos.technologies.list(checkRegionFilter(filter), args);
  }

  /** Lists a technology for an organization the caller manages. */
  async createTechnology(input: CreateTechnologyInput): Promise<TechnologyRecord> {
    const title = requireText(input.title, 'title');
    const description = optionalText(input.description, 'description') ?? null;
    const ownerName = optionalText(input.ownerName, 'ownerName', 100) ?? null;
    const domains = checkDomains(input.domains);
    const keywords = checkKeywords(input.keywords ?? []);
    const transferModes = checkTransferModes(input.transferModes);
    const region = requireRegion(input.regionCode);
    const contactName = optionalText(input.contactName, 'contactName', 50) ?? null;
    const contactPhone = optionalPhone(input.contactPhone, 'contactPhone') ?? null;
    const organization = await this.requireManagedOrganization(input.organizationId);
    const now = this.ctx.now();
    return this.ctx.repos.technologies.create({
      id: this.ctx.newId(),
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
      searchTerms: await poolSearchTerms({ title, keywords, description }),
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Changes a technology at the version the client read (CONFLICT on `version` when stale). */
  async updateTechnology(input: UpdateTechnologyInput): Promise<TechnologyRecord> {
    const version = requireVersion(input.version);
    const current = await this.ctx.repos.technologies.requireFresh(input.id);
    authorize(this.ctx.principal, { type: 'pool.manage', organizationPath: current.organizationPath });
    const moved = await this.movedOrganization(current.organizationId, input.organizationId);
    requireCurrentVersion(current.version, version, 'technology');
    const text = {
      title: input.title == null ? undefined : requireText(input.title, 'title'),
      description: optionalText(input.description, 'description'),
      keywords: input.keywords == null ? undefined : checkKeywords(input.keywords),
    };
    return this.ctx.repos.technologies.update(
      current,
      {
        ...text,
        searchTerms: await nextSearchTerms(current, text),
        organizationId: moved?.id,
        organizationPath: moved?.path,
        ownerName: optionalText(input.ownerName, 'ownerName', 100),
        domains: input.domains == null ? undefined : checkDomains(input.domains),
        maturity: input.maturity ?? undefined,
        transferModes: input.transferModes == null ? undefined : checkTransferModes(input.transferModes),
        regionCode: input.regionCode == null ? undefined : requireRegion(input.regionCode).code,
        contactName: optionalText(input.contactName, 'contactName', 50),
        contactPhone: optionalPhone(input.contactPhone, 'contactPhone'),
      },
      this.ctx.now(),
    );
  }

  /** A technology's contact person: whole for the admins of the listing organization's subtree, masked (李*) for everyone else, like every contact name. */
  technologyContactName(technology: TechnologyRecord): string | null {
    const { contactName } = technology;
    if (!contactName) return null;
    return allows(this.ctx.principal, { type: 'pool.readContact', organizationPath: technology.organizationPath }) ? contactName : maskName(contactName);
  }

  /** A technology's contact phone: in full (and audited) for the admins of the listing organization's subtree, masked for everyone else. */
  technologyContactPhone(technology: TechnologyRecord): string | null {
    const { contactPhone } = technology;
    if (!contactPhone) return null;
    const { principal, logger } = this.ctx;
    if (!allows(principal, { type: 'pool.readContact', organizationPath: technology.organizationPath })) return maskPhone(contactPhone);
    logger.info('audit: personal data read', {
      audit: true,
      field: 'Technology.contactPhone',
      technologyId: technology.id,
      principal: principal.userId,
      roles: principal.roles,
    });
    return contactPhone;
  }

  // ---- Projects --------------------------------------------------------------------------------

  /** One project, or null. */
  async project(id: string): Promise<ProjectRecord | null> {
    authorize(this.ctx.principal, { type: 'pool.read' });
    return (await this.ctx.repos.projects.get(id)) ?? null;
  }

  /** A page of projects matching every given filter (an organization's whole subtree), in region order. */
  async projects(filter: ProjectFilterInput, args: PageArgs): Promise<Page<ProjectRecord>> {
    authorize(this.ctx.principal, { type: 'pool.read' });
    return this.ctx.repos.projects.list(checkRegionFilter(filter), args);
  }

  /** Adds a project of an organization the caller manages, linking existing needs, experts and a team. */
  async createProject(input: CreateProjectInput): Promise<ProjectRecord> {
    const title = requireText(input.title, 'title');
    const description = optionalText(input.description, 'description') ?? null;
    const region = requireRegion(input.regionCode);
    const startDate = optionalDate(input.startDate, 'startDate') ?? null;
    const endDate = optionalDate(input.endDate, 'endDate') ?? null;
    checkDateRange(startDate, endDate);
    const organization = await this.requireManagedOrganization(input.organizationId);
    const needs = await this.requireNeeds(input.needIds ?? []);
    const experts = await this.requireExperts(input.expertIds ?? []);
    const teamId = (await this.optionalTeam(input.teamId)) ?? null;
    const now = this.ctx.now();
    return this.ctx.repos.projects.create({
      id: this.ctx.newId(),
      title,
      description,
      organizationId: organization.id,
      organizationPath: organization.path,
      action: input.action,
      regionCode: region.code,
      status: input.status ?? INITIAL_PROJECT_STATUS,
      needIds: needs.map((n) => n.id),
      expertIds: experts.map((e) => e.id),
      teamId,
      startDate,
      endDate,
      searchTerms: await poolSearchTerms({ title, keywords: [], description }),
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Changes a project at the version the client read: legal status moves only, a schedule that ends after it starts. */
  async updateProject(input: UpdateProjectInput): Promise<ProjectRecord> {
    const version = requireVersion(input.version);
    const current = await this.ctx.repos.projects.requireFresh(input.id);
    authorize(this.ctx.principal, { type: 'pool.manage', organizationPath: current.organizationPath });
    const moved = await this.movedOrganization(current.organizationId, input.organizationId);
    requireCurrentVersion(current.version, version, 'project');
    const status = nextProjectStatus(current.status, input.status);
    const startDate = optionalDate(input.startDate, 'startDate');
    const endDate = optionalDate(input.endDate, 'endDate');
    nextSchedule(current, startDate, endDate);
    const text = {
      title: input.title == null ? undefined : requireText(input.title, 'title'),
      description: optionalText(input.description, 'description'),
    };
    return this.ctx.repos.projects.update(
      current,
      {
        ...text,
        searchTerms: await nextSearchTerms({ ...current, keywords: [] }, text),
        organizationId: moved?.id,
        organizationPath: moved?.path,
        action: input.action ?? undefined,
        regionCode: input.regionCode == null ? undefined : requireRegion(input.regionCode).code,
        status: input.status == null ? undefined : status,
        needIds: input.needIds == null ? undefined : (await this.requireNeeds(input.needIds)).map((n) => n.id),
        expertIds: input.expertIds == null ? undefined : (await this.requireExperts(input.expertIds)).map((e) => e.id),
        teamId: await this.optionalTeam(input.teamId),
        startDate,
        endDate,
      },
      this.ctx.now(),
    );
  }

  /**
   * The needs a project answers that the caller may read (`need.read`, as `Query.need` decides): the
   * others, and those that no longer exist, are left out of the list rather than failing the field.
   */
  async projectNeeds(project: ProjectRecord): Promise<NeedRecord[]> {
    const needs = await Promise.all(project.needIds.map((id) => this.ctx.repos.needs.get(id)));
    return needs.flatMap((n) => (n && allows(this.ctx.principal, { type: 'need.read', need: needScope(n) }) ? [n] : []));
  }

  /** The experts of a project (those that no longer exist left out). */
  async projectExperts(project: ProjectRecord): Promise<ExpertRecord[]> {
    return (await Promise.all(project.expertIds.map((id) => this.ctx.repos.experts.get(id)))).flatMap((e) => e ?? []);
  }

  // ---- "6个1" pairings -------------------------------------------------------------------------

  /** One pairing, or null. */
  async pairing(id: string): Promise<PairingRecord | null> {
    authorize(this.ctx.principal, { type: 'pool.read' });
    return (await this.ctx.repos.pairings.get(id)) ?? null;
  }

  /** A page of pairings matching every given filter (an organization's whole subtree), in region order. */
  async pairings(filter: PairingFilterInput, args: PageArgs): Promise<Page<PairingRecord>> {
    authorize(this.ctx.principal, { type: 'pool.read' });
    return this.ctx.repos.pairings.list(checkRegionFilter(filter), args);
  }

  /** Records a "6个1" pairing of an organization the caller manages; it is always a RURAL_REVITALIZATION activity. */
  async createPairing(input: CreatePairingInput): Promise<PairingRecord> {
    const region = requireRegion(input.regionCode);
    const industry = requireText(input.industry, 'industry', PAIRING_LIMITS.industry);
    const organization = await this.requireManagedOrganization(input.organizationId);
    await this.requireExpert(input.expertId);
    const projectId = (await this.pairingProject(input.projectId)) ?? null;
    const teamId = (await this.optionalTeam(input.teamId)) ?? null;
    const helpedEnterprise = await this.helpedEnterprise(input.helpedEnterprise);
    const talents = await this.talents(input.talents ?? []);
    const now = this.ctx.now();
    return this.ctx.repos.pairings.create({
      id: this.ctx.newId(),
      organizationId: organization.id,
      organizationPath: organization.path,
      regionCode: region.code,
      expertId: input.expertId,
      projectId,
      teamId,
      helpedEnterprise,
      industry,
      talents,
      action: PAIRING_ACTION,
      followUpCount: 0,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Changes a pairing at the version the client read (CONFLICT on `version` when stale). */
  async updatePairing(input: UpdatePairingInput): Promise<PairingRecord> {
    const version = requireVersion(input.version);
    const current = await this.ctx.repos.pairings.requireFresh(input.id);
    authorize(this.ctx.principal, { type: 'pool.manage', organizationPath: current.organizationPath });
    const moved = await this.movedOrganization(current.organizationId, input.organizationId);
    requireCurrentVersion(current.version, version, 'pairing');
    const regionCode = input.regionCode == null ? undefined : requireRegion(input.regionCode).code;
    const industry = input.industry == null ? undefined : requireText(input.industry, 'industry', PAIRING_LIMITS.industry);
    if (input.expertId != null) await this.requireExpert(input.expertId);
    return this.ctx.repos.pairings.update(
      current,
      {
        organizationId: moved?.id,
        organizationPath: moved?.path,
        regionCode,
        industry,
        expertId: input.expertId ?? undefined,
        projectId: await this.pairingProject(input.projectId),
        teamId: await this.optionalTeam(input.teamId),
        helpedEnterprise: input.helpedEnterprise == null ? undefined : await this.helpedEnterprise(input.helpedEnterprise),
        talents: input.talents == null ? undefined : await this.talents(input.talents),
      },
      this.ctx.now(),
    );
  }

  /**
   * Records a follow-up visit (跟踪回访) of a visit that has happened; the pairing's version does not
   * change (follow-ups are not edits of the pairing). Returns the pairing as it is afterwards.
   */
  async addFollowUp(input: AddPairingFollowUpInput): Promise<PairingRecord> {
    const pairing = await this.ctx.repos.pairings.requireFresh(input.pairingId, 'pairingId');
    authorize(this.ctx.principal, { type: 'pool.manage', organizationPath: pairing.organizationPath });
    const at = this.ctx.now();
    const date = checkFollowUpDate(input.date, at);
    const outcome = requireText(input.outcome, 'outcome', PAIRING_LIMITS.outcome);
    const figures = checkFigures(input.figures ?? []);
    await this.ctx.repos.pairings.addFollowUp(pairing, { date, outcome, figures, recordedBy: this.ctx.principal.userId, at });
    return { ...pairing, followUpCount: pairing.followUpCount + 1 };
  }

  /** The expert a pairing introduced (NOT_FOUND if the record is gone: the field is non-null). */
  async pairingExpert(pairing: PairingRecord): Promise<ExpertRecord> {
    const expert = await this.ctx.repos.experts.get(pairing.expertId);
    if (!expert) throw new AppError(ErrorCode.NOT_FOUND, `Expert ${pairing.expertId} not found`);
    return expert;
  }

  /** The project a pairing connects, if any. */
  async pairingProjectOf(pairing: PairingRecord): Promise<ProjectRecord | null> {
    return pairing.projectId ? ((await this.ctx.repos.projects.get(pairing.projectId)) ?? null) : null;
  }

  /**
   * Every follow-up of a pairing, in the order recorded. Who recorded it (a user id) is for the admins of
   * the pairing's organization subtree (`pool.manage`); everyone else reads the visits with `recordedBy` null.
   */
  async followUps(pairing: PairingRecord): Promise<PairingFollowUpRecord[]> {
    const followUps = await this.ctx.repos.pairings.listFollowUps(pairing.id);
    if (allows(this.ctx.principal, { type: 'pool.manage', organizationPath: pairing.organizationPath })) return followUps;
    return followUps.map((followUp) => ({ ...followUp, recordedBy: null }));
  }

  /** The helped enterprise's own organization, if it has one here. */
  async enterpriseOrganization(enterprise: HelpedEnterpriseRecord): Promise<OrganizationRecord | null> {
    return enterprise.organizationId ? ((await this.ctx.repos.organizations.get(enterprise.organizationId)) ?? null) : null;
  }

  /** A talent's record in the talent pool, if linked. */
  async talentExpert(talent: TalentRecord): Promise<ExpertRecord | null> {
    return talent.expertId ? ((await this.ctx.repos.experts.get(talent.expertId)) ?? null) : null;
  }

  // ---- Shared by the three pools ---------------------------------------------------------------

  /** The organization that lists or runs a technology, project or pairing (NOT_FOUND if it is gone). */
  organizationOf(record: { organizationId: string }): Promise<OrganizationRecord> {
    return this.ctx.repos.organizations.require(record.organizationId);
  }

  /** The team of a project or pairing, if any. */
  async teamOf(record: { teamId: string | null }): Promise<TeamRecord | null> {
    return record.teamId ? ((await this.ctx.repos.teams.get(record.teamId)) ?? null) : null;
  }

  /** The organization that will own a record, which the caller must manage (NOT_FOUND on `organizationId` if unknown). */
  private async requireManagedOrganization(id: string): Promise<OrganizationRecord> {
    const organization = await this.ctx.repos.organizations.require(id, 'organizationId');
    authorize(this.ctx.principal, { type: 'pool.manage', organizationPath: organization.path });
    return organization;
  }

  /** On update: a new owning organization (the caller must manage it too), or undefined when unchanged. */
  private async movedOrganization(currentId: string, requested: string | null | undefined): Promise<OrganizationRecord | undefined> {
    if (requested == null || requested === currentId) return undefined;
    return this.requireManagedOrganization(requested);
  }

  /** Fails with BAD_USER_INPUT naming `field` unless every id loads (the loads are batched into one read). */
  private async requireAll<T>(ids: readonly string[], field: string, load: (id: string) => Promise<T | undefined>, what: string): Promise<T[]> {
    const records = await Promise.all(ids.map((id) => load(id)));
    const missing = ids.find((_id, i) => records[i] === undefined);
    if (missing !== undefined) throw badInput(field, `${what} ${missing} not found`);
    return records.flatMap((r) => (r === undefined ? [] : [r]));
  }

  /** Needs to link: each must exist (BAD_USER_INPUT) and be readable by the caller (`need.link`, FORBIDDEN), both on `needIds`. */
  private async requireNeeds(ids: readonly string[]): Promise<NeedRecord[]> {
    const needs = await this.requireAll(uniqueReferences(ids, 'needIds'), 'needIds', (id) => this.ctx.repos.needs.get(id), 'Need');
    for (const need of needs) authorize(this.ctx.principal, { type: 'need.link', need: needScope(need) }, 'needIds');
    return needs;
  }

  private requireExperts(ids: readonly string[]): Promise<ExpertRecord[]> {
    return this.requireAll(uniqueReferences(ids, 'expertIds'), 'expertIds', (id) => this.ctx.repos.experts.get(id), 'Expert');
  }

  /** The pairing's expert must exist (BAD_USER_INPUT on `expertId`). */
  private async requireExpert(id: string): Promise<void> {
    if (!(await this.ctx.repos.experts.get(id))) throw badInput('expertId', `Expert ${id} not found`);
  }

  /** An optional team reference: undefined unchanged, null or blank cleared, otherwise the team must exist (BAD_USER_INPUT on `teamId`). */
  private async optionalTeam(id: string | null | undefined): Promise<string | null | undefined> {
    if (id === undefined) return undefined;
    if (id === null || id === '') return null;
    if (!(await this.ctx.repos.teams.get(id))) throw badInput('teamId', `Team ${id} not found`);
    return id;
  }

  /** A pairing's project reference: undefined unchanged, null or blank cleared, otherwise an existing RURAL_REVITALIZATION project. */
  private async pairingProject(projectId: string | null | undefined): Promise<string | null | undefined> {
    if (projectId === undefined) return undefined;
    if (projectId === null || projectId === '') return null;
    const project = await this.ctx.repos.projects.get(projectId);
    if (!project) throw badInput('projectId', `Project ${projectId} not found`);
    checkPairingProjectAction(project.action);
    return projectId;
  }

  /** The helped enterprise: named, and its own organization, when given, must exist. */
  private async helpedEnterprise(input: HelpedEnterpriseInput): Promise<HelpedEnterpriseRecord> {
    const name = requireText(input.name, 'helpedEnterprise.name');
    const organizationId = input.organizationId || null;
    if (organizationId && !(await this.ctx.repos.organizations.get(organizationId))) {
      throw badInput('helpedEnterprise.organizationId', `Organization ${organizationId} not found`);
    }
    return { name, organizationId };
  }

  /** The talents brought in; every linked talent-pool record must exist (BAD_USER_INPUT on `talents`). */
  private async talents(input: readonly TalentInput[]): Promise<TalentRecord[]> {
    const talents = checkTalents(input);
    await this.requireAll(linkedExpertIds(talents), 'talents', (id) => this.ctx.repos.experts.get(id), 'Expert');
    return talents;
  }
}

type PoolText = { title: string; keywords: readonly string[]; description: string | null };

/** Search terms of a technology or project: title, then keywords, then description. */
async function poolSearchTerms(t: PoolText): Promise<WeightedTerm[]> {
  return (await textAnalyzer()).indexTerms(t);
}

/** New terms when the text changed (or were never computed), else undefined: the term items stay. */
async function nextSearchTerms(
  current: PoolText & { searchTerms?: WeightedTerm[] },
  changes: { title?: string; keywords?: string[]; description?: string | null },
): Promise<WeightedTerm[] | undefined> {
  const changed = Object.values(changes).some((v) => v !== undefined);
  if (!changed && current.searchTerms) return undefined;
  const given = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<PoolText>;
  return poolSearchTerms({ ...current, ...given });
}
