import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { createOrgTree, ok, type OrgTree } from '../support/fixtures.js';
import { nestedNeedsQuery, seedNeedsWithMatches, type NestedSeed } from '../support/nestedReads.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';

/** Issue 12, row 1: a page of needs with their matches, experts and organizations costs one request per level. */
describe('Nested reads: one DynamoDB request per level', () => {
  let app: TestApp;
  let tree: OrgTree;
  let seed: NestedSeed;
  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    const repos = createRepositories(app.deps.store);
    const orgs = await Promise.all(
      [tree.province, tree.guangzhou, tree.liwan, tree.shamian, tree.shenzhen, tree.futian].map((id) => repos.organizations.require(id)),
    );
    // Needs of three organizations, experts of three others: each level reads keys of its own.
    seed = await seedNeedsWithMatches(app.deps, {
      prefix: 'nr',
      organizations: orgs.slice(0, 3),
      expertOrganizations: orgs.slice(3),
      experts: 60,
      needs: 50,
      matchesPerNeed: 5,
    });
  }, 120_000);

  it('answers needs(first: 50) with requester, organization, matches(first: 3), their experts and organizations in at most 6 requests', async () => {
    app.requests.reset();
    const data = ok(await app.gql(nestedNeedsQuery(50), {}, tree.admin));
    const total = app.requests.total;
    const counts = Object.fromEntries(app.requests.counts);
    const edges = data.needs.edges as Array<{
      node: { title: string; organization: { name: string }; matches: Array<{ score: number; expert: { name: string; organization: { name: string } } }> };
    }>;
    expect(edges).toHaveLength(50);
    for (const { node } of edges) {
      expect(node.organization.name).toBeTruthy();
      expect(node.matches.map((m) => m.score)).toEqual([0.9, 0.85, 0.8]);
      for (const m of node.matches) expect(m.expert.organization.name).toBeTruthy();
    }
    // The caller's access record, the needs' index page, the needs, their organizations and matches, the experts, their organizations.
    expect(total, JSON.stringify(counts)).toBeLessThanOrEqual(6);
    expect(counts.QueryCommand).toBe(1);
  });

  it('answers Need.matches the same through the batched top-matches item as through a Query of the ranked items, after an erasure too', async () => {
    const repos = createRepositories(app.deps.store);
    const needId = seed.needIds[0]!;
    const MATCHES = 'query ($id: ID!) { need(id: $id) { matches(first: 5) { rank score expert { id } } } }';
    const viaQuery = async () => (await repos.needs.matches(needId, 5)).map((m) => ({ rank: m.rank, score: m.score, expert: { id: m.expertId } }));
    const answered = ok(await app.gql(MATCHES, { id: needId }, tree.admin)).need.matches;
    expect(answered).toHaveLength(5);
    expect(answered).toEqual(await viaQuery());
    // Erasing the rank-2 expert's matches leaves ranks 1, 3, 4, 5 both ways.
    const erased = answered[1].expert.id as string;
    await createRepositories(app.deps.store).needs.eraseMatchesOf(erased);
    const after = ok(await app.gql(MATCHES, { id: needId }, tree.admin)).need.matches;
    expect(after.map((m: { rank: number }) => m.rank)).toEqual([1, 3, 4, 5]);
    expect(after).toEqual(await viaQuery());
  });

  it('answers an empty list for a need matched to nobody without a Query', async () => {
    const repos = createRepositories(app.deps.store);
    const need = await repos.needs.require(seed.needIds[1]!);
    await repos.needs.putMatches({ id: `${need.id}-none`, openedAt: need.openedAt }, []);
    const top = await createRepositories(app.deps.store).needs.topMatches({ id: `${need.id}-none`, openedAt: need.openedAt }, 3);
    expect(top).toEqual([]);
  });
});
