import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/lib/data/client.js';
import { indexPartition } from '../../functions/lib/data/keys.js';
import { createTestApp, type Data, type TestApp } from '../support/testApp.js';
import { dynamoEndpoint } from '../support/dynamoPerFile.js';
import { CREATE_TEAM, REGISTER_EXPERT, SUBMIT_NEED, createOrgTree, errorOf, makeExpertInput, makeNeedInput, ok, type OrgTree } from '../support/fixtures.js';

const TECH_FIELDS = 'id title version maturity transferModes ownerName contactName contactPhone domains { code } region { code } organization { id }';
const CREATE_TECH = `mutation ($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { ${TECH_FIELDS} } } }`;
const UPDATE_TECH = `mutation ($input: UpdateTechnologyInput!) { updateTechnology(input: $input) { technology { ${TECH_FIELDS} } } }`;
const TECH_PAGE = `query ($filter: TechnologyFilter, $first: Int, $after: String) {
  technologies(filter: $filter, first: $first, after: $after) { edges { cursor node { id title region { code } } } pageInfo { hasNextPage endCursor } }
}`;

const PROJECT_FIELDS = `id title version action status startDate endDate region { code } organization { id }
  needs { id title } experts { id name } team { id name }`;
const CREATE_PROJECT = `mutation ($input: CreateProjectInput!) { createProject(input: $input) { project { ${PROJECT_FIELDS} } } }`;
const UPDATE_PROJECT = `mutation ($input: UpdateProjectInput!) { updateProject(input: $input) { project { ${PROJECT_FIELDS} } } }`;
const PROJECT_PAGE = `query ($filter: ProjectFilter, $first: Int, $after: String) {
  projects(filter: $filter, first: $first, after: $after) { edges { cursor node { id title } } pageInfo { hasNextPage endCursor } }
}`;

const PAIRING_FIELDS = `id version action industry region { code } organization { id } expert { id name } project { id } team { id }
  helpedEnterprise { name organization { id } } talents { name expert { id } }
  followUps { date outcome figures { name value unit } recordedBy at }`;
const CREATE_PAIRING = `mutation ($input: CreatePairingInput!) { createPairing(input: $input) { pairing { ${PAIRING_FIELDS} } } }`;
const UPDATE_PAIRING = `mutation ($input: UpdatePairingInput!) { updatePairing(input: $input) { pairing { ${PAIRING_FIELDS} } } }`;
const ADD_FOLLOW_UP = `mutation ($input: AddPairingFollowUpInput!) { addPairingFollowUp(input: $input) { pairing { id version followUps { date outcome figures { name value unit } recordedBy at } } } }`;
const PAIRING_PAGE = `query ($filter: PairingFilter, $first: Int, $after: String) {
  pairings(filter: $filter, first: $first, after: $after) { edges { cursor node { id industry } } pageInfo { hasNextPage endCursor } }
}`;

type Edge = { node: { id: string; title?: string; industry?: string } };
const ids = (edges: Edge[]) => edges.map((e) => e.node.id);

/** createTechnology input with sensible defaults. */
function makeTechnologyInput(organizationId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    organizationId,
    title: '荔枝保鲜技术',
    description: '采后保鲜与冷链',
    ownerName: '华南农业大学',
    domains: ['AGRICULTURE', 'FOOD_SCIENCE'],
    keywords: ['荔枝', '保鲜'],
    maturity: 'PILOT',
    transferModes: ['LICENSE', 'SERVICE'],
    regionCode: '440103',
    contactName: '李工',
    contactPhone: '13912345678',
    ...overrides,
  };
}

describe('Pools: technologies, projects and "6个1" pairings', () => {
  let app: TestApp;
  let tree: OrgTree;
  let db: DynamoDBDocumentClient;
  let gzAdmin: string;
  let szAdmin: string;
  let expertToken: string;

  /** Every item of one partition (index or entity), straight from the table. */
  const partition = async (pk: string) =>
    (await db.send(new QueryCommand({ TableName: app.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk } }))).Items ?? [];

  /** Every page of a list, following endCursor, with the page sizes seen. */
  async function collect(query: string, field: string, filter: Record<string, unknown>, first: number): Promise<{ ids: string[]; sizes: number[] }> {
    const out: string[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    do {
      const data: Data = ok(await app.gql(query, { filter, first, after }, tree.admin));
      const conn = data[field] as { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      out.push(...ids(conn.edges));
      sizes.push(conn.edges.length);
      after = conn.pageInfo.endCursor;
      if (!conn.pageInfo.hasNextPage) expect(after).toBeNull();
    } while (after);
    return { ids: out, sizes };
  }

  const registerExpert = async (overrides: Record<string, unknown> = {}) =>
    ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput(overrides) }, await app.token({ roles: ['EXPERT'] }))).registerExpert.expert as {
      id: string;
      name: string;
    };

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    db = createDocumentClient({ tableName: app.tableName, endpoint: dynamoEndpoint() });
    gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
    szAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen });
    expertToken = await app.token({ roles: ['EXPERT'] });
  });

  afterAll(() => db.destroy());

  describe('Technology pool', () => {
    describe('Mutation: createTechnology', () => {
      it('lists a technology for an admin of the subtree, with its index items written in the same transaction', async () => {
        const res = await app.gql(CREATE_TECH, { input: makeTechnologyInput(tree.liwan) }, gzAdmin);
        const tech = ok(res).createTechnology.technology;
        expect(tech).toMatchObject({
          title: '荔枝保鲜技术',
          version: 1,
          maturity: 'PILOT',
          transferModes: ['LICENSE', 'SERVICE'],
          domains: [{ code: 'AGRICULTURE' }, { code: 'FOOD_SCIENCE' }],
          region: { code: '440103' },
          organization: { id: tree.liwan },
          contactPhone: '13912345678',
        });
        // (2 domains + none) × (maturity + none) = 6 index partitions, each holding region#id.
        for (const dims of [{}, { domain: 'AGRICULTURE' }, { maturity: 'PILOT' }, { domain: 'FOOD_SCIENCE', maturity: 'PILOT' }]) {
          const items = await partition(indexPartition('TECH', dims));
          expect(items.filter((i) => i.id === tech.id).map((i) => i.SK)).toEqual([`440103#${tech.id}`]);
        }
      });

      it('rejects bad input with BAD_USER_INPUT naming the field and writes nothing', async () => {
        const cases: Array<[Record<string, unknown>, string]> = [
          [{ regionCode: '4499' }, 'regionCode'],
          [{ domains: ['ASTROLOGY'] }, 'domains'],
          [{ domains: [] }, 'domains'],
          [{ domains: ['AGRICULTURE', 'FORESTRY', 'MARINE', 'ENERGY', 'MATERIALS', 'MEDICINE'] }, 'domains'],
          [{ transferModes: [] }, 'transferModes'],
          [{ title: '  ' }, 'title'],
          [{ contactPhone: '12345' }, 'contactPhone'],
          [{ keywords: ['x'.repeat(31)] }, 'keywords'],
        ];
        for (const [overrides, field] of cases) {
          const res = await app.gql(CREATE_TECH, { input: makeTechnologyInput(tree.liwan, { title: '坏输入', ...overrides }) }, tree.admin);
          expect(errorOf(res), field).toEqual({ code: 'BAD_USER_INPUT', field });
        }
        const missing = await app.gql(CREATE_TECH, { input: makeTechnologyInput('no-such-org') }, tree.admin);
        expect(errorOf(missing)).toEqual({ code: 'NOT_FOUND', field: 'organizationId' });
        const all = ok(await app.gql(TECH_PAGE, { first: 100 }, tree.admin)).technologies.edges as Edge[];
        expect(all.some((e) => e.node.title === '坏输入')).toBe(false);
      });

      it('refuses an ORG_ADMIN outside the subtree (FORBIDDEN), an expert (FORBIDDEN) and anonymous callers (UNAUTHENTICATED)', async () => {
        expect(errorOf(await app.gql(CREATE_TECH, { input: makeTechnologyInput(tree.shamian) }, szAdmin))?.code).toBe('FORBIDDEN');
        expect(errorOf(await app.gql(CREATE_TECH, { input: makeTechnologyInput(tree.shamian) }, expertToken))?.code).toBe('FORBIDDEN');
        expect(errorOf(await app.gql(CREATE_TECH, { input: makeTechnologyInput(tree.shamian) }))?.code).toBe('UNAUTHENTICATED');
        expect(errorOf(await app.gql(TECH_PAGE, {}))?.code).toBe('UNAUTHENTICATED');
      });
    });

    describe('Query: technologies', () => {
      it('filters by domain, maturity and region subtree, and pages without gaps or repeats', async () => {
        const made: Array<{ id: string; regionCode: string; maturity: string }> = [];
        const regions = ['440103', '440103001', '440304', '4401', '440104'];
        for (let i = 0; i < 10; i++) {
          const regionCode = regions[i % regions.length] as string;
          const maturity = i % 2 ? 'MATURE' : 'RESEARCH';
          const org = regionCode.startsWith('4403') ? tree.futian : tree.guangzhou;
          const input = makeTechnologyInput(org, { title: `海洋技术${i}`, domains: ['MARINE'], maturity, regionCode, contactPhone: null });
          made.push({ id: ok(await app.gql(CREATE_TECH, { input }, tree.admin)).createTechnology.technology.id, regionCode, maturity });
        }
        const all = await collect(TECH_PAGE, 'technologies', { domain: 'MARINE' }, 3);
        expect(all.sizes).toEqual([3, 3, 3, 1]);
        expect(new Set(all.ids).size).toBe(10);
        expect([...all.ids].sort()).toEqual(made.map((m) => m.id).sort());

        const guangzhou = await collect(TECH_PAGE, 'technologies', { domain: 'MARINE', regionCode: '4401' }, 2);
        expect([...guangzhou.ids].sort()).toEqual(
          made
            .filter((m) => m.regionCode.startsWith('4401'))
            .map((m) => m.id)
            .sort(),
        );
        expect(guangzhou.ids).toHaveLength(8);

        const liwanMature = await collect(TECH_PAGE, 'technologies', { domain: 'MARINE', maturity: 'MATURE', regionCode: '440103' }, 20);
        expect([...liwanMature.ids].sort()).toEqual(
          made
            .filter((m) => m.regionCode.startsWith('440103') && m.maturity === 'MATURE')
            .map((m) => m.id)
            .sort(),
        );
        expect(liwanMature.ids.length).toBeGreaterThan(0);
      });

      it('rejects an unknown region or domain in the filter naming the field', async () => {
        expect(errorOf(await app.gql(TECH_PAGE, { filter: { regionCode: '9999' } }, expertToken))).toEqual({
          code: 'BAD_USER_INPUT',
          field: 'filter.regionCode',
        });
        expect(errorOf(await app.gql(TECH_PAGE, { filter: { domain: 'ALCHEMY' } }, expertToken))).toEqual({ code: 'BAD_USER_INPUT', field: 'filter.domain' });
      });
    });

    describe('Technology.contactPhone and contactName', () => {
      it('are masked except to admins of the listing organization subtree, whose reads are audited', async () => {
        const tech = ok(await app.gql(CREATE_TECH, { input: makeTechnologyInput(tree.shamian, { contactPhone: '13812341234' }) }, tree.admin)).createTechnology
          .technology;
        const query = `{ technology(id: "${tech.id}") { contactPhone contactName } }`;
        expect(ok(await app.gql(query, {}, expertToken)).technology).toEqual({ contactPhone: '138****1234', contactName: '李*' });
        expect(ok(await app.gql(query, {}, szAdmin)).technology.contactPhone).toBe('138****1234');
        expect(ok(await app.gql(query, {}, gzAdmin)).technology).toEqual({ contactPhone: '13812341234', contactName: '李工' });
        expect(ok(await app.gql(query, {}, tree.admin)).technology.contactPhone).toBe('13812341234');
        expect(app.logs.some((l) => l.includes('Technology.contactPhone') && l.includes(tech.id))).toBe(true);
      });
    });

    describe('Mutation: updateTechnology', () => {
      it('moves index items when domains and maturity change, leaving none behind', async () => {
        const tech = ok(
          await app.gql(
            CREATE_TECH,
            { input: makeTechnologyInput(tree.futian, { domains: ['FORESTRY'], maturity: 'RESEARCH', regionCode: '440304' }) },
            tree.admin,
          ),
        ).createTechnology.technology;
        const listed = async (filter: Record<string, unknown>) =>
          ids(ok(await app.gql(TECH_PAGE, { filter: { ...filter, regionCode: '4403' } }, expertToken)).technologies.edges);
        expect(await listed({ domain: 'FORESTRY', maturity: 'RESEARCH' })).toEqual([tech.id]);

        const updated = ok(await app.gql(UPDATE_TECH, { input: { id: tech.id, version: 1, domains: ['ENERGY'], maturity: 'MATURE' } }, szAdmin))
          .updateTechnology.technology;
        expect(updated).toMatchObject({ version: 2, domains: [{ code: 'ENERGY' }], maturity: 'MATURE', title: '荔枝保鲜技术', ownerName: '华南农业大学' });
        expect(await listed({ domain: 'FORESTRY' })).toEqual([]);
        expect(await listed({ maturity: 'RESEARCH' })).not.toContain(tech.id);
        expect(await listed({ domain: 'ENERGY', maturity: 'MATURE' })).toEqual([tech.id]);
        expect(await listed({})).toContain(tech.id);
        for (const dims of [{ domain: 'FORESTRY' }, { maturity: 'RESEARCH' }, { domain: 'FORESTRY', maturity: 'RESEARCH' }]) {
          expect((await partition(indexPartition('TECH', dims))).some((i) => i.id === tech.id)).toBe(false);
        }
      });

      it('gives CONFLICT for a stale version and changes nothing', async () => {
        const tech = ok(await app.gql(CREATE_TECH, { input: makeTechnologyInput(tree.liwan) }, tree.admin)).createTechnology.technology;
        ok(await app.gql(UPDATE_TECH, { input: { id: tech.id, version: 1, title: '第二版' } }, gzAdmin));
        const stale = await app.gql(UPDATE_TECH, { input: { id: tech.id, version: 1, title: '过期', domains: ['MARINE'] } }, gzAdmin);
        expect(errorOf(stale)).toEqual({ code: 'CONFLICT', field: 'version' });
        const now = ok(await app.gql(`{ technology(id: "${tech.id}") { title version domains { code } } }`, {}, gzAdmin)).technology;
        expect(now).toEqual({ title: '第二版', version: 2, domains: [{ code: 'AGRICULTURE' }, { code: 'FOOD_SCIENCE' }] });
      });

      it('gives one success and one CONFLICT for two concurrent updates with the same version', async () => {
        const tech = ok(await app.gql(CREATE_TECH, { input: makeTechnologyInput(tree.liwan) }, tree.admin)).createTechnology.technology;
        const [a, b] = await Promise.all([
          app.gql(UPDATE_TECH, { input: { id: tech.id, version: 1, maturity: 'MATURE' } }, gzAdmin),
          app.gql(UPDATE_TECH, { input: { id: tech.id, version: 1, maturity: 'PROTOTYPE' } }, gzAdmin),
        ]);
        expect([a, b].map((r) => errorOf(r)?.code ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
        const winner = ([a, b].find((r) => !r.errors)?.data as Data).updateTechnology.technology.maturity as string;
        const loser = winner === 'MATURE' ? 'PROTOTYPE' : 'MATURE';
        expect((await partition(indexPartition('TECH', { maturity: winner }))).some((i) => i.id === tech.id)).toBe(true);
        expect((await partition(indexPartition('TECH', { maturity: loser }))).some((i) => i.id === tech.id)).toBe(false);
        expect((await partition(indexPartition('TECH', { maturity: 'PILOT' }))).some((i) => i.id === tech.id)).toBe(false);
      });

      it('lets only admins of the subtree edit, and of both subtrees move it to another organization', async () => {
        const tech = ok(await app.gql(CREATE_TECH, { input: makeTechnologyInput(tree.liwan) }, tree.admin)).createTechnology.technology;
        expect(errorOf(await app.gql(UPDATE_TECH, { input: { id: tech.id, version: 1, title: 'x' } }, szAdmin))?.code).toBe('FORBIDDEN');
        expect(errorOf(await app.gql(UPDATE_TECH, { input: { id: tech.id, version: 1, organizationId: tree.futian } }, gzAdmin))?.code).toBe('FORBIDDEN');
        expect(errorOf(await app.gql(UPDATE_TECH, { input: { id: 'nope', version: 1, title: 'x' } }, gzAdmin))).toEqual({ code: 'NOT_FOUND', field: 'id' });
        expect(errorOf(await app.gql(UPDATE_TECH, { input: { id: tech.id, version: 1, regionCode: '123' } }, gzAdmin))).toEqual({
          code: 'BAD_USER_INPUT',
          field: 'regionCode',
        });
        const moved = ok(await app.gql(UPDATE_TECH, { input: { id: tech.id, version: 1, organizationId: tree.futian, regionCode: '440304' } }, tree.admin));
        expect(moved.updateTechnology.technology).toMatchObject({ version: 2, organization: { id: tree.futian }, region: { code: '440304' } });
        expect(
          ok(await app.gql(UPDATE_TECH, { input: { id: tech.id, version: 2, contactPhone: null } }, szAdmin)).updateTechnology.technology.contactPhone,
        ).toBeNull();
        expect(errorOf(await app.gql(UPDATE_TECH, { input: { id: tech.id, version: 3, title: 'x' } }, gzAdmin))?.code).toBe('FORBIDDEN');
      });
    });
  });

  describe('Project pool', () => {
    let needId: string;
    beforeAll(async () => {
      const requester = await app.token({ roles: ['REQUESTER'] });
      needId = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title: '荔枝病虫害防治' }) }, requester)).submitNeed.need.id;
    });

    const makeProject = (organizationId: string, overrides: Record<string, unknown> = {}) => ({
      organizationId,
      title: '科普进社区',
      action: 'POPULAR_SCIENCE',
      regionCode: '440103',
      ...overrides,
    });

    describe('Mutation: createProject', () => {
      it('links needs, experts and a team, and starts PLANNED', async () => {
        const expert = await registerExpert();
        const team = ok(await app.gql(CREATE_TEAM, { input: { organizationId: tree.liwan, name: '荔湾科普队', actions: ['POPULAR_SCIENCE'] } }, tree.admin))
          .createTeam.team;
        const input = makeProject(tree.liwan, {
          needIds: [needId, needId],
          expertIds: [expert.id],
          teamId: team.id,
          startDate: '2019-06-01',
          endDate: '2019-12-31',
        });
        const project = ok(await app.gql(CREATE_PROJECT, { input }, gzAdmin)).createProject.project;
        expect(project).toMatchObject({
          version: 1,
          status: 'PLANNED',
          action: 'POPULAR_SCIENCE',
          startDate: '2019-06-01',
          endDate: '2019-12-31',
          region: { code: '440103' },
          organization: { id: tree.liwan },
          needs: [{ id: needId, title: '荔枝病虫害防治' }],
          experts: [{ id: expert.id, name: '陈志明' }],
          team: { id: team.id, name: '荔湾科普队' },
        });
      });

      it('rejects unknown references and bad values with BAD_USER_INPUT naming the field, writing nothing', async () => {
        const cases: Array<[Record<string, unknown>, string]> = [
          [{ needIds: [needId, 'no-such-need'] }, 'needIds'],
          [{ expertIds: ['no-such-expert'] }, 'expertIds'],
          [{ teamId: 'no-such-team' }, 'teamId'],
          [{ regionCode: '44010' }, 'regionCode'],
          [{ startDate: '2019-02-30' }, 'startDate'],
          [{ startDate: '2019-06-01', endDate: '2019-05-31' }, 'endDate'],
        ];
        for (const [overrides, field] of cases) {
          const res = await app.gql(CREATE_PROJECT, { input: makeProject(tree.liwan, { title: '不应写入', ...overrides }) }, tree.admin);
          expect(errorOf(res), field).toEqual({ code: 'BAD_USER_INPUT', field });
        }
        const all = ok(await app.gql(PROJECT_PAGE, { first: 100 }, tree.admin)).projects.edges as Edge[];
        expect(all.some((e) => e.node.title === '不应写入')).toBe(false);
        expect(errorOf(await app.gql(CREATE_PROJECT, { input: makeProject(tree.futian) }, gzAdmin))?.code).toBe('FORBIDDEN');
      });
    });

    describe('Query: projects', () => {
      it("lists an organization's whole subtree, combined with action, status and region, in pages", async () => {
        const made: Array<{ id: string; org: string; action: string; regionCode: string }> = [];
        const plan: Array<[string, string, string]> = [
          [tree.guangzhou, 'RURAL_REVITALIZATION', '4401'],
          [tree.liwan, 'RURAL_REVITALIZATION', '440103'],
          [tree.shamian, 'RURAL_REVITALIZATION', '440103001'],
          [tree.shamian, 'POPULAR_SCIENCE', '440103001'],
          [tree.liwan, 'RURAL_REVITALIZATION', '440104'],
          [tree.futian, 'RURAL_REVITALIZATION', '440304'],
          [tree.shenzhen, 'SOCIETY_SERVES_ENTERPRISE', '4403'],
        ];
        for (const [org, action, regionCode] of plan) {
          const input = makeProject(org, { title: '子树项目', action, regionCode });
          made.push({ id: ok(await app.gql(CREATE_PROJECT, { input }, tree.admin)).createProject.project.id, org, action, regionCode });
        }
        const gzOrgs = new Set([tree.guangzhou, tree.liwan, tree.shamian]);
        const gzRural = await collect(PROJECT_PAGE, 'projects', { organizationId: tree.guangzhou, action: 'RURAL_REVITALIZATION', status: 'PLANNED' }, 2);
        expect(gzRural.sizes).toEqual([2, 2]);
        expect([...gzRural.ids].sort()).toEqual(
          made
            .filter((m) => gzOrgs.has(m.org) && m.action === 'RURAL_REVITALIZATION')
            .map((m) => m.id)
            .sort(),
        );

        const liwanSubtree = await collect(PROJECT_PAGE, 'projects', { organizationId: tree.liwan }, 100);
        for (const m of made) expect(liwanSubtree.ids.includes(m.id), m.org).toBe(m.org === tree.liwan || m.org === tree.shamian);

        const inLiwanRegion = await collect(
          PROJECT_PAGE,
          'projects',
          { organizationId: tree.province, action: 'RURAL_REVITALIZATION', regionCode: '440103' },
          100,
        );
        expect([...inLiwanRegion.ids].sort()).toEqual(
          made
            .filter((m) => m.action === 'RURAL_REVITALIZATION' && m.regionCode.startsWith('440103'))
            .map((m) => m.id)
            .sort(),
        );

        expect(errorOf(await app.gql(PROJECT_PAGE, { filter: { regionCode: 'x' } }, expertToken))).toEqual({
          code: 'BAD_USER_INPUT',
          field: 'filter.regionCode',
        });
      });
    });

    describe('Mutation: updateProject', () => {
      it('moves index items with its status, allows only legal status moves, and refuses a stale version', async () => {
        const project = ok(
          await app.gql(CREATE_PROJECT, { input: makeProject(tree.shamian, { action: 'ACADEMICIAN_EXPERT_TOUR', regionCode: '440103001' }) }, tree.admin),
        ).createProject.project;
        const listed = async (status: string) =>
          ids(
            ok(await app.gql(PROJECT_PAGE, { filter: { organizationId: tree.guangzhou, action: 'ACADEMICIAN_EXPERT_TOUR', status } }, expertToken)).projects
              .edges,
          );
        expect(await listed('PLANNED')).toEqual([project.id]);

        const active = ok(await app.gql(UPDATE_PROJECT, { input: { id: project.id, version: 1, status: 'ACTIVE', startDate: '2019-07-01' } }, gzAdmin))
          .updateProject.project;
        expect(active).toMatchObject({ status: 'ACTIVE', version: 2, startDate: '2019-07-01', title: '科普进社区' });
        expect(await listed('PLANNED')).toEqual([]);
        expect(await listed('ACTIVE')).toEqual([project.id]);
        for (const orgId of [tree.province, tree.guangzhou, tree.liwan, tree.shamian]) {
          const stale = await partition(indexPartition('PROJECT', { org: orgId, status: 'PLANNED' }));
          expect(stale.some((i) => i.id === project.id)).toBe(false);
        }

        const stale = await app.gql(UPDATE_PROJECT, { input: { id: project.id, version: 1, title: '过期' } }, gzAdmin);
        expect(errorOf(stale)).toEqual({ code: 'CONFLICT', field: 'version' });
        expect(errorOf(await app.gql(UPDATE_PROJECT, { input: { id: project.id, version: 2, endDate: '2019-06-30' } }, gzAdmin))).toEqual({
          code: 'BAD_USER_INPUT',
          field: 'endDate',
        });
        expect(errorOf(await app.gql(UPDATE_PROJECT, { input: { id: project.id, version: 2, needIds: ['missing'] } }, gzAdmin))).toEqual({
          code: 'BAD_USER_INPUT',
          field: 'needIds',
        });
        expect(errorOf(await app.gql(UPDATE_PROJECT, { input: { id: project.id, version: 2, status: 'PLANNED' } }, gzAdmin))).toEqual({
          code: 'INVALID_TRANSITION',
          field: 'status',
        });
        expect(errorOf(await app.gql(UPDATE_PROJECT, { input: { id: project.id, version: 2, status: 'COMPLETED' } }, szAdmin))?.code).toBe('FORBIDDEN');

        const done = ok(
          await app.gql(UPDATE_PROJECT, { input: { id: project.id, version: 2, status: 'COMPLETED', needIds: [needId], startDate: null } }, gzAdmin),
        ).updateProject.project;
        expect(done).toMatchObject({ status: 'COMPLETED', version: 3, needs: [{ id: needId }], startDate: null });
        expect(await listed('ACTIVE')).toEqual([]);
        expect(await listed('COMPLETED')).toEqual([project.id]);
      });
    });
  });

  describe('"6个1" pairings', () => {
    let expertId: string;
    let talentId: string;
    let ruralProjectId: string;
    let scienceProjectId: string;
    let teamId: string;

    beforeAll(async () => {
      expertId = (await registerExpert({ name: '林教授', regionCode: '440103' })).id;
      talentId = (await registerExpert({ name: '黄博士' })).id;
      ruralProjectId = ok(
        await app.gql(
          CREATE_PROJECT,
          { input: { organizationId: tree.liwan, title: '荔枝产业提升', action: 'RURAL_REVITALIZATION', regionCode: '440103' } },
          tree.admin,
        ),
      ).createProject.project.id;
      scienceProjectId = ok(
        await app.gql(CREATE_PROJECT, { input: { organizationId: tree.liwan, title: '科普', action: 'POPULAR_SCIENCE', regionCode: '440103' } }, tree.admin),
      ).createProject.project.id;
      teamId = ok(await app.gql(CREATE_TEAM, { input: { organizationId: tree.liwan, name: '乡村振兴服务队', actions: ['RURAL_REVITALIZATION'] } }, tree.admin))
        .createTeam.team.id;
    });

    const makePairing = (organizationId: string, overrides: Record<string, unknown> = {}) => ({
      organizationId,
      regionCode: '440103001',
      expertId,
      helpedEnterprise: { name: '沙面荔枝专业合作社' },
      industry: '荔枝种植',
      ...overrides,
    });

    describe('Mutation: createPairing', () => {
      it('records the six ones and is always a RURAL_REVITALIZATION activity', async () => {
        const input = makePairing(tree.shamian, {
          projectId: ruralProjectId,
          teamId,
          helpedEnterprise: { name: '沙面荔枝专业合作社', organizationId: tree.shamian },
          talents: [{ name: '黄博士', expertId: talentId }, { name: '返乡青年王某' }],
        });
        const pairing = ok(await app.gql(CREATE_PAIRING, { input }, gzAdmin)).createPairing.pairing;
        expect(pairing).toMatchObject({
          version: 1,
          action: 'RURAL_REVITALIZATION',
          industry: '荔枝种植',
          region: { code: '440103001' },
          organization: { id: tree.shamian },
          expert: { id: expertId, name: '林教授' },
          project: { id: ruralProjectId },
          team: { id: teamId },
          helpedEnterprise: { name: '沙面荔枝专业合作社', organization: { id: tree.shamian } },
          talents: [
            { name: '黄博士', expert: { id: talentId } },
            { name: '返乡青年王某', expert: null },
          ],
          followUps: [],
        });
      });

      it('rejects bad references and input with BAD_USER_INPUT naming the field', async () => {
        const cases: Array<[Record<string, unknown>, string]> = [
          [{ regionCode: '4400' }, 'regionCode'],
          [{ expertId: 'no-such-expert' }, 'expertId'],
          [{ projectId: scienceProjectId }, 'projectId'],
          [{ projectId: 'no-such-project' }, 'projectId'],
          [{ teamId: 'no-such-team' }, 'teamId'],
          [{ industry: ' ' }, 'industry'],
          [{ helpedEnterprise: { name: '' } }, 'helpedEnterprise.name'],
          [{ helpedEnterprise: { name: '某企业', organizationId: 'no-such-org' } }, 'helpedEnterprise.organizationId'],
          [{ talents: [{ name: '某人', expertId: 'no-such-expert' }] }, 'talents'],
        ];
        for (const [overrides, field] of cases) {
          const res = await app.gql(CREATE_PAIRING, { input: makePairing(tree.liwan, { industry: '不应写入', ...overrides }) }, tree.admin);
          expect(errorOf(res), field).toEqual({ code: 'BAD_USER_INPUT', field });
        }
        const all = ok(await app.gql(PAIRING_PAGE, { first: 100 }, tree.admin)).pairings.edges as Edge[];
        expect(all.some((e) => e.node.industry === '不应写入')).toBe(false);
        expect(errorOf(await app.gql(CREATE_PAIRING, { input: makePairing(tree.liwan) }, szAdmin))?.code).toBe('FORBIDDEN');
      });
    });

    describe('Query: pairings', () => {
      it('filters by organization subtree and region subtree, in pages', async () => {
        const plan: Array<[string, string]> = [
          [tree.liwan, '440103'],
          [tree.shamian, '440103001'],
          [tree.guangzhou, '440104'],
          [tree.futian, '440304'],
          [tree.shenzhen, '440305'],
        ];
        const made: Array<{ id: string; org: string; regionCode: string }> = [];
        for (const [org, regionCode] of plan) {
          const pairing = ok(await app.gql(CREATE_PAIRING, { input: makePairing(org, { regionCode, industry: '列表' }) }, tree.admin)).createPairing.pairing;
          made.push({ id: pairing.id, org, regionCode });
        }
        const szIds = (await collect(PAIRING_PAGE, 'pairings', { organizationId: tree.shenzhen }, 1)).ids;
        expect([...szIds].sort()).toEqual(
          made
            .filter((m) => m.org === tree.futian || m.org === tree.shenzhen)
            .map((m) => m.id)
            .sort(),
        );

        const liwanRegion = (await collect(PAIRING_PAGE, 'pairings', { regionCode: '440103' }, 2)).ids;
        for (const m of made) expect(liwanRegion.includes(m.id), m.regionCode).toBe(m.regionCode.startsWith('440103'));

        const gzInLiwan = (await collect(PAIRING_PAGE, 'pairings', { organizationId: tree.guangzhou, regionCode: '440104' }, 10)).ids;
        expect(gzInLiwan).toEqual(made.filter((m) => m.regionCode === '440104').map((m) => m.id));

        expect(errorOf(await app.gql(PAIRING_PAGE, { filter: { regionCode: '00' } }, expertToken))).toEqual({
          code: 'BAD_USER_INPUT',
          field: 'filter.regionCode',
        });
        expect(errorOf(await app.gql(PAIRING_PAGE, {}))?.code).toBe('UNAUTHENTICATED');
      });
    });

    describe('Mutation: updatePairing', () => {
      it('moves its index items to a new organization, and refuses a stale version', async () => {
        const pairing = ok(await app.gql(CREATE_PAIRING, { input: makePairing(tree.liwan, { regionCode: '440103', industry: '迁移' }) }, tree.admin))
          .createPairing.pairing;
        const underOrg = async (organizationId: string) => ids(ok(await app.gql(PAIRING_PAGE, { filter: { organizationId } }, expertToken)).pairings.edges);
        expect(await underOrg(tree.guangzhou)).toContain(pairing.id);

        expect(errorOf(await app.gql(UPDATE_PAIRING, { input: { id: pairing.id, version: 1, organizationId: tree.futian } }, gzAdmin))?.code).toBe('FORBIDDEN');
        const moved = ok(
          await app.gql(
            UPDATE_PAIRING,
            { input: { id: pairing.id, version: 1, organizationId: tree.futian, regionCode: '440304', talents: [{ name: '新人' }] } },
            tree.admin,
          ),
        ).updatePairing.pairing;
        expect(moved).toMatchObject({
          version: 2,
          organization: { id: tree.futian },
          region: { code: '440304' },
          talents: [{ name: '新人', expert: null }],
          industry: '迁移',
        });
        expect(await underOrg(tree.guangzhou)).not.toContain(pairing.id);
        expect(await underOrg(tree.liwan)).not.toContain(pairing.id);
        expect(await underOrg(tree.shenzhen)).toContain(pairing.id);
        expect((await partition(indexPartition('PAIRING', {}))).filter((i) => i.id === pairing.id).map((i) => i.SK)).toEqual([`440304#${pairing.id}`]);

        expect(errorOf(await app.gql(UPDATE_PAIRING, { input: { id: pairing.id, version: 1, industry: '过期' } }, szAdmin))).toEqual({
          code: 'CONFLICT',
          field: 'version',
        });
        expect(errorOf(await app.gql(UPDATE_PAIRING, { input: { id: pairing.id, version: 2, projectId: scienceProjectId } }, szAdmin))).toEqual({
          code: 'BAD_USER_INPUT',
          field: 'projectId',
        });
      });
    });

    describe('Mutation: addPairingFollowUp', () => {
      it('lists follow-ups in the order recorded, with their figures and recorder', async () => {
        const pairing = ok(await app.gql(CREATE_PAIRING, { input: makePairing(tree.shamian) }, tree.admin)).createPairing.pairing;
        const sub = 'gz-admin-recorder';
        const recorder = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou, sub });
        const visits = [
          { date: '2019-09-30', outcome: '第一次回访：病虫害得到控制', figures: [{ name: '亩产', value: 1200, unit: '公斤' }] },
          { date: '2019-08-15', outcome: '第二次回访（补录八月）', figures: [] },
          {
            date: '2019-12-20',
            outcome: '第三次回访：带动就业',
            figures: [
              { name: '带动就业', value: 35, unit: '人' },
              { name: '增收', value: 12.5, unit: '万元' },
            ],
          },
        ];
        let last: Data = {};
        for (const visit of visits) last = ok(await app.gql(ADD_FOLLOW_UP, { input: { pairingId: pairing.id, ...visit } }, recorder));
        const followUps = last.addPairingFollowUp.pairing.followUps as Array<{
          outcome: string;
          recordedBy: string;
          at: string;
          figures: unknown[];
          date: string;
        }>;
        expect(last.addPairingFollowUp.pairing.version).toBe(1);
        expect(followUps.map((f) => f.outcome)).toEqual(visits.map((v) => v.outcome));
        expect(followUps.map((f) => f.date)).toEqual(visits.map((v) => v.date));
        expect(followUps[2]?.figures).toEqual([
          { name: '带动就业', value: 35, unit: '人' },
          { name: '增收', value: 12.5, unit: '万元' },
        ]);
        expect(followUps.every((f) => f.recordedBy === sub)).toBe(true);
        expect([...followUps.map((f) => f.at)].sort()).toEqual(followUps.map((f) => f.at));

        const read = ok(await app.gql(`{ pairing(id: "${pairing.id}") { followUps { outcome } } }`, {}, expertToken)).pairing.followUps as Array<{
          outcome: string;
        }>;
        expect(read.map((f) => f.outcome)).toEqual(visits.map((v) => v.outcome));
        const items = await partition(`PAIRING#${pairing.id}`);
        expect(items.filter((i) => String(i.SK).startsWith('FOLLOWUP#')).map((i) => i.seq)).toEqual([1, 2, 3]);
      });

      it('rejects a future date, bad figures and outsiders, writing nothing', async () => {
        const pairing = ok(await app.gql(CREATE_PAIRING, { input: makePairing(tree.shamian) }, tree.admin)).createPairing.pairing;
        const add = (input: Record<string, unknown>, token: string) =>
          app.gql(ADD_FOLLOW_UP, { input: { pairingId: pairing.id, date: '2019-10-01', outcome: '回访', ...input } }, token);
        expect(errorOf(await add({ date: '2999-01-01' }, gzAdmin))).toEqual({ code: 'BAD_USER_INPUT', field: 'date' });
        expect(errorOf(await add({ date: '2019-13-01' }, gzAdmin))).toEqual({ code: 'BAD_USER_INPUT', field: 'date' });
        expect(errorOf(await add({ outcome: '' }, gzAdmin))).toEqual({ code: 'BAD_USER_INPUT', field: 'outcome' });
        expect(
          errorOf(
            await add(
              {
                figures: [
                  { name: '亩产', value: 1 },
                  { name: '亩产', value: 2 },
                ],
              },
              gzAdmin,
            ),
          ),
        ).toEqual({ code: 'BAD_USER_INPUT', field: 'figures' });
        expect(errorOf(await add({}, szAdmin))?.code).toBe('FORBIDDEN');
        expect(errorOf(await add({}, expertToken))?.code).toBe('FORBIDDEN');
        expect(errorOf(await app.gql(ADD_FOLLOW_UP, { input: { pairingId: 'nope', date: '2019-10-01', outcome: 'x' } }, gzAdmin))).toEqual({
          code: 'NOT_FOUND',
          field: 'pairingId',
        });
        expect((await partition(`PAIRING#${pairing.id}`)).map((i) => i.SK)).toEqual(['#PAIRING']);
      });
    });
  });
});
