import { describe, expect, it } from 'vitest';
import { Kind, getOperationAST, parse, type FragmentDefinitionNode } from 'graphql';
import { executableSchema } from '../../functions/lib/schema.js';
import { DEFAULT_DELIVERY_LIMITS, deliveryBudget, estimateDeliveryCost } from '../../functions/lib/realtime/budget.js';
import type { Store } from '../../functions/lib/data/store.js';
import { AppError } from '../../functions/lib/errors.js';

const schema = executableSchema();
const estimate = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const),
  );
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  return estimateDeliveryCost(schema, operation, fragments, variables);
};

describe('Function: estimateDeliveryCost', () => {
  it('counts each object once and a list of objects without `first` as 10, scalars as nothing', () => {
    expect(estimate('subscription { matchingNeedPosted { score rank need { id title } expert { id } reasons { factor } } }')).toBe(1 + 1 + 1 + 10);
  });

  it("multiplies nested lists by their `first` (the page default when absent, a variable's value when given), edges adding no factor", () => {
    expect(estimate('subscription { matchingNeedPosted { expert { teams { edges { node { name } } } } } }')).toBe(1 + 1 + 3 * 20);
    expect(estimate('subscription ($n: Int) { matchingNeedPosted { expert { teams(first: $n) { edges { node { name } } } } } }', { n: 2 })).toBe(1 + 1 + 3 * 2);
    const members = 'teams { edges { node { members { edges { node { name } } } } } }';
    expect(estimate(`subscription { matchingNeedPosted { expert { ${members} } } }`)).toBe(2 + 3 * 20 + 3 * 400);
  });

  it('follows fragments and inline fragments, so aliases of the same list add up', () => {
    const viaFragment = estimate(
      'subscription { matchingNeedPosted { expert { a: teams { ...T } b: teams { ... on TeamConnection { edges { node { name } } } } } } } fragment T on TeamConnection { edges { node { name } } }',
    );
    expect(viaFragment).toBe(2 + 2 * 3 * 20);
  });

  it('puts 5 aliases × teams → members over the default budget and the same shape with 5 per page under it', () => {
    const wide = (first: string) =>
      `subscription { matchingNeedPosted { expert { ${[0, 1, 2, 3, 4].map((i) => `t${i}: teams${first} { edges { node { members${first} { edges { node { name } } } } } }`).join(' ')} } } }`;
    expect(estimate(wide(''))).toBeGreaterThan(DEFAULT_DELIVERY_LIMITS.maxEstimatedObjects);
    expect(estimate(wide('(first: 5)'))).toBeLessThanOrEqual(DEFAULT_DELIVERY_LIMITS.maxEstimatedObjects);
  });
});

describe('Function: deliveryBudget', () => {
  /** A Store stand-in that counts the reads that reach it. */
  const fakeStore = () => {
    const reached: string[] = [];
    const store = { tableName: 't', get: async (key: unknown) => (reached.push(JSON.stringify(key)), undefined) } as unknown as Store;
    return { store, reached };
  };

  it('lets requests through up to the budget, then refuses them without reaching the store', async () => {
    const { store, reached } = fakeStore();
    const budget = deliveryBudget(store, { ...DEFAULT_DELIVERY_LIMITS, maxRequests: 2 });
    await budget.store.get({ PK: 'a', SK: 'a' });
    await budget.store.get({ PK: 'b', SK: 'b' });
    expect(budget.exceeded()).toBe(false);
    expect(() => budget.store.get({ PK: 'c', SK: 'c' })).toThrow(AppError);
    expect(reached).toHaveLength(2);
    expect(budget.exceeded()).toBe(true);
    expect(budget.requests()).toBe(3);
    expect(budget.store.tableName).toBe('t');
  });

  it('refuses requests once the time budget has passed', () => {
    const { store, reached } = fakeStore();
    let now = 1_000;
    const budget = deliveryBudget(store, { ...DEFAULT_DELIVERY_LIMITS, maxMs: 50 }, () => now);
    now += 51;
    expect(budget.exceeded()).toBe(true);
    expect(() => budget.store.get({ PK: 'a', SK: 'a' })).toThrow(/per-delivery budget of \d+ database requests or 50 ms/);
    expect(reached).toEqual([]);
  });
});
