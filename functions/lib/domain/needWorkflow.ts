import { AppError, ErrorCode } from '../errors.js';

/** Statuses of a need (see NeedStatus in graphql/need.graphql). */
export const NEED_STATUSES = ['SUBMITTED', 'OPEN', 'REJECTED', 'DISPATCHED', 'ACCEPTED', 'IN_SERVICE', 'COMPLETED', 'RATED', 'WITHDRAWN', 'CLOSED'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

/** Workflow steps that change (or keep) the status; SUBMIT creates the need. */
export const NEED_ACTIONS = ['APPROVE', 'REJECT', 'DISPATCH', 'GRAB', 'ACCEPT', 'DECLINE', 'START', 'COMPLETE', 'RATE', 'WITHDRAW', 'CLOSE'] as const;
export type NeedTransitionAction = (typeof NEED_ACTIONS)[number];

/** States from which the requester may withdraw and an admin may close: the need is still live. */
export const LIVE_STATUSES: readonly NeedStatus[] = ['SUBMITTED', 'OPEN', 'DISPATCHED', 'ACCEPTED', 'IN_SERVICE'];

/** Statuses in which a need is published (visible to experts and partners). */
export const PUBLISHED_STATUSES: readonly NeedStatus[] = ['OPEN', 'DISPATCHED', 'ACCEPTED', 'IN_SERVICE', 'COMPLETED', 'RATED'];

const live = (to: NeedStatus) => Object.fromEntries(LIVE_STATUSES.map((s) => [s, to])) as Partial<Record<NeedStatus, NeedStatus>>;

/**
 * The legal transitions 点单 → 派单 → 接单 → 评单. DECLINE from DISPATCHED goes back to OPEN when
 * nobody dispatched is left (the need returns to the pool); ACCEPT/DECLINE while ACCEPTED are further
 * dispatched experts answering.
 */
const TRANSITIONS: Record<NeedTransitionAction, Partial<Record<NeedStatus, NeedStatus>>> = {
  APPROVE: { SUBMITTED: 'OPEN' },
  REJECT: { SUBMITTED: 'REJECTED' },
  DISPATCH: { OPEN: 'DISPATCHED', DISPATCHED: 'DISPATCHED' },
  GRAB: { OPEN: 'ACCEPTED' },
  ACCEPT: { DISPATCHED: 'ACCEPTED', ACCEPTED: 'ACCEPTED' },
  DECLINE: { DISPATCHED: 'DISPATCHED', ACCEPTED: 'ACCEPTED' },
  START: { ACCEPTED: 'IN_SERVICE' },
  COMPLETE: { IN_SERVICE: 'COMPLETED' },
  RATE: { COMPLETED: 'RATED' },
  WITHDRAW: live('WITHDRAWN'),
  CLOSE: live('CLOSED'),
};

/** True when `action` may be taken in `status`. */
export const canTransition = (status: NeedStatus, action: NeedTransitionAction): boolean => TRANSITIONS[action][status] !== undefined;

/** The actions legal in a status. */
export const legalActions = (status: NeedStatus): NeedTransitionAction[] => NEED_ACTIONS.filter((a) => canTransition(status, a));

/**
 * The status after `action`; INVALID_TRANSITION when it is not legal. `remainingAssignees` is how many
 * dispatched experts (or a team) are still waiting to answer after a DECLINE.
 */
export function nextStatus(status: NeedStatus, action: NeedTransitionAction, context: { remainingAssignees?: number } = {}): NeedStatus {
  const to = TRANSITIONS[action][status];
  if (!to) {
    throw new AppError(ErrorCode.INVALID_TRANSITION, `A need that is ${status} cannot be ${action.toLowerCase()}ed; legal now: ${legalActions(status).join(', ') || 'none'}`);
  }
  if (action === 'DECLINE' && status === 'DISPATCHED' && (context.remainingAssignees ?? 0) === 0) return 'OPEN';
  return to;
}
