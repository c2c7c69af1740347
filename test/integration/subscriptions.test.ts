import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { REGISTER_EXPERT, SUBMIT_NEED, createOrgTree, makeExpertInput, makeNeedInput, NEED_STEPS, ok, type OrgTree } from '../support/fixtures.js';
import { GSI1, connectionKey, entityKey, subscribersOf, subscriptionKey } from '../../functions/lib/data/keys.js';
import { createSubscriptionService } from '../../functions/lib/realtime/subscriptions.js';
import { DEFAULT_DELIVERY_LIMITS } from '../../functions/lib/realtime/budget.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import type { NeedRecord } from '../../functions/lib/repositories/needs.js';

const SUBSCRIPTION =
  'subscription ($expertId: ID, $minScore: Float) { matchingNeedPosted(expertId: $expertId, minScore: $minScore) { score rank need { id title } expert { id } reasons { factor } } }';
const { REVIEW } = NEED_STEPS;

describe('Subscriptions: graphql-ws over the connection gateway', () => {
  let app: TestApp;
  let tree: OrgTree;
  let requester: string;
  const experts: Record<string, { id: string; token: string; sub: string }> = {};

  const connect = async (headers: Record<string, string> = { 'sec-websocket-protocol': 'graphql-transport-ws' }) => {
    const connectionId = randomUUID();
    const result = await app.subscriptions.handle({ requestContext: { routeKey: '$connect', connectionId }, headers });
    return { connectionId, result };
  };
  const send = (connectionId: string, message: Record<string, unknown> | string) =>
    app.subscriptions.handle({ requestContext: { routeKey: '$default', connectionId }, body: typeof message === 'string' ? message : JSON.stringify(message) });
  const open = async (token: string | null) => {
    const { connectionId } = await connect();
    await send(connectionId, { type: 'connection_init', ...(token && { payload: { authorization: `Bearer ${token}` } }) });
    return connectionId;
  };
  const subscribe = (connectionId: string, id: string, variables: Record<string, unknown> = {}) =>
    send(connectionId, { type: 'subscribe', id, payload: { query: SUBSCRIPTION, variables } });
  const openNeed = async (overrides: Record<string, unknown> = {}) => {
    const need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput(overrides) }, requester)).submitNeed.need;
    ok(await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin));
    await app.settle();
    return need.id as string;
  };
  const nexts = (connectionId: string) => app.gateway.to(connectionId).filter((m) => m.type === 'next');
  /** The last message to a connection when it is an `error`: its id and the distinct codes of its errors. */
  const refusal = (connectionId: string) => {
    const last = app.gateway.to(connectionId).at(-1) as { type: string; id: string; payload: Array<{ extensions: { code: string } }> } | undefined;
    return last?.type === 'error' ? { id: last.id, codes: [...new Set(last.payload.map((e) => e.extensions.code))] } : last;
  };

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    requester = await app.token({ roles: ['REQUESTER'] });
    for (const [key, overrides] of Object.entries({
      farmer: { domains: ['AGRICULTURE'], regionCode: '440103', organizationId: tree.liwan },
      doctor: { domains: ['MEDICINE'], regionCode: '440103' },
      fisher: { domains: ['AGRICULTURE'], regionCode: '440304', organizationId: tree.futian },
    })) {
      const sub = `user-${key}-${randomUUID()}`;
      const id = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput(overrides) }, await app.token({ roles: ['EXPERT'], sub }))).registerExpert.expert
        .id;
      experts[key] = { id, sub, token: await app.token({ roles: ['EXPERT'], sub, expert: id }) };
    }
  });

  describe('Route: $connect and connection_init', () => {
    it('refuses a connection without the graphql-transport-ws subprotocol and accepts one with it', async () => {
      expect((await connect({})).result).toMatchObject({ statusCode: 400 });
      expect((await connect()).result).toEqual({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'graphql-transport-ws' } });
    });

    it('acknowledges a valid token and closes with 4403 without one or with a bad one', async () => {
      const good = await open(experts.farmer?.token as string);
      expect(app.gateway.to(good)).toEqual([{ type: 'connection_ack' }]);
      for (const token of [null, 'not-a-token']) {
        const bad = await open(token);
        expect(app.gateway.closed.find((c) => c.connectionId === bad)).toMatchObject({ code: 4403 });
        expect(app.gateway.to(bad)).toEqual([]);
      }
    });

    it('closes with 4429 on a second init, 4401 on subscribe before ack, 4400 on garbage; answers ping', async () => {
      const c = await open(experts.farmer?.token as string);
      await send(c, { type: 'ping' });
      expect(app.gateway.to(c).at(-1)).toEqual({ type: 'pong' });
      await send(c, { type: 'connection_init', payload: { authorization: `Bearer ${experts.farmer?.token}` } });
      expect(app.gateway.closed.find((x) => x.connectionId === c)?.code).toBe(4429);
      const { connectionId: early } = await connect();
      await subscribe(early, '1');
      expect(app.gateway.closed.find((x) => x.connectionId === early)?.code).toBe(4401);
      const g = await open(experts.farmer?.token as string);
      await send(g, '{not json');
      expect(app.gateway.closed.find((x) => x.connectionId === g)?.code).toBe(4400);
    });
  });

  describe('Message: subscribe', () => {
    it("refuses another expert's id with an error message (FORBIDDEN), and a bad document with its validation error", async () => {
      const c = await open(experts.farmer?.token as string);
      await subscribe(c, 'theirs', { expertId: experts.fisher?.id });
      expect(app.gateway.to(c).at(-1)).toEqual({ type: 'error', id: 'theirs', payload: [expect.objectContaining({ extensions: { code: 'FORBIDDEN' } })] });
      await send(c, { type: 'subscribe', id: 'bad', payload: { query: 'subscription { matchingNeedPosted { nope } }' } });
      expect(app.gateway.to(c).at(-1)).toMatchObject({ type: 'error', id: 'bad' });
      await send(c, { type: 'subscribe', id: 'q', payload: { query: '{ regions { code } }' } });
      expect(app.gateway.to(c).at(-1)).toMatchObject({ type: 'error', id: 'q', payload: [{ message: 'Send a subscription operation' }] });
    });

    it('refuses a document over the limits (or otherwise invalid) exactly as the HTTP API does: same codes, same messages', async () => {
      const c = await open(experts.farmer?.token as string);
      const documents: Record<string, { query: string; variables?: Record<string, unknown> }> = {
        depth: { query: `subscription { matchingNeedPosted { expert { organization { ${'parent { '.repeat(10)}id${' }'.repeat(10)} } } } }` },
        aliases: { query: `subscription { matchingNeedPosted { ${Array.from({ length: 16 }, (_, i) => `a${i}: score`).join(' ')} } }` },
        directives: { query: `subscription { matchingNeedPosted { score ${'@include(if: true) '.repeat(21)}} }` },
        tokens: { query: `subscription { matchingNeedPosted { ${'score '.repeat(3100)}} }` },
        // 100 teams × 100 members: an estimated 10,102 items read, over the cost limit of 5,000 (queryCost.ts).
        cost: {
          query: 'subscription { matchingNeedPosted { expert { teams(first: 100) { edges { node { members(first: 100) { edges { node { id } } } } } } } } }',
        },
        suggestion: { query: 'subscription { matchingNeedPosted { scor } }' },
        syntax: { query: 'subscription { matchingNeedPosted { ' },
        variable: { query: 'subscription ($m: Float) { matchingNeedPosted(minScore: $m) { score } }', variables: { m: 'high' } },
      };
      for (const [id, { query, variables }] of Object.entries(documents)) {
        const http = await app.gql(query, variables ?? {}, experts.farmer?.token);
        expect(http.data ?? undefined, id).toBeUndefined();
        expect(http.errors?.length, id).toBeGreaterThan(0);
        await send(c, { type: 'subscribe', id, payload: { query, ...(variables && { variables }) } });
        expect(app.gateway.to(c).at(-1), id).toEqual({ type: 'error', id, payload: http.errors });
      }
      const codes = (id: string) => {
        const payload = app.gateway.to(c).find((m) => m.id === id)?.payload as Array<{ extensions: { code: string } }>;
        return new Set(payload.map((e) => e.extensions.code));
      };
      for (const id of ['depth', 'aliases', 'directives', 'cost', 'suggestion']) {
        expect(codes(id), id).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
      }
      // A document that does not parse (a syntax error, too many tokens) is GRAPHQL_PARSE_FAILED, as Apollo answers it over HTTP.
      for (const id of ['tokens', 'syntax']) expect(codes(id), id).toEqual(new Set(['GRAPHQL_PARSE_FAILED']));
      expect(codes('variable')).toEqual(new Set(['BAD_USER_INPUT']));
      expect(JSON.stringify(app.gateway.to(c))).not.toContain('Did you mean');
    });

    it('refuses depth 50 and 1,000 aliases at subscribe, storing nothing', async () => {
      const c = await open(experts.farmer?.token as string);
      const documents = {
        depth50: `subscription { matchingNeedPosted { expert { organization { ${'parent { '.repeat(47)}id${' }'.repeat(47)} } } } }`,
        aliases1000: `subscription { matchingNeedPosted { ${Array.from({ length: 1000 }, (_, i) => `a${i}: score`).join(' ')} } }`,
      };
      // Depth is a validation rule; 1,000 aliases (4,000 tokens) already stop at the token limit of the parser.
      const expected: Record<string, string> = { depth50: 'GRAPHQL_VALIDATION_FAILED', aliases1000: 'GRAPHQL_PARSE_FAILED' };
      for (const [id, query] of Object.entries(documents)) {
        await send(c, { type: 'subscribe', id, payload: { query } });
        expect(refusal(c), id).toEqual({ id, codes: [expected[id]] });
        expect(await app.deps.store.get(subscriptionKey(c, id)), id).toBeUndefined();
      }
    });

    it('refuses a document over the per-delivery budget (5 aliases × teams → members) naming the budget, and accepts a bounded one', async () => {
      const c = await open(experts.farmer?.token as string);
      const teamsOfMembers = (alias: string) => `${alias}: teams { edges { node { name members { edges { node { name title } } } } } }`;
      // The issue's document: 5 aliases of teams → members, 3 levels deep (refused by the depth limit before the budget).
      const level = (n: number): string => (n === 0 ? 'id' : `teams { edges { node { members { edges { node { ${level(n - 1)} } } } } } }`);
      const issue = `subscription { matchingNeedPosted { expert { ${[0, 1, 2, 3, 4].map((i) => `t${i}: ${level(3)}`).join(' ')} } } }`;
      const wide = `subscription { matchingNeedPosted { score expert { ${[0, 1, 2, 3, 4].map((i) => teamsOfMembers(`t${i}`)).join(' ')} } } }`;
      await send(c, { type: 'subscribe', id: 'issue', payload: { query: issue } });
      expect(refusal(c)).toEqual({ id: 'issue', codes: ['GRAPHQL_VALIDATION_FAILED'] });
      await send(c, { type: 'subscribe', id: 'wide', payload: { query: wide } });
      const refused = app.gateway.to(c).at(-1) as { type: string; id: string; payload: Array<{ message: string; extensions: { code: string } }> };
      expect(refused).toMatchObject({ type: 'error', id: 'wide', payload: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
      expect(refused.payload[0]?.message).toContain(`per-delivery budget is ${DEFAULT_DELIVERY_LIMITS.maxEstimatedObjects}`);
      expect(await app.deps.store.get(subscriptionKey(c, 'wide'))).toBeUndefined();
      // The same shape with small pages is within the budget.
      const bounded =
        'subscription { matchingNeedPosted { score expert { teams(first: 5) { edges { node { name members(first: 5) { edges { node { name } } } } } } } } }';
      const sent = app.gateway.to(c).length;
      await send(c, { type: 'subscribe', id: 'bounded', payload: { query: bounded } });
      expect(app.gateway.to(c)).toHaveLength(sent);
      expect(await app.deps.store.get(subscriptionKey(c, 'bounded'))).toBeDefined();
      await send(c, { type: 'complete', id: 'bounded' });
    });

    it('refuses a subscription sent over HTTP with BAD_USER_INPUT that points to WebSocket', async () => {
      const res = await app.gql(SUBSCRIPTION, {}, experts.farmer?.token);
      expect(res.errors).toEqual([expect.objectContaining({ path: ['matchingNeedPosted'], extensions: { code: 'BAD_USER_INPUT' } })]);
      expect(res.errors?.[0]?.message).toMatch(/WebSocket/);
    });

    it('closes with 4409 when a subscription id is reused', async () => {
      const c = await open(experts.farmer?.token as string);
      await subscribe(c, 'same');
      await subscribe(c, 'same');
      expect(app.gateway.closed.find((x) => x.connectionId === c)?.code).toBe(4409);
    });
  });

  describe('Publishing from the stream', () => {
    it('delivers exactly one next, with the selected fields, to the matching expert and nothing to the others', async () => {
      const farmer = await open(experts.farmer?.token as string);
      const doctor = await open(experts.doctor?.token as string);
      await subscribe(farmer, 'f');
      await subscribe(doctor, 'd');
      const needId = await openNeed({ title: '推送测试' });
      const received = nexts(farmer);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        id: 'f',
        payload: { data: { matchingNeedPosted: { rank: 1, need: { id: needId, title: '推送测试' }, expert: { id: experts.farmer?.id } } } },
      });
      expect(nexts(doctor)).toEqual([]);
    });

    it('stores a subscription as one record string, and still delivers to one stored as attributes before that', async () => {
      const c = await open(experts.fisher?.token as string);
      await subscribe(c, 'now');
      const item = (await app.deps.store.get(subscriptionKey(c, 'now'))) as Record<string, unknown>;
      expect(Object.keys(item).sort()).toEqual(['GSI1PK', 'GSI1SK', 'PK', 'SK', 'entity', 'expiresAt', 'record']);
      const record = JSON.parse(item.record as string) as Record<string, unknown>;
      expect(record).toMatchObject({ connectionId: c, subscriptionId: 'now', target: { kind: 'EXPERT', expertId: experts.fisher?.id }, minScore: 0 });
      // An item of the earlier form (written before a deploy, alive until its TTL): the record's fields as attributes.
      const { record: _record, ...keys } = item;
      await app.deps.store.putItem({ ...keys, ...subscriptionKey(c, 'before'), GSI1SK: `${c}#before`, ...record, subscriptionId: 'before' });
      const needId = await openNeed({ title: '旧订阅' });
      const received = nexts(c).filter((m) => JSON.stringify(m).includes(needId));
      expect(received.map((m) => m.id).sort()).toEqual(['before', 'now']);
      // A publication reads the subscriptions without their keys (a ProjectionExpression): the record, or the earlier form's fields.
      const target = { kind: 'EXPERT', expertId: experts.fisher?.id as string } as const;
      const projected = await app.deps.store.queryAll({
        partition: subscribersOf(target),
        index: GSI1,
        attributes: ['record', 'connectionId', 'subscriptionId'],
      });
      const mine = projected.filter((i) => i.connectionId === c || (typeof i.record === 'string' && i.record.includes(c)));
      expect(mine.map((i) => Object.keys(i).sort())).toEqual(expect.arrayContaining([['record'], ['connectionId', 'subscriptionId']]));
      expect(mine).toHaveLength(2);
    });

    it('notifies once when the same stream record is delivered twice', async () => {
      const c = await open(experts.fisher?.token as string);
      await subscribe(c, 'x');
      const needId = await openNeed({ title: '重复投递' });
      expect(nexts(c).filter((m) => JSON.stringify(m).includes(needId))).toHaveLength(1);
      const need = await app.deps.store.get(entityKey('NEED', needId));
      const { marshall } = await import('@aws-sdk/util-dynamodb');
      const record = {
        eventName: 'MODIFY' as const,
        dynamodb: {
          NewImage: marshall(need ?? {}, { removeUndefinedValues: true }) as never,
          OldImage: marshall({ ...need, status: 'SUBMITTED' }, { removeUndefinedValues: true }) as never,
          SequenceNumber: '1',
        },
      };
      const { createNeedStreamProcessor } = await import('../../functions/lib/streams/needStream.js');
      const handle = createNeedStreamProcessor(app.deps, app.subscriptions);
      expect(await handle({ Records: [record] })).toEqual({ batchItemFailures: [] });
      expect(nexts(c).filter((m) => JSON.stringify(m).includes(needId))).toHaveLength(1);
    });

    it('removes a gone connection (410) and still delivers to the others', async () => {
      const gone = await open(experts.farmer?.token as string);
      const alive = await open(experts.farmer?.token as string);
      await subscribe(gone, 'g');
      await subscribe(alive, 'a');
      app.gateway.gone.add(gone);
      await openNeed({ title: '断线测试' });
      expect(await app.deps.store.get(connectionKey(gone))).toBeUndefined();
      expect(await app.deps.store.get(connectionKey(alive))).toBeDefined();
      expect(nexts(alive).some((m) => JSON.stringify(m).includes('断线测试'))).toBe(true);
    });

    it('lets an admin listen for the experts of its subtree, honours minScore, and stops delivering to a disabled user', async () => {
      const gzSub = `gz-admin-${randomUUID()}`;
      const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou, sub: gzSub });
      const admin = await open(gzAdmin);
      await subscribe(admin, 'all');
      const picky = await open(experts.farmer?.token as string);
      await subscribe(picky, 'picky', { minScore: 0.99 });
      await openNeed({ title: '管理员订阅' });
      const adminGot = nexts(admin).map((m) => (m.payload as { data: { matchingNeedPosted: { expert: { id: string } } } }).data.matchingNeedPosted.expert.id);
      expect(adminGot).toContain(experts.farmer?.id);
      expect(adminGot).not.toContain(experts.fisher?.id);
      expect(nexts(picky)).toEqual([]);

      ok(
        await app.gql(
          'mutation ($input: SetUserAccessInput!) { setUserAccess(input: $input) { access { disabled } } }',
          { input: { userId: gzSub, disabled: true } },
          tree.admin,
        ),
      );
      const before = nexts(admin).length;
      await openNeed({ title: '停用之后' });
      expect(nexts(admin)).toHaveLength(before);
    });

    it('stops delivering to an expert whose EXPERT role was revoked', async () => {
      const c = await open(experts.fisher?.token as string);
      await subscribe(c, 'r');
      await openNeed({ title: '撤销之前' });
      expect(nexts(c)).toHaveLength(1);
      const fisherUser = JSON.parse(Buffer.from((experts.fisher?.token as string).split('.')[1] as string, 'base64url').toString()).sub as string;
      ok(
        await app.gql(
          'mutation ($input: SetUserAccessInput!) { setUserAccess(input: $input) { access { revokedRoles } } }',
          { input: { userId: fisherUser, disabled: false, revokedRoles: ['EXPERT'] } },
          tree.admin,
        ),
      );
      await openNeed({ title: '撤销之后' });
      expect(nexts(c)).toHaveLength(1);
    });

    it('reports a failing record as a batch item failure and still processes the others', async () => {
      const { marshall } = await import('@aws-sdk/util-dynamodb');
      const { createNeedStreamProcessor } = await import('../../functions/lib/streams/needStream.js');
      const handle = createNeedStreamProcessor(app.deps, app.subscriptions);
      // The need is really open (delivery reads it back under Query.need's rule) before anyone listens on c.
      const goodId = await openNeed({ title: '批处理' });
      const c = await open(experts.farmer?.token as string);
      await subscribe(c, 'batch');
      const good = await app.deps.store.get(entityKey('NEED', goodId));
      const opened = { ...good, status: 'OPEN', openedAt: new Date().toISOString() };
      const broken = { ...opened, id: 'broken', PK: 'NEED#broken', domains: 'not-a-list' };
      const record = (image: Record<string, unknown>, seq: string) => ({
        eventName: 'MODIFY' as const,
        dynamodb: {
          NewImage: marshall(image, { removeUndefinedValues: true }) as never,
          OldImage: marshall({ ...image, status: 'SUBMITTED' }, { removeUndefinedValues: true }) as never,
          SequenceNumber: seq,
        },
      });
      const result = await handle({ Records: [record(broken, '100'), record(opened, '101')] });
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
      expect(nexts(c).some((m) => JSON.stringify(m).includes(goodId))).toBe(true);
    });

    it('stops delivering after complete and removes everything on $disconnect', async () => {
      const c = await open(experts.farmer?.token as string);
      await subscribe(c, 'once');
      await send(c, { type: 'complete', id: 'once' });
      await openNeed({ title: '取消之后' });
      expect(nexts(c)).toEqual([]);
      await app.subscriptions.handle({ requestContext: { routeKey: '$disconnect', connectionId: c } });
      expect(await app.deps.store.get(connectionKey(c))).toBeUndefined();
    });

    it('ends a subscription whose delivery goes over the request budget with an error, and still sends the others their next', async () => {
      // A service with a budget of 2 Store requests per delivery, sharing the table (and so the subscriptions) with the app.
      const strict = createSubscriptionService(app.deps, app.gateway, undefined, { ...DEFAULT_DELIVERY_LIMITS, maxRequests: 2 });
      const cheap = await open(experts.farmer?.token as string);
      const costly = await open(experts.farmer?.token as string);
      await subscribe(cheap, 'cheap');
      const heavy =
        'subscription { matchingNeedPosted { score need { title } expert { name organization { name } teams { edges { node { name leader { name } } } } } } }';
      await send(costly, { type: 'subscribe', id: 'heavy', payload: { query: heavy } });
      const needId = await openNeed({ title: '预算测试' });
      // The app's own service (default budget) delivered to both; a re-opening published by the strict service goes over budget for one.
      expect(nexts(costly)).toHaveLength(1);
      const repos = createRepositories(app.deps.store);
      const need = (await repos.needs.get(needId)) as NeedRecord;
      await strict.publish({ ...need, openedAt: new Date(Date.now() + 1000).toISOString() }, await repos.needs.matches(needId, 100));
      expect(nexts(cheap)).toHaveLength(2);
      expect(nexts(cheap).at(-1)).toMatchObject({ id: 'cheap', payload: { data: { matchingNeedPosted: { need: { id: needId } } } } });
      expect(nexts(costly)).toHaveLength(1);
      const error = app.gateway.to(costly).at(-1) as { type: string; id: string; payload: Array<{ message: string; extensions: { code: string } }> };
      expect(error).toMatchObject({ type: 'error', id: 'heavy', payload: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
      expect(error.payload[0]?.message).toContain('per-delivery budget of 2 database requests');
      // The subscription has ended: its item is gone and the next opening reaches only the cheap one.
      expect(await app.deps.store.get(subscriptionKey(costly, 'heavy'))).toBeUndefined();
      await openNeed({ title: '预算之后' });
      expect(nexts(cheap)).toHaveLength(3);
      expect(app.gateway.to(costly).at(-1)).toEqual(error);
    });

    it('gives an organization-wide subscriber the best match of its subtree for each need', async () => {
      // A second expert of Liwan whose match scores lower than the farmer's (other keywords, farther away).
      const sub = `user-weaker-${randomUUID()}`;
      const weaker = ok(
        await app.gql(
          REGISTER_EXPERT,
          { input: makeExpertInput({ domains: ['AGRICULTURE'], keywords: ['水稻'], regionCode: '440106', organizationId: tree.liwan }) },
          await app.token({ roles: ['EXPERT'], sub }),
        ),
      ).registerExpert.expert.id as string;
      const admin = await open(await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou }));
      await subscribe(admin, 'best');
      const needId = await openNeed({ title: '最佳匹配' });
      const matches = await createRepositories(app.deps.store).needs.matches(needId, 100);
      const scoreOf = (expertId: string | undefined) => matches.find((m) => m.expertId === expertId)?.score;
      const [farmer, other] = [scoreOf(experts.farmer?.id), scoreOf(weaker)];
      expect(farmer).toBeDefined();
      expect(other).toBeDefined();
      expect(farmer).not.toBe(other);
      const got = nexts(admin);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({
        id: 'best',
        payload: { data: { matchingNeedPosted: { score: Math.max(farmer as number, other as number), need: { id: needId } } } },
      });
    });
  });
});
