import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/testApp.js';
import {
  REGISTER_EXPERT,
  SUBMIT_NEED,
  UPDATE_EXPERT,
  createOrgTree,
  errorOf,
  makeExpertInput,
  makeNeedInput,
  NEED_STEPS,
  ok,
  type OrgTree,
} from '../support/fixtures.js';
import { connectionKey, subscriptionKey } from '../../functions/lib/data/keys.js';

const SET_ACCESS = 'mutation ($input: SetUserAccessInput!) { setUserAccess(input: $input) { access { userId disabled revokedRoles } } }';
const REPORT = 'query ($org: ID!) { quarterlyReport(organizationId: $org, quarter: "2026Q4") { figures { total { activities } } } }';
const MY_NEEDS = '{ myNeeds { edges { node { id } } } }';
const SUBSCRIPTION = 'subscription ($expertId: ID) { matchingNeedPosted(expertId: $expertId) { score need { id title } expert { id } } }';
const { REVIEW } = NEED_STEPS;

/**
 * The province's switch (setUserAccess) takes effect on the next HTTP request and the next WebSocket
 * message or delivery, not when the token expires: a disabled user is FORBIDDEN (HTTP 403), revoked roles
 * are gone from the principal.
 */
describe('User access: disabled users and revoked roles', () => {
  let app: TestApp;
  let tree: OrgTree;
  let requester: string;

  const setAccess = async (userId: string, disabled: boolean, revokedRoles: string[] = []) =>
    ok(await app.gql(SET_ACCESS, { input: { userId, disabled, revokedRoles } }, tree.admin)).setUserAccess.access;
  /** A registered expert in Liwan (AGRICULTURE, so needs in Shamian match it), with its user id and token. */
  const registerExpert = async (phone: string) => {
    const sub = `user-${randomUUID()}`;
    const input = makeExpertInput({ phone, organizationId: tree.liwan, regionCode: '440103' });
    const id = ok(await app.gql(REGISTER_EXPERT, { input }, await app.token({ roles: ['EXPERT'], sub }))).registerExpert.expert.id as string;
    return { id, sub, token: await app.token({ roles: ['EXPERT'], sub, expert: id }) };
  };

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    requester = await app.token({ roles: ['REQUESTER'] });
  });

  describe('HTTP', () => {
    it('refuses a disabled expert on its next request (its phone, updateExpert) with FORBIDDEN and HTTP 403, and lets it back in when enabled', async () => {
      const expert = await registerExpert('13812340001');
      const phone = `{ expert(id: "${expert.id}") { phone } }`;
      expect(ok(await app.gql(phone, {}, expert.token)).expert.phone).toBe('13812340001');
      expect(await setAccess(expert.sub, true)).toEqual({ userId: expert.sub, disabled: true, revokedRoles: [] });

      const read = await app.gql(phone, {}, expert.token);
      expect(read.status).toBe(403);
      expect(read.data ?? null).toBeNull();
      expect(errorOf(read)?.code).toBe('FORBIDDEN');
      expect(read.raw).not.toContain('13812340001');
      const update = await app.gql(UPDATE_EXPERT, { input: { id: expert.id, version: 1, name: '停用后' } }, expert.token);
      expect(update.status).toBe(403);
      expect(errorOf(update)?.code).toBe('FORBIDDEN');
      expect(ok(await app.gql(`{ expert(id: "${expert.id}") { name version } }`, {}, tree.admin)).expert).toEqual({ name: '陈志明', version: 1 });

      await setAccess(expert.sub, false);
      expect(ok(await app.gql(UPDATE_EXPERT, { input: { id: expert.id, version: 1, name: '恢复后' } }, expert.token)).updateExpert.expert).toMatchObject({
        name: '恢复后',
        phone: '13812340001',
      });
    });

    it('refuses submitNeed from a disabled requester and stores nothing', async () => {
      const sub = `requester-${randomUUID()}`;
      const token = await app.token({ roles: ['REQUESTER'], sub });
      ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title: '停用之前' }) }, token));
      await setAccess(sub, true);
      const refused = await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title: '停用之后' }) }, token);
      expect(refused.status).toBe(403);
      expect(errorOf(refused)?.code).toBe('FORBIDDEN');
      await setAccess(sub, false);
      expect(ok(await app.gql(MY_NEEDS, {}, token)).myNeeds.edges).toHaveLength(1);
    });

    it('takes a revoked ORG_ADMIN role away at once (no report, masked phones) and gives it back when restored', async () => {
      const expert = await registerExpert('13812340002');
      const sub = `gz-admin-${randomUUID()}`;
      const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou, sub });
      const phone = `{ expert(id: "${expert.id}") { phone } }`;
      const canRead = async () => {
        const report = await app.gql(REPORT, { org: tree.guangzhou }, gzAdmin);
        return { report: report.errors ? errorOf(report)?.code : 'ok', phone: ok(await app.gql(phone, {}, gzAdmin)).expert.phone };
      };
      expect(await canRead()).toEqual({ report: 'ok', phone: '13812340002' });

      await setAccess(sub, false, ['ORG_ADMIN']);
      expect(await canRead()).toEqual({ report: 'FORBIDDEN', phone: '138****0002' });
      expect(ok(await app.gql('{ me { roles } }', {}, gzAdmin)).me.roles).toEqual([]);

      await setAccess(sub, false, []);
      expect(await canRead()).toEqual({ report: 'ok', phone: '13812340002' });
    });

    it('takes a revoked EXPERT role away: the expert id goes with it, its own record stays readable', async () => {
      const expert = await registerExpert('13812340003');
      await setAccess(expert.sub, false, ['EXPERT']);
      expect(ok(await app.gql('{ me { roles expert { id } } }', {}, expert.token)).me).toEqual({ roles: [], expert: null });
      expect(ok(await app.gql(`{ expert(id: "${expert.id}") { phone } }`, {}, expert.token)).expert.phone).toBe('13812340003');
    });

    it('reads the access record once per signed-in request (one BatchGetItem, cached for the request) and never for anonymous callers', async () => {
      const sub = `province-${randomUUID()}`;
      const province = await app.token({ roles: ['PROVINCE_ADMIN'], sub });
      await setAccess(sub, false);
      const counted = async (query: string, token?: string) => {
        app.requests.reset();
        ok(await app.gql(query, {}, token));
        return Object.fromEntries(app.requests.counts);
      };
      expect(await counted('{ me { roles } }', province)).toEqual({ BatchGetItemCommand: 1 });
      // The same record read again by a resolver comes from the request's DataLoader.
      expect(await counted(`{ me { roles } userAccess(userId: "${sub}") { disabled } }`, province)).toEqual({ BatchGetItemCommand: 1 });
      expect(await counted('{ me { roles } }')).toEqual({});
      const refused = await (async () => {
        await setAccess(sub, true);
        app.requests.reset();
        const res = await app.gql('{ me { roles } }', {}, province);
        return { code: errorOf(res)?.code, counts: Object.fromEntries(app.requests.counts) };
      })();
      expect(refused).toEqual({ code: 'FORBIDDEN', counts: { BatchGetItemCommand: 1 } });
    });
  });

  describe('WebSocket', () => {
    const send = (connectionId: string, message: Record<string, unknown>) =>
      app.subscriptions.handle({ requestContext: { routeKey: '$default', connectionId }, body: JSON.stringify(message) });
    const open = async (token: string) => {
      const connectionId = randomUUID();
      await app.subscriptions.handle({ requestContext: { routeKey: '$connect', connectionId }, headers: { 'sec-websocket-protocol': 'graphql-transport-ws' } });
      await send(connectionId, { type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      expect(app.gateway.to(connectionId)).toEqual([{ type: 'connection_ack' }]);
      return connectionId;
    };
    const subscribe = (connectionId: string, id: string, variables: Record<string, unknown> = {}) =>
      send(connectionId, { type: 'subscribe', id, payload: { query: SUBSCRIPTION, variables } });
    const openNeed = async (title: string) => {
      const need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title }) }, requester)).submitNeed.need;
      ok(await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin));
      await app.settle();
    };
    const messages = (connectionId: string, type: string) => app.gateway.to(connectionId).filter((m) => m.type === type);
    const closeCode = (connectionId: string) => app.gateway.closed.find((c) => c.connectionId === connectionId)?.code;

    it('closes (4403) a connection opened before its user was disabled at the next subscribe, and stores no subscription', async () => {
      const expert = await registerExpert('13812340011');
      const c = await open(expert.token);
      await setAccess(expert.sub, true);
      await subscribe(c, 'late');
      expect(closeCode(c)).toBe(4403);
      expect(await app.deps.store.get(subscriptionKey(c, 'late'))).toBeUndefined();
      expect(await app.deps.store.get(connectionKey(c))).toBeUndefined();
    });

    it('refuses a new subscription once the role is revoked (FORBIDDEN), and accepts it again once restored', async () => {
      const expert = await registerExpert('13812340012');
      const c = await open(expert.token);
      await setAccess(expert.sub, false, ['EXPERT']);
      await subscribe(c, 'revoked');
      expect(app.gateway.to(c).at(-1)).toEqual({ type: 'error', id: 'revoked', payload: [expect.objectContaining({ extensions: { code: 'FORBIDDEN' } })] });
      expect(await app.deps.store.get(subscriptionKey(c, 'revoked'))).toBeUndefined();
      await setAccess(expert.sub, false, []);
      await subscribe(c, 'restored');
      expect(await app.deps.store.get(subscriptionKey(c, 'restored'))).toBeDefined();
      expect(closeCode(c)).toBeUndefined();
    });

    it('ends open subscriptions at the next publish: complete after a revoked role, 4403 for a disabled user; the others still get next', async () => {
      const [revokedExpert, disabledExpert, keptExpert] = [
        await registerExpert('13812340013'),
        await registerExpert('13812340014'),
        await registerExpert('13812340015'),
      ];
      const adminSub = `gz-admin-${randomUUID()}`;
      const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou, sub: adminSub });
      const revoked = await open(revokedExpert.token);
      const disabled = await open(disabledExpert.token);
      const kept = await open(keptExpert.token);
      const admin = await open(gzAdmin);
      await subscribe(revoked, 'r');
      await subscribe(disabled, 'd');
      await subscribe(kept, 'k');
      await subscribe(admin, 'org');

      await openNeed('撤销之前');
      for (const c of [revoked, disabled, kept, admin]) expect(messages(c, 'next').length).toBeGreaterThan(0);
      const nextsBefore = (c: string) => messages(c, 'next').length;
      const before = { revoked: nextsBefore(revoked), disabled: nextsBefore(disabled), admin: nextsBefore(admin), kept: nextsBefore(kept) };

      await setAccess(revokedExpert.sub, false, ['EXPERT']);
      await setAccess(disabledExpert.sub, true);
      await setAccess(adminSub, false, ['ORG_ADMIN']);
      await openNeed('撤销之后');

      expect(messages(revoked, 'next')).toHaveLength(before.revoked);
      expect(messages(revoked, 'complete')).toEqual([{ type: 'complete', id: 'r' }]);
      expect(await app.deps.store.get(subscriptionKey(revoked, 'r'))).toBeUndefined();
      expect(closeCode(revoked)).toBeUndefined();

      expect(messages(admin, 'next')).toHaveLength(before.admin);
      expect(messages(admin, 'complete')).toEqual([{ type: 'complete', id: 'org' }]);
      expect(await app.deps.store.get(subscriptionKey(admin, 'org'))).toBeUndefined();

      expect(messages(disabled, 'next')).toHaveLength(before.disabled);
      expect(closeCode(disabled)).toBe(4403);
      expect(await app.deps.store.get(subscriptionKey(disabled, 'd'))).toBeUndefined();
      expect(await app.deps.store.get(connectionKey(disabled))).toBeUndefined();

      expect(messages(kept, 'next').length).toBeGreaterThan(before.kept);
      expect(messages(kept, 'complete')).toEqual([]);

      // Ended for good: restoring the role does not revive a completed subscription; the next publish sends nothing more.
      await setAccess(revokedExpert.sub, false, []);
      await openNeed('恢复之后');
      expect(messages(revoked, 'next')).toHaveLength(before.revoked);
      expect(messages(revoked, 'complete')).toHaveLength(1);
    });
  });
});
