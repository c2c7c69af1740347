import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isConflictOfInterest, rankExperts, regionProximity, score, type MatchableExpert, type MatchableNeed } from '../../functions/lib/domain/matching.js';

const makeNeed = (overrides: Partial<MatchableNeed> = {}): MatchableNeed => ({
  domains: ['AGRICULTURE'],
  keywords: ['荔枝', '病虫害防治'],
  title: '荔枝园病虫害防治',
  description: '沙面社区屋顶果园的荔枝出现病虫害，需要专家上门指导。',
  regionCode: '440103001',
  languages: [],
  requester: { name: '广州某农业科技有限公司', organizationId: null },
  ...overrides,
});

const makeExpert = (overrides: Partial<MatchableExpert> = {}): MatchableExpert => ({
  id: 'e',
  domains: ['AGRICULTURE'],
  keywords: ['荔枝'],
  regionCode: '440103',
  serviceRegionCodes: ['440103'],
  origin: 'MAINLAND',
  languages: ['MANDARIN', 'CANTONESE'],
  availability: 'AVAILABLE',
  maxOpenAssignments: 3,
  openAssignments: 0,
  affiliation: '华南农业大学',
  organizationId: null,
  ...overrides,
});

const scoreOf = (need: MatchableNeed, expert: MatchableExpert) => {
  const result = score(need, expert);
  if (!result.eligible) throw new Error(result.excludedBecause);
  return result;
};

describe('score', () => {
  it('ranks an expert in the same district with the domain above one in Shenzhen with it, above one without it, each with reasons', () => {
    const need = makeNeed();
    const liwan = scoreOf(need, makeExpert({ id: 'liwan' }));
    const shenzhen = scoreOf(need, makeExpert({ id: 'sz', regionCode: '440304', serviceRegionCodes: ['440304'] }));
    const noDomain = scoreOf(need, makeExpert({ id: 'none', domains: ['MEDICINE'], keywords: [] }));
    expect(liwan.score).toBeGreaterThan(shenzhen.score);
    expect(shenzhen.score).toBeGreaterThan(noDomain.score);
    const reason = (r: typeof liwan, f: string) => r.reasons.find((x) => x.factor === f);
    expect(reason(liwan, 'DOMAIN')?.detail).toBe('shared domains: 农业科学');
    expect(reason(liwan, 'REGION')?.detail).toBe('based in 荔湾区: same county as 沙面街道');
    expect(reason(shenzhen, 'REGION')?.detail).toBe('based in 福田区: same province as 沙面街道');
    expect(reason(noDomain, 'DOMAIN')).toEqual({ factor: 'DOMAIN', score: 0, detail: 'no shared domain' });
    expect(reason(liwan, 'KEYWORD')?.detail).toBe('shared keywords: 荔枝');
  });

  it('orders region proximity: township > county > city > province > Hong Kong expert willing to serve', () => {
    const need = makeNeed();
    const at = (regionCode: string, extra: Partial<MatchableExpert> = {}) =>
      scoreOf(need, makeExpert({ regionCode, serviceRegionCodes: [], ...extra })).reasons.find((r) => r.factor === 'REGION')?.score ?? -1;
    const values = [at('440103001'), at('440103'), at('440104'), at('440304'), at('810101', { origin: 'HONG_KONG', serviceRegionCodes: ['44'] })];
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    expect(new Set(values).size).toBe(5);
    expect(at('810101', { origin: 'HONG_KONG', serviceRegionCodes: ['4403'] })).toBe(0);
  });

  it('counts service regions as well as the base region', () => {
    expect(regionProximity('440103001', '4401')).toEqual({ value: 0.6, level: 'CITY' });
    const serving = scoreOf(makeNeed(), makeExpert({ regionCode: '440304', serviceRegionCodes: ['440103'] }));
    expect(serving.reasons.find((r) => r.factor === 'REGION')?.detail).toBe('serves 荔湾区: same county as 沙面街道');
  });

  it('excludes experts employed by the requester, unavailable ones and those at capacity', () => {
    const need = makeNeed({ requester: { name: '广州某农业科技有限公司', organizationId: 'ent-1' } });
    expect(score(need, makeExpert({ affiliation: '广州某农业科技 有限公司' }))).toEqual({
      eligible: false,
      excludedBecause: 'conflict of interest: employed by the requester',
    });
    expect(isConflictOfInterest(need, makeExpert({ organizationId: 'ent-1' }))).toBe(true);
    expect(isConflictOfInterest(need, makeExpert({ affiliation: '广州另一家公司' }))).toBe(false);
    expect(score(need, makeExpert({ availability: 'UNAVAILABLE' })).eligible).toBe(false);
    expect(score(need, makeExpert({ openAssignments: 3 }))).toEqual({ eligible: false, excludedBecause: 'at capacity (3/3 open assignments)' });
  });

  it('rewards free capacity, availability and a required language', () => {
    const need = makeNeed({ languages: ['CANTONESE'] });
    expect(scoreOf(need, makeExpert({ openAssignments: 0 })).score).toBeGreaterThan(scoreOf(need, makeExpert({ openAssignments: 2 })).score);
    expect(scoreOf(need, makeExpert()).score).toBeGreaterThan(scoreOf(need, makeExpert({ availability: 'LIMITED' })).score);
    expect(scoreOf(need, makeExpert()).score).toBeGreaterThan(scoreOf(need, makeExpert({ languages: ['MANDARIN'] })).score);
  });

  it('is deterministic, within [0, 1], and the reasons add up to the score', () => {
    const domains = ['AGRICULTURE', 'MEDICINE', 'ENERGY', 'MARINE'];
    const regions = ['440103001', '440103', '4401', '440304', '441900003', '44'];
    fc.assert(
      fc.property(
        fc.subarray(domains, { minLength: 1 }),
        fc.subarray(domains),
        fc.constantFrom(...regions),
        fc.constantFrom(...regions),
        fc.integer({ min: 0, max: 4 }),
        (needDomains, expertDomains, needRegion, expertRegion, open) => {
          const need = makeNeed({ domains: needDomains, regionCode: needRegion });
          const expert = makeExpert({ domains: expertDomains, regionCode: expertRegion, serviceRegionCodes: [], openAssignments: open, maxOpenAssignments: 5 });
          const a = score(need, expert);
          expect(score(need, expert)).toEqual(a);
          if (a.eligible) {
            expect(a.score).toBeGreaterThanOrEqual(0);
            expect(a.score).toBeLessThanOrEqual(1);
            expect(a.reasons.reduce((s, r) => s + r.score, 0)).toBeCloseTo(a.score, 3);
          }
        },
      ),
    );
  });
});

describe('rankExperts', () => {
  it('ranks by score, breaks ties by id, drops the excluded and keeps the best `limit`', () => {
    const need = makeNeed({ requester: { name: 'X公司', organizationId: null } });
    const experts = [
      makeExpert({ id: 'b' }),
      makeExpert({ id: 'a' }),
      makeExpert({ id: 'far', regionCode: '440304', serviceRegionCodes: [] }),
      makeExpert({ id: 'coi', affiliation: 'X公司' }),
    ];
    const ranked = rankExperts(need, experts, 2);
    expect(ranked.map((m) => [m.expert.id, m.rank])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(rankExperts(need, experts, 10).map((m) => m.expert.id)).toEqual(['a', 'b', 'far']);
  });
});
