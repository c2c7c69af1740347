/** Pure parts of the load run (test/load/harness.ts): latency percentiles and the notification tally. */

/** Latency percentiles of a set of samples, in milliseconds. */
export interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile (NaN for no samples). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Rounded to one decimal. */
export const round1 = (n: number) => Math.round(n * 10) / 10;

/** p50, p99 and max of latency samples. */
export function latencyOf(samples: readonly number[]): Latency {
  return {
    count: samples.length,
    p50: round1(percentile(samples, 50)),
    p99: round1(percentile(samples, 99)),
    max: round1(samples.reduce((a, b) => Math.max(a, b), 0)),
  };
}

/** A stored match as the verification reads it. */
export interface MatchSeen {
  expertId: string;
  score: number;
  rank: number;
}

/** One subscriber as the tally sees it: whom it listens for, and the events it got (need id → expert ids of each event). */
export interface SubscriberTally {
  audience: { kind: 'EXPERT'; expertId: string } | { kind: 'ORG'; organizationId: string } | { kind: 'ALL' };
  received: ReadonlyMap<string, readonly string[]>;
}

/**
 * The match a subscriber must get for a need, or null when it must get nothing: its own match (an expert),
 * the best match (highest score, then best rank) among the experts in the organization's scope (an
 * organization admin), the best match of all (the province) — the audience rules of matchAudience and
 * SubscriptionService.publish.
 */
export function expectedMatch(
  audience: SubscriberTally['audience'],
  matches: readonly MatchSeen[],
  scopeOf: (expertId: string) => readonly string[],
): MatchSeen | null {
  const listened = matches.filter((m) =>
    audience.kind === 'ALL' ? true : audience.kind === 'EXPERT' ? m.expertId === audience.expertId : scopeOf(m.expertId).includes(audience.organizationId),
  );
  return listened.reduce<MatchSeen | null>((best, m) => (!best || m.score > best.score || (m.score === best.score && m.rank < best.rank) ? m : best), null);
}

/**
 * Compares what each subscriber received with what it should have: lost (expected, not received), duplicated
 * (received more than once: the extra events), unexpected (received, not expected, or for a need the run did
 * not open), wrong match (one event, but for another expert than the one it should carry).
 */
export function tally(
  needs: ReadonlyMap<string, readonly MatchSeen[]>,
  subscribers: readonly SubscriberTally[],
  scopeOf: (expertId: string) => readonly string[],
) {
  let expected = 0;
  let received = 0;
  let lost = 0;
  let duplicated = 0;
  let unexpected = 0;
  let wrongMatch = 0;
  const inexact = new Set<string>();
  /** The first few mismatches, for the report: need, subscriber, what it should have got and what it got. */
  const problems: string[] = [];
  const label = (a: SubscriberTally['audience']) => (a.kind === 'ALL' ? 'province' : a.kind === 'ORG' ? `org ${a.organizationId}` : `expert ${a.expertId}`);
  for (const sub of subscribers) {
    for (const [needId, events] of sub.received) {
      received += events.length;
      if (!needs.has(needId)) {
        unexpected += events.length;
        inexact.add(needId);
        if (problems.length < 20) problems.push(`need ${needId} (not opened by the run): ${label(sub.audience)} got ${events.length}`);
      }
    }
    for (const [needId, matches] of needs) {
      const want = expectedMatch(sub.audience, matches, scopeOf);
      const got = sub.received.get(needId) ?? [];
      if (want) expected += 1;
      if (want && got.length === 0) lost += 1;
      if (got.length > 1) duplicated += got.length - 1;
      if (!want && got.length > 0) unexpected += got.length;
      if (want && got.length > 0 && got[0] !== want.expertId) wrongMatch += 1;
      if (want ? got.length !== 1 || got[0] !== want.expertId : got.length > 0) {
        inexact.add(needId);
        if (problems.length < 20)
          problems.push(`need ${needId} (${matches.length} matches): ${label(sub.audience)} expected ${want?.expertId ?? 'nothing'}, got [${got.join(', ')}]`);
      }
    }
  }
  const exact = [...needs.keys()].filter((id) => !inexact.has(id)).length;
  return { expected, received, lost, duplicated, unexpected, wrongMatch, exact, problems };
}
