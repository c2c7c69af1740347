import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type GraphqlResponse, type TestApp } from '../support/testApp.js';
import { dynamoEndpoint } from '../support/dynamoPerFile.js';
import { checkConsistency } from '../support/consistency.js';
import {
  CREATE_TEAM,
  INVITE_MEMBER,
  REGISTER_EXPERT,
  RESPOND_INVITATION,
  SUBMIT_NEED,
  addMember,
  createOrgTree,
  errorOf,
  makeActivityInput,
  makeExpertInput,
  makeNeedInput,
  NEED_STEPS,
  ok,
  type OrgTree,
} from '../support/fixtures.js';
import { entityKey } from '../../functions/lib/data/keys.js';

const { REVIEW, DISPATCH, ACCEPT, GRAB } = NEED_STEPS;
const LEAVE = 'mutation ($input: LeaveTeamInput!) { leaveTeam(input: $input) { team { id } } }';
const CREATE_ACTIVITY = 'mutation ($input: CreateActivityInput!) { createActivity(input: $input) { activity { id } } }';
const SIGN_UP = 'mutation ($input: SignUpActivityInput!) { signUpActivity(input: $input) { participation { signedUpAt } } }';

/** How a batch of parallel answers came out: successes, and the error codes (with field) of the others. */
const tally = (results: GraphqlResponse[]) => ({
  ok: results.filter((r) => !r.errors).length,
  refused: results.flatMap((r) => (r.errors ? [errorOf(r)] : [])),
});

/** Races of the same request (or of conflicting ones) from several clients: exactly one effect each, and a consistent table. */
describe('Concurrency: parallel requests take effect once', () => {
  let app: TestApp;
  let tree: OrgTree;
  let requester: string;
  let gzAdmin: string;
  const experts: Array<{ id: string; token: string }> = [];

  const expertItem = async (id: string) => app.deps.store.get(entityKey('EXPERT', id));
  const openNeed = async (title: string) => {
    const need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title }) }, requester)).submitNeed.need;
    const opened = ok(await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, gzAdmin)).reviewNeed.need;
    await app.settle();
    return opened as { id: string; version: number };
  };

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    requester = await app.token({ roles: ['REQUESTER'] });
    gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
    for (let i = 0; i < 4; i += 1) {
      const sub = `user-race-${i}`;
      const input = makeExpertInput({ domains: ['AGRICULTURE'], keywords: ['荔枝'], regionCode: '440103' });
      const id = ok(await app.gql(REGISTER_EXPERT, { input }, await app.token({ roles: ['EXPERT'], sub }))).registerExpert.expert.id as string;
      experts.push({ id, token: await app.token({ roles: ['EXPERT'], sub, expert: id }) });
    }
  });

  it('lets exactly one of 6 parallel accepts of a need dispatched to two experts through; the others are CONFLICT', async () => {
    const need = await openNeed('并发接单');
    const [a, b] = experts as [{ id: string; token: string }, { id: string; token: string }];
    const dispatched = ok(await app.gql(DISPATCH, { input: { id: need.id, version: need.version, expertIds: [a.id, b.id] } }, gzAdmin)).dispatchNeed.need;
    const accept = (token: string) => app.gql(ACCEPT, { input: { id: need.id, version: dispatched.version } }, token);
    const results = await Promise.all([a, b, a, b, a, b].map((e) => accept(e.token)));
    const { ok: succeeded, refused } = tally(results);
    expect(succeeded).toBe(1);
    // On the version (read before the winner wrote), or "already accepted" (a duplicate of the winner read after it).
    expect(refused).toHaveLength(5);
    for (const error of refused) expect([{ code: 'CONFLICT', field: 'version' }, { code: 'CONFLICT' }]).toContainEqual(error);

    const winner = results.find((r) => !r.errors)?.data?.acceptNeed.need;
    expect(winner).toMatchObject({ status: 'ACCEPTED', version: dispatched.version + 1 });
    expect(winner.acceptedExperts).toHaveLength(1);
    expect(winner.history.filter((h: { action: string }) => h.action === 'ACCEPT')).toHaveLength(1);
    const accepted = winner.acceptedExperts[0].id as string;
    expect((await expertItem(accepted))?.openAssignments).toBe(1);
    expect((await expertItem(accepted === a.id ? b.id : a.id))?.openAssignments ?? 0).toBe(0);
    expect(await checkConsistency(dynamoEndpoint(), app.tableName)).toEqual([]);
  });

  it('lets exactly one of 4 matched experts grabbing an open need in parallel take it', async () => {
    const need = await openNeed('并发抢单');
    const results = await Promise.all(experts.map((e) => app.gql(GRAB, { input: { id: need.id, version: need.version } }, e.token)));
    const { ok: succeeded, refused } = tally(results);
    expect(succeeded).toBe(1);
    // On the version (read before the winner wrote), or INVALID_TRANSITION (read after it: the need is no longer open).
    expect(refused).toHaveLength(3);
    for (const error of refused) expect([{ code: 'CONFLICT', field: 'version' }, { code: 'INVALID_TRANSITION' }]).toContainEqual(error);
    const taken = results.find((r) => !r.errors)?.data?.grabNeed.need;
    expect(taken).toMatchObject({ status: 'ACCEPTED', acceptedExperts: [expect.anything()] });
    const holding = await Promise.all(experts.map(async (e) => ((await expertItem(e.id))?.openAssignments as number | undefined) ?? 0));
    // The accept of the test above holds one assignment too.
    expect(holding.reduce((sum, n) => sum + n, 0)).toBe(2);
    expect(await checkConsistency(dynamoEndpoint(), app.tableName)).toEqual([]);
  });

  it('keeps the right scope when experts leave one team while accepting an invitation to another, in parallel', async () => {
    const team = async (organizationId: string, name: string) =>
      ok(await app.gql(CREATE_TEAM, { input: { organizationId, name, actions: ['POPULAR_SCIENCE'] } }, tree.admin)).createTeam.team.id as string;
    const gzTeam = await team(tree.guangzhou, '广州并发队');
    const szTeam = await team(tree.shenzhen, '深圳并发队');
    for (const e of experts) {
      await addMember(app, gzTeam, e.id, tree.admin, e.token);
      ok(await app.gql(INVITE_MEMBER, { input: { teamId: szTeam, expertId: e.id } }, tree.admin));
    }
    const results = await Promise.all(
      experts.flatMap((e) => [
        app.gql(LEAVE, { input: { teamId: gzTeam, expertId: e.id } }, e.token),
        app.gql(RESPOND_INVITATION, { input: { teamId: szTeam, expertId: e.id, accept: true } }, e.token),
      ]),
    );
    results.forEach((r) => ok(r));
    for (const e of experts) {
      const item = await expertItem(e.id);
      expect({ teamIds: item?.teamIds, scope: [...(item?.scopeOrganizationIds as string[])].sort() }).toEqual({
        teamIds: [szTeam],
        scope: [tree.province, tree.shenzhen].sort(),
      });
    }
    expect(await checkConsistency(dynamoEndpoint(), app.tableName)).toEqual([]);
  });

  it('never signs up more volunteers than the capacity: 8 parallel sign-ups to 5 places let 5 in, the others are CONFLICT on activityId', async () => {
    for (let i = experts.length; i < 8; i += 1) {
      const sub = `user-race-${i}`;
      const id = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput() }, await app.token({ roles: ['EXPERT'], sub }))).registerExpert.expert
        .id as string;
      experts.push({ id, token: await app.token({ roles: ['EXPERT'], sub, expert: id }) });
    }
    const activityId = ok(await app.gql(CREATE_ACTIVITY, { input: makeActivityInput(tree.liwan, { capacity: 5 }) }, tree.admin)).createActivity.activity.id;
    const results = await Promise.all(experts.map((e) => app.gql(SIGN_UP, { input: { activityId } }, e.token)));
    expect(tally(results)).toEqual({ ok: 5, refused: Array.from({ length: 3 }, () => ({ code: 'CONFLICT', field: 'activityId' })) });
    expect(results.find((r) => r.errors)?.errors?.[0]?.message).toBe('The activity is full (5 volunteers)');
    const activity = ok(await app.gql(`{ activity(id: "${activityId}") { capacity participants { expert { id } } } }`, {}, tree.admin)).activity;
    expect(activity.capacity).toBe(5);
    expect(activity.participants).toHaveLength(5);
    // A volunteer signed up already hears so, even when the activity is full.
    const signedUp = experts[results.findIndex((r) => !r.errors)] as { id: string; token: string };
    expect(errorOf(await app.gql(SIGN_UP, { input: { activityId } }, signedUp.token))).toEqual({ code: 'CONFLICT', field: 'expertId' });
    expect(await checkConsistency(dynamoEndpoint(), app.tableName)).toEqual([]);
  });

  it('signs a volunteer up once when the same sign-up arrives 5 times in parallel', async () => {
    const activityId = ok(await app.gql(CREATE_ACTIVITY, { input: makeActivityInput(tree.liwan) }, tree.admin)).createActivity.activity.id;
    const expert = experts[0] as { id: string; token: string };
    const results = await Promise.all(Array.from({ length: 5 }, () => app.gql(SIGN_UP, { input: { activityId } }, expert.token)));
    expect(tally(results)).toEqual({ ok: 1, refused: Array.from({ length: 4 }, () => ({ code: 'CONFLICT', field: 'expertId' })) });
    const participants = ok(await app.gql(`{ activity(id: "${activityId}") { participants { expert { id } } } }`, {}, tree.admin)).activity.participants;
    expect(participants).toEqual([{ expert: { id: expert.id } }]);
    expect(await checkConsistency(dynamoEndpoint(), app.tableName)).toEqual([]);
  });
});
