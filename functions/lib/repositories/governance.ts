import {
  entityKey,
  indexKeysFor,
  indexPartition,
  planKey,
  quarterBucket,
  reportKey,
  statsKey,
  timeSortKey,
  ALL_TIME_BUCKET,
  type Key,
  Entity,
} from '../data/keys.js';
import { recordOf } from '../data/loader.js';
import { hydratePage, type Store } from '../data/store.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { AppError, ErrorCode } from '../errors.js';
import type { Action } from '../generated/graphql.js';

export const ACTIONS: Action[] = ['POPULAR_SCIENCE', 'SOCIETY_SERVES_ENTERPRISE', 'RURAL_REVITALIZATION', 'ACADEMICIAN_EXPERT_TOUR', 'HK_MACAO_EXPERTS'];

/** A campaign (immutable once created). */
export interface CampaignRecord {
  id: string;
  name: string;
  startDate: string;
  planDueDate: string;
}

export interface PlanRecord {
  campaignId: string;
  organizationId: string;
  content: string;
  submittedAt: string;
  late: boolean;
}

export interface ActionFiguresRecord {
  action: Action | null;
  activities: number;
  volunteers: number;
  serviceHours: number;
  beneficiaries: number;
}

export interface QuarterFiguresRecord {
  byAction: ActionFiguresRecord[];
  total: ActionFiguresRecord;
  needsReceived: number;
  needsResolved: number;
}

export interface SubmittedReportRecord {
  narrative: string;
  figures: QuarterFiguresRecord;
  submittedAt: string;
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const round = (n: number) => Math.round(n * 100) / 100;

function figuresFrom(items: Map<string, Record<string, unknown> | undefined>, quarter: string, orgId: string): QuarterFiguresRecord {
  const byAction = ACTIONS.map((action) => {
    const item = items.get(`${orgId}|${quarterBucket(quarter, action)}`);
    return {
      action,
      activities: num(item?.activities),
      volunteers: num(item?.volunteers),
      serviceHours: round(num(item?.hours)),
      beneficiaries: num(item?.beneficiaries),
    };
  });
  const needs = items.get(`${orgId}|${quarterBucket(quarter, 'NEEDS')}`);
  const total = byAction.reduce(
    (t, f) => ({
      ...t,
      activities: t.activities + f.activities,
      volunteers: t.volunteers + f.volunteers,
      serviceHours: round(t.serviceHours + f.serviceHours),
      beneficiaries: t.beneficiaries + f.beneficiaries,
    }),
    { action: null, activities: 0, volunteers: 0, serviceHours: 0, beneficiaries: 0 } as ActionFiguresRecord,
  );
  return { byAction, total, needsReceived: num(needs?.received), needsResolved: num(needs?.resolved) };
}

/** Campaigns are listed under one index partition, newest start date first. */
const campaignIndexKeys = (c: CampaignRecord): Key[] => indexKeysFor('CAMPAIGN', {}, timeSortKey(c.startDate, c.id));

/** Campaigns, plans, counters and submitted reports. */
export class GovernanceRepository {
  constructor(private readonly store: Store) {}

  /** Writes a campaign and its index item together. */
  async createCampaign(record: CampaignRecord): Promise<CampaignRecord> {
    await this.store.transact([
      this.store.putNew({ ...entityKey('CAMPAIGN', record.id), entity: Entity.CAMPAIGN, ...record }),
      ...campaignIndexKeys(record).map((k) => this.store.put({ ...k, entity: Entity.CAMPAIGN, id: record.id })),
    ]);
    return record;
  }

  async campaign(id: string): Promise<CampaignRecord | undefined> {
    const item = await this.store.get(entityKey('CAMPAIGN', id));
    return item ? recordOf<CampaignRecord>(item) : undefined;
  }

  /** Campaigns, newest start date first; the page's campaigns are read in one BatchGetItem. */
  async campaigns(args: PageArgs): Promise<Page<CampaignRecord>> {
    const page = await this.store.queryPage({ partition: indexPartition('CAMPAIGN', {}), args, descending: true });
    const ids = page.keys.map(({ item }) => String(item.id));
    const items = await this.store.batchGet(ids.map((id) => entityKey('CAMPAIGN', id)));
    const byId = new Map(ids.map((id, i) => [id, items[i]]));
    return hydratePage(
      page,
      (item) => String(item.id),
      async (id) => {
        const item = byId.get(id);
        return item ? recordOf<CampaignRecord>(item) : undefined;
      },
    );
  }

  async plan(campaignId: string, organizationId: string): Promise<PlanRecord | undefined> {
    const item = await this.store.get(planKey(campaignId, organizationId));
    return item ? recordOf<PlanRecord>(item) : undefined;
  }

  /** Files a plan once (CONFLICT if already filed). */
  async submitPlan(record: PlanRecord): Promise<PlanRecord> {
    await this.putOnce(
      { ...planKey(record.campaignId, record.organizationId), entity: Entity.PLAN, ...record },
      'This organization has already filed its plan',
    );
    return record;
  }

  /** Which of these organizations have filed their plan for the campaign. */
  filedPlans(campaignId: string, organizationIds: string[]): Promise<Set<string>> {
    return this.existing(organizationIds, (orgId) => planKey(campaignId, orgId));
  }

  /** Which of these organizations have submitted the quarter's report. */
  submittedReports(quarter: string, organizationIds: string[]): Promise<Set<string>> {
    return this.existing(organizationIds, (orgId) => reportKey(orgId, quarter));
  }

  /** Quarter figures of several organizations: 6 counter items each, read with BatchGetItem. */
  async figures(organizationIds: string[], quarter: string): Promise<Map<string, QuarterFiguresRecord>> {
    const buckets = [...ACTIONS, 'NEEDS'].map((what) => quarterBucket(quarter, what));
    // The organization id and bucket of each key are kept beside it, so nothing parses a key back.
    const wanted = organizationIds.flatMap((orgId) => buckets.map((bucket) => ({ orgId, bucket, key: statsKey(orgId, bucket) })));
    const items = await this.store.batchGet(wanted.map((w) => w.key));
    const byKey = new Map(wanted.map((w, i) => [`${w.orgId}|${w.bucket}`, items[i]]));
    return new Map(organizationIds.map((orgId) => [orgId, figuresFrom(byKey, quarter, orgId)]));
  }

  /** All-time totals of an organization's subtree (recognition thresholds). */
  async allTime(organizationId: string): Promise<{ activities: number; volunteers: number; hours: number }> {
    const item = await this.store.get(statsKey(organizationId, ALL_TIME_BUCKET));
    return { activities: num(item?.activities), volunteers: num(item?.volunteers), hours: num(item?.hours) };
  }

  async submittedReport(organizationId: string, quarter: string): Promise<SubmittedReportRecord | undefined> {
    const item = await this.store.get(reportKey(organizationId, quarter));
    return item ? recordOf<SubmittedReportRecord>(item) : undefined;
  }

  /** Freezes a quarter's figures with the narrative (CONFLICT if already submitted). */
  async submitReport(organizationId: string, quarter: string, report: SubmittedReportRecord): Promise<void> {
    const item = { ...reportKey(organizationId, quarter), entity: Entity.REPORT, organizationId, quarter, ...report };
    await this.putOnce(item, 'This quarter has already been submitted');
  }

  /** Which of these organizations have an item under `keyOf` (plans filed, reports submitted): one BatchGetItem per 100. */
  private async existing(organizationIds: string[], keyOf: (orgId: string) => Key): Promise<Set<string>> {
    const items = await this.store.batchGet(organizationIds.map(keyOf));
    return new Set(organizationIds.filter((_, i) => items[i] !== undefined));
  }

  private async putOnce(item: Record<string, unknown>, message: string): Promise<void> {
    await this.store.putItem(item, {
      condition: { expression: 'attribute_not_exists(PK)' },
      onConditionFailed: () => new AppError(ErrorCode.CONFLICT, message),
    });
  }
}
