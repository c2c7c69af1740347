import { describe, expect, it } from 'vitest';
import { expectedMatch, latencyOf, percentile, tally, type MatchSeen, type SubscriberTally } from '../load/tally.js';

// Two organizations: a city (c) under the province (p); expert a is in the city's scope, b only in the province's.
const scopes: Record<string, string[]> = { a: ['p', 'c'], b: ['p'], z: ['p', 'c'] };
const scopeOf = (id: string) => scopes[id] ?? [];
const matches: MatchSeen[] = [
  { expertId: 'b', score: 0.9, rank: 1 },
  { expertId: 'a', score: 0.7, rank: 2 },
  { expertId: 'z', score: 0.7, rank: 3 },
];
const sub = (audience: SubscriberTally['audience'], received: Record<string, string[]> = {}): SubscriberTally => ({
  audience,
  received: new Map(Object.entries(received)),
});

describe('Function: expectedMatch', () => {
  it('gives an expert its own match and nothing when it was not matched', () => {
    expect(expectedMatch({ kind: 'EXPERT', expertId: 'a' }, matches, scopeOf)?.expertId).toBe('a');
    expect(expectedMatch({ kind: 'EXPERT', expertId: 'x' }, matches, scopeOf)).toBeNull();
  });

  it('gives an organization admin the best match in its scope (score, then rank) and the province the best of all', () => {
    expect(expectedMatch({ kind: 'ORG', organizationId: 'c' }, matches, scopeOf)?.expertId).toBe('a');
    expect(expectedMatch({ kind: 'ORG', organizationId: 'elsewhere' }, matches, scopeOf)).toBeNull();
    expect(expectedMatch({ kind: 'ALL' }, matches, scopeOf)?.expertId).toBe('b');
    expect(expectedMatch({ kind: 'ALL' }, [], scopeOf)).toBeNull();
  });
});

describe('Function: tally', () => {
  const needs = new Map([['n1', matches]]);

  it('counts a need as exact when every subscriber that must be notified got one event with the right match and no one else got any', () => {
    const counts = tally(
      needs,
      [sub({ kind: 'ALL' }, { n1: ['b'] }), sub({ kind: 'ORG', organizationId: 'c' }, { n1: ['a'] }), sub({ kind: 'EXPERT', expertId: 'z' }, { n1: ['z'] })],
      scopeOf,
    );
    expect(counts).toMatchObject({ expected: 3, received: 3, lost: 0, duplicated: 0, unexpected: 0, wrongMatch: 0, exact: 1, problems: [] });
  });

  it('reports lost, duplicated, unexpected and wrong-match events and names the need and the subscriber', () => {
    const counts = tally(
      needs,
      [
        sub({ kind: 'ALL' }, { n1: ['b', 'b'] }),
        sub({ kind: 'ORG', organizationId: 'c' }, { n1: ['b'] }),
        sub({ kind: 'EXPERT', expertId: 'a' }),
        sub({ kind: 'EXPERT', expertId: 'x' }, { n1: ['x'], other: ['x'] }),
      ],
      scopeOf,
    );
    expect(counts).toMatchObject({ expected: 3, received: 5, lost: 1, duplicated: 1, unexpected: 2, wrongMatch: 1, exact: 0 });
    expect(counts.problems).toContain('need n1 (3 matches): expert a expected a, got []');
    expect(counts.problems).toContain('need other (not opened by the run): expert x got 1');
  });
});

describe('Function: latencyOf', () => {
  it('takes nearest-rank percentiles and the maximum', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(latencyOf(samples)).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
    expect(latencyOf([]).count).toBe(0);
  });
});
