import { describe, expect, it } from 'vitest';
import {
  NEED_ACTIONS,
  NEED_STATUSES,
  applyDecline,
  capacityToRelease,
  checkDescriptionRatable,
  nextStatus,
  type NeedStatus,
  type NeedTransitionAction,
} from '../../functions/lib/domain/needWorkflow.js';
import { AppError } from '../../functions/lib/errors.js';

// The expected table, written out by hand: rows are statuses, columns the actions in this order.
const COLUMNS: NeedTransitionAction[] = ['APPROVE', 'REJECT', 'DISPATCH', 'GRAB', 'ACCEPT', 'DECLINE', 'START', 'COMPLETE', 'RATE', 'WITHDRAW', 'CLOSE'];
const TABLE: Record<NeedStatus, string> = {
  //           APPROVE   REJECT    DISPATCH   GRAB      ACCEPT    DECLINE    START      COMPLETE   RATE   WITHDRAW   CLOSE
  SUBMITTED: 'OPEN      REJECTED  -          -         -         -          -          -          -      WITHDRAWN  CLOSED',
  OPEN: '-         -         DISPATCHED ACCEPTED  -         -          -          -          -      WITHDRAWN  CLOSED',
  REJECTED: '-         -         -          -         -         -          -          -          -      -          -',
  DISPATCHED: '-         -         DISPATCHED -         ACCEPTED  DISPATCHED -          -          -      WITHDRAWN  CLOSED',
  ACCEPTED: '-         -         -          -         ACCEPTED  ACCEPTED   IN_SERVICE -          -      WITHDRAWN  CLOSED',
  IN_SERVICE: '-         -         -          -         -         -          -          COMPLETED  -      WITHDRAWN  CLOSED',
  COMPLETED: '-         -         -          -         -         -          -          -          RATED  -          -',
  RATED: '-         -         -          -         -         -          -          -          -      -          -',
  WITHDRAWN: '-         -         -          -         -         -          -          -          -      -          -',
  CLOSED: '-         -         -          -         -         -          -          -          -      -          -',
};

const cases = NEED_STATUSES.flatMap((status) => {
  const row = TABLE[status].split(/\s+/);
  return COLUMNS.map((action, i) => [status, action, row[i] as string] as const);
});

describe('need workflow: every status × action', () => {
  it('covers every status and action', () => {
    expect(cases).toHaveLength(NEED_STATUSES.length * NEED_ACTIONS.length);
    expect(new Set(COLUMNS)).toEqual(new Set(NEED_ACTIONS));
  });

  it.each(cases)('%s + %s → %s', (status, action, expected) => {
    if (expected === '-') {
      let thrown: unknown;
      try {
        nextStatus(status, action, { remainingAssignees: 1 });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AppError);
      expect((thrown as AppError).code).toBe('INVALID_TRANSITION');
    } else {
      expect(nextStatus(status, action, { remainingAssignees: 1 })).toBe(expected);
    }
  });

  it('returns a dispatched need to OPEN when the last assignee declines', () => {
    expect(nextStatus('DISPATCHED', 'DECLINE', { remainingAssignees: 0 })).toBe('OPEN');
    expect(nextStatus('DISPATCHED', 'DECLINE', { remainingAssignees: 2 })).toBe('DISPATCHED');
    expect(nextStatus('ACCEPTED', 'DECLINE', { remainingAssignees: 0 })).toBe('ACCEPTED');
  });

  it('names the legal actions in the error', () => {
    expect(() => nextStatus('COMPLETED', 'START')).toThrow(/legal now: RATE/);
  });
});

/** The code and message of the AppError `fn` throws. */
function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('Function: nextStatus (messages)', () => {
  it('says in plain words which step a status refuses', () => {
    expect(refusal(() => nextStatus('SUBMITTED', 'RATE')).message).toBe(
      'A need that is SUBMITTED cannot be rated; legal now: APPROVE, REJECT, WITHDRAW, CLOSE',
    );
    expect(refusal(() => nextStatus('OPEN', 'APPROVE')).message).toBe('A need that is OPEN cannot be approved; legal now: DISPATCH, GRAB, WITHDRAW, CLOSE');
    expect(refusal(() => nextStatus('COMPLETED', 'WITHDRAW')).message).toBe('A need that is COMPLETED cannot be withdrawn; legal now: RATE');
    expect(refusal(() => nextStatus('RATED', 'CLOSE')).message).toBe('A need that is RATED cannot be closed; legal now: none');
    expect(refusal(() => nextStatus('OPEN', 'START')).message).toBe(
      'A need that is OPEN cannot be put into service; legal now: DISPATCH, GRAB, WITHDRAW, CLOSE',
    );
  });

  it('gives every action a phrase of its own, never the verb with "ed" glued on', () => {
    const phrases: Record<NeedTransitionAction, string> = {
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
    for (const action of NEED_ACTIONS) {
      expect(refusal(() => nextStatus('REJECTED', action))).toEqual({
        code: 'INVALID_TRANSITION',
        message: `A need that is REJECTED cannot be ${phrases[action]}; legal now: none`,
      });
    }
  });
});

describe('Function: applyDecline', () => {
  const need = { dispatchedExpertIds: ['a', 'b'], dispatchedTeamId: null, declinedExpertIds: [], acceptedExpertIds: [] };

  it('leaves the need waiting on the other dispatched experts', () => {
    expect(applyDecline(need, 'a', null)).toEqual({ dispatchedExpertIds: ['b'], dispatchedTeamId: null, declinedExpertIds: ['a'], remainingAssignees: 1 });
  });

  it('counts nobody left when the last dispatched expert declines', () => {
    expect(applyDecline({ ...need, dispatchedExpertIds: ['a'] }, 'a', null).remainingAssignees).toBe(0);
  });

  it('counts a dispatched team as one assignee still to answer', () => {
    expect(applyDecline({ ...need, dispatchedExpertIds: ['a'], dispatchedTeamId: 't' }, 'a', 'leader').remainingAssignees).toBe(1);
  });

  it('declines for the team when its leader declines, and drops the team', () => {
    const outcome = applyDecline({ ...need, dispatchedExpertIds: [], dispatchedTeamId: 't' }, 'leader', 'leader');
    expect(outcome).toEqual({ dispatchedExpertIds: [], dispatchedTeamId: null, declinedExpertIds: ['leader'], remainingAssignees: 0 });
  });

  it('counts those who accepted once, whether still listed as dispatched or not', () => {
    const accepted = { dispatchedExpertIds: ['a', 'b', 'c'], dispatchedTeamId: null, declinedExpertIds: [], acceptedExpertIds: ['b', 'x'] };
    // c still to answer, b and x accepted.
    expect(applyDecline(accepted, 'a', null).remainingAssignees).toBe(3);
  });

  it('records a repeated decline once', () => {
    expect(applyDecline({ ...need, declinedExpertIds: ['a'] }, 'a', null).declinedExpertIds).toEqual(['a']);
  });
});

describe('Function: capacityToRelease', () => {
  it('frees the accepted experts of a need that is accepted or in service', () => {
    expect(capacityToRelease({ status: 'ACCEPTED', acceptedExpertIds: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(capacityToRelease({ status: 'IN_SERVICE', acceptedExpertIds: ['a'] })).toEqual(['a']);
  });

  it('frees nobody before anyone accepted or once the service is over', () => {
    for (const status of ['SUBMITTED', 'OPEN', 'DISPATCHED', 'COMPLETED', 'RATED', 'WITHDRAWN', 'CLOSED'] as const) {
      expect(capacityToRelease({ status, acceptedExpertIds: ['a'] }), status).toEqual([]);
    }
  });
});

describe('Function: checkDescriptionRatable', () => {
  it('allows rating the description once the service is completed', () => {
    expect(() => checkDescriptionRatable('COMPLETED')).not.toThrow();
    expect(() => checkDescriptionRatable('RATED')).not.toThrow();
  });

  it('refuses before completion with INVALID_TRANSITION', () => {
    expect(refusal(() => checkDescriptionRatable('IN_SERVICE'))).toEqual({
      code: 'INVALID_TRANSITION',
      message: 'The description can be rated once the service is completed',
    });
  });
});
