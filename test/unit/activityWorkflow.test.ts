import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_STATUSES,
  ACTIVITY_STEPS,
  checkActivityCapacity,
  checkManualHours,
  checkOutHours,
  checkSchedule,
  nextActivityStatus,
  requireCheckInOpen,
  requireOpenForHours,
  type ActivityStatus,
  type ActivityStep,
} from '../../functions/lib/domain/activityWorkflow.js';
import { AppError } from '../../functions/lib/errors.js';

/** What `run` threw, as code and field (or the result when nothing was thrown). */
function outcome<T>(run: () => T): T | { code: string; field: string | undefined; message: string } {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, field: error.field, message: error.message };
  }
}

// The expected table, written out by hand: rows are statuses, columns the steps in this order.
const COLUMNS: ActivityStep[] = ['START', 'CANCEL', 'COMPLETE'];
const TABLE: Record<ActivityStatus, string> = {
  //          START     CANCEL     COMPLETE
  PLANNED: 'ONGOING   CANCELLED  -',
  ONGOING: '-         CANCELLED  COMPLETED',
  COMPLETED: '-         -          -',
  CANCELLED: '-         -          -',
};

const cases = ACTIVITY_STATUSES.flatMap((status) => {
  const row = TABLE[status].split(/\s+/);
  return COLUMNS.map((step, i) => [status, step, row[i] as string] as const);
});

describe('Function: nextActivityStatus', () => {
  it('covers every status and every step', () => {
    expect(cases).toHaveLength(ACTIVITY_STATUSES.length * ACTIVITY_STEPS.length);
    expect(new Set(COLUMNS)).toEqual(new Set(ACTIVITY_STEPS));
  });

  it.each(cases)('%s × %s → %s', (status, step, expected) => {
    if (expected === '-') {
      expect(outcome(() => nextActivityStatus(status, step))).toEqual({
        code: 'INVALID_TRANSITION',
        field: undefined,
        message: `An activity that is ${status} cannot ${step.toLowerCase()}`,
      });
    } else {
      expect(nextActivityStatus(status, step)).toBe(expected);
    }
  });
});

describe('Function: requireOpenForHours', () => {
  it.each(['PLANNED', 'ONGOING'] as const)('accepts hours while the activity is %s', (status) => {
    expect(() => requireOpenForHours(status)).not.toThrow();
  });

  it.each(['COMPLETED', 'CANCELLED'] as const)('refuses hours once the activity is %s', (status) => {
    const closed = `The activity is ${status}: its record is closed`;
    expect(outcome(() => requireOpenForHours(status))).toMatchObject({ code: 'INVALID_TRANSITION', message: closed });
  });
});

describe('Function: requireCheckInOpen', () => {
  it('lets volunteers check in while the activity is ongoing', () => {
    expect(() => requireCheckInOpen('ONGOING')).not.toThrow();
  });

  it.each(['PLANNED', 'COMPLETED', 'CANCELLED'] as const)('refuses a check-in while the activity is %s', (status) => {
    expect(outcome(() => requireCheckInOpen(status))).toMatchObject({ code: 'INVALID_TRANSITION' });
  });
});

describe('Function: checkOutHours', () => {
  const checkInAt = '2026-11-01T01:00:00.000Z';

  it('credits the rounded hours between check-in and check-out', () => {
    expect(checkOutHours('ONGOING', checkInAt, '2026-11-01T03:20:00.000Z')).toBe(2.5);
    expect(checkOutHours('ONGOING', checkInAt, '2026-11-01T03:50:00.000Z')).toBe(3);
    expect(checkOutHours('ONGOING', checkInAt, checkInAt)).toBe(0);
  });

  it.each(['PLANNED', 'COMPLETED', 'CANCELLED'] as const)('refuses a check-out while the activity is %s', (status) => {
    expect(outcome(() => checkOutHours(status, checkInAt, '2026-11-01T03:00:00.000Z'))).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('refuses a check-out without a check-in', () => {
    expect(outcome(() => checkOutHours('ONGOING', null, '2026-11-01T03:00:00.000Z'))).toMatchObject({ code: 'INVALID_TRANSITION', message: 'Check in first' });
  });

  it('refuses a check-out before the check-in, naming `at`', () => {
    expect(outcome(() => checkOutHours('ONGOING', checkInAt, '2026-11-01T00:59:00.000Z'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'at' });
  });
});

describe('Function: checkSchedule', () => {
  it('accepts an activity that ends after it starts', () => {
    expect(() => checkSchedule('2026-11-01T01:00:00.000Z', '2026-11-01T04:00:00.000Z')).not.toThrow();
  });

  it.each(['2026-11-01T01:00:00.000Z', '2026-11-01T00:00:00.000Z'])('refuses an end at or before the start (%s), naming endAt', (endAt) => {
    expect(outcome(() => checkSchedule('2026-11-01T01:00:00.000Z', endAt))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endAt' });
  });
});

describe('Function: checkManualHours', () => {
  it.each([0, 0.5, 1, 7.5, 24])('accepts %s h', (hours) => {
    expect(checkManualHours(hours)).toBe(hours);
  });

  it.each([-0.5, 0.25, 1.2, 24.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s h, naming hours', (hours) => {
    expect(outcome(() => checkManualHours(hours))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'hours' });
  });
});

describe('Function: checkActivityCapacity', () => {
  it('takes no capacity as no limit and a whole number of 1 or more as the limit', () => {
    expect(checkActivityCapacity(undefined)).toBeNull();
    expect(checkActivityCapacity(null)).toBeNull();
    expect(checkActivityCapacity(1)).toBe(1);
    expect(checkActivityCapacity(200)).toBe(200);
  });

  it('refuses 0, negative and fractional capacities on the capacity field', () => {
    for (const capacity of [0, -3, 2.5, Number.NaN]) {
      expect(outcome(() => checkActivityCapacity(capacity))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'capacity',
        message: 'capacity must be 1 or more (omit it for no limit)',
      });
    }
  });
});
