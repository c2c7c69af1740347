import { AppError, ErrorCode, badInput } from '../errors.js';
import { creditedHours, minutesBetween } from './service.js';

/** Statuses of an activity (ActivityStatus in graphql/activity.graphql). */
export const ACTIVITY_STATUSES = ['PLANNED', 'ONGOING', 'COMPLETED', 'CANCELLED'] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

/** Steps the organizing admins take on an activity. */
export const ACTIVITY_STEPS = ['START', 'CANCEL', 'COMPLETE'] as const;
export type ActivityStep = (typeof ACTIVITY_STEPS)[number];

/** PLANNED → ONGOING → COMPLETED; PLANNED or ONGOING → CANCELLED. COMPLETED and CANCELLED are final. */
const TRANSITIONS: Record<ActivityStep, Partial<Record<ActivityStatus, ActivityStatus>>> = {
  START: { PLANNED: 'ONGOING' },
  CANCEL: { PLANNED: 'CANCELLED', ONGOING: 'CANCELLED' },
  COMPLETE: { ONGOING: 'COMPLETED' },
};

/** The status after `step`; INVALID_TRANSITION when the step is not legal in `from`. */
export function nextActivityStatus(from: ActivityStatus, step: ActivityStep): ActivityStatus {
  const to = TRANSITIONS[step][from];
  if (!to) throw new AppError(ErrorCode.INVALID_TRANSITION, `An activity that is ${from} cannot ${step.toLowerCase()}`);
  return to;
}

/** An activity's record (sign-ups, manual hours) closes when it is completed or cancelled: INVALID_TRANSITION then. */
export function requireOpenForHours(status: ActivityStatus): void {
  if (status === 'COMPLETED' || status === 'CANCELLED') {
    throw new AppError(ErrorCode.INVALID_TRANSITION, `The activity is ${status}: its record is closed`);
  }
}

/** Volunteers check in only while the activity is ongoing. */
export function requireCheckInOpen(status: ActivityStatus): void {
  if (status !== 'ONGOING') throw new AppError(ErrorCode.INVALID_TRANSITION, 'Check-in opens when the activity starts');
}

/**
 * The credited hours of a check-out at `at`: only while the activity is ongoing, after a check-in, and
 * not before it (the rounding rule of `creditedHours`).
 */
export function checkOutHours(status: ActivityStatus, checkInAt: string | null | undefined, at: string): number {
  if (status !== 'ONGOING') throw new AppError(ErrorCode.INVALID_TRANSITION, 'Check-out is possible while the activity is ongoing');
  if (!checkInAt) throw new AppError(ErrorCode.INVALID_TRANSITION, 'Check in first');
  if (at < checkInAt) throw badInput('at', 'Check-out is before check-in');
  return creditedHours(minutesBetween(checkInAt, at));
}

/** An activity ends after it starts (both UTC instants, so they compare as strings). */
export function checkSchedule(startAt: string, endAt: string): void {
  if (endAt <= startAt) throw badInput('endAt', 'endAt must be after startAt');
}

/** Manual hours an admin enters for one activity: 0 to 24, in half hours. */
export function checkManualHours(hours: number): number {
  if (!Number.isFinite(hours) || hours < 0 || hours > 24 || (hours * 2) % 1 !== 0) throw badInput('hours', 'hours must be 0–24 in half hours');
  return hours;
}

/** An activity's capacity: absent (no limit) or a whole number of volunteers, 1 or more (BAD_USER_INPUT on `capacity`). */
export function checkActivityCapacity(capacity: number | null | undefined): number | null {
  if (capacity === null || capacity === undefined) return null;
  if (!Number.isInteger(capacity) || capacity < 1) throw badInput('capacity', 'capacity must be 1 or more (omit it for no limit)');
  return capacity;
}
