/** Service hours added up: one participation, one completed activity's figures, a volunteer's record, proofs of service. Pure. */
import { chinaDate } from './dates.js';

/** Hours of one participation, by provenance (谁组织谁记录: recorded by the organizing organization). */
export interface Hours {
  creditedHours: number;
  manualHours: number;
}

/** A participation as the service record sees it. */
export interface ServiceRow extends Hours {
  activityId: string;
  /** The organization that organized the activity and recorded the hours. */
  organizationId: string;
  activityStartAt: string;
}

/** Hours are kept to two decimals so that sums of halves and quarters do not drift. */
export const roundHours = (hours: number): number => Math.round(hours * 100) / 100;

/** Check-in hours plus manual hours of one participation. */
export const participationHours = (p: Hours): number => roundHours(p.creditedHours + p.manualHours);

/** What a completed activity adds to the quarterly counters of its organization and every ancestor. */
export interface ActivityFigures {
  activities: number;
  /** Volunteers with some hours; a sign-up without hours does not count. */
  volunteers: number;
  hours: number;
  beneficiaries: number;
}

/** The report figures of a completed activity: one activity, its volunteers with hours, their hours, its beneficiaries. */
export function completionFigures(participants: readonly Hours[], beneficiaries: number): ActivityFigures {
  const served = participants.filter((p) => participationHours(p) > 0);
  return { activities: 1, volunteers: served.length, hours: roundHours(served.reduce((sum, p) => sum + participationHours(p), 0)), beneficiaries };
}

/** Sums of hours by provenance. */
export interface HourTotals {
  creditedHours: number;
  manualHours: number;
  totalHours: number;
}

/** Credited, manual and total hours of some participations. */
export function sumHours(rows: readonly Hours[]): HourTotals {
  const credited = roundHours(rows.reduce((sum, r) => sum + r.creditedHours, 0));
  const manual = roundHours(rows.reduce((sum, r) => sum + r.manualHours, 0));
  return { creditedHours: credited, manualHours: manual, totalHours: roundHours(credited + manual) };
}

/** A volunteer's service over completed activities: the participations behind it, how many, and the hours by provenance. */
export interface ServiceTotals<T extends Hours> extends HourTotals {
  rows: T[];
  activities: number;
}

/**
 * A volunteer's totals: only participations in COMPLETED activities count (hours of an ongoing or
 * cancelled activity are not service yet, or never); `status` is the activity's (undefined if gone).
 */
export function serviceTotals<T extends Hours>(entries: ReadonlyArray<{ row: T; status: string | undefined }>): ServiceTotals<T> {
  const rows = entries.filter((e) => e.status === 'COMPLETED').map((e) => e.row);
  return { rows, activities: rows.length, ...sumHours(rows) };
}

/** One line of a proof of service. */
export interface ProofEntryModel {
  activityId: string;
  /** The activity's date in China. */
  date: string;
  creditedHours: number;
  manualHours: number;
}

/** A proof of service (志愿服务证明), issued by the organization that recorded the service. */
export interface ProofModel extends HourTotals {
  person: string;
  issuedById: string;
  from: string;
  to: string;
  entries: ProofEntryModel[];
  issuedAt: string;
}

/**
 * Proofs of service for `rows` (completed participations in [from, to]): one per recording
 * organization (谁组织谁记录), in the order of each organization's first activity.
 */
export function proofsOfService(person: string, rows: readonly ServiceRow[], period: { from: string; to: string }, issuedAt: string): ProofModel[] {
  const byOrganization = new Map<string, ServiceRow[]>();
  for (const r of rows) byOrganization.set(r.organizationId, [...(byOrganization.get(r.organizationId) ?? []), r]);
  return [...byOrganization.entries()].map(([organizationId, list]) => ({
    person,
    issuedById: organizationId,
    from: period.from,
    to: period.to,
    entries: list.map((r) => ({ activityId: r.activityId, date: chinaDate(r.activityStartAt), creditedHours: r.creditedHours, manualHours: r.manualHours })),
    ...sumHours(list),
    issuedAt,
  }));
}
