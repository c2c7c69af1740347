import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { CREATE_ORG, CREATE_TEAM, createOrgTree, errorOf, ok, type OrgTree } from '../support/fixtures.js';

describe('Organizations', () => {
  let app: TestApp;
  let tree: OrgTree;
  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
  });

  describe('Mutation: createOrganization', () => {
    it('derives the parent association from the enclosing region and the level from the region', async () => {
      const data = ok(await app.gql(`{ organization(id: "${tree.shamian}") { level parent { id name } region { code } } }`));
      expect(data.organization).toEqual({ level: 'TOWNSHIP', parent: { id: tree.liwan, name: '荔湾区科学技术协会' }, region: { code: '440103001' } });
    });

    it('rejects an unknown region code with BAD_USER_INPUT on regionCode and writes nothing', async () => {
      const res = await app.gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name: 'X', regionCode: '449999' } }, tree.admin);
      expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'regionCode' });
      expect(res.data).toBeNull();
    });

    it('rejects a level that disagrees with the region', async () => {
      const res = await app.gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name: '海珠区科协', regionCode: '440105', level: 'CITY' } }, tree.admin);
      expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'level' });
    });

    it('rejects a society at township level and an organization outside Guangdong', async () => {
      const township = await app.gql(CREATE_ORG, { input: { kind: 'SOCIETY', name: '沙面学会', regionCode: '440103001' } }, tree.admin);
      expect(errorOf(township)).toEqual({ code: 'BAD_USER_INPUT', field: 'regionCode' });
      const hk = await app.gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name: '香港科协', regionCode: '81' } }, tree.admin);
      expect(errorOf(hk)).toEqual({ code: 'BAD_USER_INPUT', field: 'regionCode' });
    });

    it('refuses a second association for the same region with CONFLICT and leaves no index items behind', async () => {
      const res = await app.gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name: '另一个荔湾区科协', regionCode: '440103' } }, tree.admin);
      expect(errorOf(res)).toEqual({ code: 'CONFLICT', field: 'regionCode' });
      const list = ok(await app.gql('{ organizations(filter: { regionCode: "440103", level: COUNTY }) { edges { node { name } } } }'));
      expect(list.organizations.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['荔湾区科学技术协会']);
    });

    it('rejects a parentId that is not the association of the enclosing region', async () => {
      const res = await app.gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name: '越秀区科协', regionCode: '440104', parentId: tree.shenzhen } }, tree.admin);
      expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'parentId' });
    });

    it('places a society under the association of its own region and an enterprise association under a named parent that contains it', async () => {
      const society = ok(await app.gql(CREATE_ORG, { input: { kind: 'SOCIETY', name: '广州市农学会', regionCode: '4401' } }, tree.admin));
      expect(society.createOrganization.organization).toMatchObject({ kind: 'SOCIETY', level: 'CITY', parent: { id: tree.guangzhou } });
      const enterprise = ok(
        await app.gql(
          CREATE_ORG,
          { input: { kind: 'ENTERPRISE_ASSOCIATION', name: '某企业科协', regionCode: '440103', parentId: tree.guangzhou } },
          tree.admin,
        ),
      );
      expect(enterprise.createOrganization.organization.parent).toEqual({ id: tree.guangzhou });
      const outside = await app.gql(
        CREATE_ORG,
        { input: { kind: 'PARK_ASSOCIATION', name: '园区科协', regionCode: '440103', parentId: tree.shenzhen } },
        tree.admin,
      );
      expect(errorOf(outside)).toEqual({ code: 'BAD_USER_INPUT', field: 'parentId' });
    });

    it('needs a token (UNAUTHENTICATED) and, for an ORG_ADMIN, a parent in its own subtree (FORBIDDEN)', async () => {
      const anon = await app.gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name: '海珠区科协', regionCode: '440105' } });
      expect(errorOf(anon)?.code).toBe('UNAUTHENTICATED');
      const szAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen });
      const forbidden = await app.gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name: '海珠区科协', regionCode: '440105' } }, szAdmin);
      expect(errorOf(forbidden)?.code).toBe('FORBIDDEN');
      const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
      const allowed = ok(await app.gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name: '海珠区科学技术协会', regionCode: '440105' } }, gzAdmin));
      expect(allowed.createOrganization.organization.parent).toEqual({ id: tree.guangzhou });
    });
  });

  describe('Policy: teams under township associations', () => {
    it("lets Guangzhou's ORG_ADMIN create a team under a Guangzhou township association but not under Shenzhen's (FORBIDDEN, nothing written)", async () => {
      const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
      const created = ok(
        await app.gql(CREATE_TEAM, { input: { organizationId: tree.shamian, name: '沙面街道科技志愿服务队', actions: ['POPULAR_SCIENCE'] } }, gzAdmin),
      );
      expect(created.createTeam.team.organization.id).toBe(tree.shamian);

      const denied = await app.gql(CREATE_TEAM, { input: { organizationId: tree.futian, name: '福田区服务队', actions: ['POPULAR_SCIENCE'] } }, gzAdmin);
      expect(errorOf(denied)?.code).toBe('FORBIDDEN');
      expect(denied.data).toBeNull();
      const futianTeams = ok(await app.gql(`{ organization(id: "${tree.futian}") { teams { edges { node { id } } } } }`, {}, tree.admin));
      expect(futianTeams.organization.teams.edges).toEqual([]);
    });
  });

  describe('Query: organizations', () => {
    it('serves kind + level + regionCode (subtree) with one key-designed query', async () => {
      app.requests.reset();
      const data = ok(await app.gql('{ organizations(filter: { kind: ASSOCIATION, level: COUNTY, regionCode: "4401" }) { edges { node { name } } } }'));
      expect(data.organizations.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['荔湾区科学技术协会', '海珠区科学技术协会']);
      expect(app.requests.get('QueryCommand')).toBe(1);
      expect(app.requests.get('ScanCommand')).toBe(0);
    });

    it('lists children of an organization, filtered by kind', async () => {
      const data = ok(await app.gql(`{ organization(id: "${tree.guangzhou}") { children(filter: { kind: SOCIETY }) { edges { node { name } } } } }`));
      expect(data.organization.children.edges).toEqual([{ node: { name: '广州市农学会' } }]);
    });

    it('shows names to anyone but contacts only to admins of the subtree', async () => {
      const query = `{ organization(id: "${tree.liwan}") { name contactPhone } }`;
      expect(ok(await app.gql(query)).organization).toEqual({ name: '荔湾区科学技术协会', contactPhone: null });
      const szAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen });
      expect(ok(await app.gql(query, {}, szAdmin)).organization.contactPhone).toBeNull();
      const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
      expect(ok(await app.gql(query, {}, gzAdmin)).organization.contactPhone).toBe('13800138000');
    });

    it('keeps teams from anonymous callers', async () => {
      const res = await app.gql(`{ organization(id: "${tree.shamian}") { name teams { edges { node { id } } } } }`);
      expect(errorOf(res)?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('Mutation: updateOrganization', () => {
    const UPDATE = 'mutation ($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { name version } } }';

    it('updates with the current version and refuses a stale one with CONFLICT', async () => {
      const first = ok(await app.gql(UPDATE, { input: { id: tree.futian, version: 1, name: '深圳市福田区科学技术协会' } }, tree.admin));
      expect(first.updateOrganization.organization).toEqual({ name: '深圳市福田区科学技术协会', version: 2 });
      const stale = await app.gql(UPDATE, { input: { id: tree.futian, version: 1, name: '旧名' } }, tree.admin);
      expect(errorOf(stale)?.code).toBe('CONFLICT');
    });

    it('answers NOT_FOUND for an unknown id and FORBIDDEN outside the subtree', async () => {
      expect(errorOf(await app.gql(UPDATE, { input: { id: 'nope', version: 1, name: 'x' } }, tree.admin))?.code).toBe('NOT_FOUND');
      const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
      expect(errorOf(await app.gql(UPDATE, { input: { id: tree.futian, version: 2, name: 'x' } }, gzAdmin))?.code).toBe('FORBIDDEN');
    });
  });
});
