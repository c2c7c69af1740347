import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { REGISTER_EXPERT, createOrgTree, errorOf, makeExpertInput, ok, type OrgTree } from '../support/fixtures.js';

const PAGE = `query ($filter: ExpertFilter, $first: Int, $after: String) {
  experts(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id name origin } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface ExpertPage {
  experts: {
    edges: Array<{ cursor: string; node: { id: string; name: string; origin: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe('Connections', () => {
  let app: TestApp;
  let tree: OrgTree;
  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    // 12 Hong Kong experts in MARINE, interleaved (in key order) with 12 mainland MARINE experts and 12 others.
    const inputs = Array.from({ length: 36 }, (_, i) => {
      const kind = i % 3;
      return makeExpertInput({
        name: `专家${String(i).padStart(2, '0')}`,
        origin: kind === 0 ? 'HONG_KONG' : 'MAINLAND',
        domains: kind === 2 ? ['ENERGY'] : ['MARINE'],
        regionCode: kind === 0 ? '810101' : '440103',
        ...(kind !== 0 && { organizationId: i % 2 ? tree.liwan : tree.shamian }),
        ...(kind === 0 && { phone: `+8526${String(1000000 + i).slice(-7)}` }),
      });
    });
    for (const input of inputs) {
      ok(await app.gql(REGISTER_EXPERT, { input }, await app.token({ roles: ['EXPERT'] })));
    }
  });

  it('pages 12 items as 5, 5 and 2; only the last page has hasNextPage false and no endCursor', async () => {
    const filter = { domain: 'MARINE', origin: 'HONG_KONG' };
    const sizes: number[] = [];
    const flags: boolean[] = [];
    const seen = new Set<string>();
    let after: string | null = null;
    do {
      const data: ExpertPage = ok(await app.gql(PAGE, { filter, first: 5, after }, tree.admin)) as ExpertPage;
      sizes.push(data.experts.edges.length);
      flags.push(data.experts.pageInfo.hasNextPage);
      for (const e of data.experts.edges) {
        expect(e.node.origin).toBe('HONG_KONG');
        seen.add(e.node.id);
      }
      after = data.experts.pageInfo.endCursor;
      if (!data.experts.pageInfo.hasNextPage) expect(after).toBeNull();
    } while (after);
    expect(sizes).toEqual([5, 5, 2]);
    expect(flags).toEqual([true, true, false]);
    expect(seen.size).toBe(12);
  });

  it('returns full pages when a filter matches a minority of interleaved items', async () => {
    const data = ok(await app.gql(PAGE, { filter: { domain: 'MARINE', origin: 'MAINLAND', regionCode: '4401' }, first: 10 }, tree.admin)) as ExpertPage;
    expect(data.experts.edges).toHaveLength(10);
    expect(data.experts.pageInfo.hasNextPage).toBe(true);
  });

  it('defaults to 20 and refuses first above 100 or below 0', async () => {
    const data = ok(await app.gql(PAGE, {}, tree.admin)) as ExpertPage;
    expect(data.experts.edges).toHaveLength(20);
    expect(errorOf(await app.gql(PAGE, { first: 101 }, tree.admin))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(errorOf(await app.gql(PAGE, { first: -1 }, tree.admin))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('refuses a tampered cursor and a cursor issued for another list', async () => {
    const data = ok(await app.gql(PAGE, { filter: { domain: 'MARINE' }, first: 2 }, tree.admin)) as ExpertPage;
    const cursor = data.experts.pageInfo.endCursor as string;
    const [payload, signature] = cursor.split('.') as [string, string];
    const forged = `${Buffer.from(JSON.stringify({ PK: 'IX#EXPERT', SK: '0' })).toString('base64url')}.${signature}`;
    expect(errorOf(await app.gql(PAGE, { filter: { domain: 'MARINE' }, after: forged }, tree.admin))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(errorOf(await app.gql(PAGE, { filter: { domain: 'ENERGY' }, after: cursor }, tree.admin))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(errorOf(await app.gql(PAGE, { filter: { domain: 'MARINE' }, after: `${payload}` }, tree.admin))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('costs one round trip per level: a page of 20 experts with their organizations is 1 Query + 2 BatchGetItem (experts, then their organizations), after the caller’s access record (1 BatchGetItem)', async () => {
    app.requests.reset();
    const data = ok(await app.gql('{ experts(first: 20) { edges { node { name organization { name } region { name } } } } }', {}, tree.admin));
    expect(data.experts.edges).toHaveLength(20);
    const orgs = new Set(data.experts.edges.map((e: { node: { organization: { name: string } | null } }) => e.node.organization?.name));
    expect(orgs).toEqual(new Set(['荔湾区科学技术协会', '沙面街道科学技术协会']));
    expect(Object.fromEntries(app.requests.counts)).toEqual({ QueryCommand: 1, BatchGetItemCommand: 3 });
  });
});
