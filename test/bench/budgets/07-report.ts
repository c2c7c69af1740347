/**
 * Row 7: the province's quarterly report with 1,000 and with 100,000 completed activities (--quick: 1,000 and 10,000),
 * each on its own table: the province and its 21 cities' associations (GraphQL), completed activities of the quarter
 * spread over the cities, written in bulk with the activity repository's item builder (their main items: the report
 * reads no activity, see below), and the counters completeActivity keeps (counterOps), added once per city and action
 * with the sums of its activities. The report reads those counters and the organization tree, whatever the number of
 * activities. Runs alternate between the tables; the time is the median of the runs.
 * Budget: equal request counts (the time is reported beside them).
 */
import { createItemLoader } from '../../../functions/lib/data/loader.js';
import { entityKey } from '../../../functions/lib/data/keys.js';
import { ActivityRepository, type ActivityRecord } from '../../../functions/lib/repositories/activities.js';
import { childRegions } from '../../../functions/lib/regions/index.js';
import { quarterOf } from '../../../functions/lib/domain/service.js';
import { mapLimit } from '../../../infra/local/seed.js';
import { RequestCounter } from '../../support/requestCounter.js';
import { bulkPut, completedActivity, putItems } from '../../support/bulk.js';
import { median, ratio, type BenchContext, type BenchResult, type Benchmark } from '../framework.js';
import { createBenchApp } from '../harness.js';
import { deleteTable, setStream } from '../tables.js';

const RUNS = 7;
const ACTIONS = ['POPULAR_SCIENCE', 'RURAL_REVITALIZATION'] as const;
const CREATE_ORG = 'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }';
const REPORT =
  'query ($org: ID!) { quarterlyReport(organizationId: $org, quarter: "2026Q4") { figures { total { activities serviceHours } } byChild { organization { name } figures { total { activities } } } } }';

async function reportTable(ctx: BenchContext, table: string, size: number) {
  const { deps, gql, token } = await createBenchApp(ctx.endpoint, table);
  const admin = await token({ sub: 'admin', roles: ['PROVINCE_ADMIN'] });
  const org = async (name: string, regionCode: string) =>
    String((await gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name, regionCode } }, admin)).createOrganization?.organization?.id);
  const province = await org('广东省科协', '44');
  const cities = await mapLimit(childRegions('44'), 4, async (c) => ({ code: c.code, id: await org(`${c.name}科协`, c.code) }));
  // Background data leaves no stream records behind (nothing here concerns the stream function).
  await setStream(ctx.endpoint, table, false);
  const started = Date.now();
  const repo = new ActivityRepository(deps.store, createItemLoader(deps.store));
  const now = new Date().toISOString();
  const sums = new Map<string, { path: string[]; action: string; activities: number }>();
  for (let from = 0; from < size; from += 5000) {
    const records: ActivityRecord[] = Array.from({ length: Math.min(5000, size - from) }, (_, k) => {
      const i = from + k;
      const city = cities[i % cities.length]!;
      const fields = { id: `act-${i}`, action: ACTIONS[i % ACTIONS.length]!, organizationId: city.id, organizationPath: [province, city.id] };
      return completedActivity(i, { ...fields, regionCode: city.code }, now);
    });
    for (const a of records) {
      const key = `${a.organizationId}|${a.action}`;
      const sum = sums.get(key) ?? { path: a.organizationPath, action: a.action, activities: 0 };
      sum.activities += 1;
      sums.set(key, sum);
    }
    const main = entityKey('ACTIVITY', '').SK;
    await bulkPut(
      deps.store,
      records.flatMap((a) => putItems(repo.createOps(a)).filter((item) => item.SK === main)),
      12,
    );
  }
  // completeActivity's counter writes (3 volunteers × 2 h, 20 beneficiaries each), summed per city and action.
  await mapLimit([...sums.values()], 4, (s) =>
    deps.store.transact(
      repo.counterOps(s.path, quarterOf('2026-10-05T01:00:00Z'), s.action, {
        activities: s.activities,
        volunteers: 3 * s.activities,
        hours: 6 * s.activities,
        beneficiaries: 20 * s.activities,
      }),
    ),
  );
  const loadSeconds = (Date.now() - started) / 1000;
  ctx.log(`${table}: ${size} completed activities written in ${loadSeconds.toFixed(1)} s`);
  const requests = RequestCounter.attach(deps.store);
  const report = async () => {
    requests.reset();
    const t0 = performance.now();
    const data = (await gql(REPORT, { org: province }, admin)).quarterlyReport as unknown as { figures: { total: { activities: number } } };
    const ms = performance.now() - t0;
    const counts = Object.fromEntries([...requests.counts].sort());
    return { ms, counts, total: requests.total, activities: data.figures.total.activities };
  };
  return { report, loadSeconds };
}

export const benchmark: Benchmark = {
  row: 7,
  title: "the province's quarterly report: few and 10–100× more completed activities",
  async run(ctx) {
    const [small, large] = ctx.quick ? [1_000, 10_000] : [1_000, 100_000];
    const tables = [`bench-r7-${small}`, `bench-r7-${large}`];
    try {
      const sets = [await reportTable(ctx, tables[0]!, small), await reportTable(ctx, tables[1]!, large)];
      await sets[0]!.report();
      await sets[1]!.report();
      const runs: Array<Array<Awaited<ReturnType<(typeof sets)[number]['report']>>>> = [[], []];
      for (let i = 0; i < RUNS; i += 1) for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) runs[k]!.push(await sets[k]!.report());
      const label = (n: number) => n.toLocaleString('en');
      for (const [k, size] of [small, large].entries()) {
        const r = runs[k]!;
        ctx.log(`${label(size)} activities: ${r.map((x) => `${x.total} requests / ${x.ms.toFixed(0)} ms`).join(', ')}; ${JSON.stringify(r[0]!.counts)}`);
      }
      const totals = runs.map((r) => r.map((x) => x.total));
      const ms = runs.map((r) => median(r.map((x) => x.ms)));
      const counted = runs.map((r) => r[0]!.activities);
      const results: BenchResult[] = [
        {
          row: 7,
          name: `DynamoDB requests of the province's quarterly report, ${label(large)} completed activities`,
          figure: `${median(totals[1]!)} requests ${JSON.stringify(runs[1]![0]!.counts)}; ${ratio(ms[1]!, ms[0]!)} time (${ms[1]!.toFixed(0)} ms vs ${ms[0]!.toFixed(0)} ms)`,
          baseline: `${median(totals[0]!)} requests with ${label(small)} activities`,
          budget: 'equal',
          // The report must also count every activity (the counters are complete), or a flat count proves nothing.
          pass: new Set([...totals[0]!, ...totals[1]!]).size === 1 && counted[0] === small && counted[1] === large,
          values: {
            small,
            large,
            requestsSmall: median(totals[0]!),
            requestsLarge: median(totals[1]!),
            counts: JSON.stringify(runs[1]![0]!.counts),
            msSmall: ms[0]!,
            msLarge: ms[1]!,
            activitiesReportedSmall: counted[0]!,
            activitiesReportedLarge: counted[1]!,
            loadSecondsLarge: sets[1]!.loadSeconds,
          },
        },
      ];
      return results;
    } finally {
      for (const t of tables) await deleteTable(ctx.endpoint, t).catch(() => undefined);
    }
  },
};
