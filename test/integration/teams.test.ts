import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { ADD_MEMBER, CREATE_TEAM, REGISTER_EXPERT, REMOVE_MEMBER, createOrgTree, errorOf, makeExpertInput, ok, type OrgTree } from '../support/fixtures.js';
import { entityKey } from '../../functions/lib/data/keys.js';

describe('Team membership and the expert scope', () => {
  let app: TestApp;
  let tree: OrgTree;
  let gzAdmin: string;
  let szAdmin: string;
  let gzTeam: string;
  let szTeam: string;

  const createTeam = async (organizationId: string, name: string) =>
    ok(await app.gql(CREATE_TEAM, { input: { organizationId, name, actions: ['POPULAR_SCIENCE'] } }, tree.admin)).createTeam.team.id as string;

  const register = async (overrides: Record<string, unknown> = {}) => {
    const token = await app.token({ roles: ['EXPERT'] });
    return ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput({ phone: phoneOf(serial++), ...overrides }) }, token)).registerExpert.expert.id as string;
  };
  let serial = 0;
  const phoneOf = (n: number) => `1350000${String(n).padStart(4, '0')}`;

  /** The stored expert item, read with strong consistency. */
  const stored = async (expertId: string) => {
    const item = await app.deps.store.get(entityKey('EXPERT', expertId));
    const sorted = (value: unknown) => [...((value as string[] | undefined) ?? [])].sort();
    return { scope: sorted(item?.scopeOrganizationIds), teamIds: sorted(item?.teamIds), version: item?.version };
  };

  /** The phone as the given admin sees it: whole when the admin's organization is in the expert's scope. */
  const phoneSeenBy = async (token: string, expertId: string) => ok(await app.gql(`{ expert(id: "${expertId}") { phone } }`, {}, token)).expert.phone as string;

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
    szAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen });
    gzTeam = await createTeam(tree.guangzhou, '广州市科技志愿服务总队');
    szTeam = await createTeam(tree.shenzhen, '深圳市科技志愿服务总队');
  });

  describe('Mutation: addTeamMember', () => {
    it('lets two concurrent joins of one expert into teams of Guangzhou and Shenzhen both succeed, with both organizations in its scope', async () => {
      // Several experts at once, so that the two joins of each really overlap (and retry on the expert's version).
      const experts = await Promise.all(Array.from({ length: 4 }, () => register()));
      app.requests.reset();
      const results = await Promise.all(
        experts.flatMap((expertId) => [
          app.gql(ADD_MEMBER, { input: { teamId: gzTeam, expertId } }, gzAdmin),
          app.gql(ADD_MEMBER, { input: { teamId: szTeam, expertId } }, szAdmin),
        ]),
      );
      results.forEach((r) => ok(r));
      // The joins of each expert met: some transactions failed on the expert's version and were retried.
      expect(app.requests.get('TransactWriteItemsCommand')).toBeGreaterThan(results.length);

      for (const expertId of experts) {
        expect(await stored(expertId)).toEqual({ scope: [tree.guangzhou, tree.province, tree.shenzhen].sort(), teamIds: [gzTeam, szTeam].sort(), version: 3 });
        expect(await phoneSeenBy(gzAdmin, expertId)).toMatch(/^1350000\d{4}$/);
        expect(await phoneSeenBy(szAdmin, expertId)).toMatch(/^1350000\d{4}$/);
      }
      const totals = `{ a: team(id: "${gzTeam}") { members { totalCount } } b: team(id: "${szTeam}") { members { totalCount } } }`;
      const counts = ok(await app.gql(totals, {}, tree.admin));
      expect([counts.a.members.totalCount, counts.b.members.totalCount]).toEqual([4, 4]);
    });

    it('returns the expert at its new version and keeps a second join of the same team a CONFLICT on expertId', async () => {
      const expertId = await register();
      const join = `mutation ($input: TeamMemberInput!) { addTeamMember(input: $input) { expert { id version } } }`;
      const joined = ok(await app.gql(join, { input: { teamId: gzTeam, expertId } }, gzAdmin));
      expect(joined.addTeamMember.expert).toEqual({ id: expertId, version: 2 });
      const [a, b] = await Promise.all([
        app.gql(ADD_MEMBER, { input: { teamId: szTeam, expertId } }, szAdmin),
        app.gql(ADD_MEMBER, { input: { teamId: szTeam, expertId } }, szAdmin),
      ]);
      expect([a, b].map((r) => errorOf(r) ?? 'OK')).toContainEqual({ code: 'CONFLICT', field: 'expertId' });
      expect([a, b].filter((r) => !r.errors)).toHaveLength(1);
      expect(await stored(expertId)).toMatchObject({ scope: [tree.guangzhou, tree.province, tree.shenzhen].sort(), teamIds: [gzTeam, szTeam].sort() });
    });
  });

  describe('Mutation: removeTeamMember', () => {
    it('leaves exactly the right scope after a concurrent leave (Guangzhou) and join (Shenzhen)', async () => {
      const experts = await Promise.all(Array.from({ length: 4 }, () => register()));
      for (const expertId of experts) ok(await app.gql(ADD_MEMBER, { input: { teamId: gzTeam, expertId } }, gzAdmin));
      const results = await Promise.all(
        experts.flatMap((expertId) => [
          app.gql(REMOVE_MEMBER, { input: { teamId: gzTeam, expertId } }, gzAdmin),
          app.gql(ADD_MEMBER, { input: { teamId: szTeam, expertId } }, szAdmin),
        ]),
      );
      results.forEach((r) => ok(r));

      for (const expertId of experts) {
        expect(await stored(expertId)).toEqual({ scope: [tree.province, tree.shenzhen].sort(), teamIds: [szTeam], version: 4 });
        expect(await phoneSeenBy(gzAdmin, expertId)).toMatch(/^135\*\*\*\*\d{4}$/);
        expect(await phoneSeenBy(szAdmin, expertId)).toMatch(/^1350000\d{4}$/);
      }
    });

    it("keeps the expert's own organization in its scope when it leaves its last team", async () => {
      const expertId = await register({ organizationId: tree.liwan });
      ok(await app.gql(ADD_MEMBER, { input: { teamId: szTeam, expertId } }, szAdmin));
      expect((await stored(expertId)).scope).toEqual([tree.guangzhou, tree.liwan, tree.province, tree.shenzhen].sort());
      ok(await app.gql(REMOVE_MEMBER, { input: { teamId: szTeam, expertId } }, szAdmin));
      expect(await stored(expertId)).toEqual({ scope: [tree.guangzhou, tree.liwan, tree.province].sort(), teamIds: [], version: 3 });
      expect(await phoneSeenBy(szAdmin, expertId)).toMatch(/^135\*\*\*\*\d{4}$/);
      expect(await phoneSeenBy(gzAdmin, expertId)).toMatch(/^1350000\d{4}$/);
    });
  });
});
