import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { ok } from '../support/fixtures.js';
import { seedDemoData } from '../../infra/local/seed.js';

const SEARCH = `query ($query: String!) { search(query: $query, first: 20) {
  edges { node { score matchedTerms node { __typename ... on Need { id title } ... on Expert { id name keywords } ... on Technology { id title } } } }
} }`;

type Hit = { score: number; matchedTerms: string[]; node: { __typename: string; title?: string; name?: string; keywords?: string[] } };

describe('Search on the local demo data', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    // The demo data as `npm start` seeds it (fewer experts), through the API: every entity has its term items.
    await seedDemoData((claims, query, variables) => app.token(claims).then(async (token) => ok(await app.gql(query, variables, token))), { expertCount: 60 });
  }, 240_000);

  it('finds the seeded lychee need, then the lychee technology, then the plant-protection experts for 「荔枝园病虫害防治」', async () => {
    const token = await app.token({ roles: ['EXPERT'] });
    const hits = (ok(await app.gql(SEARCH, { query: '荔枝园病虫害防治' }, token)).search.edges as Array<{ node: Hit }>).map((e) => e.node);
    expect(hits[0]?.node).toMatchObject({ __typename: 'Need', title: '荔枝园病虫害绿色防控' });
    expect(hits[1]?.node).toMatchObject({ __typename: 'Technology', title: '荔枝病虫害绿色防控技术' });
    const experts = hits.filter((h) => h.node.__typename === 'Expert');
    expect(experts.length).toBeGreaterThan(0);
    // Every expert found says 病虫害防治 or 荔枝 in its keywords; the best ones first.
    for (const e of experts) expect(e.node.keywords?.some((k) => k === '病虫害防治' || k === '荔枝')).toBe(true);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });
});
