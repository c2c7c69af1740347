import { describe, expect, it } from 'vitest';
import { createItemLoader } from '../../functions/lib/data/loader.js';
import { quarterOf } from '../../functions/lib/domain/service.js';
import { ActivityRepository, type ActivityRecord } from '../../functions/lib/repositories/activities.js';
import { ExpertRepository } from '../../functions/lib/repositories/experts.js';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { CREATE_ORG, NEED_STEPS, SUBMIT_NEED, createOrgTree, makeNeedInput, nextPhone, ok } from '../support/fixtures.js';
import { availableExpert, bulkPut, completedActivity, putItems } from '../support/bulk.js';

// Cheap versions of the benchmark's rows 5 and 7 (test/bench/budgets/05-open-need.ts, 07-report.ts): the DynamoDB
// requests of opening a need and of a quarterly report do not grow with the data.

/** Writes experts `from`…`to - 1` in Liwan, all in agriculture (each need's candidates), as the repository would. */
async function addExperts(app: TestApp, from: number, to: number): Promise<void> {
  const repo = new ExpertRepository(app.deps.store, createItemLoader(app.deps.store));
  const now = new Date().toISOString();
  const experts = Array.from({ length: to - from }, (_, k) =>
    availableExpert(
      {
        id: `scale-${from + k}`,
        name: `专家${from + k}`,
        domains: ['AGRICULTURE'],
        keywords: ['荔枝'],
        origin: 'MAINLAND',
        regionCode: (from + k) % 2 === 0 ? '440103' : '440104',
        serviceRegionCodes: [],
        phone: nextPhone(),
      },
      now,
    ),
  );
  await bulkPut(
    app.deps.store,
    experts.flatMap((e) => putItems(repo.createOps(e))),
  );
}

describe('Requests that do not grow with the data (issue 12, rows 5 and 7)', () => {
  it('opens a need with the same DynamoDB requests (request + stream event) with 50 and with 500 experts in the pool', async () => {
    const app = await createTestApp();
    const tree = await createOrgTree(app);
    const requester = await app.token({ roles: ['REQUESTER'] });
    const open = async () => {
      const need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput() }, requester)).submitNeed.need as { id: string; version: number };
      await app.settle();
      app.requests.reset();
      ok(await app.gql(NEED_STEPS.REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin));
      await app.settle();
      const counts = Object.fromEntries([...app.requests.counts].sort());
      const matches = ok(await app.gql(`{ need(id: "${need.id}") { matches { rank } } }`, {}, tree.admin)).need.matches as unknown[];
      return { counts, matches: matches.length };
    };
    await addExperts(app, 0, 50);
    const few = await open();
    await addExperts(app, 50, 500);
    const many = await open();
    expect(few.matches).toBe(20);
    expect(many).toEqual(few);
  }, 240_000);

  it("makes the province's quarterly report with the same DynamoDB requests for 10 and for 200 completed activities", async () => {
    const app = await createTestApp();
    const admin = await app.token({ roles: ['PROVINCE_ADMIN'] });
    const org = async (name: string, regionCode: string) =>
      ok(await app.gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name, regionCode } }, admin)).createOrganization.organization.id as string;
    const province = await org('广东省科学技术协会', '44');
    const cities = [await org('广州市科学技术协会', '4401'), await org('深圳市科学技术协会', '4403')];
    const repo = new ActivityRepository(app.deps.store, createItemLoader(app.deps.store));
    const now = new Date().toISOString();
    let written = 0;
    // Completed activities of 2026Q4 as the repository writes them, each with completeActivity's counter writes.
    const complete = async (to: number) => {
      const activities = Array.from({ length: to - written }, (_, k): ActivityRecord => {
        const i = written + k;
        const organizationId = cities[i % 2]!;
        const fields = { id: `scale-act-${i}`, action: 'POPULAR_SCIENCE' as const, organizationId, organizationPath: [province, organizationId] };
        return completedActivity(i, { ...fields, regionCode: i % 2 === 0 ? '4401' : '4403' }, now, 60);
      });
      await bulkPut(
        app.deps.store,
        activities.flatMap((a) => putItems(repo.createOps(a))),
      );
      for (const a of activities) {
        await app.deps.store.transact(
          repo.counterOps(a.organizationPath, quarterOf(a.endAt), a.action, { activities: 1, volunteers: 3, hours: 6, beneficiaries: 20 }),
        );
      }
      written = to;
    };
    const REPORT = `query ($org: ID!) { quarterlyReport(organizationId: $org, quarter: "2026Q4") {
      figures { total { activities serviceHours } } byChild { organization { name } figures { total { activities } } } } }`;
    const report = async () => {
      app.requests.reset();
      const data = ok(await app.gql(REPORT, { org: province }, admin)).quarterlyReport;
      return { counts: Object.fromEntries([...app.requests.counts].sort()), activities: data.figures.total.activities as number };
    };
    await complete(10);
    const few = await report();
    await complete(200);
    const many = await report();
    expect([few.activities, many.activities]).toEqual([10, 200]);
    expect(many.counts).toEqual(few.counts);
  }, 240_000);
});
