import { beforeAll, describe, expect, it } from 'vitest';
import { entityKey } from '../../functions/lib/data/keys.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import { termKeysOf } from '../../functions/lib/repositories/search.js';
import { backfillSearchTerms } from '../../infra/scripts/searchBackfill.js';
import { scanTable } from '../support/consistency.js';
import { createTestApp, type Data, type TestApp } from '../support/testApp.js';
import { dynamoEndpoint } from '../support/dynamoPerFile.js';
import {
  CREATE_TEAM,
  NEED_STEPS,
  REGISTER_EXPERT,
  SUBMIT_NEED,
  UPDATE_EXPERT,
  createOrgTree,
  errorOf,
  makeExpertInput,
  makeNeedInput,
  ok,
  type OrgTree,
} from '../support/fixtures.js';

const SEARCH = `query ($query: String!, $types: [SearchType!], $regionCode: String, $first: Int, $after: String) {
  search(query: $query, types: $types, regionCode: $regionCode, first: $first, after: $after) {
    edges {
      cursor
      node {
        score
        matchedTerms
        highlights { field text }
        node {
          __typename
          ... on Need { id title }
          ... on Expert { id name }
          ... on Technology { id title }
          ... on Project { id title }
          ... on Organization { id name }
          ... on Team { id name }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

type Hit = { score: number; matchedTerms: string[]; highlights: Array<{ field: string; text: string }>; node: { __typename: string; id: string } };
const hits = (d: Data): Hit[] => (d.search.edges as Array<{ node: Hit }>).map((e) => e.node);
const ids = (d: Data): string[] => hits(d).map((h) => h.node.id);

describe('Search', () => {
  let app: TestApp;
  let tree: OrgTree;
  let expertToken: string;
  let requesterToken: string;
  const search = async (query: string, token: string | null, extra: Record<string, unknown> = {}) => app.gql(SEARCH, { query, ...extra }, token);
  const register = async (input: Record<string, unknown>) => {
    const token = await app.token({ roles: ['EXPERT'] });
    const expert = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput(input) }, token)).registerExpert.expert as { id: string; version: number };
    return { ...expert, token };
  };
  const submit = async (input: Record<string, unknown>) =>
    ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput(input) }, requesterToken)).submitNeed.need as { id: string; version: number };
  const open = async (need: { id: string; version: number }) =>
    ok(await app.gql(NEED_STEPS.REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin));

  let lycheeNeed: string;
  let plantDoctor: string;
  let chen: { id: string; version: number; token: string };
  let lycheeTech: string;
  let project: string;
  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    requesterToken = await app.token({ roles: ['REQUESTER'] });
    expertToken = await app.token({ roles: ['EXPERT'] });
    const need = await submit({});
    await open(need);
    lycheeNeed = need.id;
    plantDoctor = (
      await register({
        name: '黄植保',
        keywords: ['病虫害防治', '植物保护'],
        bio: '华南农业大学植物保护学院，研究荔枝、龙眼的病虫害绿色防控。',
        organizationId: tree.liwan,
      })
    ).id;
    await register({ name: '李渔', keywords: ['鱼塘', '水产养殖'], bio: '研究对虾养殖。', domains: ['AQUACULTURE'] });
    chen = await register({ name: '陈志明', keywords: ['智能制造'], bio: null });
    const tech = `mutation ($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { id } } }`;
    const technology = {
      organizationId: tree.liwan,
      title: '荔枝病虫害绿色防控技术',
      domains: ['AGRICULTURE'],
      keywords: ['病虫害防治'],
      maturity: 'MATURE',
      transferModes: ['SERVICE'],
      regionCode: '440103',
    };
    lycheeTech = ok(await app.gql(tech, { input: technology }, tree.admin)).createTechnology.technology.id;
    const createProject = `mutation ($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }`;
    const projectInput = { organizationId: tree.liwan, title: '荔湾区社区科普大篷车', action: 'POPULAR_SCIENCE', regionCode: '440103' };
    project = ok(await app.gql(createProject, { input: projectInput }, tree.admin)).createProject.project.id;
  });

  it('finds the lychee need first, then the technology and the plant-protection expert, for 「荔枝园病虫害防治」, with highlights', async () => {
    const data = ok(await search('荔枝园病虫害防治', expertToken));
    expect(ids(data).slice(0, 3)).toEqual([lycheeNeed, lycheeTech, plantDoctor]);
    const [need, , expert] = hits(data);
    expect(need?.score).toBeGreaterThan(expert?.score ?? 0);
    expect(need?.highlights).toContainEqual({ field: 'title', text: '【荔枝园】【病虫害防治】' });
    expect(expert?.highlights.map((h) => h.field)).toEqual(['keywords', 'bio']);
    expect(hits(data).some((h) => h.node.__typename === 'Expert' && h.node.id !== plantDoctor && h.matchedTerms.includes('鱼塘'))).toBe(false);
  });

  it('matches a need to an expert by a keyword the need says only in its description (its segmented terms), Traditional text too', async () => {
    const grower = await register({ name: '龙眼专家', keywords: ['龙眼'], bio: null, domains: ['AGRICULTURE'] });
    const simplified = await submit({ title: '果园管理求助', description: '村里的龙眼树今年挂果很少。', domains: ['AGRICULTURE'], keywords: [] });
    const traditional = await submit({ title: '果園管理求助', description: '村裡的龍眼樹今年掛果很少。', domains: ['AGRICULTURE'], keywords: [] });
    for (const need of [simplified, traditional]) await open(need);
    await app.settle();
    for (const need of [simplified, traditional]) {
      const data = ok(await app.gql(`{ need(id: "${need.id}") { matches(first: 50) { expert { id } reasons { factor detail } } } }`, {}, tree.admin));
      const match = (data.need.matches as Array<{ expert: { id: string }; reasons: Array<{ factor: string; detail: string }> }>).find(
        (m) => m.expert.id === grower.id,
      );
      expect(match?.reasons).toContainEqual(expect.objectContaining({ factor: 'KEYWORD', detail: expect.stringContaining('龙眼') }));
    }
  });

  it('sends one Query per query term and one BatchGetItem per round of candidates', async () => {
    app.requests.reset();
    ok(await search('荔枝园病虫害防治', expertToken, { first: 10 }));
    // 荔枝, 荔枝园, 病虫, 虫害, 病虫害, 防治, 病虫害防治: seven terms, seven Queries; the candidates' records in one BatchGetItem.
    // Besides the caller's access record (one BatchGetItem every request makes), nothing else.
    expect(Object.fromEntries(app.requests.counts)).toEqual({ QueryCommand: 7, BatchGetItemCommand: 2 });
  });

  it('finds 陈志明 by 「czm」, 「chenzhiming」 and 「chen zhi ming」, the name highlighted', async () => {
    for (const query of ['czm', 'chenzhiming', 'chen zhi ming', 'CZM']) {
      const data = ok(await search(query, expertToken, { types: ['EXPERT'] }));
      expect(ids(data), query).toContain(chen.id);
      expect(hits(data).find((h) => h.node.id === chen.id)?.highlights).toContainEqual({ field: 'name', text: '【陈志明】' });
    }
  });

  it('finds a need written 「智能制造」 when 「智能製造」 is typed, and the reverse', async () => {
    const written = await submit({ title: '智能制造车间改造咨询', description: '工厂希望引入工业机器人。', domains: ['MANUFACTURING'], keywords: [] });
    const traditional = await submit({ title: '數據中心節能改造', description: '機房耗電太高。', domains: ['ENERGY'], keywords: [] });
    expect(ids(ok(await search('智能製造', tree.admin, { types: ['NEED'] })))).toContain(written.id);
    expect(ids(ok(await search('数据中心节能', tree.admin, { types: ['NEED'] })))).toContain(traditional.id);
  });

  it("keeps to the lists' visibility: an expert does not find a SUBMITTED need, its admins do", async () => {
    const submitted = await submit({ title: '香蕉枯萎病求助', description: '蕉园出现枯萎病。', keywords: ['香蕉'] });
    const find = async (token: string) => ids(ok(await search('香蕉枯萎病', token, { types: ['NEED'] })));
    expect(await find(expertToken)).not.toContain(submitted.id);
    expect(await find(await app.token({ roles: ['ORG_ADMIN'], org: tree.liwan }))).toContain(submitted.id);
    expect(await find(await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen }))).not.toContain(submitted.id);
    expect(await find(tree.admin)).toContain(submitted.id);
    // The requester browses published needs with `needs` too (its own with myNeeds).
    expect(await find(await app.token({ roles: ['REQUESTER'] }))).not.toContain(submitted.id);
    expect(errorOf(await search('香蕉枯萎病', null))?.code).toBe('UNAUTHENTICATED');
  });

  it('finds technologies and projects, and only the types asked for', async () => {
    const data = ok(await search('科普大篷车', expertToken));
    expect(hits(data).map((h) => [h.node.__typename, h.node.id])).toEqual([['Project', project]]);
    expect(ids(ok(await search('荔枝', expertToken, { types: ['TECHNOLOGY'] })))).toEqual([lycheeTech]);
  });

  it('finds organizations and teams by full pinyin, initials and words of their names', async () => {
    const input = { organizationId: tree.liwan, name: '荔湾区荔枝专家服务队', actions: ['RURAL_REVITALIZATION'] };
    const team = ok(await app.gql(CREATE_TEAM, { input }, tree.admin)).createTeam.team.id as string;
    const found = async (query: string, types: string[]) => ids(ok(await search(query, expertToken, { types })));
    expect(await found('lwqkxjsxh', ['ORGANIZATION'])).toEqual([tree.liwan]);
    expect(await found('liwanqukexuejishuxiehui', ['ORGANIZATION'])).toEqual([tree.liwan]);
    expect(await found('lwqlzzjfwd', ['TEAM'])).toEqual([team]);
    expect(await found('服务队', ['TEAM'])).toContain(team);
    const data = ok(await search('lwqlzzjfwd', expertToken));
    expect(hits(data)[0]).toMatchObject({ node: { __typename: 'Team', id: team }, highlights: [{ field: 'name', text: '【荔湾区荔枝专家服务队】' }] });
  });

  it('keeps to a region subtree by the sort-key prefix', async () => {
    expect(ids(ok(await search('荔枝园', expertToken, { regionCode: '4401' })))).toContain(lycheeNeed);
    expect(ids(ok(await search('荔枝园', expertToken, { regionCode: '4403' })))).not.toContain(lycheeNeed);
  });

  it('pages through hits best first without repeating one', async () => {
    const first = ok(await search('荔枝园病虫害防治', expertToken, { first: 1 }));
    expect(first.search.pageInfo.hasNextPage).toBe(true);
    const second = ok(await search('荔枝园病虫害防治', expertToken, { first: 1, after: first.search.pageInfo.endCursor }));
    expect([...ids(first), ...ids(second)]).toEqual([lycheeNeed, lycheeTech]);
    expect(errorOf(await search('荔枝', expertToken, { after: 'bogus' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('backfills an expert written before search: no term items, then found after the backfill', async () => {
    const old = await register({ name: '欧阳修远', keywords: ['古籍修复'], bio: null });
    const store = app.deps.store;
    // As written before search: no searchTerms, no term items.
    const record = await createRepositories(store).experts.requireFresh(old.id);
    await store.batchWrite({ delete: termKeysOf('EXPERT', record, record.regionCode) });
    await store.updateItem(entityKey('EXPERT', old.id), { set: { searchTerms: null } });
    expect(ids(ok(await search('oyxy', expertToken, { types: ['EXPERT'] })))).not.toContain(old.id);
    const items = await scanTable(dynamoEndpoint(), app.tableName);
    const written = await backfillSearchTerms(store, items, new Date().toISOString());
    expect(written).toEqual({ EXPERT: 1 });
    expect(ids(ok(await search('oyxy', expertToken, { types: ['EXPERT'] })))).toContain(old.id);
    expect(ids(ok(await search('古籍修复', expertToken, { types: ['EXPERT'] })))).toContain(old.id);
    expect(await backfillSearchTerms(store, await scanTable(dynamoEndpoint(), app.tableName), new Date().toISOString())).toEqual({});
  });

  it('moves the term items when the name changes: the old name is no longer found', async () => {
    const renamed = ok(await app.gql(UPDATE_EXPERT, { input: { id: chen.id, version: chen.version, name: '林晓东' } }, chen.token)).updateExpert.expert;
    expect(renamed.name).toBe('林晓东');
    expect(ids(ok(await search('czm', expertToken, { types: ['EXPERT'] })))).not.toContain(chen.id);
    expect(ids(ok(await search('lxd', expertToken, { types: ['EXPERT'] })))).toContain(chen.id);
    // Keywords not changed stay indexed.
    expect(ids(ok(await search('智能制造', expertToken, { types: ['EXPERT'] })))).toContain(chen.id);
  });

  it('moves the term items when a title changes: the old title is no longer found, the new one is', async () => {
    const create = `mutation ($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { id version } } }`;
    const input = {
      organizationId: tree.liwan,
      title: '香蕉保鲜冷链技术',
      domains: ['AGRICULTURE'],
      maturity: 'PILOT',
      transferModes: ['SERVICE'],
      regionCode: '440103',
    };
    const tech = ok(await app.gql(create, { input }, tree.admin)).createTechnology.technology as { id: string; version: number };
    expect(ids(ok(await search('香蕉保鲜', expertToken, { types: ['TECHNOLOGY'] })))).toContain(tech.id);
    const update = `mutation ($input: UpdateTechnologyInput!) { updateTechnology(input: $input) { technology { title } } }`;
    ok(await app.gql(update, { input: { id: tech.id, version: tech.version, title: '菠萝蜜催熟技术' } }, tree.admin));
    expect(ids(ok(await search('香蕉保鲜', expertToken, { types: ['TECHNOLOGY'] })))).not.toContain(tech.id);
    expect(ids(ok(await search('菠萝蜜', expertToken, { types: ['TECHNOLOGY'] })))).toContain(tech.id);
  });

  it('re-weighs a term that moves from the bio to the keywords', async () => {
    const expert = await register({ name: '周文博', keywords: ['考古'], bio: '研究岭南古陶瓷。' });
    const score = async () => hits(ok(await search('古陶瓷', expertToken, { types: ['EXPERT'] }))).find((h) => h.node.id === expert.id)?.score;
    expect(await score()).toBe(1);
    ok(await app.gql(UPDATE_EXPERT, { input: { id: expert.id, version: expert.version, keywords: ['古陶瓷'] } }, expert.token));
    expect(await score()).toBe(2);
  });
});
