import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Data, type TestApp } from '../support/testApp.js';
import { REGISTER_EXPERT, SUBMIT_NEED, createOrgTree, errorOf, makeExpertInput, makeNeedInput, NEED_STEPS, ok, type OrgTree } from '../support/fixtures.js';

const { REVIEW, DISPATCH, GRAB, ACCEPT, DECLINE, START, COMPLETE, RATE, RATE_DESCRIPTION, WITHDRAW, CLOSE } = NEED_STEPS;

interface Expert {
  id: string;
  token: string;
}

describe('Needs and the order-dispatch workflow', () => {
  let app: TestApp;
  let tree: OrgTree;
  let requester: string;
  let gzAdmin: string;
  let szAdmin: string;
  const experts: Record<string, Expert> = {};

  const register = async (key: string, overrides: Record<string, unknown>) => {
    const sub = `user-${key}`;
    const token0 = await app.token({ roles: ['EXPERT'], sub });
    const id = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput(overrides) }, token0)).registerExpert.expert.id as string;
    experts[key] = { id, token: await app.token({ roles: ['EXPERT'], sub, expert: id }) };
  };

  const submit = async (overrides: Record<string, unknown> = {}, token = requester) =>
    ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput(overrides) }, token)).submitNeed.need as { id: string; version: number; status: string };

  /** Approves and waits for the stream (matching, inboxes), as a client would wait for Lambda. */
  const approve = async (need: { id: string; version: number }) => {
    const opened = ok(await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, gzAdmin)).reviewNeed.need as Data;
    await app.settle();
    return opened;
  };

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    requester = await app.token({ roles: ['REQUESTER'], sub: 'requester-1' });
    gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
    szAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen });
    await register('liwan', { domains: ['AGRICULTURE'], keywords: ['荔枝'], regionCode: '440103', name: '荔湾专家' });
    await register('shenzhen', { domains: ['AGRICULTURE'], keywords: ['荔枝'], regionCode: '440304', name: '深圳专家' });
    await register('other', { domains: ['MEDICINE'], regionCode: '440103', name: '医学专家' });
    await register('employee', { domains: ['AGRICULTURE'], regionCode: '440103', affiliation: '沙面社区居委会', name: '居委会员工' });
    await register('hk', {
      domains: ['AGRICULTURE'],
      regionCode: '810101',
      origin: 'HONG_KONG',
      serviceRegionCodes: ['44'],
      phone: '+85261230000',
      languages: ['CANTONESE', 'ENGLISH'],
      name: '香港专家',
    });
  });

  it("ranks matches by domain and region with reasons, excludes the requester's employee and experts without the domain", async () => {
    const need = await approve(await submit());
    expect(need.status).toBe('OPEN');
    const data = ok(await app.gql(`{ need(id: "${need.id}") { matches { rank score expert { id } reasons { factor score detail } } } }`, {}, gzAdmin));
    const ids = data.need.matches.map((m: { expert: { id: string } }) => m.expert.id);
    expect(ids).toEqual([experts.liwan?.id, experts.shenzhen?.id, experts.hk?.id]);
    expect(ids).not.toContain(experts.employee?.id);
    expect(ids).not.toContain(experts.other?.id);
    const [first, second] = data.need.matches;
    expect(first.score).toBeGreaterThan(second.score);
    expect(first.reasons).toContainEqual({ factor: 'REGION', score: 0.2, detail: 'based in 荔湾区: same county as 沙面街道' });
    expect(first.reasons).toContainEqual(expect.objectContaining({ factor: 'DOMAIN', detail: 'shared domains: 农业科学' }));
  });

  it('lists technologies from the pool that fit the need, best first, with reasons', async () => {
    const CREATE_TECH = 'mutation ($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { id } } }';
    const tech = (title: string, domains: string[], keywords: string[], maturity: string, regionCode: string) =>
      app.gql(CREATE_TECH, { input: { organizationId: tree.guangzhou, title, domains, keywords, maturity, transferModes: ['SERVICE'], regionCode } }, gzAdmin);
    const lychee = ok(await tech('荔枝病虫害绿色防控技术', ['AGRICULTURE'], ['荔枝', '病虫害防治'], 'MATURE', '440103')).createTechnology.technology.id;
    const rice = ok(await tech('水稻机械化插秧', ['AGRICULTURE'], ['水稻'], 'PILOT', '440304')).createTechnology.technology.id;
    ok(await tech('心电监测设备', ['MEDICINE'], ['心血管'], 'MATURE', '440103'));
    const need = await submit({ title: '技术匹配测试' });
    const data = ok(await app.gql(`{ need(id: "${need.id}") { matchingTechnologies { score technology { id } reasons { factor detail } } } }`, {}, gzAdmin));
    const list = data.need.matchingTechnologies;
    expect(list.map((m: { technology: { id: string } }) => m.technology.id)).toEqual([lychee, rice]);
    expect(list[0].score).toBeGreaterThan(list[1].score);
    expect(list[0].reasons).toContainEqual({ factor: 'KEYWORD', detail: 'shared keywords: 荔枝' });
  });

  it('runs a whole order: submit → approve → dispatch → accept → start → complete → rate, with its history', async () => {
    let need = await submit();
    const act = async (query: string, input: Record<string, unknown>, token: string, field: string) => {
      need = ok(await app.gql(query, { input: { id: need.id, version: need.version, ...input } }, token))[field].need;
      return need;
    };
    await act(REVIEW, { approve: true }, gzAdmin, 'reviewNeed');
    await act(DISPATCH, { expertIds: [experts.liwan?.id] }, gzAdmin, 'dispatchNeed');
    expect(need.status).toBe('DISPATCHED');

    const wrong = await app.gql(ACCEPT, { input: { id: need.id, version: need.version } }, experts.shenzhen?.token);
    expect(errorOf(wrong)?.code).toBe('FORBIDDEN');

    await act(ACCEPT, {}, experts.liwan?.token as string, 'acceptNeed');
    expect(ok(await app.gql(`{ expert(id: "${experts.liwan?.id}") { openAssignments } }`, {}, gzAdmin)).expert.openAssignments).toBe(1);
    await act(START, {}, experts.liwan?.token as string, 'startNeedService');
    await act(COMPLETE, { outcome: '现场指导3次，病虫害得到控制' }, experts.liwan?.token as string, 'completeNeed');
    expect(ok(await app.gql(`{ expert(id: "${experts.liwan?.id}") { openAssignments } }`, {}, gzAdmin)).expert.openAssignments).toBe(0);

    const notRequester = await app.gql(RATE, { input: { id: need.id, version: need.version, stars: 5 } }, gzAdmin);
    expect(errorOf(notRequester)?.code).toBe('FORBIDDEN');
    const badStars = await app.gql(RATE, { input: { id: need.id, version: need.version, stars: 6 } }, requester);
    expect(errorOf(badStars)).toEqual({ code: 'BAD_USER_INPUT', field: 'stars' });
    await act(RATE, { stars: 5, comment: '非常专业' }, requester, 'rateNeed');
    await act(RATE_DESCRIPTION, { stars: 4 }, experts.liwan?.token as string, 'rateNeedDescription');

    const final = ok(
      await app.gql(
        `{ need(id: "${need.id}") { status rating { stars comment } descriptionRating { stars } outcome history { action from to actorRoles } } }`,
        {},
        requester,
      ),
    ).need;
    expect(final.status).toBe('RATED');
    expect(final.rating).toEqual({ stars: 5, comment: '非常专业' });
    expect(final.descriptionRating).toEqual({ stars: 4 });
    expect(final.history.map((h: { action: string; to: string }) => `${h.action}:${h.to}`)).toEqual([
      'SUBMIT:SUBMITTED',
      'APPROVE:OPEN',
      'DISPATCH:DISPATCHED',
      'ACCEPT:ACCEPTED',
      'START:IN_SERVICE',
      'COMPLETE:COMPLETED',
      'RATE:RATED',
    ]);
    expect(final.history[1].actorRoles).toEqual(['ORG_ADMIN']);
  });

  it('refuses illegal steps with INVALID_TRANSITION and steps by the wrong people with FORBIDDEN', async () => {
    const need = await submit();
    expect(errorOf(await app.gql(START, { input: { id: need.id, version: need.version } }, gzAdmin))?.code).toBe('INVALID_TRANSITION');
    const otherCity = await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, szAdmin);
    expect(errorOf(otherCity)?.code).toBe('FORBIDDEN');
    expect(otherCity.errors?.[0]?.message).toBe('This need belongs to an organization outside your subtree');
    expect(errorOf(await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: false } }, gzAdmin))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'reason',
    });
    expect(errorOf(await app.gql(REVIEW, { input: { id: need.id, version: need.version + 1, approve: true } }, gzAdmin))?.code).toBe('CONFLICT');
    const rejected = ok(await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: false, reason: '信息不完整' } }, gzAdmin)).reviewNeed
      .need;
    expect(rejected.status).toBe('REJECTED');
    const open = await approve(await submit({ title: '派单人数上限' }));
    const tooMany = Array.from({ length: 11 }, () => experts.liwan?.id);
    expect(
      errorOf(
        await app.gql(
          DISPATCH,
          { input: { id: open.id, version: open.version, expertIds: [...new Set(tooMany), ...Array.from({ length: 10 }, (_, i) => `x${i}`)] } },
          gzAdmin,
        ),
      ),
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'expertIds' });
    expect(rejected.history.at(-1)).toEqual({ action: 'REJECT', from: 'SUBMITTED', to: 'REJECTED', reason: '信息不完整' });
    expect(errorOf(await app.gql(WITHDRAW, { input: { id: need.id, version: rejected.version, reason: 'x' } }, requester))?.code).toBe('INVALID_TRANSITION');
  });

  it('lets a matched expert grab an open need (抢单) but not an unmatched one, and keeps the inbox to open needs', async () => {
    const need = await approve(await submit({ title: '抢单测试' }));
    const inbox = async (e: Expert) =>
      ok(
        await app.gql(`{ expert(id: "${e.id}") { matchedNeeds { edges { node { score need { id status } } } } } }`, {}, e.token),
      ).expert.matchedNeeds.edges.map((edge: { node: { need: { id: string } } }) => edge.node.need.id);
    expect(await inbox(experts.shenzhen as Expert)).toContain(need.id);
    expect(errorOf(await app.gql(GRAB, { input: { id: need.id, version: need.version } }, experts.other?.token))?.code).toBe('FORBIDDEN');
    const grabbed = ok(await app.gql(GRAB, { input: { id: need.id, version: need.version } }, experts.shenzhen?.token)).grabNeed.need;
    expect(grabbed.status).toBe('ACCEPTED');
    await app.settle();
    expect(grabbed.acceptedExperts).toEqual([{ id: experts.shenzhen?.id }]);
    expect(await inbox(experts.shenzhen as Expert)).not.toContain(need.id);
    expect(await inbox(experts.liwan as Expert)).not.toContain(need.id);
    const otherCity = await app.gql(CLOSE, { input: { id: need.id, version: grabbed.version, reason: '重复需求' } }, szAdmin);
    expect(errorOf(otherCity)?.code).toBe('FORBIDDEN');
    expect(otherCity.errors?.[0]?.message).toBe('This need belongs to an organization outside your subtree');
    const closed = ok(await app.gql(CLOSE, { input: { id: need.id, version: grabbed.version, reason: '重复需求' } }, gzAdmin)).closeNeed.need;
    expect(closed.status).toBe('CLOSED');
    expect(ok(await app.gql(`{ expert(id: "${experts.shenzhen?.id}") { openAssignments } }`, {}, gzAdmin)).expert.openAssignments).toBe(0);
  });

  it('returns a need to OPEN (and to the inboxes) when the last dispatched expert declines; re-dispatch is allowed', async () => {
    let need = await approve(await submit({ title: '派单退回测试' }));
    need = ok(await app.gql(DISPATCH, { input: { id: need.id, version: need.version, expertIds: [experts.liwan?.id, experts.hk?.id] } }, gzAdmin)).dispatchNeed
      .need;
    need = ok(await app.gql(DISPATCH, { input: { id: need.id, version: need.version, expertIds: [experts.liwan?.id] } }, gzAdmin)).dispatchNeed.need;
    expect(need.dispatchedExperts).toEqual([{ id: experts.liwan?.id }]);
    need = ok(await app.gql(DECLINE, { input: { id: need.id, version: need.version, reason: '时间冲突' } }, experts.liwan?.token)).declineNeed.need;
    expect(need.status).toBe('OPEN');
    await app.settle();
    const inbox = ok(
      await app.gql(`{ expert(id: "${experts.liwan?.id}") { matchedNeeds(first: 50) { edges { node { need { id } } } } } }`, {}, experts.liwan?.token),
    );
    expect(inbox.expert.matchedNeeds.edges.map((e: { node: { need: { id: string } } }) => e.node.need.id)).toContain(need.id);
    const withdrawn = ok(await app.gql(WITHDRAW, { input: { id: need.id, version: need.version, reason: '已自行解决' } }, requester)).withdrawNeed.need;
    expect(withdrawn.status).toBe('WITHDRAWN');
  });

  it('masks the requester contact except for the requester, the handling admins and the serving experts', async () => {
    const need = await approve(await submit({ title: '联系方式测试' }));
    const phone = async (token: string) =>
      ok(await app.gql(`{ need(id: "${need.id}") { requester { contactPhone } } }`, {}, token)).need.requester.contactPhone;
    expect(await phone(requester)).toBe('13911112222');
    expect(await phone(gzAdmin)).toBe('13911112222');
    expect(await phone(experts.shenzhen?.token as string)).toBe('139****2222');
    const submitted = await submit({ title: '未发布' });
    expect(errorOf(await app.gql(`{ need(id: "${submitted.id}") { id } }`, {}, experts.shenzhen?.token))?.code).toBe('FORBIDDEN');
  });

  it('validates a need and leaves nothing behind', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ regionCode: '810101' }, 'regionCode'],
      [{ regionCode: '4401999' }, 'regionCode'],
      [{ domains: [] }, 'domains'],
      [{ domains: ['AGRICULTURE', 'MEDICINE', 'ENERGY', 'MARINE'] }, 'domains'],
      [{ desiredFrom: '2026-12-10', desiredTo: '2026-12-01' }, 'desiredTo'],
      [{ title: ' ' }, 'title'],
      [{ requester: { kind: 'ENTERPRISE', name: 'X', contactPhone: '123' } }, 'requester.contactPhone'],
      [{ organizationId: 'nope' }, 'organizationId'],
    ];
    for (const [overrides, field] of cases) {
      expect(errorOf(await app.gql(SUBMIT_NEED, { input: makeNeedInput({ ...overrides, keywords: ['VALIDATION'] }) }, requester)), field).toEqual(
        expect.objectContaining({ field }),
      );
    }
    const mine = ok(await app.gql('{ myNeeds(first: 100) { edges { node { keywords } } } }', {}, requester)).myNeeds.edges;
    expect(mine.some((e: { node: { keywords: string[] } }) => e.node.keywords.includes('VALIDATION'))).toBe(false);
    expect(errorOf(await app.gql(SUBMIT_NEED, { input: makeNeedInput() }, experts.liwan?.token))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(SUBMIT_NEED, { input: makeNeedInput() }))?.code).toBe('UNAUTHENTICATED');
  });
});

describe('Query: needs', () => {
  let app: TestApp;
  let tree: OrgTree;

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    const requester = await app.token({ roles: ['REQUESTER'], sub: 'requester-list' });
    // 36 needs: Guangzhou (Liwan, Shamian) and Shenzhen interleaved; the even-numbered ones approved (OPEN).
    for (let i = 0; i < 36; i += 1) {
      const regionCode = i % 3 === 2 ? '440304' : i % 2 ? '440103' : '440103001';
      const need = ok(
        await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title: `需求${i}`, regionCode, kind: i % 4 ? 'TECHNOLOGY' : 'TRAINING' }) }, requester),
      ).submitNeed.need;
      if (i % 2 === 0) ok(await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin));
    }
  });

  const LIST = `query ($filter: NeedFilter, $first: Int, $after: String) { needs(filter: $filter, first: $first, after: $after) {
    edges { node { title status region { code } kind createdAt } } pageInfo { hasNextPage endCursor } } }`;

  it('returns 10 of regionCode 4401 + OPEN when 12 exist, newest first, with other statuses and cities interleaved', async () => {
    const page = ok(await app.gql(LIST, { filter: { regionCode: '4401', status: 'OPEN' }, first: 10 }, tree.admin)).needs;
    expect(page.edges).toHaveLength(10);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = ok(await app.gql(LIST, { filter: { regionCode: '4401', status: 'OPEN' }, first: 10, after: page.pageInfo.endCursor }, tree.admin)).needs;
    expect(rest.edges).toHaveLength(2);
    expect(rest.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    const all = [...page.edges, ...rest.edges];
    for (const { node } of all) {
      expect(node.status).toBe('OPEN');
      expect(node.region.code.startsWith('4401')).toBe(true);
    }
    const times = all.map((e: { node: { createdAt: string } }) => e.node.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(new Set(all.map((e: { node: { title: string } }) => e.node.title)).size).toBe(12);
  });

  it('combines filters no single partition serves (kind + domain + region) and still fills pages', async () => {
    const page = ok(await app.gql(LIST, { filter: { regionCode: '4401', kind: 'TECHNOLOGY', domain: 'AGRICULTURE' }, first: 3 }, tree.admin)).needs;
    expect(page.edges).toHaveLength(3);
    expect(page.edges.every((e: { node: { kind: string } }) => e.node.kind === 'TECHNOLOGY')).toBe(true);
  });

  it('scopes an ORG_ADMIN to its subtree and experts to published needs', async () => {
    const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
    const mine = ok(await app.gql(LIST, { first: 100 }, gzAdmin)).needs.edges;
    expect(mine).toHaveLength(24);
    expect(errorOf(await app.gql(LIST, { filter: { regionCode: '4403' } }, gzAdmin))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(LIST, { filter: { organizationId: tree.shenzhen } }, gzAdmin))?.code).toBe('FORBIDDEN');
    const expert = await app.token({ roles: ['EXPERT'], expert: 'x' });
    const open = ok(await app.gql(LIST, { first: 100 }, expert)).needs.edges;
    expect(open.every((e: { node: { status: string } }) => e.node.status === 'OPEN')).toBe(true);
    expect(open).toHaveLength(18);
    expect(errorOf(await app.gql(LIST, { filter: { status: 'SUBMITTED' } }, expert))?.code).toBe('FORBIDDEN');
  });
});

describe('Opening a need: cost', () => {
  it('makes the same number of DynamoDB requests whatever the size of the talent pool', async () => {
    const app = await createTestApp();
    const tree = await createOrgTree(app);
    const requester = await app.token({ roles: ['REQUESTER'] });
    // Eight registrations at a time: the pool's size is what matters here, not how it was filled.
    const addExperts = async (n: number, domain: string, offset: number) => {
      for (let start = 0; start < n; start += 8) {
        const batch = Array.from({ length: Math.min(8, n - start) }, (_, k) => start + k);
        await Promise.all(
          batch.map(async (i) => {
            const token = await app.token({ roles: ['EXPERT'] });
            const input = makeExpertInput({ domains: [domain], regionCode: i % 2 ? '440103' : '440304', name: `专家${offset + i}` });
            ok(await app.gql(REGISTER_EXPERT, { input }, token));
          }),
        );
      }
    };
    const openOne = async () => {
      const need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput() }, requester)).submitNeed.need;
      await app.settle();
      app.requests.reset();
      const opened = ok(await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin)).reviewNeed.need;
      expect(opened.status).toBe('OPEN');
      await app.settle();
      return Object.fromEntries(app.requests.counts);
    };
    await addExperts(8, 'AGRICULTURE', 0);
    const small = await openOne();
    await addExperts(120, 'MEDICINE', 100);
    const large = await openOne();
    expect(large).toEqual(small);
    expect(small.ScanCommand).toBeUndefined();
    // 128 registrations through the API: about 40 s on a quiet machine, over 120 s when the machine is shared.
  }, 300_000);
});
