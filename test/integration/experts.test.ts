import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import {
  ADD_MEMBER,
  CREATE_TEAM,
  REGISTER_EXPERT,
  UPDATE_EXPERT,
  addMember,
  createOrgTree,
  errorOf,
  makeExpertInput,
  ok,
  type OrgTree,
} from '../support/fixtures.js';

describe('Talent pool', () => {
  let app: TestApp;
  let tree: OrgTree;
  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
  });

  const register = async (overrides: Record<string, unknown> = {}, sub?: string) => {
    const token = await app.token({ roles: ['EXPERT'], ...(sub && { sub }) });
    const res = await app.gql(REGISTER_EXPERT, { input: makeExpertInput(overrides) }, token);
    return { res, token };
  };

  describe('Mutation: registerExpert', () => {
    it('registers the signed-in user and shows the phone unmasked to that user only', async () => {
      const { res, token } = await register({ phone: '13812341234', organizationId: tree.liwan });
      const expert = ok(res).registerExpert.expert;
      expect(expert).toMatchObject({ name: '陈志明', phone: '13812341234', version: 1 });

      const query = `{ expert(id: "${expert.id}") { phone domains { code zh en } organization { id } region { name } } }`;
      expect(ok(await app.gql(query, {}, token)).expert.phone).toBe('13812341234');
      const other = await app.token({ roles: ['EXPERT'] });
      const seen = ok(await app.gql(query, {}, other)).expert;
      expect(seen).toEqual({
        phone: '138****1234',
        domains: [{ code: 'AGRICULTURE', zh: '农业科学', en: 'Agricultural science' }],
        organization: { id: tree.liwan },
        region: { name: '荔湾区' },
      });
      const szAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen });
      expect(ok(await app.gql(query, {}, szAdmin)).expert.phone).toBe('138****1234');
      const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
      expect(ok(await app.gql(query, {}, gzAdmin)).expert.phone).toBe('13812341234');
      expect(app.logs.some((l) => l.includes('personal data read') && l.includes(expert.id))).toBe(true);
    });

    it('never exposes the ID number: the field does not exist in the schema', async () => {
      const { res } = await register({ idNumber: '11010519491231002X' });
      const id = ok(res).registerExpert.expert.id;
      const probe = await app.gql(`{ expert(id: "${id}") { idNumber } }`, {}, tree.admin);
      expect(errorOf(probe)?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(probe.raw).not.toContain('11010519491231002X');
    });

    it('rejects bad input with BAD_USER_INPUT naming the field', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ domains: ['ASTROLOGY'] }, 'domains'],
        [{ domains: [] }, 'domains'],
        [{ regionCode: '12' }, 'regionCode'],
        [{ phone: '12345' }, 'phone'],
        [{ idNumber: '110105194912310021' }, 'idNumber'],
        [{ name: '   ' }, 'name'],
        [{ serviceRegionCodes: ['4401', 'x'] }, 'serviceRegionCodes'],
        [{ maxOpenAssignments: 0 }, 'maxOpenAssignments'],
      ];
      for (const [overrides, field] of cases) {
        const { res } = await register(overrides);
        expect(errorOf(res), field).toEqual({ code: 'BAD_USER_INPUT', field });
      }
    });

    it('refuses a taken phone number and a second record for the same user with CONFLICT, leaving nothing behind', async () => {
      const { res } = await register({ phone: '13900001111', domains: ['MARINE'] });
      ok(res);
      const taken = await register({ phone: '139-0000-1111', domains: ['MARINE'], name: '重复' });
      expect(errorOf(taken.res)).toEqual({ code: 'CONFLICT', field: 'phone' });
      const sub = 'user-twice';
      ok((await register({ domains: ['MARINE'] }, sub)).res);
      const twice = await register({ domains: ['MARINE'], name: '第二次' }, sub);
      expect(errorOf(twice.res)?.code).toBe('CONFLICT');
      const marine = ok(await app.gql('{ experts(filter: { domain: "MARINE" }) { edges { node { name } } } }', {}, tree.admin));
      expect(marine.experts.edges.map((e: { node: { name: string } }) => e.node.name).sort()).toEqual(['陈志明', '陈志明']);
    });

    it('needs a signed-in user', async () => {
      const res = await app.gql(REGISTER_EXPERT, { input: makeExpertInput() });
      expect(errorOf(res)?.code).toBe('UNAUTHENTICATED');
      expect(res.status).toBe(200);
    });
  });

  describe('Mutation: updateExpert', () => {
    it('gives one success and one CONFLICT for two concurrent updates with the same version', async () => {
      const { res, token } = await register();
      const id = ok(res).registerExpert.expert.id;
      const [a, b] = await Promise.all([
        app.gql(UPDATE_EXPERT, { input: { id, version: 1, name: '甲' } }, token),
        app.gql(UPDATE_EXPERT, { input: { id, version: 1, name: '乙' } }, token),
      ]);
      const codes = [a, b].map((r) => errorOf(r)?.code ?? 'OK').sort();
      expect(codes).toEqual(['CONFLICT', 'OK']);
      const winner = [a, b].find((r) => !r.errors);
      const now = ok(await app.gql(`{ expert(id: "${id}") { name version } }`, {}, token)).expert;
      expect(now).toEqual({ name: winner?.data?.updateExpert.expert.name, version: 2 });
    });

    it('moves the expert between filter lists when its domains change', async () => {
      const { res, token } = await register({ domains: ['FORESTRY'], regionCode: '440304' });
      const id = ok(res).registerExpert.expert.id;
      const inDomain = async (domain: string) =>
        ok(await app.gql(`{ experts(filter: { domain: "${domain}", regionCode: "4403" }) { edges { node { id } } } }`, {}, token)).experts.edges.map(
          (e: { node: { id: string } }) => e.node.id,
        );
      expect(await inDomain('FORESTRY')).toEqual([id]);
      const updated = ok(await app.gql(UPDATE_EXPERT, { input: { id, version: 1, domains: ['ENERGY'] } }, token));
      expect(updated.updateExpert.expert).toMatchObject({ version: 2, domains: [{ code: 'ENERGY' }] });
      expect(await inDomain('FORESTRY')).toEqual([]);
      expect(await inDomain('ENERGY')).toEqual([id]);
    });

    it("moves the phone guard: the old number becomes free, another expert's number is a CONFLICT", async () => {
      const one = await register({ phone: '13700007777' });
      const two = await register({ phone: '13700008888' });
      const id = ok(one.res).registerExpert.expert.id;
      const clash = await app.gql(UPDATE_EXPERT, { input: { id, version: 1, phone: '13700008888' } }, one.token);
      expect(errorOf(clash)).toEqual({ code: 'CONFLICT', field: 'phone' });
      ok(await app.gql(UPDATE_EXPERT, { input: { id, version: 1, phone: '13700009999' } }, one.token));
      ok((await register({ phone: '13700007777' })).res);
      expect(two.res.errors).toBeUndefined();
    });

    it('lets only the expert and admins of its organizations edit it', async () => {
      const { res } = await register({ organizationId: tree.shamian });
      const id = ok(res).registerExpert.expert.id;
      const stranger = await app.token({ roles: ['EXPERT'] });
      expect(errorOf(await app.gql(UPDATE_EXPERT, { input: { id, version: 1, name: 'x' } }, stranger))?.code).toBe('FORBIDDEN');
      const szAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen });
      expect(errorOf(await app.gql(UPDATE_EXPERT, { input: { id, version: 1, name: 'x' } }, szAdmin))?.code).toBe('FORBIDDEN');
      const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
      expect(ok(await app.gql(UPDATE_EXPERT, { input: { id, version: 1, name: '新名' } }, gzAdmin)).updateExpert.expert.version).toBe(2);
    });
  });

  describe('Teams and membership', () => {
    it('keeps membership, counter and phone visibility in step', async () => {
      const team = ok(
        await app.gql(CREATE_TEAM, { input: { organizationId: tree.futian, name: '福田区科技志愿服务队', actions: ['POPULAR_SCIENCE'] } }, tree.admin),
      );
      const teamId = team.createTeam.team.id;
      const sub = ok(
        await app.gql(
          CREATE_TEAM,
          { input: { organizationId: tree.futian, parentTeamId: teamId, name: '科普分队', actions: ['POPULAR_SCIENCE'] } },
          tree.admin,
        ),
      );
      const { res, token } = await register({ phone: '13600001234', regionCode: '440304' });
      const expertId = ok(res).registerExpert.expert.id;
      const szAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen });
      const phone = async () => ok(await app.gql(`{ expert(id: "${expertId}") { phone } }`, {}, szAdmin)).expert.phone;
      expect(await phone()).toBe('136****1234');

      // Joining is by consent: the admin invites, the expert accepts.
      const added = await addMember(app, teamId, expertId, szAdmin, token);
      expect(added.team.members.totalCount).toBe(1);
      expect(await phone()).toBe('13600001234');
      const again = await app.gql(ADD_MEMBER, { input: { teamId, expertId } }, szAdmin);
      expect(errorOf(again)).toEqual({ code: 'CONFLICT', field: 'expertId' });

      const view = ok(
        await app.gql(
          `{ team(id: "${teamId}") { subTeams { edges { node { id parentTeam { id } } } } members { totalCount edges { joinedAt node { id teams { edges { node { id } } } } } } } }`,
          {},
          szAdmin,
        ),
      );
      expect(view.team.subTeams.edges).toEqual([{ node: { id: sub.createTeam.team.id, parentTeam: { id: teamId } } }]);
      expect(view.team.members.totalCount).toBe(1);
      expect(view.team.members.edges[0].node).toEqual({ id: expertId, teams: { edges: [{ node: { id: teamId } }] } });

      const removed = ok(await app.gql(REMOVE_MEMBER_Q, { input: { teamId, expertId } }, szAdmin));
      expect(removed.removeTeamMember.team.members.totalCount).toBe(0);
      expect(await phone()).toBe('136****1234');
      expect(errorOf(await app.gql(REMOVE_MEMBER_Q, { input: { teamId, expertId } }, szAdmin))).toEqual({ code: 'NOT_FOUND', field: 'expertId' });
    });

    it("refuses another organization's admin (FORBIDDEN) and unknown ids (NOT_FOUND)", async () => {
      const team = ok(await app.gql(CREATE_TEAM, { input: { organizationId: tree.liwan, name: '荔湾队', actions: ['RURAL_REVITALIZATION'] } }, tree.admin));
      const szAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen });
      const { res } = await register();
      const expertId = ok(res).registerExpert.expert.id;
      expect(errorOf(await app.gql(ADD_MEMBER, { input: { teamId: team.createTeam.team.id, expertId } }, szAdmin))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(ADD_MEMBER, { input: { teamId: 'nope', expertId } }, tree.admin))).toEqual({ code: 'NOT_FOUND', field: 'teamId' });
      expect(errorOf(await app.gql(CREATE_TEAM, { input: { organizationId: tree.liwan, name: '队', actions: [] } }, tree.admin))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'actions',
      });
    });
  });
});

const REMOVE_MEMBER_Q = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { team { id members { totalCount } } expert { id } } }`;
