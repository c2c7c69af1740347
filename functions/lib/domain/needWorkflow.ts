import { AppError, ErrorCode } from '../errors.js';

/** Statuses of a need (see NeedStatus in graphql/need.graphql). */
export const NEED_STATUSES = ['SUBMITTED', 'OPEN', 'REJECTED', 'DISPATCHED', 'ACCEPTED', 'IN_SERVICE', 'COMPLETED', 'RATED', 'WITHDRAWN', 'CLOSED'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

/** Workflow steps that change (or keep) the status; SUBMIT creates the need. */
export const NEED_ACTIONS = ['APPROVE', 'REJECT', 'DISPATCH', 'GRAB', 'ACCEPT', 'DECLINE', 'START', 'COMPLETE', 'RATE', 'WITHDRAW', 'CLOSE'] as const;
export type NeedTransitionAction = (typeof NEED_ACTIONS)[number];

/** The workflow fields of a need nobody has acted on yet: no expert dispatched, declined or accepted, no outcome, rating or history. */
export const untouchedNeedWorkflow = () => ({
  dispatchedExpertIds: [] as string[],
  dispatchedTeamId: null,
  declinedExpertIds: [] as string[],
  acceptedExpertIds: [] as string[],
  outcome: null,
  rating: null,
  descriptionRating: null,
  historyCount: 0,
});

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

/** How each step reads in "A need that is … cannot be …". */
const PHRASES: Record<NeedTransitionAction, string> = {
  APPROVE: 'approved',
  REJECT: 'rejected',
  DISPATCH: 'dispatched',
  GRAB: 'grabbed',
  ACCEPT: 'accepted',
  DECLINE: 'declined',
  START: 'put into service',
  COMPLETE: 'completed',
  RATE: 'rated',
  WITHDRAW: 'withdrawn',
  CLOSE: 'closed',
};

/**
 * The status after `action`; INVALID_TRANSITION when it is not legal. `remainingAssignees` is how many
 * dispatched experts (or a team) are still waiting to answer after a DECLINE.
 */
export function nextStatus(status: NeedStatus, action: NeedTransitionAction, context: { remainingAssignees?: number } = {}): NeedStatus {
  const to = TRANSITIONS[action][status];
  if (!to) {
    const legal = legalActions(status).join(', ') || 'none';
    throw new AppError(ErrorCode.INVALID_TRANSITION, `A need that is ${status} cannot be ${PHRASES[action]}; legal now: ${legal}`);
  }
  if (action === 'DECLINE' && status === 'DISPATCHED' && (context.remainingAssignees ?? 0) === 0) return 'OPEN';
  return to;
}

/** Who a need is waiting on, as far as declining is concerned. */
export interface Assignment {
  dispatchedExpertIds: readonly string[];
  dispatchedTeamId: string | null;
  declinedExpertIds: readonly string[];
  acceptedExpertIds: readonly string[];
}

/** A need's assignment after one expert declines, and how many assignees are left to answer or serve. */
export interface DeclineOutcome {
  dispatchedExpertIds: string[];
  dispatchedTeamId: string | null;
  declinedExpertIds: string[];
  /** Dispatched experts yet to answer, plus the team if still dispatched, plus those who accepted. */
  remainingAssignees: number;
}

/**
 * An expert declines: it leaves the dispatched experts and joins the declined ones; when it leads the
 * dispatched team, the team declines with it. The need returns to OPEN when nobody is left (see nextStatus).
 */
export function applyDecline(need: Assignment, expertId: string, teamLeaderExpertId: string | null): DeclineOutcome {
  const dispatchedExpertIds = need.dispatchedExpertIds.filter((id) => id !== expertId);
  const dispatchedTeamId = teamLeaderExpertId === expertId ? null : need.dispatchedTeamId;
  const waiting = dispatchedExpertIds.filter((id) => !need.acceptedExpertIds.includes(id)).length;
  return {
    dispatchedExpertIds,
    dispatchedTeamId,
    declinedExpertIds: [...new Set([...need.declinedExpertIds, expertId])],
    remainingAssignees: waiting + (dispatchedTeamId ? 1 : 0) + need.acceptedExpertIds.length,
  };
}

/** Statuses in which the accepted experts hold one of their open assignments (their capacity). */
export const CAPACITY_HOLDING_STATUSES: readonly NeedStatus[] = ['ACCEPTED', 'IN_SERVICE'];

/** The experts whose capacity a need frees when it ends (completed, withdrawn or closed) from `need.status`. */
export const capacityToRelease = (need: { status: NeedStatus; acceptedExpertIds: readonly string[] }): string[] =>
  CAPACITY_HOLDING_STATUSES.includes(need.status) ? [...need.acceptedExpertIds] : [];

/** A serving expert rates the description once the service is completed (the status does not change). */
export function checkDescriptionRatable(status: NeedStatus): void {
  if (status !== 'COMPLETED' && status !== 'RATED') {
    throw new AppError(ErrorCode.INVALID_TRANSITION, 'The description can be rated once the service is completed');
  }
}
