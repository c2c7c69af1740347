/** Deadlines of plans and reports, and the award of a nomination. Pure (the dates themselves: service.ts). */
import { AppError, ErrorCode } from '../errors.js';
import { chinaDate } from './dates.js';

/** True once `asOf` (a China date) is after the due date: filing on the due date is on time. */
export const isPastDue = (dueDate: string, asOf: string): boolean => asOf > dueDate;

/** A plan submitted at `submittedAt` (an instant) is late when its China date is after the due date. */
export const isLate = (submittedAt: string, dueDate: string): boolean => isPastDue(dueDate, chinaDate(submittedAt));

/**
 * Organizations that have not filed (a plan, a quarterly report) once the due date has passed: none
 * on or before the due date, else those of `organizationIds` missing from `filed`, in their order.
 */
export function overdueOrganizations(organizationIds: readonly string[], filed: ReadonlySet<string>, dueDate: string, asOf: string): string[] {
  return isPastDue(dueDate, asOf) ? organizationIds.filter((id) => !filed.has(id)) : [];
}

/** Statuses of a nomination (NominationStatus in graphql/governance.graphql). */
export type NominationStatus = 'NOMINATED' | 'AWARDED';

/** A nomination is awarded once: NOMINATED → AWARDED; INVALID_TRANSITION otherwise. */
export function awardedStatus(status: NominationStatus): NominationStatus {
  if (status !== 'NOMINATED') throw new AppError(ErrorCode.INVALID_TRANSITION, 'Already awarded');
  return 'AWARDED';
}
