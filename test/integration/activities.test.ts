import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { REGISTER_EXPERT, createOrgTree, errorOf, makeExpertInput, ok, type OrgTree, makeActivityInput } from '../support/fixtures.js';

const CREATE = 'mutation ($input: CreateActivityInput!) { createActivity(input: $input) { activity { id version status } } }';
const STEP = (name: string) =>
  `mutation ($input: ${name.charAt(0).toUpperCase() + name.slice(1)}Input!) { ${name}(input: $input) { activity { id version status } } }`;
const COMPLETE = 'mutation ($input: CompleteActivityInput!) { completeActivity(input: $input) { activity { id version status beneficiaries } } }';
const PART = (name: string) =>
  `mutation ($input: ${name.charAt(0).toUpperCase() + name.slice(1)}Input!) { ${name}(input: $input) { participation { creditedHours manualHours totalHours checkInAt checkOutAt } } }`;
const MANUAL = 'mutation ($input: RecordManualHoursInput!) { recordManualHours(input: $input) { participation { creditedHours manualHours totalHours } } }';
const REPORT = `query ($org: ID!, $quarter: Quarter!) { quarterlyReport(organizationId: $org, quarter: $quarter) {
  dueDate figures { total { activities volunteers serviceHours beneficiaries } byAction { action activities } needsReceived needsResolved }
  byChild { organization { id } figures { total { activities serviceHours } } } submitted { narrative figures { total { activities } } } } }`;

describe('Activities, hours, reports, plans and recognition', () => {
  let app: TestApp;
  let tree: OrgTree;
  const experts: Record<string, { id: string; token: string }> = {};

  const register = async (key: string) => {
    const sub = `user-${key}`;
    const id = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput({ organizationId: tree.shamian }) }, await app.token({ roles: ['EXPERT'], sub })))
      .registerExpert.expert.id;
    experts[key] = { id, token: await app.token({ roles: ['EXPERT'], sub, expert: id }) };
  };

  /** Runs a whole activity: create, sign up, start, check in/out with the given minutes each, complete. */
  const runActivity = async (
    orgId: string,
    regionCode: string,
    minutes: Record<string, number>,
    opts: { action?: string; startAt?: string; beneficiaries?: number; workstationId?: string } = {},
  ) => {
    const startAt = opts.startAt ?? '2026-11-10T09:00:00+08:00';
    let a = ok(
      await app.gql(
        CREATE,
        {
          input: {
            organizationId: orgId,
            title: '科普进社区',
            action: opts.action ?? 'POPULAR_SCIENCE',
            venueKind: 'COMMUNITY',
            regionCode,
            startAt,
            endAt: new Date(Date.parse(startAt) + 8 * 3600_000).toISOString(),
            ...(opts.workstationId && { workstationId: opts.workstationId }),
          },
        },
        tree.admin,
      ),
    ).createActivity.activity;
    for (const key of Object.keys(minutes)) ok(await app.gql(PART('signUpActivity'), { input: { activityId: a.id } }, experts[key]?.token));
    a = ok(await app.gql(STEP('startActivity'), { input: { id: a.id, version: a.version } }, tree.admin)).startActivity.activity;
    for (const [key, m] of Object.entries(minutes)) {
      const inAt = new Date(Date.parse('2026-11-10T01:00:00Z')).toISOString();
      const outAt = new Date(Date.parse('2026-11-10T01:00:00Z') + m * 60000).toISOString();
      ok(await app.gql(PART('checkIn'), { input: { activityId: a.id, expertId: experts[key]?.id, at: inAt } }, tree.admin));
      ok(await app.gql(PART('checkOut'), { input: { activityId: a.id, expertId: experts[key]?.id, at: outAt } }, tree.admin));
    }
    return ok(await app.gql(COMPLETE, { input: { id: a.id, version: a.version, beneficiaries: opts.beneficiaries ?? 30, outcome: '完成' } }, tree.admin))
      .completeActivity.activity;
  };

  const totals = async (orgId: string, q = '2026Q4') => ok(await app.gql(REPORT, { org: orgId, quarter: q }, tree.admin)).quarterlyReport.figures.total;

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    for (const key of ['a', 'b', 'c']) await register(key);
  });

  it('credits check-in/check-out hours with the rounding rule and keeps manual hours apart', async () => {
    let a = ok(
      await app.gql(
        CREATE,
        {
          input: makeActivityInput(tree.liwan, { title: '培训' }),
        },
        tree.admin,
      ),
    ).createActivity.activity;
    ok(await app.gql(PART('signUpActivity'), { input: { activityId: a.id } }, experts.a?.token));
    expect(errorOf(await app.gql(PART('signUpActivity'), { input: { activityId: a.id } }, experts.a?.token))?.code).toBe('CONFLICT');
    expect(errorOf(await app.gql(PART('checkIn'), { input: { activityId: a.id } }, experts.a?.token))?.code).toBe('INVALID_TRANSITION');
    a = ok(await app.gql(STEP('startActivity'), { input: { id: a.id, version: a.version } }, tree.admin)).startActivity.activity;
    ok(await app.gql(PART('checkIn'), { input: { activityId: a.id, expertId: experts.a?.id, at: '2026-11-01T09:00:00+08:00' } }, tree.admin));
    const out = ok(await app.gql(PART('checkOut'), { input: { activityId: a.id, expertId: experts.a?.id, at: '2026-11-01T11:20:00+08:00' } }, tree.admin))
      .checkOut.participation;
    expect(out).toMatchObject({ creditedHours: 2.5, manualHours: 0, totalHours: 2.5 });
    const manual = ok(await app.gql(MANUAL, { input: { activityId: a.id, expertId: experts.a?.id, hours: 1, note: '补录：会前准备' } }, tree.admin))
      .recordManualHours.participation;
    expect(manual).toEqual({ creditedHours: 2.5, manualHours: 1, totalHours: 3.5 });
    expect(errorOf(await app.gql(PART('checkIn'), { input: { activityId: a.id, at: '2026-11-01T09:00:00+08:00' } }, experts.a?.token))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(MANUAL, { input: { activityId: a.id, expertId: experts.a?.id, hours: 1, note: 'x' } }, experts.a?.token))?.code).toBe(
      'FORBIDDEN',
    );
    ok(await app.gql(COMPLETE, { input: { id: a.id, version: a.version, beneficiaries: 12, outcome: '完成' } }, tree.admin));
    const record = ok(
      await app.gql(
        `{ expert(id: "${experts.a?.id}") { serviceRecord { activities creditedHours manualHours totalHours starLevel participations { activity { id } totalHours } } } }`,
        {},
        experts.a?.token,
      ),
    ).expert.serviceRecord;
    expect(record).toEqual({
      activities: 1,
      creditedHours: 2.5,
      manualHours: 1,
      totalHours: 3.5,
      starLevel: 0,
      participations: [{ activity: { id: a.id }, totalHours: 3.5 }],
    });
    expect(errorOf(await app.gql(MANUAL, { input: { activityId: a.id, expertId: experts.a?.id, hours: 1, note: 'late' } }, tree.admin))?.code).toBe(
      'INVALID_TRANSITION',
    );
  });

  it('moves the quarterly figures of the township, its county, its city and the province, and nothing else', async () => {
    const before = await Promise.all([tree.shamian, tree.liwan, tree.guangzhou, tree.province, tree.shenzhen, tree.futian].map((o) => totals(o)));
    const q3Before = await totals(tree.shamian, '2026Q3');
    await runActivity(tree.shamian, '440103001', { b: 140, c: 170 }, { beneficiaries: 40 });
    const after = await Promise.all([tree.shamian, tree.liwan, tree.guangzhou, tree.province, tree.shenzhen, tree.futian].map((o) => totals(o)));
    for (let i = 0; i < 4; i += 1) {
      expect(after[i].activities - before[i].activities).toBe(1);
      expect(after[i].volunteers - before[i].volunteers).toBe(2);
      expect(after[i].serviceHours - before[i].serviceHours).toBe(5.5);
      expect(after[i].beneficiaries - before[i].beneficiaries).toBe(40);
    }
    expect(after[4]).toEqual(before[4]);
    expect(after[5]).toEqual(before[5]);
    expect(await totals(tree.shamian, '2026Q3')).toEqual(q3Before);
    const province = ok(await app.gql(REPORT, { org: tree.province, quarter: '2026Q4' }, tree.admin)).quarterlyReport;
    expect(province.dueDate).toBe('2027-01-15');
    const gz = province.byChild.find((c: { organization: { id: string } }) => c.organization.id === tree.guangzhou);
    expect(gz.figures.total.activities).toBe(after[2].activities);
    expect(province.byChild.find((c: { organization: { id: string } }) => c.organization.id === tree.shenzhen).figures.total.activities).toBe(
      after[4].activities,
    );
  });

  it('lets the township association read its own report but not the city’s', async () => {
    const shamianAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shamian });
    expect(ok(await app.gql(REPORT, { org: tree.shamian, quarter: '2026Q4' }, shamianAdmin)).quarterlyReport.figures.total.activities).toBeGreaterThan(0);
    expect(errorOf(await app.gql(REPORT, { org: tree.guangzhou, quarter: '2026Q4' }, shamianAdmin))?.code).toBe('FORBIDDEN');
    expect(errorOf(await app.gql(REPORT, { org: tree.guangzhou, quarter: '2026-4' }, tree.admin))).toEqual({ code: 'BAD_USER_INPUT', field: 'quarter' });
  });

  it('costs the province report the same requests whatever the number of activities', async () => {
    const count = async () => {
      app.requests.reset();
      ok(await app.gql(REPORT, { org: tree.province, quarter: '2026Q4' }, tree.admin));
      return Object.fromEntries(app.requests.counts);
    };
    const before = await count();
    for (let i = 0; i < 6; i += 1) await runActivity(i % 2 ? tree.futian : tree.liwan, i % 2 ? '440304' : '440103', { a: 60 });
    expect(await count()).toEqual(before);
  });

  it('issues proofs of service per recording organization with exactly the recorded activities and hours', async () => {
    await runActivity(tree.futian, '440304', { c: 50 }, { startAt: '2026-11-20T09:00:00+08:00' });
    const proofs = ok(
      await app.gql(
        `{ proofOfService(expertId: "${experts.c?.id}", from: "2026-11-01", to: "2026-11-30") { person issuedBy { id } entries { date creditedHours manualHours activity { id } } totalHours } }`,
        {},
        experts.c?.token,
      ),
    ).proofOfService;
    const byOrg = Object.fromEntries(proofs.map((p: { issuedBy: { id: string } }) => [p.issuedBy.id, p]));
    expect(Object.keys(byOrg).sort()).toEqual([tree.futian, tree.shamian].sort());
    expect(byOrg[tree.shamian].entries).toHaveLength(1);
    expect(byOrg[tree.shamian].totalHours).toBe(3);
    expect(byOrg[tree.futian].entries).toEqual([expect.objectContaining({ date: '2026-11-20', creditedHours: 1, manualHours: 0 })]);
    const none = ok(
      await app.gql(`{ proofOfService(expertId: "${experts.c?.id}", from: "2026-12-01", to: "2026-12-31") { totalHours } }`, {}, experts.c?.token),
    ).proofOfService;
    expect(none).toEqual([]);
    expect(
      errorOf(await app.gql(`{ proofOfService(expertId: "${experts.c?.id}", from: "2026-11-01", to: "2026-11-30") { totalHours } }`, {}, experts.b?.token))
        ?.code,
    ).toBe('FORBIDDEN');
  });

  it('lists overdue plans and late reports on either side of the deadline', async () => {
    const campaign = ok(
      await app.gql(
        'mutation { createCampaign(input: { name: "科技志愿服务行动", startDate: "2026-09-15" }) { campaign { id planDueDate } } }',
        {},
        tree.admin,
      ),
    ).createCampaign.campaign;
    expect(campaign.planDueDate).toBe('2026-10-15');
    const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
    ok(
      await app.gql(
        'mutation ($input: SubmitPlanInput!) { submitPlan(input: $input) { plan { late } } }',
        { input: { campaignId: campaign.id, organizationId: tree.liwan, content: '实施方案' } },
        gzAdmin,
      ),
    );
    const overdue = async (asOf: string) =>
      ok(await app.gql(`{ overduePlans(organizationId: "${tree.guangzhou}", campaignId: "${campaign.id}", asOf: "${asOf}") { id } }`, {}, gzAdmin))
        .overduePlans.map((o: { id: string }) => o.id)
        .sort();
    expect(await overdue('2026-10-15')).toEqual([]);
    expect(await overdue('2026-10-16')).toEqual([tree.guangzhou, tree.shamian].sort());

    ok(
      await app.gql(
        'mutation ($input: SubmitQuarterlyReportInput!) { submitQuarterlyReport(input: $input) { quarterlyReport { submitted { narrative } } } }',
        { input: { organizationId: tree.shamian, quarter: '2026Q3', narrative: '第三季度工作总结' } },
        gzAdmin,
      ),
    );
    expect(
      errorOf(
        await app.gql(
          'mutation ($input: SubmitQuarterlyReportInput!) { submitQuarterlyReport(input: $input) { quarterlyReport { quarter } } }',
          { input: { organizationId: tree.shamian, quarter: '2026Q3', narrative: 'again' } },
          gzAdmin,
        ),
      )?.code,
    ).toBe('CONFLICT');
    const late = async (q: string, asOf: string) =>
      ok(await app.gql(`{ lateReports(organizationId: "${tree.guangzhou}", quarter: "${q}", asOf: "${asOf}") { id } }`, {}, gzAdmin))
        .lateReports.map((o: { id: string }) => o.id)
        .sort();
    expect(await late('2026Q3', '2026-10-15')).toEqual([]);
    expect(await late('2026Q3', '2026-10-16')).toEqual([tree.guangzhou, tree.liwan].sort());
    expect(await late('2026Q4', '2026-12-31')).toEqual([]);
    expect(await late('2026Q4', '2027-01-16')).toEqual([tree.guangzhou, tree.liwan, tree.shamian].sort());
  });

  it('freezes the figures of a submitted report', async () => {
    const gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
    const submitted = ok(
      await app.gql(
        'mutation ($input: SubmitQuarterlyReportInput!) { submitQuarterlyReport(input: $input) { quarterlyReport { submitted { figures { total { activities } } } } } }',
        { input: { organizationId: tree.liwan, quarter: '2026Q4', narrative: '第四季度' } },
        gzAdmin,
      ),
    ).submitQuarterlyReport.quarterlyReport.submitted;
    const frozen = submitted.figures.total.activities;
    await runActivity(tree.liwan, '440103', { a: 30 });
    const report = ok(await app.gql(REPORT, { org: tree.liwan, quarter: '2026Q4' }, tree.admin)).quarterlyReport;
    expect(report.submitted.figures.total.activities).toBe(frozen);
    expect(report.figures.total.activities).toBe(frozen + 1);
  });

  it('keeps workstations with their visit log, and nominations with their eligibility', async () => {
    const ws = ok(
      await app.gql(
        'mutation ($input: CreateWorkstationInput!) { createWorkstation(input: $input) { workstation { id } } }',
        {
          input: {
            organizationId: tree.liwan,
            kind: 'EXPERT_SERVICE',
            name: '荔湾科技专家服务站',
            host: { kind: 'VILLAGE', name: '某村' },
            regionCode: '440103',
            residentExpertIds: [experts.a?.id],
          },
        },
        tree.admin,
      ),
    ).createWorkstation.workstation;
    const visit = await runActivity(tree.liwan, '440103', { b: 60 }, { workstationId: ws.id });
    const data = ok(
      await app.gql(
        `{ workstation(id: "${ws.id}") { residentExperts { id } visits { edges { node { id } } } } workstations(filter: { kind: EXPERT_SERVICE, regionCode: "4401" }) { edges { node { id } } } }`,
        {},
        tree.admin,
      ),
    );
    expect(data.workstation.residentExperts).toEqual([{ id: experts.a?.id }]);
    expect(data.workstation.visits.edges).toEqual([{ node: { id: visit.id } }]);
    expect(data.workstations.edges).toEqual([{ node: { id: ws.id } }]);

    const nomination = ok(
      await app.gql(
        'mutation ($input: NominateInput!) { nominate(input: $input) { nomination { id version eligibility { eligible criteria { name required actual met } } } } }',
        { input: { organizationId: tree.guangzhou, category: 'PERSON', expertId: experts.a?.id, citation: '长期扎根社区开展科普服务。' } },
        tree.admin,
      ),
    ).nominate.nomination;
    expect(nomination.eligibility.eligible).toBe(false);
    expect(nomination.eligibility.criteria.find((c: { name: string }) => c.name === 'activities')).toMatchObject({ required: 10, met: false });
    const awarded = ok(
      await app.gql(
        'mutation ($input: AwardInput!) { award(input: $input) { nomination { status } } }',
        { input: { id: nomination.id, version: nomination.version } },
        tree.admin,
      ),
    ).award.nomination;
    expect(awarded.status).toBe('AWARDED');
    const list = ok(await app.gql(`{ nominations(organizationId: "${tree.province}", status: AWARDED) { edges { node { id } } } }`, {}, tree.admin)).nominations
      .edges;
    expect(list).toEqual([{ node: { id: nomination.id } }]);
  });
});
