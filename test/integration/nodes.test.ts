import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type GraphqlResponse, type TestApp } from '../support/testApp.js';
import {
  CREATE_TEAM,
  REGISTER_EXPERT,
  SUBMIT_NEED,
  createOrgTree,
  errorOf,
  makeActivityInput,
  makeExpertInput,
  makeNeedInput,
  ok,
  type OrgTree,
} from '../support/fixtures.js';

const CREATE_ACTIVITY = 'mutation ($input: CreateActivityInput!) { createActivity(input: $input) { activity { id } } }';
const CREATE_CAMPAIGN = 'mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }';
const SUBMIT_PLAN = 'mutation ($input: SubmitPlanInput!) { submitPlan(input: $input) { plan { id } } }';
const NOMINATE = 'mutation ($input: NominateInput!) { nominate(input: $input) { nomination { id } } }';

describe('Query: node and nodes (global object identification)', () => {
  let app: TestApp;
  let tree: OrgTree;
  let ids: Record<'organization' | 'expert' | 'team' | 'need' | 'activity' | 'campaign' | 'nomination', string>;
  let planId: string;
  let reportId: string;
  /** Callers: anonymous, a requester who did not post the need, Shenzhen's admin (outside Liwan), an expert. */
  let callers: Record<'anonymous' | 'otherRequester' | 'szAdmin' | 'expert' | 'province', string | null>;

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    const expertToken = await app.token({ roles: ['EXPERT'] });
    const expert = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput({ organizationId: tree.liwan }) }, expertToken)).registerExpert.expert
      .id as string;
    const team = ok(await app.gql(CREATE_TEAM, { input: { organizationId: tree.liwan, name: '荔湾服务队', actions: ['POPULAR_SCIENCE'] } }, tree.admin))
      .createTeam.team.id as string;
    const requester = await app.token({ roles: ['REQUESTER'] });
    const need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput() }, requester)).submitNeed.need.id as string;
    const activity = ok(await app.gql(CREATE_ACTIVITY, { input: makeActivityInput(tree.liwan) }, tree.admin)).createActivity.activity.id as string;
    const campaign = ok(await app.gql(CREATE_CAMPAIGN, { input: { name: '行动', startDate: '2026-09-15' } }, tree.admin)).createCampaign.campaign.id as string;
    planId = ok(await app.gql(SUBMIT_PLAN, { input: { campaignId: campaign, organizationId: tree.liwan, content: '方案' } }, tree.admin)).submitPlan.plan.id;
    const nomination = ok(await app.gql(NOMINATE, { input: { organizationId: tree.liwan, category: 'CASE', caseTitle: '案例', citation: '典型' } }, tree.admin))
      .nominate.nomination.id as string;
    reportId = ok(await app.gql(`{ quarterlyReport(organizationId: "${tree.liwan}", quarter: "2026Q4") { id } }`, {}, tree.admin)).quarterlyReport.id;
    ids = { organization: tree.liwan, expert, team, need, activity, campaign, nomination };
    callers = {
      anonymous: null,
      otherRequester: await app.token({ roles: ['REQUESTER'] }),
      szAdmin: await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen }),
      expert: expertToken,
      province: tree.admin,
    };
  });

  /** What a response says about one root field: its value (null or not) and the error codes. */
  const outcome = (res: GraphqlResponse, field: string) => ({
    present: res.data?.[field] != null,
    codes: (res.errors ?? []).map((e) => e.extensions.code),
  });

  it('fetches each type again by the id it returned, with its type name', async () => {
    for (const [type, id] of Object.entries(ids)) {
      const data = ok(await app.gql(`{ node(id: "${id}") { __typename id } }`, {}, tree.admin));
      expect(data.node).toEqual({ __typename: type.charAt(0).toUpperCase() + type.slice(1), id });
    }
    const extra = ok(
      await app.gql(
        `{ plan: node(id: "${planId}") { __typename ... on Plan { content } } report: node(id: "${reportId}") { __typename ... on QuarterlyReport { quarter } }
           region: node(id: "440103") { __typename id ... on Region { name } } domain: node(id: "AGRICULTURE") { __typename id } }`,
        {},
        tree.admin,
      ),
    );
    expect(extra).toEqual({
      plan: { __typename: 'Plan', content: '方案' },
      report: { __typename: 'QuarterlyReport', quarter: '2026Q4' },
      region: { __typename: 'Region', id: '440103', name: '荔湾区' },
      domain: { __typename: 'Domain', id: 'AGRICULTURE' },
    });
  });

  it('answers null, without an error, for an id nothing has', async () => {
    const res = await app.gql(
      '{ a: node(id: "3f1c9a52-8d7e-4b1a-9c55-0e2f7d6a1b23") { id } b: node(id: "Plan:x:y") { id } c: node(id: "9999") { id } }',
      {},
      tree.admin,
    );
    expect(ok(res)).toEqual({ a: null, b: null, c: null });
  });

  it('reads each entity under exactly the rules of its own root query, for every caller', async () => {
    const roots: Record<string, (id: string) => string> = {
      organization: (id) => `{ organization(id: "${id}") { id } }`,
      expert: (id) => `{ expert(id: "${id}") { id } }`,
      team: (id) => `{ team(id: "${id}") { id } }`,
      need: (id) => `{ need(id: "${id}") { id } }`,
      activity: (id) => `{ activity(id: "${id}") { id } }`,
      campaign: (id) => `{ campaign(id: "${id}") { id } }`,
      nomination: (_id) => `{ nominations(organizationId: "${tree.liwan}") { edges { node { id } } } }`,
    };
    const seen = new Set<string>();
    for (const [type, id] of Object.entries(ids)) {
      for (const [name, token] of Object.entries(callers)) {
        const viaNode = outcome(await app.gql(`{ node(id: "${id}") { id } }`, {}, token), 'node');
        const field = type === 'nomination' ? 'nominations' : type;
        const viaRoot = outcome(await app.gql((roots[type] as (id: string) => string)(id), {}, token), field);
        expect({ type, name, ...viaNode }).toEqual({ type, name, ...viaRoot });
        seen.add(viaNode.codes.join() || 'ok');
      }
    }
    // The table covered allowed, unauthenticated and forbidden cells.
    expect([...seen].sort()).toEqual(['FORBIDDEN', 'UNAUTHENTICATED', 'ok']);
  });

  it('refuses a plan and a quarterly report outside the subtree as Organization.plan and quarterlyReport do', async () => {
    for (const id of [planId, reportId]) {
      const res = await app.gql(`{ node(id: "${id}") { id } }`, {}, callers.szAdmin);
      expect(res.data).toEqual({ node: null });
      expect(errorOf(res)?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(`{ node(id: "${id}") { id } }`, {}))?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('nodes: the objects in order, null for unknown ids, and a refused one null with its own error path', async () => {
    const res = await app.gql(`{ nodes(ids: ["${ids.organization}", "nope", "${ids.need}", "440103"]) { __typename id } }`, {}, callers.szAdmin);
    expect(res.data).toEqual({ nodes: [{ __typename: 'Organization', id: ids.organization }, null, null, { __typename: 'Region', id: '440103' }] });
    expect(res.errors?.map((e) => ({ path: e.path, code: e.extensions.code }))).toEqual([{ path: ['nodes', 2], code: 'FORBIDDEN' }]);
  });

  it('nodes: refuses more than 100 ids (BAD_USER_INPUT on ids)', async () => {
    const many = Array.from({ length: 101 }, (_x, i) => `id-${i}`);
    const res = await app.gql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: many }, tree.admin);
    expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'ids' });
  });

  it('an anonymous teams selection nulls only the refused field: the organizations stay, the error has its path', async () => {
    const res = await app.gql(`{ organization(id: "${tree.liwan}") { id name teams { edges { node { id } } } } regions { code } }`, {});
    expect(res.data?.organization).toEqual({ id: tree.liwan, name: '荔湾区科学技术协会', teams: null });
    expect(res.data?.regions).toHaveLength(3);
    expect(res.errors?.map((e) => ({ path: e.path, code: e.extensions.code }))).toEqual([{ path: ['organization', 'teams'], code: 'UNAUTHENTICATED' }]);

    const listed = await app.gql('{ organizations(filter: { regionCode: "440103" }, first: 2) { edges { node { id teams { edges { node { id } } } } } } }', {});
    expect(listed.data?.organizations.edges).toHaveLength(2);
    expect(listed.data?.organizations.edges[0].node.teams).toBeNull();
    expect(listed.errors?.[0]).toMatchObject({ path: ['organizations', 'edges', 0, 'node', 'teams'], extensions: { code: 'UNAUTHENTICATED' } });
  });
});

describe('PageInfo (Relay)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    await createOrgTree(app);
  });

  it('gives startCursor and hasPreviousPage = false on the first page, hasPreviousPage = true after a cursor', async () => {
    const Q =
      'query ($after: String) { organizations(filter: { regionCode: "44" }, first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }';
    const first = ok(await app.gql(Q, {})).organizations;
    expect(first.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0].cursor, endCursor: first.edges[1].cursor });
    const second = ok(await app.gql(Q, { after: first.pageInfo.endCursor })).organizations;
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    expect(second.pageInfo.startCursor).toBe(second.edges[0].cursor);
    expect(second.edges[0].node.id).not.toBe(first.edges[1].node.id);
  });
});
