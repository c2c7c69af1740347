import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import {
  ADD_MEMBER,
  CREATE_TEAM,
  INVITE_MEMBER,
  REGISTER_EXPERT,
  REMOVE_MEMBER,
  RESPOND_INVITATION,
  UPDATE_EXPERT,
  addMember,
  createOrgTree,
  errorOf,
  makeExpertInput,
  ok,
  type OrgTree,
} from '../support/fixtures.js';
import { entityKey } from '../../functions/lib/data/keys.js';

const APPLY = `mutation ($input: ApplyToTeamInput!) { applyToTeam(input: $input) { membership { status team { id } expert { id } } } }`;
const REVIEW = `mutation ($input: ReviewTeamApplicationInput!) { reviewTeamApplication(input: $input) { membership { status expert { id version } } } }`;
const LEAVE = `mutation ($input: LeaveTeamInput!) { leaveTeam(input: $input) { team { id members { totalCount } } expert { id version } } }`;

describe('Team membership and the expert scope', () => {
  let app: TestApp;
  let tree: OrgTree;
  let gzAdmin: string;
  let szAdmin: string;
  let gzTeam: string;
  let szTeam: string;
  /** The token each registered expert signed up with (the expert itself). */
  const tokenOf = new Map<string, string>();

  const createTeam = async (organizationId: string, name: string) =>
    ok(await app.gql(CREATE_TEAM, { input: { organizationId, name, actions: ['POPULAR_SCIENCE'] } }, tree.admin)).createTeam.team.id as string;

  const register = async (overrides: Record<string, unknown> = {}) => {
    const token = await app.token({ roles: ['EXPERT'] });
    const id = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput({ phone: phoneOf(serial++), ...overrides }) }, token)).registerExpert.expert
      .id as string;
    tokenOf.set(id, token);
    return id;
  };
  let serial = 0;
  const phoneOf = (n: number) => `1350000${String(n).padStart(4, '0')}`;
  const selfOf = (expertId: string) => tokenOf.get(expertId) as string;
  const invite = async (teamId: string, expertId: string, admin: string) => ok(await app.gql(INVITE_MEMBER, { input: { teamId, expertId } }, admin));
  const accept = (teamId: string, expertId: string, token = selfOf(expertId)) =>
    app.gql(RESPOND_INVITATION, { input: { teamId, expertId, accept: true } }, token);

  /** The stored expert item, read with strong consistency. */
  const stored = async (expertId: string) => {
    const item = await app.deps.store.get(entityKey('EXPERT', expertId));
    const sorted = (value: unknown) => [...((value as string[] | undefined) ?? [])].sort();
    return { scope: sorted(item?.scopeOrganizationIds), teamIds: sorted(item?.teamIds), version: item?.version };
  };

  /** The phone as the given admin sees it: whole when the admin's organization is in the expert's scope. */
  const phoneSeenBy = async (token: string, expertId: string) => ok(await app.gql(`{ expert(id: "${expertId}") { phone } }`, {}, token)).expert.phone as string;
  const MASKED = /^135\*\*\*\*\d{4}$/;
  const WHOLE = /^1350000\d{4}$/;

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
    szAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen });
    gzTeam = await createTeam(tree.guangzhou, '广州市科技志愿服务总队');
    szTeam = await createTeam(tree.shenzhen, '深圳市科技志愿服务总队');
  });

  describe('Mutation: inviteTeamMember', () => {
    it('gives a Shenzhen admin who invites a Guangzhou expert nothing until the expert accepts, and nothing again once it leaves', async () => {
      const expertId = await register({ organizationId: tree.guangzhou });
      const invited = await invite(szTeam, expertId, szAdmin);
      expect(invited.inviteTeamMember.membership).toEqual({ status: 'PENDING_INVITATION', expert: { id: expertId, phone: expect.stringMatching(MASKED) } });

      // Invited only: the phone stays masked, the service record, proof of service and profile stay closed.
      const refusedToSz = async () => {
        expect(await phoneSeenBy(szAdmin, expertId)).toMatch(MASKED);
        expect(errorOf(await app.gql(`{ expert(id: "${expertId}") { serviceRecord { totalHours } } }`, {}, szAdmin))?.code).toBe('FORBIDDEN');
        const proof = `{ proofOfService(expertId: "${expertId}", from: "2026-01-01", to: "2026-12-31") { totalHours } }`;
        expect(errorOf(await app.gql(proof, {}, szAdmin))?.code).toBe('FORBIDDEN');
        const version = (await stored(expertId)).version;
        expect(errorOf(await app.gql(UPDATE_EXPERT, { input: { id: expertId, version, availability: 'UNAVAILABLE' } }, szAdmin))?.code).toBe('FORBIDDEN');
      };
      await refusedToSz();
      expect(await stored(expertId)).toEqual({ scope: [tree.guangzhou, tree.province].sort(), teamIds: [], version: 1 });

      // The expert sees its invitation, the team's admins see it pending; the team has no member yet.
      const mine = ok(await app.gql(`{ expert(id: "${expertId}") { pendingMemberships { edges { node { status team { id } } } } } }`, {}, selfOf(expertId)));
      expect(mine.expert.pendingMemberships.edges).toEqual([{ node: { status: 'PENDING_INVITATION', team: { id: szTeam } } }]);
      const pending = ok(await app.gql(`{ team(id: "${szTeam}") { pendingMembers { edges { node { status expert { id } } } } } }`, {}, szAdmin));
      expect(pending.team.pendingMembers.edges).toContainEqual({ node: { status: 'PENDING_INVITATION', expert: { id: expertId } } });
      expect(errorOf(await app.gql(`{ team(id: "${szTeam}") { pendingMembers { edges { cursor } } } }`, {}, gzAdmin))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(`{ expert(id: "${expertId}") { pendingMemberships { edges { cursor } } } }`, {}, szAdmin))?.code).toBe('FORBIDDEN');

      const accepted = ok(await accept(szTeam, expertId)).respondToTeamInvitation.membership;
      expect(accepted).toMatchObject({ status: 'ACTIVE', team: { id: szTeam }, expert: { id: expertId, version: 2 } });
      expect(await phoneSeenBy(szAdmin, expertId)).toMatch(WHOLE);
      expect(await stored(expertId)).toEqual({ scope: [tree.guangzhou, tree.province, tree.shenzhen].sort(), teamIds: [szTeam], version: 2 });
      expect(
        ok(await app.gql(`{ expert(id: "${expertId}") { pendingMemberships { edges { cursor } } } }`, {}, selfOf(expertId))).expert.pendingMemberships.edges,
      ).toEqual([]);

      const left = ok(await app.gql(LEAVE, { input: { teamId: szTeam, expertId } }, selfOf(expertId))).leaveTeam;
      expect(left.expert).toEqual({ id: expertId, version: 3 });
      await refusedToSz();
      expect(await stored(expertId)).toEqual({ scope: [tree.guangzhou, tree.province].sort(), teamIds: [], version: 3 });
      expect(errorOf(await app.gql(LEAVE, { input: { teamId: szTeam, expertId } }, selfOf(expertId)))).toEqual({ code: 'NOT_FOUND', field: 'expertId' });
    });

    it('keeps addTeamMember as an invitation: the payload shows the phone masked and the scope is unchanged', async () => {
      const expertId = await register({ organizationId: tree.guangzhou });
      const query = `mutation ($input: AddTeamMemberInput!) { addTeamMember(input: $input) { team { members { totalCount } } expert { phone } membership { status } } }`;
      const added = ok(await app.gql(query, { input: { teamId: szTeam, expertId } }, szAdmin)).addTeamMember;
      expect(added.expert.phone).toMatch(MASKED);
      expect(added.membership).toEqual({ status: 'PENDING_INVITATION' });
      expect(await stored(expertId)).toEqual({ scope: [tree.guangzhou, tree.province].sort(), teamIds: [], version: 1 });
      expect(await phoneSeenBy(szAdmin, expertId)).toMatch(MASKED);
      expect(errorOf(await app.gql(ADD_MEMBER, { input: { teamId: szTeam, expertId } }, szAdmin))).toEqual({ code: 'CONFLICT', field: 'expertId' });
      ok(await accept(szTeam, expertId));
      expect(errorOf(await app.gql(ADD_MEMBER, { input: { teamId: szTeam, expertId } }, szAdmin))).toEqual({ code: 'CONFLICT', field: 'expertId' });
    });

    it("refuses an admin outside the team's subtree (FORBIDDEN) and unknown experts (NOT_FOUND)", async () => {
      const expertId = await register();
      expect(errorOf(await app.gql(INVITE_MEMBER, { input: { teamId: szTeam, expertId } }, gzAdmin))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(INVITE_MEMBER, { input: { teamId: szTeam, expertId } }, selfOf(expertId)))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(INVITE_MEMBER, { input: { teamId: szTeam, expertId: 'nope' } }, szAdmin))).toEqual({ code: 'NOT_FOUND', field: 'expertId' });
    });
  });

  describe('Mutation: respondToTeamInvitation', () => {
    it("refuses to accept someone else's invitation, for another expert and for an admin (FORBIDDEN)", async () => {
      const expertId = await register();
      const other = await register();
      await invite(szTeam, expertId, szAdmin);
      expect(errorOf(await accept(szTeam, expertId, selfOf(other)))?.code).toBe('FORBIDDEN');
      expect(errorOf(await accept(szTeam, expertId, szAdmin))?.code).toBe('FORBIDDEN');
      expect(errorOf(await accept(szTeam, expertId, tree.admin))?.code).toBe('FORBIDDEN');
      expect(await stored(expertId)).toMatchObject({ teamIds: [], version: 1 });
    });

    it('declines: nothing changes, the invitation is gone, and a later accept is NOT_FOUND', async () => {
      const expertId = await register();
      await invite(szTeam, expertId, szAdmin);
      const declined = ok(await app.gql(RESPOND_INVITATION, { input: { teamId: szTeam, expertId, accept: false } }, selfOf(expertId)));
      expect(declined.respondToTeamInvitation.membership).toMatchObject({ status: 'DECLINED', expert: { id: expertId, version: 1 } });
      expect(await stored(expertId)).toEqual({ scope: [], teamIds: [], version: 1 });
      expect(errorOf(await accept(szTeam, expertId))).toEqual({ code: 'NOT_FOUND', field: 'teamId' });
      // Declining is not final: a new invitation may follow.
      await invite(szTeam, expertId, szAdmin);
      ok(await accept(szTeam, expertId));
    });

    it('lets two concurrent accepts of invitations to Guangzhou and Shenzhen teams both succeed, with both organizations in scope', async () => {
      // The two accepts of one expert meet only when both read the expert before either writes. A round in which none
      // met (the machine happened to run them one after the other) shows nothing about retries, so another round of
      // fresh experts runs, up to 5; every round must end right either way.
      const totals = `{ a: team(id: "${gzTeam}") { members { totalCount } } b: team(id: "${szTeam}") { members { totalCount } } }`;
      const countsOf = async () => {
        const counts = ok(await app.gql(totals, {}, tree.admin));
        return [counts.a.members.totalCount as number, counts.b.members.totalCount as number];
      };
      let retried = false;
      for (let round = 0; round < 5 && !retried; round += 1) {
        // Several experts at once, so that the two accepts of each are likely to overlap (and retry on the expert's version).
        const experts = await Promise.all(Array.from({ length: 4 }, () => register()));
        for (const expertId of experts) {
          await invite(gzTeam, expertId, gzAdmin);
          await invite(szTeam, expertId, szAdmin);
        }
        const before = await countsOf();
        app.requests.reset();
        const results = await Promise.all(experts.flatMap((expertId) => [accept(gzTeam, expertId), accept(szTeam, expertId)]));
        results.forEach((r) => ok(r));
        retried = (app.requests.get('TransactWriteItemsCommand') ?? 0) > results.length;

        for (const expertId of experts) {
          expect(await stored(expertId)).toEqual({
            scope: [tree.guangzhou, tree.province, tree.shenzhen].sort(),
            teamIds: [gzTeam, szTeam].sort(),
            version: 3,
          });
          expect(await phoneSeenBy(gzAdmin, expertId)).toMatch(WHOLE);
          expect(await phoneSeenBy(szAdmin, expertId)).toMatch(WHOLE);
        }
        expect(await countsOf()).toEqual(before.map((n) => n + 4));
      }
      // In some round the accepts of an expert met: a transaction failed on the expert's version and was retried.
      expect(retried).toBe(true);
    });

    it('makes a second accept of the same invitation a CONFLICT on expertId, sequential or concurrent, with one membership', async () => {
      const expertId = await register();
      await invite(gzTeam, expertId, gzAdmin);
      ok(await accept(gzTeam, expertId));
      expect(errorOf(await accept(gzTeam, expertId))).toEqual({ code: 'CONFLICT', field: 'expertId' });

      await invite(szTeam, expertId, szAdmin);
      const [a, b] = await Promise.all([accept(szTeam, expertId), accept(szTeam, expertId)]);
      expect([a, b].map((r) => errorOf(r) ?? 'OK')).toContainEqual({ code: 'CONFLICT', field: 'expertId' });
      expect([a, b].filter((r) => !r.errors)).toHaveLength(1);
      expect(await stored(expertId)).toEqual({ scope: [tree.guangzhou, tree.province, tree.shenzhen].sort(), teamIds: [gzTeam, szTeam].sort(), version: 3 });
    });
  });

  describe('Mutations: applyToTeam and reviewTeamApplication', () => {
    it('widens the scope only when an admin of the subtree approves; others may not approve', async () => {
      const expertId = await register({ organizationId: tree.guangzhou });
      const other = await register();
      const applied = ok(await app.gql(APPLY, { input: { teamId: szTeam, expertId } }, selfOf(expertId)));
      expect(applied.applyToTeam.membership).toEqual({ status: 'PENDING_APPLICATION', team: { id: szTeam }, expert: { id: expertId } });
      expect(errorOf(await app.gql(APPLY, { input: { teamId: szTeam, expertId } }, selfOf(expertId)))).toEqual({ code: 'CONFLICT', field: 'expertId' });
      // Nobody applies for someone else, and an applicant cannot accept its own application as if invited.
      expect(errorOf(await app.gql(APPLY, { input: { teamId: gzTeam, expertId } }, selfOf(other)))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(APPLY, { input: { teamId: gzTeam, expertId } }, szAdmin))?.code).toBe('FORBIDDEN');
      expect(errorOf(await accept(szTeam, expertId))).toEqual({ code: 'NOT_FOUND', field: 'teamId' });
      expect(await phoneSeenBy(szAdmin, expertId)).toMatch(MASKED);

      const approve = (token: string) => app.gql(REVIEW, { input: { teamId: szTeam, expertId, approve: true } }, token);
      expect(errorOf(await approve(selfOf(expertId)))?.code).toBe('FORBIDDEN');
      expect(errorOf(await approve(selfOf(other)))?.code).toBe('FORBIDDEN');
      expect(errorOf(await approve(gzAdmin))?.code).toBe('FORBIDDEN');
      expect(await stored(expertId)).toEqual({ scope: [tree.guangzhou, tree.province].sort(), teamIds: [], version: 1 });

      const approved = ok(await approve(szAdmin));
      expect(approved.reviewTeamApplication.membership).toEqual({ status: 'ACTIVE', expert: { id: expertId, version: 2 } });
      expect(await phoneSeenBy(szAdmin, expertId)).toMatch(WHOLE);
      expect(errorOf(await approve(szAdmin))).toEqual({ code: 'CONFLICT', field: 'expertId' });
    });

    it('rejects: the scope stays as it was and the application is gone', async () => {
      const expertId = await register();
      ok(await app.gql(APPLY, { input: { teamId: gzTeam, expertId } }, selfOf(expertId)));
      const rejected = ok(await app.gql(REVIEW, { input: { teamId: gzTeam, expertId, approve: false } }, gzAdmin));
      expect(rejected.reviewTeamApplication.membership).toEqual({ status: 'REJECTED', expert: { id: expertId, version: 1 } });
      expect(await stored(expertId)).toEqual({ scope: [], teamIds: [], version: 1 });
      expect(errorOf(await app.gql(REVIEW, { input: { teamId: gzTeam, expertId, approve: true } }, gzAdmin))).toEqual({ code: 'NOT_FOUND', field: 'teamId' });
    });
  });

  describe('Mutation: removeTeamMember', () => {
    it('leaves exactly the right scope after a concurrent removal (Guangzhou) and accept (Shenzhen)', async () => {
      const experts = await Promise.all(Array.from({ length: 4 }, () => register()));
      for (const expertId of experts) {
        await addMember(app, gzTeam, expertId, gzAdmin, selfOf(expertId));
        await invite(szTeam, expertId, szAdmin);
      }
      const results = await Promise.all(
        experts.flatMap((expertId) => [app.gql(REMOVE_MEMBER, { input: { teamId: gzTeam, expertId } }, gzAdmin), accept(szTeam, expertId)]),
      );
      results.forEach((r) => ok(r));

      for (const expertId of experts) {
        expect(await stored(expertId)).toEqual({ scope: [tree.province, tree.shenzhen].sort(), teamIds: [szTeam], version: 4 });
        expect(await phoneSeenBy(gzAdmin, expertId)).toMatch(MASKED);
        expect(await phoneSeenBy(szAdmin, expertId)).toMatch(WHOLE);
      }
    });

    it("keeps the expert's own organization in its scope when it leaves its last team", async () => {
      const expertId = await register({ organizationId: tree.liwan });
      await addMember(app, szTeam, expertId, szAdmin, selfOf(expertId));
      expect((await stored(expertId)).scope).toEqual([tree.guangzhou, tree.liwan, tree.province, tree.shenzhen].sort());
      ok(await app.gql(REMOVE_MEMBER, { input: { teamId: szTeam, expertId } }, szAdmin));
      expect(await stored(expertId)).toEqual({ scope: [tree.guangzhou, tree.liwan, tree.province].sort(), teamIds: [], version: 3 });
      expect(await phoneSeenBy(szAdmin, expertId)).toMatch(MASKED);
      expect(await phoneSeenBy(gzAdmin, expertId)).toMatch(WHOLE);
    });

    it('refuses the expert itself (it leaves with leaveTeam) and lets no one else make it leave', async () => {
      const expertId = await register();
      await addMember(app, szTeam, expertId, szAdmin, selfOf(expertId));
      expect(errorOf(await app.gql(REMOVE_MEMBER, { input: { teamId: szTeam, expertId } }, selfOf(expertId)))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(LEAVE, { input: { teamId: szTeam, expertId } }, szAdmin))?.code).toBe('FORBIDDEN');
      expect((await stored(expertId)).teamIds).toEqual([szTeam]);
    });
  });
});
