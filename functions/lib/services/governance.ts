import type { ServiceContext } from './context.js';
import type { CreateCampaignInput, SubmitPlanInput, SubmitQuarterlyReportInput } from '../generated/graphql.js';
import { AppError, ErrorCode } from '../errors.js';
import { authorize } from '../auth/policy.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { chinaDate } from '../domain/dates.js';
import { isLate, isPastDue, overdueOrganizations } from '../domain/governance.js';
import { planDueDate, reportDueDate, type Quarter } from '../domain/service.js';
import type { CampaignRecord, PlanRecord, QuarterFiguresRecord, SubmittedReportRecord } from '../repositories/governance.js';
import type { OrganizationRecord } from '../repositories/organizations.js';
import { requireText } from './inputs.js';

/** A quarterly report as the API returns it: the organization's figures, its children's, and the submitted (frozen) version. */
export interface QuarterlyReportModel {
  organizationId: string;
  quarter: string;
  dueDate: string;
  figures: QuarterFiguresRecord;
  byChild: ChildFiguresModel[];
  submitted: SubmittedReportRecord | null;
}

/** The figures of one child organization in a quarterly report. */
export interface ChildFiguresModel {
  organizationId: string;
  figures: QuarterFiguresRecord;
}

/** The Quarter scalar has already refused anything but YYYYQn. */
const asQuarter = (value: string): Quarter => value as Quarter;

/** Campaigns, implementation plans and quarterly reports. */
export class GovernanceService {
  constructor(protected readonly ctx: ServiceContext) {}

  /** One campaign, or null. Campaigns (a name and two dates) are public, so no sign-in is needed. */
  async campaign(id: string): Promise<CampaignRecord | null> {
    return (await this.ctx.repos.governance.campaign(id)) ?? null;
  }

  /** Campaigns, newest start date first; public like `campaign`. */
  campaigns(page: PageArgs): Promise<Page<CampaignRecord>> {
    return this.ctx.repos.governance.campaigns(page);
  }

  /** Starts a campaign (the province); its plans are due a month after it starts. */
  createCampaign(input: CreateCampaignInput): Promise<CampaignRecord> {
    authorize(this.ctx.principal, { type: 'campaign.manage' });
    const name = requireText(input.name, 'name');
    return this.ctx.repos.governance.createCampaign({ id: this.ctx.newId(), name, startDate: input.startDate, planDueDate: planDueDate(input.startDate) });
  }

  /** Files an organization's plan for a campaign once (admins of its subtree); late after the due date. */
  async submitPlan(input: SubmitPlanInput): Promise<PlanRecord> {
    const organization = await this.managedOrganization(input.organizationId);
    const campaign = await this.requireCampaign(input.campaignId);
    const now = this.ctx.now();
    return this.ctx.repos.governance.submitPlan({
      campaignId: campaign.id,
      organizationId: organization.id,
      content: requireText(input.content, 'content', 20000),
      submittedAt: now,
      late: isLate(now, campaign.planDueDate),
    });
  }

  /** Organizations of the subtree with no plan for the campaign after its due date (as of `asOf`, default today in China). */
  async overduePlans(organizationId: string, campaignId: string, asOf?: string | null): Promise<OrganizationRecord[]> {
    const organization = await this.managedOrganization(organizationId);
    const campaign = await this.requireCampaign(campaignId);
    return this.overdue(organization.id, campaign.planDueDate, asOf, (ids) => this.ctx.repos.governance.filedPlans(campaign.id, ids));
  }

  /** Organizations of the subtree that have not submitted the quarter's report after its due date. */
  async lateReports(organizationId: string, quarter: string, asOf?: string | null): Promise<OrganizationRecord[]> {
    const organization = await this.managedOrganization(organizationId);
    return this.overdue(organization.id, reportDueDate(asQuarter(quarter)), asOf, (ids) => this.ctx.repos.governance.submittedReports(quarter, ids));
  }

  /** The quarter's figures of an organization and of each child, kept at write time (admins of its subtree). */
  quarterlyReport(organizationId: string, quarter: string): Promise<QuarterlyReportModel> {
    return this.buildReport(organizationId, asQuarter(quarter));
  }

  /** Freezes the quarter's figures with a narrative, once (admins of the organization's subtree). */
  async submitQuarterlyReport(input: SubmitQuarterlyReportInput): Promise<QuarterlyReportModel> {
    const quarter = asQuarter(input.quarter);
    const report = await this.buildReport(input.organizationId, quarter);
    const narrative = requireText(input.narrative, 'narrative', 20000);
    await this.ctx.repos.governance.submitReport(report.organizationId, quarter, { narrative, figures: report.figures, submittedAt: this.ctx.now() });
    return this.buildReport(input.organizationId, quarter);
  }

  /**
   * An organization's plan for a campaign, or null: for the admins of its subtree (`governance.manage`,
   * as submitPlan), UNAUTHENTICATED without sign-in and FORBIDDEN for anyone else.
   */
  async plan(organization: OrganizationRecord, campaignId: string): Promise<PlanRecord | null> {
    authorize(this.ctx.principal, { type: 'governance.manage', organizationPath: organization.path });
    return (await this.ctx.repos.governance.plan(campaignId, organization.id)) ?? null;
  }

  /** An organization's plan for a campaign by their ids (`node`): null without the organization, else as `plan`. */
  async planOf(organizationId: string, campaignId: string): Promise<PlanRecord | null> {
    const organization = await this.ctx.repos.organizations.get(organizationId);
    return organization ? this.plan(organization, campaignId) : null;
  }

  /** The campaign of a plan. */
  async planCampaign(plan: PlanRecord): Promise<CampaignRecord> {
    const campaign = await this.ctx.repos.governance.campaign(plan.campaignId);
    if (!campaign) throw new AppError(ErrorCode.NOT_FOUND, `Campaign ${plan.campaignId} not found`);
    return campaign;
  }

  /** The organization of a plan, a report or a child's figures. */
  organization(id: string): Promise<OrganizationRecord> {
    return this.ctx.repos.organizations.require(id);
  }

  private async managedOrganization(id: string): Promise<OrganizationRecord> {
    const organization = await this.ctx.repos.organizations.require(id, 'organizationId');
    authorize(this.ctx.principal, { type: 'governance.manage', organizationPath: organization.path });
    return organization;
  }

  private async requireCampaign(id: string): Promise<CampaignRecord> {
    const campaign = await this.ctx.repos.governance.campaign(id);
    if (!campaign) throw new AppError(ErrorCode.NOT_FOUND, `Campaign ${id} not found`, { field: 'campaignId' });
    return campaign;
  }

  /** Organizations of the subtree that have not filed by `dueDate`; nothing is read before the due date has passed. */
  private async overdue(
    organizationId: string,
    dueDate: string,
    asOf: string | null | undefined,
    filed: (ids: string[]) => Promise<Set<string>>,
  ): Promise<OrganizationRecord[]> {
    const day = asOf ?? chinaDate(this.ctx.now());
    if (!isPastDue(dueDate, day)) return [];
    const ids = await this.ctx.repos.organizations.subtreeIds(organizationId);
    const late = overdueOrganizations(ids, await filed(ids), dueDate, day);
    return (await Promise.all(late.map((id) => this.ctx.repos.organizations.get(id)))).flatMap((o) => o ?? []);
  }

  private async buildReport(organizationId: string, quarter: Quarter): Promise<QuarterlyReportModel> {
    const organization = await this.managedOrganization(organizationId);
    const children = await this.ctx.repos.organizations.childIds(organization.id);
    const [figures, submitted] = await Promise.all([
      this.ctx.repos.governance.figures([organization.id, ...children], quarter),
      this.ctx.repos.governance.submittedReport(organization.id, quarter),
    ]);
    return {
      organizationId: organization.id,
      quarter,
      dueDate: reportDueDate(quarter),
      figures: figures.get(organization.id) as QuarterFiguresRecord,
      byChild: children.map((id) => ({ organizationId: id, figures: figures.get(id) as QuarterFiguresRecord })),
      submitted: submitted ?? null,
    };
  }
}
