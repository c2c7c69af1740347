import { chinaDate } from '../../functions/lib/domain/dates.js';
import { describe, expect, it } from 'vitest';
import type { ProjectStatus } from '../../functions/lib/generated/graphql.js';
import { AppError } from '../../functions/lib/errors.js';
import { indexKeysFor, indexPartition, pairingFollowUpKey, pairingFollowUpPrefix } from '../../functions/lib/data/keys.js';
import { canMoveProject, checkDateRange, isIsoDate, optionalDate } from '../../functions/lib/domain/projects.js';
import { checkFigures } from '../../functions/lib/domain/pairings.js';
import { checkTransferModes } from '../../functions/lib/domain/technologies.js';
import { checkDomains, checkKeywords } from '../../functions/lib/services/inputs.js';

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

describe('Function: isIsoDate', () => {
  it('accepts real calendar dates written YYYY-MM-DD', () => {
    for (const d of ['2019-05-17', '2020-02-29', '2019-12-31', '2000-01-01']) expect(isIsoDate(d), d).toBe(true);
  });

  it('refuses impossible days, other formats and instants', () => {
    for (const d of ['2019-02-29', '2019-13-01', '2019-04-31', '2019-00-10', '19-05-17', '2019/05/17', '2019-5-17', '2019-05-17T00:00:00Z', '']) {
      expect(isIsoDate(d), d).toBe(false);
    }
  });
});

describe('Function: chinaDate', () => {
  it('gives the calendar date in UTC+8', () => {
    expect(chinaDate('2019-05-17T15:59:59.999Z')).toBe('2019-05-17');
    expect(chinaDate('2019-05-17T16:00:00.000Z')).toBe('2019-05-18');
    expect(chinaDate('2019-12-31T23:00:00.000Z')).toBe('2020-01-01');
  });
});

describe('Function: optionalDate', () => {
  it('keeps undefined (unchanged), clears null and blank, trims a date', () => {
    expect(optionalDate(undefined, 'startDate')).toBeUndefined();
    expect(optionalDate(null, 'startDate')).toBeNull();
    expect(optionalDate('  ', 'startDate')).toBeNull();
    expect(optionalDate(' 2019-06-01 ', 'startDate')).toBe('2019-06-01');
  });

  it('throws BAD_USER_INPUT naming the field for a bad date', () => {
    expect(failure(() => optionalDate('2019-02-30', 'endDate'))).toEqual({ code: 'BAD_USER_INPUT', field: 'endDate' });
  });
});

describe('Function: checkDateRange', () => {
  it('allows open ranges and equal ends, and refuses an end before the start', () => {
    expect(() => checkDateRange(null, '2019-01-01')).not.toThrow();
    expect(() => checkDateRange('2019-01-01', null)).not.toThrow();
    expect(() => checkDateRange('2019-06-01', '2019-06-01')).not.toThrow();
    expect(failure(() => checkDateRange('2019-06-01', '2019-05-31'))).toEqual({ code: 'BAD_USER_INPUT', field: 'endDate' });
  });
});

describe('Function: canMoveProject', () => {
  const all: ProjectStatus[] = ['PLANNED', 'ACTIVE', 'COMPLETED', 'CANCELLED'];
  const legal = new Set(['PLANNED>ACTIVE', 'PLANNED>CANCELLED', 'ACTIVE>COMPLETED', 'ACTIVE>CANCELLED']);

  it('allows exactly PLANNED → ACTIVE → COMPLETED, cancelling an open project, and staying put', () => {
    for (const from of all) {
      for (const to of all) expect(canMoveProject(from, to), `${from} → ${to}`).toBe(from === to || legal.has(`${from}>${to}`));
    }
  });
});

describe('Function: checkDomains', () => {
  it('removes duplicates and keeps 1 to 5 known codes', () => {
    expect(checkDomains(['MARINE', 'MARINE', 'ENERGY'])).toEqual(['MARINE', 'ENERGY']);
  });

  it('refuses none, more than five and unknown codes, naming domains', () => {
    for (const domains of [[], ['AGRICULTURE', 'FORESTRY', 'MARINE', 'ENERGY', 'MATERIALS', 'MEDICINE'], ['MARINE', 'ASTROLOGY']]) {
      expect(failure(() => checkDomains(domains))).toEqual({ code: 'BAD_USER_INPUT', field: 'domains' });
    }
  });
});

describe('Function: checkKeywords', () => {
  it('trims, drops blanks and duplicates', () => {
    expect(checkKeywords([' 荔枝 ', '荔枝', '', '保鲜'])).toEqual(['荔枝', '保鲜']);
  });

  it('refuses more than 20 keywords or one longer than 30 characters', () => {
    expect(failure(() => checkKeywords(Array.from({ length: 21 }, (_, i) => `k${i}`)))).toEqual({ code: 'BAD_USER_INPUT', field: 'keywords' });
    expect(failure(() => checkKeywords(['荔'.repeat(31)]))).toEqual({ code: 'BAD_USER_INPUT', field: 'keywords' });
    expect(checkKeywords(['荔'.repeat(30)])).toHaveLength(1);
  });
});

describe('Function: checkTransferModes', () => {
  it('needs at least one mode and removes duplicates', () => {
    expect(checkTransferModes(['LICENSE', 'LICENSE', 'SERVICE'])).toEqual(['LICENSE', 'SERVICE']);
    expect(failure(() => checkTransferModes([]))).toEqual({ code: 'BAD_USER_INPUT', field: 'transferModes' });
  });
});

describe('Function: checkFigures', () => {
  it('trims names and units and stores a missing unit as null', () => {
    expect(
      checkFigures([
        { name: ' 亩产 ', value: 1200, unit: ' 公斤 ' },
        { name: '户数', value: 3 },
      ]),
    ).toEqual([
      { name: '亩产', value: 1200, unit: '公斤' },
      { name: '户数', value: 3, unit: null },
    ]);
  });

  it('refuses blank or repeated names, non-finite values and more than 20 figures', () => {
    const cases = [
      [{ name: ' ', value: 1 }],
      [
        { name: '亩产', value: 1 },
        { name: '亩产', value: 2 },
      ],
      [{ name: '亩产', value: Number.POSITIVE_INFINITY }],
      Array.from({ length: 21 }, (_, i) => ({ name: `f${i}`, value: i })),
    ];
    for (const figures of cases) expect(failure(() => checkFigures(figures))).toEqual({ code: 'BAD_USER_INPUT', field: 'figures' });
  });
});

describe('keys: pools', () => {
  it('keeps follow-ups in their pairing partition, ordered by recording time then sequence', () => {
    const a = pairingFollowUpKey('p1', '2019-09-30T08:00:00.000Z', 2);
    const b = pairingFollowUpKey('p1', '2019-09-30T08:00:00.000Z', 10);
    const c = pairingFollowUpKey('p1', '2019-10-01T08:00:00.000Z', 1);
    expect(a).toEqual({ PK: 'PAIRING#p1', SK: 'FOLLOWUP#2019-09-30T08:00:00.000Z#0002' });
    expect([c.SK, b.SK, a.SK].sort()).toEqual([a.SK, b.SK, c.SK]);
    const { PK, SKPrefix } = pairingFollowUpPrefix('p1');
    expect(a.PK).toBe(PK);
    expect(a.SK.startsWith(SKPrefix)).toBe(true);
  });

  it('lists a project under (org path + none) × (action + none) × (status + none) partitions', () => {
    const keys = indexKeysFor('PROJECT', { org: ['gd', 'gz', 'lw'], action: 'RURAL_REVITALIZATION', status: 'ACTIVE' }, '440103#p');
    expect(keys).toHaveLength(4 * 2 * 2);
    expect(keys.map((k) => k.PK)).toContain(indexPartition('PROJECT', { org: 'gz', status: 'ACTIVE' }));
    expect(keys.map((k) => k.PK)).toContain(indexPartition('PROJECT', { org: 'lw', action: 'RURAL_REVITALIZATION', status: 'ACTIVE' }));
  });
});
