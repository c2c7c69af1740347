import { describe, expect, it } from 'vitest';
import { NEED_ACTIONS, NEED_STATUSES, nextStatus, type NeedStatus, type NeedTransitionAction } from '../../functions/lib/domain/needWorkflow.js';
import { AppError } from '../../functions/lib/errors.js';

// The expected table, written out by hand: rows are statuses, columns the actions in this order.
const COLUMNS: NeedTransitionAction[] = ['APPROVE', 'REJECT', 'DISPATCH', 'GRAB', 'ACCEPT', 'DECLINE', 'START', 'COMPLETE', 'RATE', 'WITHDRAW', 'CLOSE'];
const TABLE: Record<NeedStatus, string> = {
  //           APPROVE   REJECT    DISPATCH   GRAB      ACCEPT    DECLINE    START      COMPLETE   RATE   WITHDRAW   CLOSE
  SUBMITTED:  'OPEN      REJECTED  -          -         -         -          -          -          -      WITHDRAWN  CLOSED',
  OPEN:       '-         -         DISPATCHED ACCEPTED  -         -          -          -          -      WITHDRAWN  CLOSED',
  REJECTED:   '-         -         -          -         -         -          -          -          -      -          -',
  DISPATCHED: '-         -         DISPATCHED -         ACCEPTED  DISPATCHED -          -          -      WITHDRAWN  CLOSED',
  ACCEPTED:   '-         -         -          -         ACCEPTED  ACCEPTED   IN_SERVICE -          -      WITHDRAWN  CLOSED',
  IN_SERVICE: '-         -         -          -         -         -          -          COMPLETED  -      WITHDRAWN  CLOSED',
  COMPLETED:  '-         -         -          -         -         -          -          -          RATED  -          -',
  RATED:      '-         -         -          -         -         -          -          -          -      -          -',
  WITHDRAWN:  '-         -         -          -         -         -          -          -          -      -          -',
  CLOSED:     '-         -         -          -         -         -          -          -          -      -          -',
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
