import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/testApp.js';
import {
  makePartnerInput,
  REGISTER_EXPERT,
  SUBMIT_NEED,
  createOrgTree,
  errorOf,
  makeExpertInput,
  makeNeedInput,
  NEED_STEPS,
  ok,
  type OrgTree,
} from '../support/fixtures.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';

const PARTNER_FIELDS =
  'id nameHant nameHans nameEn regionCode contactName contactEmail contactPhone status consentTermsVersion quotaPerMinute preferredLanguage version';
const CREATE = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { partner { ${PARTNER_FIELDS} } } }`;
const UPDATE = `mutation ($input: UpdatePartnerInput!) { updatePartner(input: $input) { partner { ${PARTNER_FIELDS} } } }`;
const step = (name: 'suspendPartner' | 'reactivatePartner' | 'revokePartner', input: string) =>
  `mutation ($input: ${input}!) { ${name}(input: $input) { partner { id status version } } }`;
const SUSPEND = step('suspendPartner', 'SuspendPartnerInput');
const REACTIVATE = step('reactivatePartner', 'ReactivatePartnerInput');
const REVOKE = step('revokePartner', 'RevokePartnerInput');
const SUBSCRIPTION = 'subscription ($expertId: ID) { matchingNeedPosted(expertId: $expertId) { score need { id } expert { id } } }';

const partnerInput = makePartnerInput;

describe('Partners: records, access, quota and subscriptions (issue 11)', () => {
  let app: TestApp;
  let tree: OrgTree;
  let requester: string;

  const createPartner = async (overrides: Record<string, unknown> = {}) =>
    ok(await app.gql(CREATE, { input: partnerInput(`p-${randomUUID()}`, overrides) }, tree.admin)).createPartner.partner as {
      id: string;
      version: number;
      status: string;
    };
  const partnerToken = (partner: string, scope = 'experts.write needs.read') => app.token({ roles: ['PARTNER'], partner, sub: partner, scope });
  const setStatus = async (mutation: string, partner: { id: string; version: number }) => {
    const data = ok(await app.gql(mutation, { input: { id: partner.id, version: partner.version } }, tree.admin));
    return Object.values(data)[0].partner as { id: string; version: number; status: string };
  };

  // In-process WebSocket, as in subscriptions.test.ts.
  const send = (connectionId: string, message: Record<string, unknown>) =>
    app.subscriptions.handle({ requestContext: { routeKey: '$default', connectionId }, body: JSON.stringify(message) });
  const open = async (token: string) => {
    const connectionId = randomUUID();
    await app.subscriptions.handle({ requestContext: { routeKey: '$connect', connectionId }, headers: { 'sec-websocket-protocol': 'graphql-transport-ws' } });
    await send(connectionId, { type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    return connectionId;
  };
  const subscribe = (connectionId: string, id: string, variables: Record<string, unknown> = {}) =>
    send(connectionId, { type: 'subscribe', id, payload: { query: SUBSCRIPTION, variables } });
  const nexts = (connectionId: string) =>
    app.gateway.to(connectionId).filter((m) => m.type === 'next') as Array<{ payload: { data: { matchingNeedPosted: { expert: { id: string } } } } }>;
  const lastError = (connectionId: string) =>
    app.gateway.to(connectionId).at(-1) as { type: string; id: string; payload: Array<{ message: string; extensions: { code: string } }> } | undefined;
  const openNeed = async () => {
    const need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput() }, requester)).submitNeed.need;
    ok(await app.gql(NEED_STEPS.REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin));
    await app.settle();
    return need.id as string;
  };
  /** An expert owned by `partnerId` (the sync mutation comes from another part of issue 11: the record is set directly). */
  const partnerExpert = async (partnerId: string | null) => {
    const sub = `user-${randomUUID()}`;
    const input = makeExpertInput({ domains: ['AGRICULTURE'], regionCode: '440103', organizationId: tree.liwan });
    const id = ok(await app.gql(REGISTER_EXPERT, { input }, await app.token({ roles: ['EXPERT'], sub }))).registerExpert.expert.id as string;
    if (partnerId) {
      const experts = createRepositories(app.deps.store).experts;
      await experts.update(await experts.requireFresh(id), { partnerId, externalId: `ext-${id}` }, new Date().toISOString());
    }
    return id;
  };

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    requester = await app.token({ roles: ['REQUESTER'] });
  });

  describe('Management by the province', () => {
    it('creates a partner (ACTIVE, default quota 600) and refuses a second one with the same client id (CONFLICT on clientId)', async () => {
      const clientId = `hk-${randomUUID()}`;
      const created = ok(await app.gql(CREATE, { input: partnerInput(clientId, { contactPhone: '91234567' }) }, tree.admin)).createPartner.partner;
      expect(created).toMatchObject({ id: clientId, status: 'ACTIVE', quotaPerMinute: 600, preferredLanguage: 'zh-HK', regionCode: '81', version: 1 });
      const again = await app.gql(CREATE, { input: partnerInput(clientId) }, tree.admin);
      expect(errorOf(again)).toEqual({ code: 'CONFLICT', field: 'clientId' });
    });

    it('validates the region (81 or 82) and the preferred language', async () => {
      expect(errorOf(await app.gql(CREATE, { input: partnerInput(`x-${randomUUID()}`, { regionCode: '44' }) }, tree.admin))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'regionCode',
      });
      expect(errorOf(await app.gql(CREATE, { input: partnerInput(`x-${randomUUID()}`, { preferredLanguage: 'fr' }) }, tree.admin))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'preferredLanguage',
      });
      const macao = await createPartner({ regionCode: '82', preferredLanguage: 'zh-MO' });
      expect(macao.id).toBeTruthy();
    });

    it('updates with the version read (a stale one is CONFLICT on version) and lists partners', async () => {
      const partner = await createPartner();
      const updated = ok(await app.gql(UPDATE, { input: { id: partner.id, version: 1, nameEn: 'HK Experts', quotaPerMinute: 120 } }, tree.admin)).updatePartner
        .partner;
      expect(updated).toMatchObject({ nameEn: 'HK Experts', quotaPerMinute: 120, version: 2, nameHant: '香港專家平台' });
      expect(errorOf(await app.gql(UPDATE, { input: { id: partner.id, version: 1, nameEn: 'stale' } }, tree.admin))).toEqual({
        code: 'CONFLICT',
        field: 'version',
      });
      const listed = ok(await app.gql('{ partners(first: 100) { edges { node { id } } pageInfo { hasNextPage } } }', {}, tree.admin)).partners;
      expect(listed.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(partner.id);
    });

    it('refuses everyone but the province: an organization admin, an expert, a partner (FORBIDDEN), an anonymous caller (UNAUTHENTICATED)', async () => {
      const partner = await createPartner();
      const callers = [await app.token({ roles: ['ORG_ADMIN'], org: tree.liwan }), await app.token({ roles: ['EXPERT'] }), await partnerToken(partner.id)];
      for (const token of callers) {
        expect(errorOf(await app.gql(CREATE, { input: partnerInput(`x-${randomUUID()}`) }, token))?.code).toBe('FORBIDDEN');
        expect(errorOf(await app.gql(SUSPEND, { input: { id: partner.id, version: partner.version } }, token))?.code).toBe('FORBIDDEN');
        expect(errorOf(await app.gql('{ partners { edges { node { id } } } }', {}, token))?.code).toBe('FORBIDDEN');
      }
      expect(errorOf(await app.gql('{ partners { edges { node { id } } } }', {}, null))?.code).toBe('UNAUTHENTICATED');
    });

    it('lets a partner read its own record (partner, myPartner) and not another one', async () => {
      const [mine, theirs] = [await createPartner(), await createPartner()];
      const token = await partnerToken(mine.id);
      expect(ok(await app.gql('{ myPartner { id status } }', {}, token)).myPartner).toEqual({ id: mine.id, status: 'ACTIVE' });
      expect(ok(await app.gql(`{ partner(id: "${mine.id}") { id } }`, {}, token)).partner).toEqual({ id: mine.id });
      expect(errorOf(await app.gql(`{ partner(id: "${theirs.id}") { id } }`, {}, token))?.code).toBe('FORBIDDEN');
    });
  });

  describe('Status: refused at once when suspended or revoked', () => {
    it('refuses a suspended partner on its next request (HTTP 403), lets it in again once reactivated, and keeps a revoked one out for good', async () => {
      let partner = await createPartner();
      const token = await partnerToken(partner.id);
      expect(ok(await app.gql('{ myPartner { status } }', {}, token)).myPartner.status).toBe('ACTIVE');
      partner = await setStatus(SUSPEND, partner);
      const refused = await app.gql('{ myPartner { status } }', {}, token);
      expect({ status: refused.status, code: errorOf(refused)?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
      partner = await setStatus(REACTIVATE, partner);
      expect(ok(await app.gql('{ myPartner { status } }', {}, token)).myPartner.status).toBe('ACTIVE');
      partner = await setStatus(REVOKE, partner);
      expect(partner.status).toBe('REVOKED');
      expect((await app.gql('{ myPartner { status } }', {}, token)).status).toBe(403);
      for (const mutation of [REACTIVATE, SUSPEND, REVOKE]) {
        const res = await app.gql(mutation, { input: { id: partner.id, version: partner.version } }, tree.admin);
        expect(errorOf(res)?.code).toBe('INVALID_TRANSITION');
      }
    });

    it('refuses a token of a partner that has no record (FORBIDDEN)', async () => {
      const res = await app.gql('{ me { kind } }', {}, await partnerToken(`unknown-${randomUUID()}`));
      expect({ status: res.status, code: errorOf(res)?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    });

    it("reads the partner record with the access record in one BatchGetItem, counts the quota in one UpdateItem, and fills the principal's language", async () => {
      const partner = await createPartner();
      const token = await partnerToken(partner.id);
      app.requests.reset();
      ok(await app.gql('{ me { kind } myPartner { id preferredLanguage } }', {}, token));
      expect(Object.fromEntries(app.requests.counts)).toEqual({ BatchGetItemCommand: 1, UpdateItemCommand: 1 });
    });

    it('ends the open subscription of a suspended partner: its connection is closed with 4403 at the next event', async () => {
      const partner = await createPartner();
      await partnerExpert(partner.id);
      const connection = await open(await partnerToken(partner.id));
      await subscribe(connection, 'mine');
      expect(app.gateway.to(connection)).toEqual([{ type: 'connection_ack' }]);
      await openNeed();
      expect(nexts(connection)).toHaveLength(1);
      await setStatus(SUSPEND, partner);
      await openNeed();
      expect(nexts(connection)).toHaveLength(1);
      expect(app.gateway.closed.find((c) => c.connectionId === connection)).toMatchObject({ code: 4403 });
      // A new connection of the suspended partner is closed at connection_init.
      const again = await open(await partnerToken(partner.id));
      expect(app.gateway.closed.find((c) => c.connectionId === again)).toMatchObject({ code: 4403 });
    });
  });

  describe('Quota', () => {
    it('answers RATE_LIMITED (HTTP 429, Retry-After) with retryAfterSeconds once the partner is over its quota per minute', async () => {
      const partner = await createPartner({ quotaPerMinute: 2 });
      const token = await partnerToken(partner.id);
      // Two per minute: of six requests, at least three fall into one window, however the minute turns.
      const responses = [];
      for (let i = 0; i < 6; i += 1) responses.push(await app.gql('{ me { kind } }', {}, token));
      const limited = responses.find((r) => r.status === 429);
      expect(limited).toBeDefined();
      const error = limited?.errors?.[0] as { extensions: { code: string; retryAfterSeconds?: number } } | undefined;
      expect(error?.extensions.code).toBe('RATE_LIMITED');
      const retryAfter = error?.extensions.retryAfterSeconds ?? 0;
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited?.headers['retry-after']).toBe(String(retryAfter));
      // Other callers are not counted.
      for (let i = 0; i < 3; i += 1) ok(await app.gql('{ me { kind } }', {}, tree.admin));
    });
  });

  describe('Subscription: matchingNeedPosted for a partner', () => {
    it("refuses a token without needs.read (FORBIDDEN naming the scope), another partner's expert and a mainland expert", async () => {
      const [mine, theirs] = [await createPartner(), await createPartner()];
      const theirExpert = await partnerExpert(theirs.id);
      const mainland = await partnerExpert(null);
      const writeOnly = await open(await partnerToken(mine.id, 'experts.write'));
      await subscribe(writeOnly, 'noscope');
      expect(lastError(writeOnly)).toMatchObject({
        type: 'error',
        id: 'noscope',
        payload: [{ message: 'This needs the OAuth scope needs.read', extensions: { code: 'FORBIDDEN' } }],
      });
      const connection = await open(await partnerToken(mine.id));
      for (const expertId of [theirExpert, mainland]) {
        await subscribe(connection, expertId, { expertId });
        expect(lastError(connection)).toMatchObject({ type: 'error', id: expertId, payload: [{ extensions: { code: 'FORBIDDEN' } }] });
      }
    });

    it('delivers to a partner only the matches of its own experts: all of them, or one by expertId', async () => {
      const [a, b] = [await createPartner(), await createPartner()];
      const aExpert = await partnerExpert(a.id);
      const bExpert = await partnerExpert(b.id);
      await partnerExpert(null);
      const all = await open(await partnerToken(a.id));
      await subscribe(all, 'all');
      const one = await open(await partnerToken(a.id));
      await subscribe(one, 'one', { expertId: aExpert });
      const other = await open(await partnerToken(b.id));
      await subscribe(other, 'b');
      await openNeed();
      const experts = (c: string) => nexts(c).map((m) => m.payload.data.matchingNeedPosted.expert.id);
      expect(experts(all)).toEqual([aExpert]);
      expect(experts(one)).toEqual([aExpert]);
      expect(experts(other)).toEqual([bExpert]);
    });
  });
});
