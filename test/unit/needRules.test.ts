import { describe, expect, it } from 'vitest';
import { AppError } from '../../functions/lib/errors.js';
import {
  MAX_DISPATCHED_EXPERTS,
  MAX_NEED_DOMAINS,
  checkDesiredPeriod,
  checkDispatchTargets,
  checkNeedDomains,
  checkNeedKeywords,
  checkNeedRegion,
  checkStars,
  matchesLimit,
  rankTechnologies,
  technologiesLimit,
} from '../../functions/lib/domain/needRules.js';
import type { MatchableNeed, MatchableTechnology } from '../../functions/lib/domain/matching.js';

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

const refused = (field: string, message: string) => ({ code: 'BAD_USER_INPUT', field, message });

describe('Function: checkNeedRegion', () => {
  it('accepts places in Guangdong', () => {
    expect(() => checkNeedRegion('440103001')).not.toThrow();
  });

  it('refuses Hong Kong and Macao', () => {
    expect(failure(() => checkNeedRegion('810101'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'regionCode',
      message: 'Needs are posted for places in Guangdong (codes starting with 44)',
    });
  });
});

describe('Function: checkNeedDomains', () => {
  it('deduplicates known domains', () => {
    expect(checkNeedDomains(['AGRICULTURE', 'MEDICINE', 'AGRICULTURE'])).toEqual(['AGRICULTURE', 'MEDICINE']);
  });

  it(`refuses none and more than ${MAX_NEED_DOMAINS}`, () => {
    expect(failure(() => checkNeedDomains([]))).toMatchObject({ field: 'domains', message: 'Choose 1 to 3 domains' });
    expect(failure(() => checkNeedDomains(['AGRICULTURE', 'MEDICINE', 'ENERGY', 'MARINE']))).toMatchObject({ field: 'domains' });
  });

  it('refuses an unknown domain, naming it', () => {
    expect(failure(() => checkNeedDomains(['AGRICULTURE', 'ALCHEMY']))).toEqual(refused('domains', 'Unknown domain "ALCHEMY"'));
  });
});

describe('Function: checkNeedKeywords', () => {
  it('trims, drops blanks and duplicates; none is an empty list', () => {
    expect(checkNeedKeywords([' 荔枝 ', '荔枝', '', '  ', '病虫害'])).toEqual(['荔枝', '病虫害']);
    expect(checkNeedKeywords(undefined)).toEqual([]);
    expect(checkNeedKeywords(null)).toEqual([]);
  });

  it('refuses more than 20 keywords or one longer than 30 characters (counted as characters, not bytes)', () => {
    expect(checkNeedKeywords(Array.from({ length: 20 }, (_, i) => `k${i}`))).toHaveLength(20);
    expect(failure(() => checkNeedKeywords(Array.from({ length: 21 }, (_, i) => `k${i}`)))).toMatchObject({ field: 'keywords' });
    expect(checkNeedKeywords(['荔'.repeat(30)])).toHaveLength(1);
    expect(failure(() => checkNeedKeywords(['荔'.repeat(31)]))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'keywords',
      message: 'At most 20 keywords of at most 30 characters',
    });
  });
});

describe('Function: checkDesiredPeriod', () => {
  it('accepts an open or ordered period, including a single day', () => {
    for (const [from, to] of [
      [null, null],
      ['2026-12-01', null],
      [null, '2026-12-01'],
      ['2026-12-01', '2026-12-01'],
      ['2026-12-01', '2027-01-31'],
    ] as const) {
      expect(() => checkDesiredPeriod(from, to)).not.toThrow();
    }
  });

  it('refuses an end before the start, on desiredTo', () => {
    expect(failure(() => checkDesiredPeriod('2026-12-10', '2026-12-01'))).toEqual(refused('desiredTo', 'desiredTo is before desiredFrom'));
  });
});

describe('Function: checkDispatchTargets', () => {
  it('returns the distinct experts; a team alone is enough', () => {
    expect(checkDispatchTargets(['a', 'b', 'a'], null)).toEqual(['a', 'b']);
    expect(checkDispatchTargets(undefined, 'team-1')).toEqual([]);
  });

  it('refuses a dispatch to nobody', () => {
    expect(failure(() => checkDispatchTargets([], null))).toEqual(refused('expertIds', 'Dispatch to at least one expert or a team'));
  });

  it(`refuses more than ${MAX_DISPATCHED_EXPERTS} distinct experts, even with a team`, () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `e${i}`);
    expect(checkDispatchTargets([...ids(10), 'e0'], null)).toHaveLength(10);
    expect(failure(() => checkDispatchTargets(ids(11), 'team-1'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'expertIds',
      message: 'Dispatch to at most 10 experts (or to a team)',
    });
  });
});

describe('Function: checkStars', () => {
  it('accepts 1 to 5 whole stars', () => {
    for (const stars of [1, 2, 3, 4, 5]) expect(checkStars(stars)).toBe(stars);
  });

  it('refuses 0, 6 and fractions, on stars', () => {
    for (const stars of [0, 6, 4.5, -1])
      expect(
        failure(() => checkStars(stars)),
        String(stars),
      ).toEqual(refused('stars', 'stars must be 1 to 5'));
  });
});

describe('Function: matchesLimit and technologiesLimit', () => {
  it('default to 20 matches and 5 technologies', () => {
    expect(matchesLimit(undefined)).toBe(20);
    expect(matchesLimit(null)).toBe(20);
    expect(technologiesLimit(undefined)).toBe(5);
  });

  it('clamp to 0..100 matches and 0..20 technologies', () => {
    expect([matchesLimit(-3), matchesLimit(7), matchesLimit(500)]).toEqual([0, 7, 100]);
    expect([technologiesLimit(-3), technologiesLimit(7), technologiesLimit(500)]).toEqual([0, 7, 20]);
  });
});

describe('Function: rankTechnologies', () => {
  const need: MatchableNeed = {
    domains: ['AGRICULTURE'],
    keywords: ['荔枝', '病虫害防治'],
    title: '荔枝病虫害',
    description: '荔枝园病虫害严重',
    regionCode: '440103',
    languages: [],
    requester: { name: '沙面村', organizationId: null },
  };
  const tech = (id: string, overrides: Partial<MatchableTechnology> = {}): MatchableTechnology => ({
    id,
    domains: ['AGRICULTURE'],
    keywords: [],
    regionCode: '440304',
    maturity: 'PILOT',
    ...overrides,
  });

  it('puts the best fit first, with its reasons', () => {
    const lychee = tech('lychee', { keywords: ['荔枝'], regionCode: '440103', maturity: 'MATURE' });
    const ranked = rankTechnologies(need, [tech('rice'), tech('heart', { domains: ['MEDICINE'] }), lychee], 5);
    expect(ranked.map((r) => r.technology.id)).toEqual(['lychee', 'rice', 'heart']);
    expect(ranked[0]?.score).toBeGreaterThan(ranked[1]?.score ?? 1);
    expect(ranked[0]?.reasons).toContainEqual(expect.objectContaining({ factor: 'KEYWORD', detail: 'shared keywords: 荔枝' }));
  });

  it('lists a technology read under two domains once', () => {
    const twice = tech('both', { domains: ['AGRICULTURE', 'MEDICINE'] });
    const ranked = rankTechnologies({ ...need, domains: ['AGRICULTURE', 'MEDICINE'] }, [twice, tech('other'), twice], 5);
    expect(ranked.map((r) => r.technology.id)).toEqual(['both', 'other']);
  });

  it('breaks ties by id, so the order is stable', () => {
    expect(rankTechnologies(need, [tech('c'), tech('a'), tech('b')], 5).map((r) => r.technology.id)).toEqual(['a', 'b', 'c']);
  });

  it('returns at most the limit: 5 by default, never more than 20', () => {
    const many = Array.from({ length: 30 }, (_, i) => tech(`t${String(i).padStart(2, '0')}`));
    expect(rankTechnologies(need, many, undefined)).toHaveLength(5);
    expect(rankTechnologies(need, many, 100)).toHaveLength(20);
    expect(rankTechnologies(need, many, 0)).toEqual([]);
  });
});
