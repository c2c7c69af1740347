import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/testApp.js';
import {
  CREATE_TEAM,
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

/**
 * Identity from the token, authority from the table (issue 14): a token carries only who the caller is; the user's access
 * record (grantOrgAdmin / revokeOrgAdmin) and its expert record say what it may do, from its next request on.
 */
const ME = '{ me { kind userId roles organization { id } expert { id } roleSources { role source } } }';
const GRANT = 'mutation ($input: GrantOrgAdminInput!) { grantOrgAdmin(input: $input) { access { userId orgAdminOf } } }';
const REVOKE = 'mutation ($input: RevokeOrgAdminInput!) { revokeOrgAdmin(input: $input) { access { userId orgAdminOf } } }';
const APPLY = 'mutation ($input: ApplyToTeamInput!) { applyToTeam(input: $input) { membership { status } } }';
const SUBSCRIPTION = 'subscription { matchingNeedPosted { score need { id } expert { id } } }';
const { REVIEW } = NEED_STEPS;

describe('Identity from the token, authority from the table', () => {
  let app: TestApp;
  let tree: OrgTree;
  const team = (organizationId: string, token: string) =>
    app.gql(CREATE_TEAM, { input: { organizationId, name: `队${randomUUID().slice(0, 6)}`, actions: ['RURAL_REVITALIZATION'] } }, token);

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
  });

  describe('Claims', () => {
    it('ignores roles, org, expert and custom:* claims and every Cognito group but PROVINCE_ADMIN: a forged token is a requester', async () => {
      const sub = `forger-${randomUUID()}`;
      const forged = await app.rawToken({
        sub,
        roles: ['PROVINCE_ADMIN', 'ORG_ADMIN', 'EXPERT'],
        org: tree.liwan,
        expert: 'e-forged',
        'custom:org': tree.liwan,
        'custom:expert': 'e-forged',
        'cognito:groups': ['ORG_ADMIN', 'EXPERT'],
      });
      expect(ok(await app.gql(ME, {}, forged)).me).toEqual({
        kind: 'USER',
        userId: sub,
        roles: ['REQUESTER'],
        organization: null,
        expert: null,
        roleSources: [{ role: 'REQUESTER', source: 'SIGNED_IN' }],
      });
      expect(errorOf(await team(tree.liwan, forged))?.code).toBe('FORBIDDEN');
    });

    it('bootstraps the first province admin from the Cognito group PROVINCE_ADMIN', async () => {
      const token = await app.rawToken({ sub: `boot-${randomUUID()}`, 'cognito:groups': ['PROVINCE_ADMIN'] });
      const me = ok(await app.gql(ME, {}, token)).me;
      expect(me.roles).toEqual(['PROVINCE_ADMIN']);
      expect(me.roleSources).toEqual([{ role: 'PROVINCE_ADMIN', source: 'TOKEN_GROUP' }]);
    });
  });

  describe('Mutations: grantOrgAdmin and revokeOrgAdmin', () => {
    it('makes a user ORG_ADMIN of Liwan at its next request with the same token: it acts in Liwan, not in Futian; revoked, it loses it', async () => {
      const userId = `liwan-admin-${randomUUID()}`;
      const token = await app.rawToken({ sub: userId });
      expect(errorOf(await team(tree.liwan, token))?.code).toBe('FORBIDDEN');

      const granted = ok(await app.gql(GRANT, { input: { userId, organizationId: tree.liwan } }, tree.admin)).grantOrgAdmin.access;
      expect(granted).toEqual({ userId, orgAdminOf: tree.liwan });
      expect(ok(await app.gql(ME, {}, token)).me).toMatchObject({
        roles: ['ORG_ADMIN'],
        organization: { id: tree.liwan },
        roleSources: [{ role: 'ORG_ADMIN', source: 'ACCESS_RECORD' }],
      });
      ok(await team(tree.liwan, token));
      ok(await team(tree.shamian, token));
      expect(errorOf(await team(tree.futian, token))?.code).toBe('FORBIDDEN');
      expect(errorOf(await team(tree.guangzhou, token))?.code).toBe('FORBIDDEN');
      expect(app.logs.some((l) => l.includes('audit: org admin granted') && l.includes(userId))).toBe(true);

      ok(await app.gql(REVOKE, { input: { userId } }, tree.admin));
      expect(errorOf(await team(tree.liwan, token))?.code).toBe('FORBIDDEN');
      expect(ok(await app.gql(ME, {}, token)).me).toMatchObject({ roles: ['REQUESTER'], organization: null });
      expect(app.logs.some((l) => l.includes('audit: org admin revoked') && l.includes(userId))).toBe(true);
    });

    it('lets an admin of an enclosing subtree grant and revoke, and refuses a sibling, a child and a non-admin', async () => {
      const guangzhou = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
      const shenzhen = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen });
      const shamian = await app.token({ roles: ['ORG_ADMIN'], org: tree.shamian });
      const requester = await app.token({ roles: ['REQUESTER'] });
      const userId = `granted-${randomUUID()}`;
      const input = { userId, organizationId: tree.liwan };
      for (const refused of [shenzhen, shamian, requester]) expect(errorOf(await app.gql(GRANT, { input }, refused))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(GRANT, { input }, null))?.code).toBe('UNAUTHENTICATED');
      ok(await app.gql(GRANT, { input }, guangzhou));
      // Moving the grant to Futian takes it out of Guangzhou's subtree: the Liwan grant must be in the caller's subtree too.
      expect(errorOf(await app.gql(GRANT, { input: { userId, organizationId: tree.futian } }, shenzhen))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(REVOKE, { input: { userId } }, shenzhen))?.code).toBe('FORBIDDEN');
      expect(ok(await app.gql(REVOKE, { input: { userId } }, guangzhou)).revokeOrgAdmin.access).toEqual({ userId, orgAdminOf: null });
      expect(errorOf(await app.gql(GRANT, { input: { userId, organizationId: 'no-such-org' } }, tree.admin))).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('keeps the grant when the province disables the user, and refuses the user while disabled', async () => {
      const userId = `disabled-${randomUUID()}`;
      const token = await app.rawToken({ sub: userId });
      ok(await app.gql(GRANT, { input: { userId, organizationId: tree.liwan } }, tree.admin));
      const set = 'mutation ($input: SetUserAccessInput!) { setUserAccess(input: $input) { access { orgAdminOf disabled } } }';
      expect(ok(await app.gql(set, { input: { userId, disabled: true } }, tree.admin)).setUserAccess.access).toEqual({
        orgAdminOf: tree.liwan,
        disabled: true,
      });
      expect(errorOf(await app.gql(ME, {}, token))?.code).toBe('FORBIDDEN');
      ok(await app.gql(set, { input: { userId, disabled: false } }, tree.admin));
      expect(ok(await app.gql(ME, {}, token)).me.roles).toEqual(['ORG_ADMIN']);
    });
  });

  describe('Experts', () => {
    it('makes a self-registered user an EXPERT without any token change', async () => {
      const sub = `self-${randomUUID()}`;
      const token = await app.rawToken({ sub });
      expect(ok(await app.gql(ME, {}, token)).me.roles).toEqual(['REQUESTER']);
      const expertId = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput({ organizationId: tree.liwan, regionCode: '440103' }) }, token))
        .registerExpert.expert.id as string;
      expect(ok(await app.gql(ME, {}, token)).me).toMatchObject({
        roles: ['EXPERT'],
        expert: { id: expertId },
        roleSources: [{ role: 'EXPERT', source: 'EXPERT_RECORD' }],
      });
      // It acts as that expert: it applies to a team for itself (team.join is the expert's own act).
      const teamId = ok(await team(tree.liwan, tree.admin)).createTeam.team.id as string;
      expect(ok(await app.gql(APPLY, { input: { teamId, expertId } }, token)).applyToTeam.membership.status).toBe('PENDING_APPLICATION');
    });
  });

  describe('Subscriptions', () => {
    it('closes a connection whose token expired (4401) at the next delivery and at the next subscribe, so the client reconnects', async () => {
      const sub = `short-${randomUUID()}`;
      const long = await app.rawToken({ sub });
      ok(
        await app.gql(
          REGISTER_EXPERT,
          { input: makeExpertInput({ domains: ['AGRICULTURE'], keywords: ['荔枝'], organizationId: tree.liwan, regionCode: '440103' }) },
          long,
        ),
      );
      const expiresAt = Math.floor(Date.now() / 1000) + 2;
      const short = await app.rawToken({ sub }, expiresAt);
      const open = async () => {
        const connectionId = randomUUID();
        await app.subscriptions.handle({
          requestContext: { routeKey: '$connect', connectionId },
          headers: { 'sec-websocket-protocol': 'graphql-transport-ws' },
        });
        await app.subscriptions.handle({
          requestContext: { routeKey: '$default', connectionId },
          body: JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${short}` } }),
        });
        return connectionId;
      };
      const subscribe = (connectionId: string, id: string) =>
        app.subscriptions.handle({
          requestContext: { routeKey: '$default', connectionId },
          body: JSON.stringify({ type: 'subscribe', id, payload: { query: SUBSCRIPTION } }),
        });
      const listening = await open();
      const late = await open();
      await subscribe(listening, 'mine');
      expect(app.gateway.closed.find((c) => c.connectionId === listening)).toBeUndefined();

      // Wait until the token has expired (exp is in whole seconds), then post a need that matches the expert.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, (expiresAt + 1) * 1000 - Date.now())));
      const requester = await app.token({ roles: ['REQUESTER'] });
      const need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput() }, requester)).submitNeed.need;
      ok(await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin));
      await app.settle();
      expect(app.gateway.closed.find((c) => c.connectionId === listening)).toMatchObject({ code: 4401 });
      expect(app.gateway.to(listening).filter((m) => m.type === 'next')).toEqual([]);

      await subscribe(late, 'too-late');
      expect(app.gateway.closed.find((c) => c.connectionId === late)).toMatchObject({ code: 4401 });
    });
  });
});
