import { describe, expect, it } from 'vitest';
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { executableSchema } from '../../functions/lib/schema.js';
import { MAX_ESTIMATED_ITEMS, estimateItems } from '../../functions/lib/queryCost.js';
import { checkDocument } from '../../functions/lib/validation.js';
import { partnerOperations, readmeOperations, withFirst } from '../support/readmeOperations.js';
import { nestedNeedsQuery } from '../support/nestedReads.js';

const schema = executableSchema();

/** The estimate the cost limit computes at validation (variables unknown: a `first` variable counts 100 unless it has a default). */
function estimate(source: string): number {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const defaults: Record<string, unknown> = {};
  for (const v of operation.variableDefinitions ?? []) if (v.defaultValue?.kind === Kind.INT) defaults[v.variable.name.value] = Number(v.defaultValue.value);
  return estimateItems(schema, operation, fragments, defaults, { unknownFirst: 100, wrappersFree: true });
}

/** A query that would read 100 experts and 50 teams of each: 5,100 items. */
const OVER = '{ experts(first: 100) { edges { node { name teams(first: 50) { edges { node { name } } } } } } }';

describe('Function: estimateItems (the cost limit)', () => {
  it('counts items read: `first` multiplies what is below it, connections and edges count nothing themselves', () => {
    expect(estimate('{ needs(first: 10) { edges { node { title organization { name } } } pageInfo { hasNextPage } } }')).toBe(10 + 10);
    expect(estimate(nestedNeedsQuery(50))).toBe(50 * (1 + 1 + 1 + 3 + 3 * (1 + 1)));
    expect(estimate(OVER)).toBe(100 * (1 + 50));
  });

  it('counts an absent `first` as the page default (20), a list without `first` as 10, a `first` variable as its default or else 100', () => {
    expect(estimate('{ campaigns { edges { node { name } } } }')).toBe(20);
    expect(estimate('{ need(id: "n") { history { at } } }')).toBe(1 + 10);
    expect(estimate('query ($n: Int) { campaigns(first: $n) { edges { node { name } } } }')).toBe(100);
    expect(estimate('query ($n: Int = 5) { campaigns(first: $n) { edges { node { name } } } }')).toBe(5);
  });

  it('counts what is selected below an interface or a union (node, search results) and costs each fragment once', () => {
    const viaNode = '{ node(id: "t") { ... on Team { members(first: 100) { edges { node { teams(first: 100) { edges { node { name } } } } } } } } }';
    expect(estimate(viaNode)).toBe(1 + 100 + 100 * 100);
    expect(checkDocument(schema, viaNode).ok).toBe(false);
    // 8 levels of fragments, each spreading the next 4 times: 4^8 = 65,536 expansions, costed in one pass per fragment.
    const levels = Array.from({ length: 8 }, (_, i) => `fragment F${i} on Organization { parent { ${i === 7 ? 'name' : `...F${i + 1} `.repeat(4)} } }`);
    const started = Date.now();
    const wide = checkDocument(schema, `{ organization(id: "o") { ...F0 } } ${levels.join(' ')}`);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(wide.ok).toBe(false);
  });

  it('passes every example operation of the README and of the partner client with first: 50', () => {
    const operations = [...readmeOperations(), ...partnerOperations()];
    expect(operations.length).toBeGreaterThan(40);
    for (const { name, source } of operations) {
      const checked = checkDocument(schema, withFirst(source, 50));
      expect(checked.ok ? [] : checked.errors.map((e) => e.message), name).toEqual([]);
    }
    expect(checkDocument(schema, nestedNeedsQuery(50)).ok).toBe(true);
  });

  it(`refuses a query that would read more than ${MAX_ESTIMATED_ITEMS} items, with GRAPHQL_VALIDATION_FAILED and the estimate`, () => {
    const checked = checkDocument(schema, OVER);
    expect(checked.ok).toBe(false);
    const error = checked.ok ? undefined : checked.errors[0];
    expect(error?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', cost: { estimated: 5100, limit: MAX_ESTIMATED_ITEMS } });
    expect(error?.message).toMatch(/Query cost limit of 5000 items exceeded, found 5100/);
    // The same shape with 40 teams each (4,100 items) passes.
    expect(checkDocument(schema, OVER.replace('first: 50', 'first: 40')).ok).toBe(true);
  });
});
