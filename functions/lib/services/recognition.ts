import type { ServiceContext } from './context.js';
import type { NominateInput, NominationCategory, NominationStatus, AwardInput } from '../generated/graphql.js';
import { badInput } from '../errors.js';
import { authorize } from '../auth/policy.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { awardedStatus } from '../domain/governance.js';
import { organizationEligibility, personEligibility, type Criterion } from '../domain/service.js';
import { serviceTotals } from '../domain/serviceRecord.js';
import type { ExpertRecord } from '../repositories/experts.js';
import type { NominationRecord } from '../repositories/nominations.js';
import type { OrganizationRecord } from '../repositories/organizations.js';
import type { TeamRecord } from '../repositories/teams.js';
import { requireText, requireVersion } from './inputs.js';

/** Whether a nominee meets CAST's thresholds, criterion by criterion. */
export interface EligibilityModel {
  eligible: boolean;
  criteria: Criterion[];
}

/** Nominations, awards and eligibility of exemplary teams, people and cases. */
export class RecognitionService {
  constructor(protected readonly ctx: ServiceContext) {}

  /** Nominations of an organization's subtree, newest first (admins of that subtree). */
  async nominations(
    organizationId: string,
    filter: { category?: NominationCategory | null; status?: NominationStatus | null },
    page: PageArgs,
  ): Promise<Page<NominationRecord>> {
    const organization = await this.ctx.repos.organizations.require(organizationId, 'organizationId');
    authorize(this.ctx.principal, { type: 'governance.manage', organizationPath: organization.path });
    return this.ctx.repos.nominations.list({ organizationId, category: filter.category ?? null, status: filter.status ?? null }, page);
  }

  /** One nomination (`node`), or null: for the admins of its organization's subtree, as `nominations` lists them. */
  async nomination(id: string): Promise<NominationRecord | null> {
    const nomination = await this.ctx.repos.nominations.get(id);
    if (!nomination) return null;
    authorize(this.ctx.principal, { type: 'governance.manage', organizationPath: nomination.organizationPath });
    return nomination;
  }

  /** Nominates a team, a person or a case on behalf of an organization of the caller's subtree. */
  async nominate(input: NominateInput): Promise<NominationRecord> {
    const { repos } = this.ctx;
    const organization = await repos.organizations.require(input.organizationId, 'organizationId');
    authorize(this.ctx.principal, { type: 'governance.manage', organizationPath: organization.path });
    if (input.category === 'TEAM' && !(input.teamId && (await repos.teams.get(input.teamId)))) throw badInput('teamId', 'Name the team');
    if (input.category === 'PERSON' && !(input.expertId && (await repos.experts.get(input.expertId)))) throw badInput('expertId', 'Name the person');
    if (input.category === 'CASE' && !input.caseTitle?.trim()) throw badInput('caseTitle', 'Name the case');
    const now = this.ctx.now();
    return repos.nominations.create({
      id: this.ctx.newId(),
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
  }

  /** Awards a nomination, once (the province). */
  async award(input: AwardInput): Promise<NominationRecord> {
    const current = await this.ctx.repos.nominations.requireFresh(input.id);
    authorize(this.ctx.principal, { type: 'campaign.manage' });
    const status = awardedStatus(current.status);
    return this.ctx.repos.nominations.update({ ...current, version: requireVersion(input.version) }, { status }, this.ctx.now());
  }

  /**
   * Whether the nominee meets the thresholds: a person by its completed activities and hours, a team by
   * its members and the all-time totals of its organization; null for a case (or a nominee gone).
   */
  async eligibility(nomination: NominationRecord): Promise<EligibilityModel | null> {
    if (nomination.category === 'PERSON' && nomination.expertId) {
      const t = serviceTotals(await this.ctx.repos.activities.serviceEntries(nomination.expertId));
      return personEligibility(t.activities, t.totalHours);
    }
    if (nomination.category === 'TEAM' && nomination.teamId) {
      const team = await this.ctx.repos.teams.get(nomination.teamId);
      if (!team) return null;
      const totals = await this.ctx.repos.governance.allTime(team.organizationId);
      return organizationEligibility(team.memberCount, totals.activities, totals.hours);
    }
    return null;
  }

  /** The nominating organization. */
  organization(nomination: NominationRecord): Promise<OrganizationRecord> {
    return this.ctx.repos.organizations.require(nomination.organizationId);
  }

  /** The nominated team, if any. */
  async team(nomination: NominationRecord): Promise<TeamRecord | null> {
    return nomination.teamId ? ((await this.ctx.repos.teams.get(nomination.teamId)) ?? null) : null;
  }

  /** The nominated person, if any. */
  async expert(nomination: NominationRecord): Promise<ExpertRecord | null> {
    return nomination.expertId ? ((await this.ctx.repos.experts.get(nomination.expertId)) ?? null) : null;
  }
}
