/** The project pool (项目库): a project's status moves and its schedule. Pure. */
import { LocalDateResolver } from 'graphql-scalars';
import { checkRange } from './dates.js';
import { AppError, ErrorCode, badInput } from '../errors.js';

/** Statuses of a service project (see ProjectStatus in graphql/pool.graphql). */
export const PROJECT_STATUSES = ['PLANNED', 'ACTIVE', 'COMPLETED', 'CANCELLED'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** The status a new project starts in unless one is given. */
export const INITIAL_PROJECT_STATUS: ProjectStatus = 'PLANNED';

/** Legal moves of a project's status: PLANNED → ACTIVE → COMPLETED; an open project (PLANNED or ACTIVE) may be cancelled. */
const PROJECT_MOVES: Record<ProjectStatus, readonly ProjectStatus[]> = {
  PLANNED: ['ACTIVE', 'CANCELLED'],
  ACTIVE: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};

/** True when a project may go from `from` to `to` (staying put is always allowed). */
export const canMoveProject = (from: ProjectStatus, to: ProjectStatus): boolean => from === to || PROJECT_MOVES[from].includes(to);

/**
 * The status after an update that asks for `requested`: the current one when none is asked for,
 * otherwise `requested` if the move is legal; INVALID_TRANSITION on `status` if not.
 */
export function nextProjectStatus(current: ProjectStatus, requested: ProjectStatus | null | undefined): ProjectStatus {
  if (requested == null) return current;
  if (!canMoveProject(current, requested)) {
    throw new AppError(ErrorCode.INVALID_TRANSITION, `A ${current} project cannot become ${requested}`, { field: 'status' });
  }
  return requested;
}

/** Most needs, or experts, one project lists. */
export const MAX_PROJECT_REFERENCES = 50;

/** Ids of a list input (needIds, expertIds), each once, at most 50 (BAD_USER_INPUT naming `field`). */
export function uniqueReferences(ids: readonly string[], field: string): string[] {
  const unique = [...new Set(ids)];
  if (unique.length > MAX_PROJECT_REFERENCES) throw badInput(field, `At most ${MAX_PROJECT_REFERENCES} ids`);
  return unique;
}

/** True for a real calendar date written YYYY-MM-DD (2019-02-29 is not one): the `Date` scalar's rule (graphql-scalars' LocalDate). */
export function isIsoDate(value: string): boolean {
  try {
    LocalDateResolver.parseValue(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * An optional date of an update: undefined stays (unchanged), null or blank clears, anything else must
 * be YYYY-MM-DD. The `Date` scalar already refuses other strings at the API; this gives the "unchanged
 * or cleared" reading of an optional date to every caller and refuses a bad date from any other one.
 */
export function optionalDate(value: string | null | undefined, field: string): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value.trim() === '') return null;
  const date = value.trim();
  if (!isIsoDate(date)) throw badInput(field, `${field} must be a date written YYYY-MM-DD`);
  return date;
}

/** Requires `start` ≤ `end` when both are set (ISO dates compare as strings); BAD_USER_INPUT on `endDate` otherwise. */
export function checkDateRange(start: string | null, end: string | null): void {
  checkRange(start, end, { from: 'startDate', to: 'endDate' });
}

/** A project's schedule. */
export interface Schedule {
  startDate: string | null;
  endDate: string | null;
}

/**
 * The schedule after an update: each date unchanged (undefined), cleared (null) or set, and the
 * resulting range checked as a whole, so moving one end past the other stored end is refused too.
 */
export function nextSchedule(current: Schedule, startDate: string | null | undefined, endDate: string | null | undefined): Schedule {
  const next = { startDate: startDate === undefined ? current.startDate : startDate, endDate: endDate === undefined ? current.endDate : endDate };
  checkDateRange(next.startDate, next.endDate);
  return next;
}
