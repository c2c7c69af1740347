import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Data, type TestApp } from '../support/testApp.js';
import {
  CREATE_ORG,
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

const { REVIEW, DISPATCH } = NEED_STEPS;
const CREATE_ACTIVITY = 'mutation ($input: CreateActivityInput!) { createActivity(input: $input) { activity { id needs { id } } } }';
const CREATE_PROJECT = 'mutation ($input: CreateProjectInput!) { createProject(input: $input) { project { id version needs { id } } } }';
const UPDATE_PROJECT = 'mutation ($input: UpdateProjectInput!) { updateProject(input: $input) { project { id version needs { id } } } }';
const LIST_NEEDS = `query ($filter: NeedFilter) { needs(filter: $filter, first: 100) { edges { node { id title status organization { id } } } } }`;

interface Need {
  id: string;
  version: number;
  status: string;
}

/**
 * Issue 10, items 3, 4 and 8: fields that return a need, a plan or a requester's contact decide as the
 * top-level query does; an admin's needs listing stays inside its subtree whatever the region filter.
 */
describe('Exposure through nested fields, region filters and masking', () => {
  let app: TestApp;
  let tree: OrgTree;
  let requester: string;
  let otherRequester: string;
  let gzAdmin: string;
  let szAdmin: string;
  let societyAdmin: string;
  let society: string;
  let expert: { id: string; token: string };

  const submit = async (overrides: Record<string, unknown> = {}, token = requester): Promise<Need> =>
    ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput(overrides) }, token)).submitNeed.need as Need;
  const approve = async (need: Need): Promise<Need> => {
    const opened = ok(await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, gzAdmin)).reviewNeed.need as Need;
    await app.settle();
    return opened;
  };
  const activityInput = (organizationId: string, regionCode: string, needIds: string[], title = '科普进社区') => ({
    organizationId,
    title,
    action: 'POPULAR_SCIENCE',
    venueKind: 'COMMUNITY',
    regionCode,
    startAt: '2026-11-10T09:00:00+08:00',
    endAt: '2026-11-10T17:00:00+08:00',
    needIds,
  });
  const projectInput = (organizationId: string, regionCode: string, needIds: string[], title = '科普项目') => ({
    organizationId,
    title,
    action: 'POPULAR_SCIENCE',
    regionCode,
    needIds,
  });
  const ids = (list: Array<{ id: string }>) => list.map((n) => n.id);

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    requester = await app.token({ roles: ['REQUESTER'], sub: 'requester-exposure' });
    otherRequester = await app.token({ roles: ['REQUESTER'], sub: 'requester-random' });
    gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou, sub: 'admin-gz' });
    szAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen, sub: 'admin-sz' });
    // A province-level learned society: its region is 44, but it is not the province association.
    const created = ok(await app.gql(CREATE_ORG, { input: { kind: 'SOCIETY', name: '广东省农学会', regionCode: '44' } }, tree.admin));
    society = created.createOrganization.organization.id as string;
    societyAdmin = await app.token({ roles: ['ORG_ADMIN'], org: society, sub: 'admin-society' });
    const sub = 'user-matched-expert';
    const input = makeExpertInput({ domains: ['AGRICULTURE'], keywords: ['荔枝'], regionCode: '440103', name: '荔湾专家' });
    const id = ok(await app.gql(REGISTER_EXPERT, { input }, await app.token({ roles: ['EXPERT'], sub }))).registerExpert.expert.id as string;
    expert = { id, token: await app.token({ roles: ['EXPERT'], sub, expert: id }) };
  });

  describe('Activity.needs and Project.needs (item 3)', () => {
    it('leave out a SUBMITTED need for a random requester and an expert, and show it to its requester and admins', async () => {
      const need = await submit({ title: '未发布的需求' });
      const project = ok(await app.gql(CREATE_PROJECT, { input: projectInput(tree.liwan, '440103', [need.id]) }, gzAdmin)).createProject.project;
      expect(ids(project.needs)).toEqual([need.id]);
      const activity = ok(await app.gql(CREATE_ACTIVITY, { input: activityInput(tree.liwan, '440103', [need.id]) }, gzAdmin)).createActivity.activity;

      const read = async (token: string) => {
        const q = `{ project(id: "${project.id}") { needs { title status history { action actorRoles } } } activity(id: "${activity.id}") { needs { title } } }`;
        return ok(await app.gql(q, {}, token));
      };
      // The probe's request: a random requester read the need's title, status and history through the project.
      expect(await read(otherRequester)).toEqual({ project: { needs: [] }, activity: { needs: [] } });
      expect(await read(expert.token)).toEqual({ project: { needs: [] }, activity: { needs: [] } });
      expect(await read(szAdmin)).toEqual({ project: { needs: [] }, activity: { needs: [] } });
      // Its requester and the admins of its subtree still read it there.
      for (const token of [requester, gzAdmin, tree.admin]) {
        const data = await read(token);
        expect(data.project.needs).toEqual([{ title: '未发布的需求', status: 'SUBMITTED', history: [{ action: 'SUBMIT', actorRoles: ['REQUESTER'] }] }]);
        expect(data.activity.needs).toEqual([{ title: '未发布的需求' }]);
      }
      // Once published, experts and other admins read it through the project too.
      await approve(need);
      expect((await read(expert.token)).project.needs).toEqual([expect.objectContaining({ title: '未发布的需求', status: 'OPEN' })]);
      expect((await read(szAdmin)).activity.needs).toEqual([{ title: '未发布的需求' }]);
      expect(await read(otherRequester)).toEqual({ project: { needs: [] }, activity: { needs: [] } });
    });

    it("refuses an admin linking another subtree's unpublished need (FORBIDDEN on needIds), writing nothing", async () => {
      const hidden = await submit({ title: '广州待审核需求' });
      const published = await approve(await submit({ title: '广州已发布需求' }));

      const activity = await app.gql(CREATE_ACTIVITY, { input: activityInput(tree.shenzhen, '4403', [hidden.id], '不应写入的活动') }, szAdmin);
      expect(activity.data).toBeNull();
      expect(errorOf(activity)).toEqual({ code: 'FORBIDDEN', field: 'needIds' });
      const project = await app.gql(CREATE_PROJECT, { input: projectInput(tree.shenzhen, '4403', [published.id, hidden.id], '不应写入的项目') }, szAdmin);
      expect(errorOf(project)).toEqual({ code: 'FORBIDDEN', field: 'needIds' });
      const listed = ok(
        await app.gql('{ activities(first: 100) { edges { node { title } } } projects(first: 100) { edges { node { title } } } }', {}, szAdmin),
      );
      expect(JSON.stringify(listed)).not.toMatch(/不应写入/);

      // A published need of another subtree may be linked; an update may not add the unpublished one.
      const own = ok(await app.gql(CREATE_PROJECT, { input: projectInput(tree.shenzhen, '4403', [published.id]) }, szAdmin)).createProject.project;
      expect(ids(own.needs)).toEqual([published.id]);
      const update = await app.gql(UPDATE_PROJECT, { input: { id: own.id, version: own.version, needIds: [published.id, hidden.id] } }, szAdmin);
      expect(errorOf(update)).toEqual({ code: 'FORBIDDEN', field: 'needIds' });
      const linked = ok(await app.gql(CREATE_ACTIVITY, { input: activityInput(tree.shenzhen, '4403', [published.id]) }, szAdmin)).createActivity.activity;
      expect(ids(linked.needs)).toEqual([published.id]);
      // The admins of the need's own subtree link it whatever its status.
      const gzProject = ok(await app.gql(CREATE_PROJECT, { input: projectInput(tree.liwan, '440103', [hidden.id]) }, gzAdmin)).createProject.project;
      expect(ids(gzProject.needs)).toEqual([hidden.id]);
    });

    it("keeps the experts' personal data behind the expert rules when read through a need", async () => {
      const need = await approve(await submit({ title: '派单需求' }));
      ok(await app.gql(DISPATCH, { input: { id: need.id, version: need.version, expertIds: [expert.id] } }, gzAdmin));
      const q = `{ need(id: "${need.id}") { dispatchedExperts { id phone matchedNeeds { edges { node { rank } } } } } }`;
      const res = await app.gql(q, {}, requester);
      // matchedNeeds is nullable: the refusal nulls that field alone (it used to null the whole need).
      expect(res.data?.need.dispatchedExperts).toEqual([{ id: expert.id, phone: expect.stringMatching(/^137\*{4}\d{4}$/), matchedNeeds: null }]);
      expect(errorOf(res)?.code).toBe('FORBIDDEN');
      expect(res.errors?.[0]?.path).toEqual(['need', 'dispatchedExperts', 0, 'matchedNeeds']);
      const phone = ok(await app.gql(`{ need(id: "${need.id}") { dispatchedExperts { id phone } } }`, {}, requester)).need.dispatchedExperts;
      expect(phone).toEqual([{ id: expert.id, phone: expect.stringMatching(/^137\*{4}\d{4}$/) }]);
    });
  });

  describe('Query: needs with a region filter (item 4)', () => {
    let gzSubmitted: Need;
    let societyNeed: Need;

    beforeAll(async () => {
      gzSubmitted = await submit({ title: '广州SUBMITTED需求', regionCode: '440103' });
      // The society records a need in Guangzhou for itself (its region 44 contains 4401).
      societyNeed = await submit({ title: '学会自己的需求', regionCode: '440103', organizationId: society }, societyAdmin);
    });

    const titles = async (filter: Record<string, unknown>, token: string) =>
      (ok(await app.gql(LIST_NEEDS, { filter }, token)).needs.edges as Array<{ node: Data }>).map((e) => e.node);

    it("keeps a province-level society's admin inside its subtree: regionCode 4401 shows none of Guangzhou's needs", async () => {
      for (const filter of [{ regionCode: '4401' }, { regionCode: '4401', status: 'SUBMITTED' }, { regionCode: '440103', kind: 'RURAL_REVITALIZATION' }]) {
        const nodes = await titles(filter, societyAdmin);
        expect(nodes.map((n) => n.id)).toEqual([societyNeed.id]);
        expect(nodes.every((n) => n.organization.id === society)).toBe(true);
      }
      expect(await titles({ regionCode: '4403' }, societyAdmin)).toEqual([]);
      expect(errorOf(await app.gql(LIST_NEEDS, { filter: { organizationId: tree.guangzhou } }, societyAdmin))?.code).toBe('FORBIDDEN');
    });

    it("keeps a city admin inside its subtree too: the society's need in Guangzhou is not Guangzhou's", async () => {
      const nodes = await titles({ regionCode: '4401', status: 'SUBMITTED' }, gzAdmin);
      expect(nodes.map((n) => n.id)).toContain(gzSubmitted.id);
      expect(nodes.map((n) => n.id)).not.toContain(societyNeed.id);
      expect(nodes.every((n) => n.status === 'SUBMITTED')).toBe(true);
      const liwan = await titles({ regionCode: '440103', organizationId: tree.liwan }, gzAdmin);
      expect(liwan.map((n) => n.id)).toContain(gzSubmitted.id);
      expect(errorOf(await app.gql(LIST_NEEDS, { filter: { regionCode: '4403' } }, gzAdmin))?.code).toBe('FORBIDDEN');
    });

    it('lets the province list every need of the region, whoever is responsible', async () => {
      const nodes = (await titles({ regionCode: '4401', status: 'SUBMITTED' }, tree.admin)).map((n) => n.id);
      expect(nodes).toEqual(expect.arrayContaining([gzSubmitted.id, societyNeed.id]));
    });
  });

  describe('Organization.plan, contact names and history actors (item 8)', () => {
    it('refuses the plan anonymously (UNAUTHENTICATED) and outside the subtree (FORBIDDEN), and shows it to its admins', async () => {
      const campaign = ok(await app.gql('mutation { createCampaign(input: { name: "行动", startDate: "2026-09-15" }) { campaign { id } } }', {}, tree.admin))
        .createCampaign.campaign;
      const SUBMIT_PLAN = 'mutation ($input: SubmitPlanInput!) { submitPlan(input: $input) { plan { late } } }';
      ok(await app.gql(SUBMIT_PLAN, { input: { campaignId: campaign.id, organizationId: tree.liwan, content: '荔湾实施方案' } }, gzAdmin));
      const q = `{ organization(id: "${tree.liwan}") { name plan(campaignId: "${campaign.id}") { content organization { id } } } }`;

      const anonymous = await app.gql(q, {});
      expect(anonymous.data?.organization).toEqual({ name: '荔湾区科学技术协会', plan: null });
      expect(errorOf(anonymous)).toEqual({ code: 'UNAUTHENTICATED' });
      for (const token of [szAdmin, societyAdmin, expert.token, requester, await app.token({ roles: ['ORG_ADMIN'], org: tree.shamian })]) {
        const res = await app.gql(q, {}, token);
        expect(res.data?.organization.plan).toBeNull();
        expect(errorOf(res)?.code).toBe('FORBIDDEN');
      }
      for (const token of [gzAdmin, await app.token({ roles: ['ORG_ADMIN'], org: tree.liwan }), tree.admin]) {
        expect(ok(await app.gql(q, {}, token)).organization.plan).toEqual({ content: '荔湾实施方案', organization: { id: tree.liwan } });
      }
    });

    it("masks the requester's contact name for a matched expert who is not serving, and shows it once it serves", async () => {
      const need = await approve(await submit({ title: '联系人测试' }));
      const matched = ok(await app.gql(`{ need(id: "${need.id}") { matches { expert { id } } } }`, {}, gzAdmin)).need.matches;
      expect(matched.map((m: { expert: { id: string } }) => m.expert.id)).toContain(expert.id);
      const contact = async (token: string) =>
        ok(await app.gql(`{ need(id: "${need.id}") { requester { name contactName contactPhone } } }`, {}, token)).need.requester;
      const masked = { name: '沙面社区居委会', contactName: '李**', contactPhone: '139****2222' };
      const whole = { name: '沙面社区居委会', contactName: '李主任', contactPhone: '13911112222' };
      expect(await contact(expert.token)).toEqual(masked);
      expect(await contact(szAdmin)).toEqual(masked);
      expect(await contact(societyAdmin)).toEqual(masked);
      for (const token of [requester, gzAdmin, tree.admin]) expect(await contact(token)).toEqual(whole);
      ok(await app.gql(DISPATCH, { input: { id: need.id, version: need.version, expertIds: [expert.id] } }, gzAdmin));
      expect(await contact(expert.token)).toEqual(whole);
    });

    it("shows the actors' roles to everyone who reads the history, their user ids only to the need's admins", async () => {
      const need = await approve(await submit({ title: '历史测试' }));
      ok(await app.gql(DISPATCH, { input: { id: need.id, version: need.version, expertIds: [expert.id] } }, gzAdmin));
      const history = async (token: string) =>
        ok(await app.gql(`{ need(id: "${need.id}") { history { action actorId actorRoles } } }`, {}, token)).need.history;
      const anonymised = [
        { action: 'SUBMIT', actorId: null, actorRoles: ['REQUESTER'] },
        { action: 'APPROVE', actorId: null, actorRoles: ['ORG_ADMIN'] },
        { action: 'DISPATCH', actorId: null, actorRoles: ['ORG_ADMIN'] },
      ];
      expect(await history(expert.token)).toEqual(anonymised);
      expect(await history(requester)).toEqual(anonymised);
      expect(await history(szAdmin)).toEqual(anonymised);
      const withIds = [
        { action: 'SUBMIT', actorId: 'requester-exposure', actorRoles: ['REQUESTER'] },
        { action: 'APPROVE', actorId: 'admin-gz', actorRoles: ['ORG_ADMIN'] },
        { action: 'DISPATCH', actorId: 'admin-gz', actorRoles: ['ORG_ADMIN'] },
      ];
      expect(await history(gzAdmin)).toEqual(withIds);
      expect(await history(tree.admin)).toEqual(withIds);
    });
  });
});
