import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { createOrgTree, errorOf, ok, type OrgTree } from '../support/fixtures.js';

const CREATE = 'mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id name startDate planDueDate } } }';
const LIST = `query ($first: Int, $after: String) {
  campaigns(first: $first, after: $after) { edges { cursor node { id name startDate planDueDate } } pageInfo { hasNextPage endCursor } }
}`;

interface Campaign {
  id: string;
  name: string;
  startDate: string;
  planDueDate: string;
}

interface CampaignPage {
  campaigns: { edges: Array<{ cursor: string; node: Campaign }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('Query: campaigns', () => {
  let app: TestApp;
  let tree: OrgTree;
  const created: Record<string, Campaign> = {};

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    // Created out of date order: the list is ordered by start date, not by creation.
    for (const [name, startDate] of [
      ['2019 行动', '2019-05-17'],
      ['2026 行动', '2026-09-15'],
      ['2023 行动', '2023-03-01'],
    ] as const) {
      created[startDate.slice(0, 4)] = ok(await app.gql(CREATE, { input: { name, startDate } }, tree.admin)).createCampaign.campaign;
    }
  });

  it('lists campaigns newest start date first, with their plan due dates', async () => {
    const page = ok(await app.gql(LIST, {}, tree.admin)) as CampaignPage;
    expect(page.campaigns.edges.map((e) => e.node)).toEqual([created['2026'], created['2023'], created['2019']]);
    expect(page.campaigns.edges[0]?.node.planDueDate).toBe('2026-10-15');
    expect(page.campaigns.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });

  it('pages with first and after', async () => {
    const first = ok(await app.gql(LIST, { first: 2 }, tree.admin)) as CampaignPage;
    expect(first.campaigns.edges.map((e) => e.node.id)).toEqual([created['2026']?.id, created['2023']?.id]);
    expect(first.campaigns.pageInfo.hasNextPage).toBe(true);
    const second = ok(await app.gql(LIST, { first: 2, after: first.campaigns.pageInfo.endCursor }, tree.admin)) as CampaignPage;
    expect(second.campaigns.edges.map((e) => e.node.id)).toEqual([created['2019']?.id]);
    expect(second.campaigns.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });

  it('gives the id that overduePlans takes', async () => {
    const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
    const [newest] = (ok(await app.gql(LIST, { first: 1 }, gzAdmin)) as CampaignPage).campaigns.edges;
    const query = `{ overduePlans(organizationId: "${tree.guangzhou}", campaignId: "${newest?.node.id}", asOf: "2026-10-16") { id } }`;
    const overdue = ok(await app.gql(query, {}, gzAdmin));
    expect(overdue.overduePlans.map((o: { id: string }) => o.id).sort()).toEqual([tree.guangzhou, tree.liwan, tree.shamian].sort());
  });

  it('is readable by whoever reads a campaign: admins, experts, and callers without a token', async () => {
    const expert = await app.token({ roles: ['EXPERT'], expert: 'e-1' });
    for (const token of [await app.token({ roles: ['ORG_ADMIN'], org: tree.futian }), expert, null]) {
      const page = ok(await app.gql(LIST, { first: 1 }, token)) as CampaignPage;
      expect(page.campaigns.edges.map((e) => e.node.id)).toEqual([created['2026']?.id]);
      expect(ok(await app.gql(`{ campaign(id: "${created['2026']?.id}") { name } }`, {}, token)).campaign).toEqual({ name: '2026 行动' });
    }
  });

  it('refuses a page size over the limit and a cursor of another list', async () => {
    expect(errorOf(await app.gql(LIST, { first: 101 }, tree.admin))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    const experts = ok(await app.gql('{ experts(first: 1) { pageInfo { endCursor } } }', {}, tree.admin));
    const foreign = experts.experts.pageInfo.endCursor ?? 'bm90LWEtY3Vyc29y.x';
    expect(errorOf(await app.gql(LIST, { after: foreign }, tree.admin))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});
