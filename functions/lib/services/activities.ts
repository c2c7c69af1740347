import type { ServiceContext } from './context.js';
// start/cancelActivity and signUpActivity/checkIn/checkOut each have their own input type of one shape.
import type {
  ActivityFilter,
  StartActivityInput as ActivityStepInput,
  CompleteActivityInput,
  CreateActivityInput,
  RecordManualHoursInput as ManualHoursInput,
  SignUpActivityInput as ParticipationInput,
} from '../generated/graphql.js';
import { AppError, ErrorCode, badInput } from '../errors.js';
import { allows, authorize } from '../auth/policy.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { requireRegion } from '../regions/index.js';
import { HOME_PROVINCE } from '../domain/organizations.js';
import { quarterOf, starLevel } from '../domain/service.js';
import { checkRange } from '../domain/dates.js';
import {
  checkActivityCapacity,
  checkManualHours,
  checkOutHours,
  checkSchedule,
  nextActivityStatus,
  requireCheckInOpen,
  requireOpenForHours,
  type ActivityStep,
} from '../domain/activityWorkflow.js';
import { completionFigures, proofsOfService, serviceTotals, type ProofEntryModel, type ProofModel } from '../domain/serviceRecord.js';
import type { ActivityRecord, ParticipationRecord } from '../repositories/activities.js';
import type { ExpertRecord } from '../repositories/experts.js';
import type { NeedRecord } from '../repositories/needs.js';
import type { OrganizationRecord } from '../repositories/organizations.js';
import type { TeamRecord } from '../repositories/teams.js';
import type { WorkstationRecord } from '../repositories/workstations.js';
import { optionalText, requireText, requireVersion } from './inputs.js';
import { needScope } from './scopes.js';
import { retryOnConcurrentChange, type RetryOptions } from './retry.js';

/** Sign-ups that collided on an activity's counter try again a few times (see ActivityRepository.signUp). */
const SIGN_UP_RETRY: RetryOptions = { attempts: 6, baseDelayMs: 10 };

/** An expert's service record: hours by provenance over completed activities, and the star level. */
export interface ServiceRecordModel {
  activities: number;
  creditedHours: number;
  manualHours: number;
  totalHours: number;
  starLevel: number;
  participations: ParticipationRecord[];
}

/** Activities under the five actions, participation and hours, service records and proofs. */
export class ActivityService {
  constructor(protected readonly ctx: ServiceContext) {}

  /** One activity (any signed-in caller), or null. */
  async activity(id: string): Promise<ActivityRecord | null> {
    authorize(this.ctx.principal, { type: 'activity.read' });
    return (await this.ctx.repos.activities.get(id)) ?? null;
  }

  /** Activities newest first, by region or organization subtree, action and start-time range. */
  async activities(filter: ActivityFilter | null | undefined, page: PageArgs): Promise<Page<ActivityRecord>> {
    authorize(this.ctx.principal, { type: 'activity.read' });
    if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
    checkRange(filter?.from, filter?.to, { from: 'filter.from', to: 'filter.to' });
    return this.ctx.repos.activities.list({ ...filter }, page);
  }

  /** Proofs of service for an expert over [from, to], one per recording organization (the expert and its admins). */
  async proofOfService(expertId: string, from: string, to: string): Promise<ProofModel[]> {
    checkRange(from, to);
    const expert = await this.ctx.repos.experts.require(expertId, 'expertId');
    authorize(this.ctx.principal, { type: 'expert.readPersonalData', expert });
    const { rows } = serviceTotals(await this.ctx.repos.activities.serviceEntries(expertId, from, to));
    return proofsOfService(expert.name, rows, { from, to }, this.ctx.now());
  }

  /** An expert's hours by provenance and star level (the expert and the admins of its organizations). */
  async serviceRecord(expert: ExpertRecord): Promise<ServiceRecordModel> {
    authorize(this.ctx.principal, { type: 'expert.readPersonalData', expert });
    const t = serviceTotals(await this.ctx.repos.activities.serviceEntries(expert.id));
    const { activities, creditedHours, manualHours, totalHours, rows } = t;
    return { activities, creditedHours, manualHours, totalHours, starLevel: starLevel(totalHours), participations: rows };
  }

  /** Plans an activity in Guangdong for an organization of the caller's subtree. */
  async createActivity(input: CreateActivityInput): Promise<ActivityRecord> {
    const { repos } = this.ctx;
    const organization = await repos.organizations.require(input.organizationId, 'organizationId');
    const region = requireRegion(input.regionCode);
    if (!region.code.startsWith(HOME_PROVINCE)) throw badInput('regionCode', 'Activities take place in Guangdong');
    checkSchedule(input.startAt, input.endAt);
    authorize(this.ctx.principal, { type: 'activity.manage', organizationPath: organization.path });
    if (input.teamId && !(await repos.teams.get(input.teamId))) throw badInput('teamId', `Team ${input.teamId} not found`);
    if (input.workstationId && !(await repos.workstations.get(input.workstationId))) {
      throw badInput('workstationId', `Workstation ${input.workstationId} not found`);
    }
    const needIds = [...new Set(input.needIds ?? [])];
    for (const id of needIds) {
      const need = await repos.needs.get(id);
      if (!need) throw badInput('needIds', `Need ${id} not found`);
      // Whoever reads the activity reads its needs: another subtree's unpublished need may not be linked.
      authorize(this.ctx.principal, { type: 'need.link', need: needScope(need) }, 'needIds');
    }
    const planned = input.plannedVolunteers ?? 0;
    if (!Number.isInteger(planned) || planned < 0) throw badInput('plannedVolunteers', 'plannedVolunteers must be 0 or more');
    const capacity = checkActivityCapacity(input.capacity);
    const now = this.ctx.now();
    return repos.activities.create({
      id: this.ctx.newId(),
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
      startAt: input.startAt,
      endAt: input.endAt,
      needIds,
      plannedVolunteers: planned,
      ...(capacity !== null && { capacity, signedUpCount: 0 }),
      beneficiaries: null,
      outcome: null,
      status: 'PLANNED',
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** PLANNED → ONGOING (the organizing admins). */
  startActivity(input: ActivityStepInput): Promise<ActivityRecord> {
    return this.step(input, 'START');
  }

  /** PLANNED or ONGOING → CANCELLED (the organizing admins). */
  cancelActivity(input: ActivityStepInput): Promise<ActivityRecord> {
    return this.step(input, 'CANCEL');
  }

  /**
   * ONGOING → COMPLETED with the beneficiaries and outcome; the activity's figures go to the counters
   * of its organization and every ancestor in the same transaction.
   */
  async completeActivity(input: CompleteActivityInput): Promise<ActivityRecord> {
    const activity = await this.requireActivity(input.id);
    authorize(this.ctx.principal, { type: 'activity.manage', organizationPath: activity.organizationPath });
    const status = nextActivityStatus(activity.status, 'COMPLETE');
    if (!Number.isInteger(input.beneficiaries) || input.beneficiaries < 0) throw badInput('beneficiaries', 'beneficiaries must be 0 or more');
    const outcome = requireText(input.outcome, 'outcome', 2000);
    const figures = completionFigures(await this.ctx.repos.activities.participants(activity.id), input.beneficiaries);
    const current = { ...activity, version: requireVersion(input.version) };
    const fields = { status, beneficiaries: input.beneficiaries, outcome };
    return this.ctx.repos.activities.complete(current, fields, this.ctx.now(), quarterOf(activity.endAt), figures);
  }

  /** A volunteer signs up (itself, or by the organizing admins) while the activity's record is open. */
  async signUp(input: ParticipationInput): Promise<ParticipationRecord> {
    const { activity, expertId, at } = await this.participationTarget(input);
    requireOpenForHours(activity.status);
    await this.ctx.repos.experts.require(expertId, 'expertId');
    // Parallel sign-ups to an activity with a capacity meet on its counter: the ones that collided try again.
    return retryOnConcurrentChange(() => this.ctx.repos.activities.signUp(activity, expertId, at), SIGN_UP_RETRY);
  }

  /** Check-in (again, to correct it) while the activity is ongoing. */
  async checkIn(input: ParticipationInput): Promise<ParticipationRecord> {
    const { activity, expertId, at } = await this.participationTarget(input);
    requireCheckInOpen(activity.status);
    return this.ctx.repos.activities.setParticipation(activity.id, expertId, { checkInAt: at, checkOutAt: null, creditedHours: 0 });
  }

  /** Check-out while the activity is ongoing: credits the rounded hours since check-in. */
  async checkOut(input: ParticipationInput): Promise<ParticipationRecord> {
    const { activity, expertId, at } = await this.participationTarget(input);
    const current = activity.status === 'ONGOING' ? await this.ctx.repos.activities.participation(activity.id, expertId) : undefined;
    const creditedHours = checkOutHours(activity.status, current?.checkInAt, at);
    return this.ctx.repos.activities.setParticipation(activity.id, expertId, { checkOutAt: at, creditedHours });
  }

  /** Hours entered by the organizing admins (e.g. preparation), kept apart from check-in hours. */
  async recordManualHours(input: ManualHoursInput): Promise<ParticipationRecord> {
    const activity = await this.requireActivity(input.activityId, 'activityId');
    authorize(this.ctx.principal, { type: 'activity.manage', organizationPath: activity.organizationPath });
    requireOpenForHours(activity.status);
    const hours = checkManualHours(input.hours);
    return this.ctx.repos.activities.setParticipation(activity.id, input.expertId, { manualHours: hours, manualNote: requireText(input.note, 'note', 200) });
  }

  /** The participations of an activity (its organizing admins). */
  participants(activity: ActivityRecord): Promise<ParticipationRecord[]> {
    authorize(this.ctx.principal, { type: 'activity.manage', organizationPath: activity.organizationPath });
    return this.ctx.repos.activities.participants(activity.id);
  }

  /** The organization of an activity, or of the hours behind a proof. */
  organization(id: string): Promise<OrganizationRecord> {
    return this.ctx.repos.organizations.require(id);
  }

  /** The team of an activity, if any. */
  async team(activity: ActivityRecord): Promise<TeamRecord | null> {
    return activity.teamId ? ((await this.ctx.repos.teams.get(activity.teamId)) ?? null) : null;
  }

  /** The workstation an activity was held at, if any. */
  async workstation(activity: ActivityRecord): Promise<WorkstationRecord | null> {
    return activity.workstationId ? ((await this.ctx.repos.workstations.get(activity.workstationId)) ?? null) : null;
  }

  /**
   * The needs an activity serves that the caller may read (`need.read`, as `Query.need` decides): the
   * others, and those that no longer exist, are left out of the list rather than failing the field.
   */
  async needs(activity: ActivityRecord): Promise<NeedRecord[]> {
    const needs = await Promise.all(activity.needIds.map((id) => this.ctx.repos.needs.get(id)));
    return needs.flatMap((n) => (n && allows(this.ctx.principal, { type: 'need.read', need: needScope(n) }) ? [n] : []));
  }

  /** The activity of a participation or of a proof entry. */
  async activityOf(ref: Pick<ParticipationRecord | ProofEntryModel, 'activityId'>): Promise<ActivityRecord> {
    return (await this.ctx.repos.activities.get(ref.activityId)) ?? this.requireActivity(ref.activityId);
  }

  /** The volunteer of a participation; null once it erased its account (the participation is anonymised). */
  async expert(participation: ParticipationRecord): Promise<ExpertRecord | null> {
    if (participation.anonymised) return null;
    return this.ctx.repos.experts.require(participation.expertId);
  }

  private requireActivity(id: string, field = 'id'): Promise<ActivityRecord> {
    return this.ctx.repos.activities.requireFresh(id, field);
  }

  private async step(input: ActivityStepInput, step: ActivityStep): Promise<ActivityRecord> {
    const activity = await this.requireActivity(input.id);
    authorize(this.ctx.principal, { type: 'activity.manage', organizationPath: activity.organizationPath });
    const status = nextActivityStatus(activity.status, step);
    return this.ctx.repos.activities.update({ ...activity, version: requireVersion(input.version) }, { status }, this.ctx.now());
  }

  /** The participation a caller acts on: its own, or (for the organizing admins) the named volunteer's, now or at `at`. */
  private async participationTarget(input: ParticipationInput): Promise<{ activity: ActivityRecord; expertId: string; at: string }> {
    const activity = await this.requireActivity(input.activityId, 'activityId');
    const expertId = input.expertId ?? this.ctx.principal.expertId;
    if (!expertId) throw badInput('expertId', 'Name the volunteer');
    authorize(this.ctx.principal, { type: 'activity.participate', expertId, organizationPath: activity.organizationPath });
    if (input.at && !allows(this.ctx.principal, { type: 'activity.manage', organizationPath: activity.organizationPath })) {
      throw new AppError(ErrorCode.FORBIDDEN, 'Only the organizing admins may record a time other than now');
    }
    return { activity, expertId, at: input.at ?? this.ctx.now() };
  }
}
