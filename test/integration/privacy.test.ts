import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTestApp, type Data, type TestApp } from '../support/testApp.js';
import { dynamoEndpoint } from '../support/dynamoPerFile.js';
import {
  CREATE_TEAM,
  INVITE_MEMBER,
  REGISTER_EXPERT,
  SUBMIT_NEED,
  addMember,
  createOrgTree,
  errorOf,
  makeActivityInput,
  makeExpertInput,
  makeNeedInput,
  NEED_STEPS,
  nextPhone,
  ok,
  type OrgTree,
} from '../support/fixtures.js';
import { localClient } from '../../infra/local/dynamoLocal.js';
import { NeedRepository } from '../../functions/lib/repositories/needs.js';

const MY_DATA = `{ myData {
  exportedAt
  account { userId roles revokedRoles status organization { id } }
  expertProfile { expert { id name } phone idNumber }
  teamMemberships { edges { node { status team { id } } } }
  pendingMemberships { edges { node { status team { id } } } }
  participations { edges { node { activity { id } creditedHours manualHours totalHours checkInAt } } }
  inbox { edges { node { needId score rank need { id } } } }
  pastMatches { edges { node { needId score need { id } } } }
  needsPosted { edges { node { id requester { contactName contactPhone } } } }
  dataReads { edges { node { at fields readerRoles readerOrganization { id } requestId } } }
} }`;
const DELETE = `mutation ($input: DeleteMyAccountInput!) { deleteMyAccount(input: $input) {
  userId expertId erasedAt expertItems teamMemberships pendingMemberships matches participationsAnonymised needsAnonymised idempotencyRecords dataReads } }`;
const CONFIRM = { input: { confirm: 'DELETE MY ACCOUNT' } };
const { REVIEW, WITHDRAW } = NEED_STEPS;
const PART = (name: string) =>
  `mutation ($input: ${name.charAt(0).toUpperCase() + name.slice(1)}Input!) { ${name}(input: $input) { participation { totalHours } } }`;
const STEP = (name: string) =>
  `mutation ($input: ${name.charAt(0).toUpperCase() + name.slice(1)}Input!) { ${name}(input: $input) { activity { id version status } } }`;
const COMPLETE = 'mutation ($input: CompleteActivityInput!) { completeActivity(input: $input) { activity { id status } } }';
const REPORT = `query ($org: ID!) { quarterlyReport(organizationId: $org, quarter: "2026Q4") { figures { total { activities volunteers serviceHours beneficiaries } } } }`;
const ID_NUMBER = '11010519491231002X';

interface Person {
  sub: string;
  id: string;
  name: string;
  phone: string;
  token: string;
}

describe('Personal data under PIPL: myData and deleteMyAccount', () => {
  let app: TestApp;
  let tree: OrgTree;
  let db: DynamoDBDocumentClient;
  const people: Partial<Record<'e' | 'f' | 'g', Person>> = {};
  /** A registered person (registered in beforeAll). */
  const person = (key: 'e' | 'f' | 'g'): Person => {
    const p = people[key];
    if (!p) throw new Error(`${key} is not registered`);
    return p;
  };
  let requester: { sub: string; token: string };
  let team: string;
  let otherTeam: string;
  let activity: string;
  let openNeed: string;
  let closedNeed: string;

  const register = async (key: 'e' | 'f' | 'g', name: string, idNumber?: string) => {
    const sub = `user-${key}-${Date.now()}`;
    const phone = nextPhone();
    const input = makeExpertInput({ name, phone, organizationId: tree.shamian, ...(idNumber && { idNumber }) });
    const id = ok(await app.gql(REGISTER_EXPERT, { input }, await app.token({ roles: ['EXPERT'], sub }))).registerExpert.expert.id as string;
    people[key] = { sub, id, name, phone, token: await app.token({ roles: ['EXPERT'], sub, expert: id }) };
  };

  /** Every item of the table (the test's own table is small). */
  const scan = async (): Promise<Array<Record<string, unknown>>> => {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await db.send(new ScanCommand({ TableName: app.tableName, ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  };
  const itemsContaining = async (...needles: string[]) => (await scan()).filter((item) => needles.some((n) => JSON.stringify(item).includes(n)));
  const totals = async (org: string) => ok(await app.gql(REPORT, { org }, tree.admin)).quarterlyReport.figures.total as Data;
  const participants = async () =>
    ok(await app.gql(`{ activity(id: "${activity}") { participants { expert { id } totalHours } } }`, {}, tree.admin)).activity.participants as Data[];
  const members = async (teamId: string) =>
    ok(await app.gql(`{ team(id: "${teamId}") { members { totalCount edges { node { id } } } } }`, {}, tree.admin)).team.members;
  const myData = async (token: string | null) => app.gql(MY_DATA, {}, token);

  beforeAll(async () => {
    app = await createTestApp();
    db = DynamoDBDocumentClient.from(localClient(dynamoEndpoint()));
    tree = await createOrgTree(app);
    await register('e', '欧阳立明', ID_NUMBER);
    await register('f', '司马远航');
    await register('g', '诸葛晓峰');
    team = ok(await app.gql(CREATE_TEAM, { input: { organizationId: tree.liwan, name: '荔湾科技志愿服务队', actions: ['RURAL_REVITALIZATION'] } }, tree.admin))
      .createTeam.team.id;
    otherTeam = ok(await app.gql(CREATE_TEAM, { input: { organizationId: tree.liwan, name: '荔湾科普分队', actions: ['POPULAR_SCIENCE'] } }, tree.admin))
      .createTeam.team.id;
    for (const p of Object.values(people)) await addMember(app, team, p.id, tree.admin, p.token);
    ok(await app.gql(INVITE_MEMBER, { input: { teamId: otherTeam, expertId: person('e').id } }, tree.admin));

    // A completed activity with hours for all three.
    let a = ok(
      await app.gql(
        'mutation ($input: CreateActivityInput!) { createActivity(input: $input) { activity { id version } } }',
        { input: makeActivityInput(tree.liwan) },
        tree.admin,
      ),
    ).createActivity.activity;
    activity = a.id;
    for (const p of Object.values(people)) ok(await app.gql(PART('signUpActivity'), { input: { activityId: activity } }, p.token));
    a = ok(await app.gql(STEP('startActivity'), { input: { id: a.id, version: a.version } }, tree.admin)).startActivity.activity;
    for (const [i, p] of Object.values(people).entries()) {
      ok(await app.gql(PART('checkIn'), { input: { activityId: activity, expertId: p.id, at: '2026-11-01T09:00:00+08:00' } }, tree.admin));
      ok(await app.gql(PART('checkOut'), { input: { activityId: activity, expertId: p.id, at: `2026-11-01T1${i}:00:00+08:00` } }, tree.admin));
    }
    ok(await app.gql(COMPLETE, { input: { id: a.id, version: a.version, beneficiaries: 40, outcome: '完成' } }, tree.admin));

    // A requester's needs: one open (in the experts' inboxes), one withdrawn after matching (past matches).
    const rSub = `user-r-${Date.now()}`;
    requester = { sub: rSub, token: await app.token({ roles: ['REQUESTER'], sub: rSub }) };
    const requesterInput = { kind: 'VILLAGE', name: '沙面村委会', contactName: '上官秀英', contactPhone: '13922223333' };
    const submit = async (title: string, key: string) =>
      ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title, requester: requesterInput }) }, requester.token, { 'Idempotency-Key': key })).submitNeed
        .need;
    for (const [title, key] of [
      ['荔枝园病虫害防治', 'need-1'],
      ['龙眼嫁接指导', 'need-2'],
    ]) {
      const n = await submit(title as string, key as string);
      ok(await app.gql(REVIEW, { input: { id: n.id, version: n.version, approve: true } }, tree.admin));
      if (title === '荔枝园病虫害防治') openNeed = n.id;
      else closedNeed = n.id;
    }
    await app.settle();
    const closing = ok(await app.gql(`{ need(id: "${closedNeed}") { version } }`, {}, requester.token)).need;
    ok(await app.gql(WITHDRAW, { input: { id: closedNeed, version: closing.version, reason: '已自行解决' } }, requester.token));
    await app.settle();
  }, 120_000);

  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('myData', () => {
    it('exports every section for an expert, with its own phone and ID number in full', async () => {
      const data = ok(await myData(person('e').token)).myData;
      expect(data.account).toEqual({ userId: person('e').sub, roles: ['EXPERT'], revokedRoles: [], status: 'ACTIVE', organization: null });
      expect(data.expertProfile).toEqual({ expert: { id: person('e').id, name: '欧阳立明' }, phone: person('e').phone, idNumber: ID_NUMBER });
      expect(data.teamMemberships.edges).toEqual([{ node: { status: 'ACTIVE', team: { id: team } } }]);
      expect(data.pendingMemberships.edges).toEqual([{ node: { status: 'PENDING_INVITATION', team: { id: otherTeam } } }]);
      expect(data.participations.edges).toEqual([
        { node: { activity: { id: activity }, creditedHours: 1, manualHours: 0, totalHours: 1, checkInAt: '2026-11-01T01:00:00.000Z' } },
      ]);
      expect(data.inbox.edges.map((e: Data) => e.node.need?.id)).toEqual([openNeed]);
      expect(data.inbox.edges[0].node.score).toBeGreaterThan(0);
      // A withdrawn need is no longer readable by a matched expert: the match stays in the export, the need is null.
      expect(data.pastMatches.edges).toEqual([{ node: expect.objectContaining({ needId: closedNeed, need: null }) }]);
      expect(data.needsPosted.edges).toEqual([]);
    });

    it('exports the needs a requester posted with its own contact in full, and no expert sections', async () => {
      const data = ok(await myData(requester.token)).myData;
      expect(data.expertProfile).toBeNull();
      expect(data.teamMemberships.edges).toEqual([]);
      expect(data.participations.edges).toEqual([]);
      expect(data.inbox.edges).toEqual([]);
      expect(new Set(data.needsPosted.edges.map((e: Data) => e.node.id))).toEqual(new Set([openNeed, closedNeed]));
      expect(data.needsPosted.edges[0].node.requester).toEqual({ contactName: '上官秀英', contactPhone: '13922223333' });
    });

    it('answers only for the caller: another expert gets its own data, anonymous callers UNAUTHENTICATED, partners FORBIDDEN', async () => {
      const other = ok(await myData(person('f').token)).myData;
      expect(other.expertProfile.expert.id).toBe(person('f').id);
      expect(JSON.stringify(other)).not.toContain(person('e').phone);
      expect(errorOf(await myData(null))?.code).toBe('UNAUTHENTICATED');
      expect(errorOf(await myData(await app.token({ roles: ['PARTNER'], partner: 'hk-platform' })))?.code).toBe('FORBIDDEN');
    });

    it('shows the expert one audit line per request when an admin reads its phone in full, none for its own reads or masked ones', async () => {
      const before = ok(await myData(person('e').token)).myData.dataReads.edges.length;
      const read = ok(await app.gql(`{ expert(id: "${person('e').id}") { phone again: phone } }`, {}, tree.admin)).expert;
      expect(read).toEqual({ phone: person('e').phone, again: person('e').phone });
      ok(await app.gql(`{ expert(id: "${person('e').id}") { phone } }`, {}, person('e').token));
      expect(ok(await app.gql(`{ expert(id: "${person('e').id}") { phone } }`, {}, person('f').token)).expert.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
      const reads = ok(await myData(person('e').token)).myData.dataReads.edges.map((e: Data) => e.node);
      expect(reads).toHaveLength(before + 1);
      expect(reads[0]).toMatchObject({ fields: ['Expert.phone'], readerRoles: ['PROVINCE_ADMIN'], readerOrganization: null });
      expect(typeof reads[0].requestId).toBe('string');
      const line = (await scan()).find((i) => String(i.PK) === `EXPERT#${person('e').id}` && String(i.SK).startsWith('READ#'));
      // Kept 180 days (TTL).
      expect(Number(line?.expiresAt) - Math.floor(Date.parse(String(line?.at)) / 1000)).toBe(180 * 24 * 3600);
    });
  });

  describe('deleteMyAccount', () => {
    it('refuses a wrong confirmation (BAD_USER_INPUT on confirm), admins and anonymous callers', async () => {
      expect(errorOf(await app.gql(DELETE, { input: { confirm: 'yes' } }, person('e').token))).toEqual({ code: 'BAD_USER_INPUT', field: 'confirm' });
      expect(errorOf(await app.gql(DELETE, CONFIRM, tree.admin))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(DELETE, CONFIRM, null))?.code).toBe('UNAUTHENTICATED');
      expect(ok(await myData(person('e').token)).myData.expertProfile).not.toBeNull();
    });

    it('erases an expert everywhere, keeps the hours of its organizations and activities, and refuses its token afterwards', async () => {
      const [figuresBefore, provinceBefore, partsBefore, teamBefore] = [
        await totals(tree.liwan),
        await totals(tree.province),
        await participants(),
        await members(team),
      ];
      expect(await itemsContaining(person('e').name, person('e').phone, ID_NUMBER, person('e').id)).not.toHaveLength(0);

      const erased = ok(await app.gql(DELETE, CONFIRM, person('e').token)).deleteMyAccount;
      expect(erased).toMatchObject({
        userId: person('e').sub,
        expertId: person('e').id,
        teamMemberships: 1,
        pendingMemberships: 1,
        participationsAnonymised: 1,
      });
      expect(erased.matches).toBeGreaterThanOrEqual(2);
      expect(erased.dataReads).toBeGreaterThanOrEqual(1);
      expect(erased.expertItems).toBeGreaterThan(3);

      // No item holds the person's name, phone, ID number or expert id any more.
      expect(await itemsContaining(person('e').name, person('e').phone, ID_NUMBER, person('e').id)).toEqual([]);
      // The token is refused from now on, and a second call answers the same way.
      expect(errorOf(await myData(person('e').token))?.code).toBe('FORBIDDEN');
      expect(errorOf(await app.gql(DELETE, CONFIRM, person('e').token))?.code).toBe('FORBIDDEN');
      // The province cannot switch an erased account back on.
      expect(
        errorOf(
          await app.gql('mutation { setUserAccess(input: { userId: "' + person('e').sub + '", disabled: false }) { access { userId } } }', {}, tree.admin),
        ),
      ).toEqual({ code: 'CONFLICT', field: 'userId' });

      // Report figures and the activity's hours are what they were; the participation names nobody.
      expect(await totals(tree.liwan)).toEqual(figuresBefore);
      expect(await totals(tree.province)).toEqual(provinceBefore);
      const partsAfter = await participants();
      expect(partsAfter).toHaveLength(partsBefore.length);
      const hours = (ps: Data[]) => ps.reduce((sum, p) => sum + Number(p.totalHours), 0);
      expect(hours(partsAfter)).toBe(hours(partsBefore));
      expect(partsAfter.filter((p) => p.expert === null)).toEqual([{ expert: null, totalHours: 1 }]);
      // Team lists no longer show the person; the counter follows.
      const teamAfter = await members(team);
      expect(teamAfter.totalCount).toBe(teamBefore.totalCount - 1);
      expect(teamAfter.edges.map((e: Data) => e.node.id)).not.toContain(person('e').id);
      // The matched need's stored matches no longer list the person.
      const matches = ok(await app.gql(`{ need(id: "${openNeed}") { matches { expert { id } } } }`, {}, tree.admin)).need.matches;
      expect(matches.map((m: Data) => m.expert.id)).not.toContain(person('e').id);
    });

    it('anonymises the needs a requester posted: contact gone, need kept, idempotency records erased', async () => {
      expect(await itemsContaining('上官秀英', '13922223333')).not.toHaveLength(0);
      // Sent with an Idempotency-Key: its own record goes with the others and is not written back afterwards.
      const erased = ok(await app.gql(DELETE, CONFIRM, requester.token, { 'Idempotency-Key': 'erase-1' })).deleteMyAccount;
      expect(erased).toMatchObject({ expertId: null, needsAnonymised: 2, idempotencyRecords: 3, expertItems: 0 });
      expect(await itemsContaining('上官秀英', '13922223333')).toEqual([]);
      // Only the access record (the refusal of the token) still names the user.
      expect((await itemsContaining(requester.sub)).map((i) => i.PK)).toEqual([`USER#${requester.sub}`]);
      const need = ok(await app.gql(`{ need(id: "${openNeed}") { status requester { name contactName contactPhone } } }`, {}, tree.admin)).need;
      expect(need).toEqual({ status: 'OPEN', requester: { name: '沙面村委会', contactName: null, contactPhone: null } });
      expect(errorOf(await myData(requester.token))?.code).toBe('FORBIDDEN');
    });

    it('completes the job on a retry after a failure half-way, without counting anything twice', async () => {
      const g = person('g');
      const [figuresBefore, teamBefore] = [await totals(tree.liwan), await members(team)];
      vi.spyOn(NeedRepository.prototype, 'eraseMatchesOf').mockRejectedValueOnce(new Error('injected fault'));
      const failed = await app.gql(DELETE, CONFIRM, g.token);
      expect(failed.data).toBeNull();
      // The membership went before the fault; the token still works, so the person can retry.
      expect((await members(team)).totalCount).toBe(teamBefore.totalCount - 1);
      expect(ok(await myData(g.token)).myData.participations.edges).toHaveLength(1);

      const retried = ok(await app.gql(DELETE, CONFIRM, g.token)).deleteMyAccount;
      expect(retried).toMatchObject({ teamMemberships: 0, participationsAnonymised: 1 });
      expect((await members(team)).totalCount).toBe(teamBefore.totalCount - 1);
      expect(await totals(tree.liwan)).toEqual(figuresBefore);
      expect(await itemsContaining(g.name, g.phone, g.id)).toEqual([]);
      expect(errorOf(await app.gql(DELETE, CONFIRM, g.token))?.code).toBe('FORBIDDEN');
    });
  });
});
