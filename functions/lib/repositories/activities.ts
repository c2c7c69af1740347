import {
  GSI1,
  ALL_TIME_BUCKET,
  entityKey,
  indexKeysFor,
  indexPartition,
  isKeyServed,
  participationKey,
  participationPrefix,
  quarterBucket,
  serviceRecordGsi1,
  serviceRecordPrefix,
  statsKey,
  timeSortKey,
  type Dimension,
  type Dimensions,
  type Key,
  Entity,
} from '../data/keys.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import type { Store, WriteOp } from '../data/store.js';
import { EntityStore } from '../data/entityStore.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { AppError, ErrorCode } from '../errors.js';
import { regionLineage } from '../regions/index.js';
import type { Action, ActivityStatus, VenueKind } from '../generated/graphql.js';
import type { ActivityFigures } from '../domain/serviceRecord.js';

/** An activity as stored; `organizationPath` is its organizing organization's path. */
export interface ActivityRecord {
  id: string;
  title: string;
  description: string | null;
  action: Action;
  organizationId: string;
  organizationPath: string[];
  teamId: string | null;
  workstationId: string | null;
  venueKind: VenueKind;
  venue: string | null;
  regionCode: string;
  startAt: string;
  endAt: string;
  needIds: string[];
  plannedVolunteers: number;
  /** The most volunteers who may sign up; null (or absent, on older activities): no limit. */
  capacity?: number | null;
  /** Sign-ups so far, kept only on activities with a capacity (in the sign-up's transaction). */
  signedUpCount?: number;
  beneficiaries: number | null;
  outcome: string | null;
  status: ActivityStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A participation: recorded by the activity's organization (谁组织谁记录). */
export interface ParticipationRecord {
  activityId: string;
  expertId: string;
  organizationId: string;
  activityStartAt: string;
  signedUpAt: string;
  checkInAt: string | null;
  checkOutAt: string | null;
  creditedHours: number;
  manualHours: number;
  manualNote: string | null;
  /** Set when the volunteer erased its account: `expertId` is then a pseudonym that names nobody. */
  anonymised?: boolean;
}

export interface ActivityFilter {
  organizationId?: string | null;
  regionCode?: string | null;
  action?: Action | null;
  workstationId?: string | null;
  from?: string | null;
  to?: string | null;
}

/** Figures added to the counters when an activity completes (domain/serviceRecord.ts computes them). */
export type { ActivityFigures };

const indexKeys = (a: ActivityRecord): Key[] =>
  indexKeysFor(
    'ACTIVITY',
    { region: regionLineage(a.regionCode).map((r) => r.code), org: a.organizationPath, action: a.action, workstation: a.workstationId },
    timeSortKey(a.startAt, a.id),
  );

/** Activities, their participations, and the per-quarter counters completion adds to. */
export class ActivityRepository extends EntityStore<ActivityRecord> {
  constructor(store: Store, loader: ItemLoader) {
    super(store, loader, 'ACTIVITY', indexKeys);
  }

  /** Activities newest first; region, organization, action and workstation by key, dates as a sort-key range. */
  async list(filter: ActivityFilter, args: PageArgs): Promise<Page<ActivityRecord>> {
    const dims: Dimensions<'ACTIVITY'> = {};
    if (filter.regionCode) dims.region = filter.regionCode;
    if (filter.organizationId) dims.org = filter.organizationId;
    if (filter.action) dims.action = filter.action;
    if (filter.workstationId) dims.workstation = filter.workstationId;
    if (!isKeyServed('ACTIVITY', Object.keys(dims) as Array<Dimension<'ACTIVITY'>>)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, 'Filter by a region or an organization, not both', { field: 'filter' });
    }
    const page = await this.store.queryPage({
      partition: indexPartition('ACTIVITY', dims),
      args,
      descending: true,
      ...((filter.from || filter.to) && { sortBetween: [filter.from ?? '0000', `${filter.to ?? '9999'}\uffff`] as [string, string] }),
    });
    return this.hydrate(page);
  }

  async participation(activityId: string, expertId: string): Promise<ParticipationRecord | undefined> {
    const item = await this.store.get(participationKey(activityId, expertId));
    return item ? recordOf<ParticipationRecord>(item) : undefined;
  }

  async participants(activityId: string): Promise<ParticipationRecord[]> {
    const { PK, SKPrefix } = participationPrefix(activityId);
    return (await this.store.queryAll(PK, SKPrefix)).map((i) => recordOf<ParticipationRecord>(i));
  }

  /**
   * Signs a volunteer up; CONFLICT on `expertId` when already signed up. With a capacity, the activity's
   * sign-up counter goes up in the same transaction on the condition that it is below the capacity
   * (CONFLICT on `activityId` when full), so parallel sign-ups never go over it.
   */
  async signUp(activity: ActivityRecord, expertId: string, now: string): Promise<ParticipationRecord> {
    const record: ParticipationRecord = {
      activityId: activity.id,
      expertId,
      organizationId: activity.organizationId,
      activityStartAt: activity.startAt,
      signedUpAt: now,
      checkInAt: null,
      checkOutAt: null,
      creditedHours: 0,
      manualHours: 0,
      manualNote: null,
    };
    const participation = this.store.putNew(
      { ...participationKey(activity.id, expertId), ...serviceRecordGsi1(expertId, activity.startAt, activity.id), entity: Entity.PARTICIPATION, ...record },
      () => new AppError(ErrorCode.CONFLICT, 'Already signed up', { field: 'expertId' }),
    );
    const seat =
      activity.capacity == null
        ? []
        : [
            this.store.update(
              entityKey('ACTIVITY', activity.id),
              { add: { signedUpCount: 1 } },
              {
                expression: 'attribute_exists(PK) AND #count < #capacity',
                names: { '#count': 'signedUpCount', '#capacity': 'capacity' },
                onFailed: () => new AppError(ErrorCode.CONFLICT, `The activity is full (${activity.capacity} volunteers)`, { field: 'activityId' }),
              },
            ),
          ];
    // The participation first: "already signed up" is the answer when both conditions fail.
    await this.store.transact([participation, ...seat]);
    return record;
  }

  /** Changes a participation (check-in/out, manual hours); NOT_FOUND when the volunteer has not signed up. */
  async setParticipation(activityId: string, expertId: string, fields: Partial<ParticipationRecord>): Promise<ParticipationRecord> {
    const item = await this.store.updateItem(
      participationKey(activityId, expertId),
      { set: fields },
      {
        condition: { expression: 'attribute_exists(PK)' },
        onConditionFailed: () => new AppError(ErrorCode.NOT_FOUND, 'The volunteer has not signed up for this activity', { field: 'expertId' }),
      },
    );
    return recordOf<ParticipationRecord>(item);
  }

  /** One page of a volunteer's participations (GSI1), newest activity first. */
  async participationsOf(expertId: string, args: PageArgs): Promise<Page<ParticipationRecord>> {
    const { GSI1PK, GSI1SKPrefix } = serviceRecordPrefix(expertId);
    const page = await this.store.queryPage({ partition: GSI1PK, sortPrefix: GSI1SKPrefix, index: GSI1, args, descending: true });
    return { hasNextPage: page.hasNextPage, items: page.keys.map(({ item, cursor }) => ({ node: recordOf<ParticipationRecord>(item), cursor })) };
  }

  /**
   * Anonymises a participation (account erasure): the item moves to a key of a random pseudonym, without the
   * volunteer's service-record keys, keeping its organization, activity and hours (so completion figures and
   * participant counts stay the same). One transaction: the old item must still exist, so a retry never copies twice.
   * False when it was already gone.
   */
  async anonymiseParticipation(row: ParticipationRecord, pseudonym: string): Promise<boolean> {
    try {
      await this.store.transact([
        this.store.delete(participationKey(row.activityId, row.expertId), {
          expression: 'attribute_exists(PK)',
          onFailed: () => new AppError(ErrorCode.NOT_FOUND, 'The participation is already anonymised'),
        }),
        this.store.putNew({ ...participationKey(row.activityId, pseudonym), entity: Entity.PARTICIPATION, ...row, expertId: pseudonym, anonymised: true }),
      ]);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND) return false;
      throw error;
    }
  }

  /** A volunteer's participations in activities started within [from, to] (GSI1, by date). */
  async serviceOf(expertId: string, from = '0000', to = '9999'): Promise<ParticipationRecord[]> {
    const { GSI1PK, GSI1SKPrefix } = serviceRecordPrefix(expertId);
    const items = await this.store.queryAll({ partition: GSI1PK, index: GSI1, sortBetween: [`${GSI1SKPrefix}${from}`, `${GSI1SKPrefix}${to}\uffff`] });
    return items.map((item) => recordOf<ParticipationRecord>(item));
  }

  /**
   * A volunteer's participations in activities started within [from, to], each with its activity's
   * status (read through the request cache: one BatchGetItem), for totals over completed activities.
   */
  async serviceEntries(expertId: string, from?: string, to?: string): Promise<Array<{ row: ParticipationRecord; status: ActivityStatus | undefined }>> {
    const rows = await this.serviceOf(expertId, from, to);
    const activities = await Promise.all(rows.map((r) => this.get(r.activityId)));
    return rows.map((row, i) => ({ row, status: activities[i]?.status }));
  }

  /**
   * Completes an activity in one transaction: its versioned update and the counters of its
   * organization and every ancestor (the quarter of its end, its action, and all-time).
   */
  complete(
    current: ActivityRecord,
    fields: Pick<ActivityRecord, 'status' | 'beneficiaries' | 'outcome'>,
    now: string,
    quarter: string,
    figures: ActivityFigures,
  ): Promise<ActivityRecord> {
    const counters = this.counterOps(current.organizationPath, quarter, current.action, { ...figures });
    return this.update(current, fields, now, counters);
  }

  /**
   * Counter updates for a completed activity (or a need): for the organization and each ancestor, ADD
   * the figures to the quarter's bucket and to the all-time total. Kept at write time so that a
   * report is a few reads whatever the number of activities.
   */
  counterOps(organizationPath: string[], quarter: string, what: string, figures: Record<string, number>): WriteOp[] {
    const update = (key: Key): WriteOp => this.store.update(key, { add: figures });
    return organizationPath.flatMap((orgId) => [
      update(statsKey(orgId, quarterBucket(quarter, what))),
      ...(what === 'NEEDS' ? [] : [update(statsKey(orgId, ALL_TIME_BUCKET))]),
    ]);
  }
}
