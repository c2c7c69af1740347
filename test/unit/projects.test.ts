import { describe, expect, it } from 'vitest';
import { AppError } from '../../functions/lib/errors.js';
import {
  INITIAL_PROJECT_STATUS,
  MAX_PROJECT_REFERENCES,
  PROJECT_STATUSES,
  nextProjectStatus,
  nextSchedule,
  uniqueReferences,
  type ProjectStatus,
} from '../../functions/lib/domain/projects.js';

/** The code, field and message of the AppError `fn` throws. */
function failure(fn: () => unknown): { code: string; field: string | undefined; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected an AppError');
}

// The expected table, written out by hand: rows are the current status, columns the status asked for
// (in PROJECT_STATUSES order, then "none"); "-" is INVALID_TRANSITION.
const COLUMNS: Array<ProjectStatus | null> = ['PLANNED', 'ACTIVE', 'COMPLETED', 'CANCELLED', null];
const TABLE: Record<ProjectStatus, string> = {
  //          PLANNED  ACTIVE  COMPLETED  CANCELLED  none
  PLANNED: 'PLANNED  ACTIVE  -          CANCELLED  PLANNED',
  ACTIVE: '-        ACTIVE  COMPLETED  CANCELLED  ACTIVE',
  COMPLETED: '-        -       COMPLETED  -          COMPLETED',
  CANCELLED: '-        -       -          CANCELLED  CANCELLED',
};

const cases = PROJECT_STATUSES.flatMap((status) => {
  const row = TABLE[status].split(/\s+/);
  return COLUMNS.map((requested, i) => [status, requested, row[i] as string] as const);
});

describe('Function: nextProjectStatus', () => {
  it('covers every status, and a new project starts PLANNED', () => {
    expect(cases).toHaveLength(PROJECT_STATUSES.length * (PROJECT_STATUSES.length + 1));
    expect(new Set(COLUMNS.filter((c) => c !== null))).toEqual(new Set(PROJECT_STATUSES));
    expect(INITIAL_PROJECT_STATUS).toBe('PLANNED');
  });

  it.each(cases)('from %s asked for %s gives %s', (status, requested, expected) => {
    if (expected === '-') {
      expect(failure(() => nextProjectStatus(status, requested))).toEqual({
        code: 'INVALID_TRANSITION',
        field: 'status',
        message: `A ${status} project cannot become ${requested}`,
      });
    } else {
      expect(nextProjectStatus(status, requested)).toBe(expected);
    }
  });

  it('keeps the status when none is asked for (undefined as null)', () => {
    for (const status of PROJECT_STATUSES) expect(nextProjectStatus(status, undefined)).toBe(status);
  });
});

describe('Function: nextSchedule', () => {
  const stored = { startDate: '2019-06-01', endDate: '2019-12-31' };

  it('keeps an undefined end, clears a null one and sets a given one', () => {
    expect(nextSchedule(stored, undefined, undefined)).toEqual(stored);
    expect(nextSchedule(stored, null, undefined)).toEqual({ startDate: null, endDate: '2019-12-31' });
    expect(nextSchedule(stored, undefined, '2020-01-31')).toEqual({ startDate: '2019-06-01', endDate: '2020-01-31' });
  });

  it('refuses a new end before the stored start, and a new start after the stored end, on endDate', () => {
    expect(failure(() => nextSchedule(stored, undefined, '2019-05-31'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endDate' });
    expect(failure(() => nextSchedule(stored, '2020-01-01', undefined))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endDate' });
  });

  it('allows a range that becomes valid only with both ends changed', () => {
    expect(nextSchedule(stored, '2020-01-01', '2020-02-01')).toEqual({ startDate: '2020-01-01', endDate: '2020-02-01' });
  });
});

describe('Function: uniqueReferences', () => {
  it('keeps each id once, in the order given', () => {
    expect(uniqueReferences(['n2', 'n1', 'n2'], 'needIds')).toEqual(['n2', 'n1']);
    expect(uniqueReferences([], 'needIds')).toEqual([]);
  });

  it('refuses more than 50 distinct ids, naming the field, but not 50 or repeats beyond them', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `e${i}`);
    expect(uniqueReferences(ids(MAX_PROJECT_REFERENCES), 'expertIds')).toHaveLength(50);
    expect(uniqueReferences([...ids(50), 'e0'], 'expertIds')).toHaveLength(50);
    expect(failure(() => uniqueReferences(ids(51), 'expertIds'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expertIds' });
  });
});
