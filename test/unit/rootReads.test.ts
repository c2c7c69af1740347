import { describe, expect, it } from 'vitest';
import { entityKey } from '../../functions/lib/data/keys.js';
import { rootEntityKeys } from '../../functions/lib/rootReads.js';

const body = (query: string, variables?: Record<string, unknown>, operationName?: string) => JSON.stringify({ query, variables, operationName });

describe('rootEntityKeys: the entities a query starts from by id, read with the access record', () => {
  it('names the main item of a root entity field given by a literal or a variable, under an alias too', () => {
    expect(rootEntityKeys(body('{ organization(id: "o1") { name } }'))).toEqual([entityKey('ORG', 'o1')]);
    expect(rootEntityKeys(body('query ($id: ID!) { n: need(id: $id) { title } e: expert(id: "x1") { name } }', { id: 'n1' }))).toEqual([
      entityKey('NEED', 'n1'),
      entityKey('EXPERT', 'x1'),
    ]);
  });

  it('reads a node id under every entity type, as node(id:) looks it up', () => {
    const keys = rootEntityKeys(body('{ node(id: "abc") { id } }'));
    expect(keys).toContainEqual(entityKey('ORG', 'abc'));
    expect(keys).toContainEqual(entityKey('PARTNER', 'abc'));
    expect(keys).toHaveLength(12);
  });

  it('picks the operation by operationName, and none when several are sent without one', () => {
    const doc = 'query A { organization(id: "a") { id } } query B { team(id: "b") { id } }';
    expect(rootEntityKeys(body(doc, {}, 'B'))).toEqual([entityKey('TEAM', 'b')]);
    expect(rootEntityKeys(body(doc))).toEqual([]);
    expect(rootEntityKeys(body(doc, {}, 'C'))).toEqual([]);
  });

  it('reads nothing ahead for mutations, subscriptions, other root fields or nested ones', () => {
    expect(rootEntityKeys(body('mutation { updateOrganization(input: { id: "o1" }) { organization { id } } }'))).toEqual([]);
    expect(rootEntityKeys(body('subscription { needOpened(expertId: "x") { id } }'))).toEqual([]);
    expect(rootEntityKeys(body('{ needs(first: 5) { edges { node { organization { id } } } } me { id } }'))).toEqual([]);
    expect(rootEntityKeys(body('{ ... on Query { organization(id: "o1") { id } } }'))).toEqual([]);
  });

  it('ignores what it cannot use: no body, not JSON, no query, a syntax error, over the token limit, odd ids and fields', () => {
    for (const bad of [undefined, null, '', 'not json', '{"query": 5}', body('{ organization(id: "o1" { id }')]) expect(rootEntityKeys(bad)).toEqual([]);
    expect(rootEntityKeys(body(`{ organization(id: "o1") { ${'id '.repeat(20_000)} } }`))).toEqual([]);
    expect(rootEntityKeys(body('query ($id: ID!) { organization(id: $id) { id } }', { id: 5 }))).toEqual([]);
    expect(rootEntityKeys(body('query ($id: ID!) { organization(id: $id) { id } }'))).toEqual([]);
    expect(rootEntityKeys(body(`{ organization(id: "${'x'.repeat(129)}") { id } }`))).toEqual([]);
    expect(rootEntityKeys(body('{ organization(id: "") { id } }'))).toEqual([]);
    expect(rootEntityKeys(body('{ constructor(id: "o1") { id } __proto__(id: "o2") { id } }'))).toEqual([]);
  });

  it('reads at most 50 keys ahead', () => {
    const fields = Array.from({ length: 60 }, (_, i) => `o${i}: organization(id: "id${i}") { id }`).join(' ');
    expect(rootEntityKeys(body(`{ ${fields} }`))).toHaveLength(50);
  });
});
