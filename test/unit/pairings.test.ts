import { describe, expect, it } from 'vitest';
import { AppError } from '../../functions/lib/errors.js';
import { PAIRING_ACTION, checkFollowUpDate, checkPairingProjectAction, checkTalents, linkedExpertIds } from '../../functions/lib/domain/pairings.js';

/** The code and field of the AppError `fn` throws. */
function failure(fn: () => unknown): { code: string; field: string | undefined } {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('Function: checkPairingProjectAction', () => {
  it('accepts a RURAL_REVITALIZATION project, the action of every pairing', () => {
    expect(PAIRING_ACTION).toBe('RURAL_REVITALIZATION');
    expect(() => checkPairingProjectAction('RURAL_REVITALIZATION')).not.toThrow();
  });

  it('refuses a project of any other action, naming projectId', () => {
    for (const action of ['POPULAR_SCIENCE', 'ACADEMICIAN_EXPERT_TOUR', 'SOCIETY_SERVES_ENTERPRISE']) {
      expect(
        failure(() => checkPairingProjectAction(action)),
        action,
      ).toEqual({ code: 'BAD_USER_INPUT', field: 'projectId' });
    }
  });
});

describe('Function: checkTalents', () => {
  it('trims names and stores a missing or blank expert link as none', () => {
    expect(checkTalents([{ name: ' 黄博士 ', expertId: 'e1' }, { name: '返乡青年王某' }, { name: '李某', expertId: '' }])).toEqual([
      { name: '黄博士', expertId: 'e1' },
      { name: '返乡青年王某', expertId: null },
      { name: '李某', expertId: null },
    ]);
  });

  it('refuses a blank or overlong name and more than 50 talents, naming talents', () => {
    const cases = [[{ name: '  ' }], [{ name: '名'.repeat(51) }], Array.from({ length: 51 }, (_, i) => ({ name: `t${i}` }))];
    for (const talents of cases) expect(failure(() => checkTalents(talents))).toEqual({ code: 'BAD_USER_INPUT', field: 'talents' });
    expect(checkTalents([{ name: '名'.repeat(50) }])).toHaveLength(1);
    expect(checkTalents(Array.from({ length: 50 }, (_, i) => ({ name: `t${i}` })))).toHaveLength(50);
  });
});

describe('Function: linkedExpertIds', () => {
  it('lists each linked talent-pool record once and skips unlinked talents', () => {
    const talents = [
      { name: 'a', expertId: 'e1' },
      { name: 'b', expertId: null },
      { name: 'c', expertId: 'e2' },
      { name: 'd', expertId: 'e1' },
    ];
    expect(linkedExpertIds(talents)).toEqual(['e1', 'e2']);
    expect(linkedExpertIds([])).toEqual([]);
  });
});

describe('Function: checkFollowUpDate', () => {
  it('accepts today and earlier days in China time', () => {
    expect(checkFollowUpDate('2019-09-30', '2019-09-30T03:00:00.000Z')).toBe('2019-09-30');
    expect(checkFollowUpDate('2018-01-01', '2019-09-30T03:00:00.000Z')).toBe('2018-01-01');
  });

  it('takes today as the date in UTC+8: after 16:00 UTC the next day has begun', () => {
    expect(checkFollowUpDate('2019-10-01', '2019-09-30T16:00:00.000Z')).toBe('2019-10-01');
    expect(failure(() => checkFollowUpDate('2019-10-01', '2019-09-30T15:59:59.999Z'))).toEqual({ code: 'BAD_USER_INPUT', field: 'date' });
  });

  it('refuses a day in the future, naming date', () => {
    expect(failure(() => checkFollowUpDate('2999-01-01', '2019-09-30T03:00:00.000Z'))).toEqual({ code: 'BAD_USER_INPUT', field: 'date' });
  });
});
