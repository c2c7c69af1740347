import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createGraphqlHandler, type AppConfig } from '../../functions/lib/app.js';
import { httpApiEvent, lambdaContext } from '../../infra/local/httpAdapter.js';
import { createTestApp, type Data, type TestApp } from '../support/testApp.js';
import {
  NEED_STEPS,
  REGISTER_EXPERT,
  SUBMIT_NEED,
  createOrgTree,
  createPartnerRecord,
  makeExpertInput,
  makeNeedInput,
  ok,
  type OrgTree,
} from '../support/fixtures.js';

const NEEDS = `query ($id: ID!) {
  needs(first: 10) {
    edges { cursor node { id title description status kind keywords domains { code zh } region { code name } requester { name } } }
    pageInfo { endCursor }
  }
  need(id: $id) { id title status organization { id name } }
}`;
const EXPERTS = `{ experts(first: 10) { edges { cursor node { id name title keywords affiliation origin domains { code zh } } } } }`;
const SEARCH = `query ($query: String!) { search(query: $query) { edges { node { matchedTerms node { __typename ... on Need { id title } } } } } }`;
const SUBSCRIPTION = 'subscription { matchingNeedPosted { score need { id title status } expert { id name } } }';

const SUBMIT_TITLE = `mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id title status } } }`;
const TITLE = '荔枝园病虫害防治';
const TITLE_HK = '荔枝園病蟲害防治';

describe('Traditional Chinese (issue 11, item 5)', () => {
  let app: TestApp;
  let tree: OrgTree;
  let requester: string;
  let needId: string;
  let expertId: string;
  let partner: string;

  const openNeed = async (overrides: Record<string, unknown> = {}) => {
    const need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput(overrides) }, requester)).submitNeed.need;
    ok(await app.gql(NEED_STEPS.REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin));
    await app.settle();
    return need.id as string;
  };
  const needOf = (data: Data) => (data.needs.edges as Array<{ node: Data }>).find((e) => e.node.id === needId)?.node;

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    requester = await app.token({ roles: ['REQUESTER'] });
    await createPartnerRecord(app, tree.admin, 'hk-expert-platform', { preferredLanguage: 'zh-HK' });
    partner = await app.token({ roles: ['PARTNER'], partner: 'hk-expert-platform', scope: 'needs.read experts.write' });
    const input = makeExpertInput({ name: '黄植保', keywords: ['荔枝', '病虫害'], affiliation: '华南农业大学', organizationId: tree.liwan });
    expertId = ok(await app.gql(REGISTER_EXPERT, { input }, await app.token({ roles: ['EXPERT'] }))).registerExpert.expert.id;
    needId = await openNeed();
  });

  describe('HTTP responses', () => {
    it('writes needs and need in Hong Kong Traditional for zh-HK, ids, cursors and enums unchanged, and Simplified without a header', async () => {
      const simplified = await app.gql(NEEDS, { id: needId }, tree.admin);
      const hk = await app.gql(NEEDS, { id: needId }, tree.admin, { 'accept-language': 'zh-HK;q=0.9, en;q=0.5' });
      const s = ok(simplified);
      const t = ok(hk);
      expect(needOf(s)).toMatchObject({ title: TITLE, keywords: ['荔枝'], domains: [{ code: 'AGRICULTURE', zh: '农业科学' }] });
      expect(needOf(t)).toMatchObject({
        id: needId,
        title: TITLE_HK,
        description: '社區果園的荔枝出現病蟲害，需要專家上門指導。',
        status: 'OPEN',
        kind: 'RURAL_REVITALIZATION',
        keywords: ['荔枝'],
        domains: [{ code: 'AGRICULTURE', zh: '農業科學' }],
        requester: { name: '沙面社區居委會' },
      });
      expect(needOf(t)?.region.code).toBe(needOf(s)?.region.code);
      expect(t.needs.edges.map((e: Data) => e.cursor)).toEqual(s.needs.edges.map((e: Data) => e.cursor));
      expect(t.needs.pageInfo).toEqual(s.needs.pageInfo);
      expect(t.need).toMatchObject({ id: needId, title: TITLE_HK, status: 'OPEN', organization: { id: s.need.organization.id } });
      expect(simplified.headers['content-language']).toBe('zh-CN');
      expect(hk.headers['content-language']).toBe('zh-HK');
      expect(hk.headers.vary).toMatch(/accept-language/i);
      expect(simplified.headers.vary).toMatch(/accept-language/i);
    });

    it('writes experts in Traditional for zh-MO (Hong Kong forms) and zh-TW (Taiwan forms)', async () => {
      const mo = await app.gql(EXPERTS, {}, tree.admin, { 'accept-language': 'zh-MO' });
      const tw = await app.gql(EXPERTS, {}, tree.admin, { 'accept-language': 'zh-TW' });
      const s = ok(await app.gql(EXPERTS, {}, tree.admin));
      const find = (d: Data) => (d.experts.edges as Array<{ node: Data }>).find((e) => e.node.id === expertId)?.node;
      expect(find(s)).toMatchObject({ name: '黄植保', keywords: ['荔枝', '病虫害'], affiliation: '华南农业大学' });
      expect(find(ok(mo))).toMatchObject({ id: expertId, name: '黃植保', title: 'SENIOR_ENGINEER', origin: 'MAINLAND', keywords: ['荔枝', '病蟲害'] });
      expect(find(ok(mo))?.affiliation).toBe('華南農業大學');
      expect(find(ok(tw))).toMatchObject({ id: expertId, name: '黃植保', affiliation: '華南農業大學' });
      expect(mo.headers['content-language']).toBe('zh-MO');
      expect(tw.headers['content-language']).toBe('zh-TW');
    });

    it("applies a principal's preferred language without a header, and the header over it", async () => {
      // The partner record fills preferredLanguage on the request path (another part of issue 11); here the verifier does.
      // The handler reads only `production` from the config when it is given its dependencies.
      const config: AppConfig = { tableName: app.tableName, cursorSecret: 'unused', production: false, auth: { kind: 'local', publicJwk: {} } };
      const handler = createGraphqlHandler(config, {
        ...app.deps,
        verifier: { principalFor: async (authorization) => ({ ...(await app.deps.verifier.principalFor(authorization)), preferredLanguage: 'zh-HK' }) },
      });
      const call = async (headers: Record<string, string>) => {
        const event = httpApiEvent({
          method: 'POST',
          path: '/graphql',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tree.admin}`, ...headers },
          body: JSON.stringify({ query: NEEDS, variables: { id: needId } }),
        });
        const result = await handler(event, lambdaContext('kezhi-test'), () => undefined);
        const headersOut = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
        return { body: JSON.parse(result.body ?? '{}') as { data: Data }, headers: headersOut };
      };
      const preferred = await call({});
      expect(preferred.body.data.need.title).toBe(TITLE_HK);
      expect(preferred.headers['content-language']).toBe('zh-HK');
      const overridden = await call({ 'accept-language': 'zh-CN' });
      expect(overridden.body.data.need.title).toBe(TITLE);
      expect(overridden.headers['content-language']).toBe('zh-CN');
      const taiwan = await call({ 'Accept-Language': 'zh-TW' });
      expect(taiwan.headers['content-language']).toBe('zh-TW');
    });

    it('stores an idempotent mutation as executed and writes each replay in the language of the retry', async () => {
      const key = { 'idempotency-key': randomUUID() };
      const input = makeNeedInput({ title: '龙眼园水肥一体化' });
      const first = await app.gql(SUBMIT_TITLE, { input }, requester, { ...key, 'accept-language': 'zh-HK' });
      expect(ok(first).submitNeed.need.title).toBe('龍眼園水肥一體化');
      const replay = await app.gql(SUBMIT_TITLE, { input }, requester, key);
      expect(ok(replay).submitNeed.need).toEqual({ ...ok(first).submitNeed.need, title: '龙眼园水肥一体化' });
      expect(replay.headers['content-language']).toBe('zh-CN');
    });

    it('leaves error responses readable and sets Content-Language on them too', async () => {
      const refused = await app.gql('{ need(id: "x") { id title } }', {}, null, { 'accept-language': 'zh-HK' });
      expect(refused.headers['content-language']).toBe('zh-HK');
    });
  });

  describe('Input', () => {
    it('finds the Simplified record by a Traditional query (search normalizes its query once, in the service)', async () => {
      for (const query of ['荔枝園病蟲害', '荔枝园病虫害']) {
        const found = ok(await app.gql(SEARCH, { query }, tree.admin));
        const needs = (found.search.edges as Array<{ node: Data }>).map((e) => e.node).filter((h) => h.node.__typename === 'Need');
        expect(needs.map((h) => h.node.id)).toContain(needId);
        expect(needs.find((h) => h.node.id === needId)?.matchedTerms).toEqual(expect.arrayContaining(['病虫害']));
      }
    });

    it('answers a Traditional search in Traditional when asked', async () => {
      const found = ok(await app.gql(SEARCH, { query: '荔枝園' }, tree.admin, { 'accept-language': 'zh-HK' }));
      const hit = (found.search.edges as Array<{ node: Data }>).map((e) => e.node).find((h) => h.node.id === needId);
      expect(hit?.node.title).toBe(TITLE_HK);
      // Matched terms are the Simplified index terms the query was analysed into, written for the reader.
      expect(hit?.matchedTerms).toEqual(expect.arrayContaining(['荔枝園']));
    });

    it('matches a need written in Traditional to an expert whose keywords are Simplified', async () => {
      const traditional = await openNeed({ title: '荔枝園病蟲害求助', keywords: ['病蟲害'], description: '果園裡的荔枝樹今年蟲害嚴重。' });
      const matches = ok(await app.gql(`query ($id: ID!) { need(id: $id) { matches { expert { id } } } }`, { id: traditional }, tree.admin)).need.matches;
      expect(matches.map((m: Data) => m.expert.id)).toContain(expertId);
    });

    it('matches a Simplified need to an expert whose keywords are Traditional, on that keyword', async () => {
      const input = makeExpertInput({ name: '陳大文', keywords: ['龍眼', '水肥一體化'], domains: ['AQUACULTURE'], regionCode: '440103' });
      const hongKong = ok(await app.gql(REGISTER_EXPERT, { input }, await app.token({ roles: ['EXPERT'] }))).registerExpert.expert.id;
      const id = await openNeed({ title: '龙眼鱼塘综合种养', keywords: ['龙眼'], domains: ['AQUACULTURE'] });
      const query = `query ($id: ID!) { need(id: $id) { matches { expert { id } reasons { factor score detail } } } }`;
      const match = ok(await app.gql(query, { id }, tree.admin)).need.matches.find((m: Data) => m.expert.id === hongKong);
      expect(match?.reasons.find((r: Data) => r.factor === 'KEYWORD')).toMatchObject({ score: expect.any(Number), detail: expect.stringContaining('龙眼') });
      expect(match?.reasons.find((r: Data) => r.factor === 'KEYWORD')?.score).toBeGreaterThan(0);
    });
  });

  describe('Subscriptions', () => {
    it('delivers `next` in Traditional to a connection that passed acceptLanguage, Simplified to one that did not', async () => {
      const open = async (payload: Record<string, unknown>) => {
        const connectionId = randomUUID();
        await app.subscriptions.handle({
          requestContext: { routeKey: '$connect', connectionId },
          headers: { 'sec-websocket-protocol': 'graphql-transport-ws' },
        });
        const send = (m: Record<string, unknown>) =>
          app.subscriptions.handle({ requestContext: { routeKey: '$default', connectionId }, body: JSON.stringify(m) });
        await send({ type: 'connection_init', payload });
        await send({ type: 'subscribe', id: 's1', payload: { query: SUBSCRIPTION } });
        return connectionId;
      };
      const hk = await open({ authorization: `Bearer ${tree.admin}`, acceptLanguage: 'zh-HK' });
      const plain = await open({ authorization: `Bearer ${tree.admin}` });
      const id = await openNeed({ title: '龙眼园病虫害防治' });
      const next = (connectionId: string) =>
        app.gateway
          .to(connectionId)
          .filter((m) => m.type === 'next')
          .map((m) => (m.payload as { data: Data }).data.matchingNeedPosted)
          .find((e) => e.need.id === id);
      expect(next(hk)).toMatchObject({ need: { id, title: '龍眼園病蟲害防治', status: 'OPEN' }, expert: { id: expertId, name: '黃植保' } });
      expect(next(plain)).toMatchObject({ need: { id, title: '龙眼园病虫害防治' }, expert: { name: '黄植保' } });
    });
  });

  it('writes the published needs a partner token reads in Traditional', async () => {
    const read = await app.gql(NEEDS, { id: needId }, partner, { 'accept-language': 'zh-HK' });
    expect(needOf(ok(read))).toMatchObject({ id: needId, title: TITLE_HK, status: 'OPEN' });
    expect(read.headers['content-language']).toBe('zh-HK');
  });

  it("writes in the partner record's preferred language without a header, and in Simplified when the header asks for it", async () => {
    const preferred = await app.gql(NEEDS, { id: needId }, partner);
    expect(needOf(ok(preferred))).toMatchObject({ id: needId, title: TITLE_HK });
    expect(preferred.headers['content-language']).toBe('zh-HK');
    const simplified = await app.gql(NEEDS, { id: needId }, partner, { 'accept-language': 'zh-CN' });
    expect(needOf(ok(simplified))).toMatchObject({ id: needId, title: TITLE });
  });
});
