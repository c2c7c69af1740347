import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { dynamoEndpoint } from '../support/dynamoPerFile.js';
import { checkConsistency, scanTable } from '../support/consistency.js';
import {
  CREATE_TEAM,
  REGISTER_EXPERT,
  SUBMIT_NEED,
  addMember,
  createOrgTree,
  makeActivityInput,
  makeExpertInput,
  makeNeedInput,
  NEED_STEPS,
  ok,
  type OrgTree,
} from '../support/fixtures.js';
import { entityKey, memberKey, participationKey, type Key } from '../../functions/lib/data/keys.js';

const CREATE_ACTIVITY = 'mutation ($input: CreateActivityInput!) { createActivity(input: $input) { activity { id version } } }';
const SIGN_UP = 'mutation ($input: SignUpActivityInput!) { signUpActivity(input: $input) { participation { signedUpAt } } }';

/**
 * The consistency checker of the fault tests (test/support/consistency.ts) must see what a half-written
 * transaction would leave: each case below removes or changes one item of a whole entity and expects the
 * checker to name it, then puts it back.
 */
describe('Test support: checkConsistency', () => {
  let app: TestApp;
  let tree: OrgTree;
  let needId: string;
  let expertId: string;
  let teamId: string;
  let activityId: string;
  const endpoint = () => dynamoEndpoint();
  const items = async () => scanTable(endpoint(), app.tableName);
  const find = async (match: (item: Record<string, unknown>) => boolean) => (await items()).find(match) as Record<string, unknown>;
  const remove = (key: Key) => app.deps.store.transact([app.deps.store.delete(key)]);
  const put = (item: Record<string, unknown>) => app.deps.store.putItem(item);
  const violations = () => checkConsistency(endpoint(), app.tableName);

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    const requester = await app.token({ roles: ['REQUESTER'] });
    const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
    const need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput() }, requester)).submitNeed.need;
    needId = need.id;
    ok(await app.gql(NEED_STEPS.REVIEW, { input: { id: need.id, version: need.version, approve: true } }, gzAdmin));
    const token = await app.token({ roles: ['EXPERT'], sub: 'user-consistency' });
    expertId = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput({ organizationId: tree.shamian }) }, token)).registerExpert.expert.id;
    teamId = ok(await app.gql(CREATE_TEAM, { input: { organizationId: tree.shenzhen, name: '深圳队', actions: ['POPULAR_SCIENCE'] } }, tree.admin)).createTeam
      .team.id;
    await addMember(app, teamId, expertId, tree.admin, token);
    activityId = ok(await app.gql(CREATE_ACTIVITY, { input: makeActivityInput(tree.liwan, { capacity: 3 }) }, tree.admin)).createActivity.activity.id;
    ok(await app.gql(SIGN_UP, { input: { activityId, expertId } }, tree.admin));
  });

  beforeEach(async () => {
    expect(await violations()).toEqual([]);
  });

  it('finds nothing wrong in a table written through the API', async () => {
    const all = await items();
    expect(all.some((i) => i.entity === 'MEMBER')).toBe(true);
    expect(all.some((i) => i.entity === 'PARTICIPATION')).toBe(true);
  });

  it("reports a need whose index item is missing, and an index item left under the need's old status", async () => {
    const index = await find((i) => i.id === needId && String(i.PK).startsWith('IX#NEED#') && String(i.PK).includes('status=OPEN'));
    await remove({ PK: String(index.PK), SK: String(index.SK) });
    expect(await violations()).toEqual([{ entity: 'NEED', id: needId, problem: `index item ${String(index.PK)} is missing` }]);
    await put(index);

    const stale = { ...index, PK: String(index.PK).replace('status=OPEN', 'status=SUBMITTED'), SK: String(index.SK) };
    await put(stale);
    expect(await violations()).toEqual([{ entity: 'NEED', id: needId, problem: `index item ${stale.PK} lists a need that is not (or no longer) under it` }]);
    await remove({ PK: stale.PK, SK: stale.SK });
  });

  it('reports a need whose counter or last history step did not follow it', async () => {
    const counter = await find((i) => i.PK === `STATS#${tree.shamian}` && String(i.SK).endsWith('#NEEDS'));
    await put({ ...counter, received: 2 });
    expect(await violations()).toEqual([
      { entity: 'STATS', id: `STATS#${tree.shamian} ${String(counter.SK)}`, problem: 'received is 2, 1 needs were submitted' },
    ]);
    await put(counter);

    const need = await find((i) => i.PK === `NEED#${needId}` && i.SK === '#NEED');
    await put({ ...need, status: 'DISPATCHED' });
    expect((await violations()).map((v) => v.problem)).toContain('last history step is to OPEN, the need is DISPATCHED');
    await put(need);
  });

  it("reports a membership without the expert's side, and an expert's side without the membership", async () => {
    const member = await find((i) => i.entity === 'MEMBER');
    await remove(memberKey(teamId, expertId));
    expect(await violations()).toEqual(
      expect.arrayContaining([
        { entity: 'MEMBERSHIP', id: `${teamId}/${expertId}`, problem: "the expert's teamIds list the team but there is no member item" },
        { entity: 'TEAM', id: teamId, problem: 'memberCount is 1, it has 0 member items' },
      ]),
    );
    await put(member);

    const expert = await find((i) => i.PK === `EXPERT#${expertId}` && i.SK === '#EXPERT');
    await put({ ...expert, teamIds: [], scopeOrganizationIds: [tree.province, tree.guangzhou, tree.liwan, tree.shamian] });
    expect((await violations()).map((v) => `${v.entity} ${v.problem}`)).toEqual([
      "MEMBERSHIP the expert's teamIds do not list the team",
      expect.stringMatching(/^EXPERT scope \[.*\] is not its organizations' and teams' \[.*\]$/),
    ]);
    await put(expert);
  });

  it("reports a sign-up that did not count on its activity's counter, and sign-ups over the capacity", async () => {
    const activity = await find((i) => i.PK === `ACTIVITY#${activityId}` && i.SK === '#ACTIVITY');
    expect(activity).toMatchObject({ capacity: 3, signedUpCount: 1 });
    await put({ ...activity, signedUpCount: 0 });
    expect(await violations()).toEqual([{ entity: 'PARTICIPATION', id: activityId, problem: 'signedUpCount is 0, 1 volunteers signed up' }]);
    await put({ ...activity, capacity: 0, signedUpCount: 1 });
    expect(await violations()).toEqual([{ entity: 'PARTICIPATION', id: activityId, problem: '1 volunteers signed up, over the capacity of 0' }]);
    await put(activity);
  });

  it('reports a participation that does not agree with its activity', async () => {
    const participation = await find((i) => i.entity === 'PARTICIPATION');
    await put({ ...participation, activityStartAt: '2020-01-01T00:00:00.000Z' });
    expect((await violations()).map((v) => v.problem)).toEqual([
      "its organization or start is not its activity's",
      "its GSI1 keys do not list it in the expert's service record",
    ]);
    await put(participation);

    await remove(entityKey('ACTIVITY', activityId));
    expect((await violations()).filter((v) => v.entity === 'PARTICIPATION')).toEqual([
      { entity: 'PARTICIPATION', id: `${activityId}/${expertId}`, problem: 'its activity does not exist' },
    ]);
    await remove(participationKey(activityId, expertId));
  });
});
