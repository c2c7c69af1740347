/**
 * Row 5: opening (approving) one need with 10,000 and with 100,000 experts in the pool (--quick: 1,000 and 10,000).
 * Each pool is its own table; experts are written in bulk with the expert repository's own item builders (createOps):
 * the main item and the index items of the partitions matching reads (one per domain), so matching reads real index
 * partitions; the other index items (domain × origin × title combinations) are read by no step of opening a need and
 * are left out so that 100,000 experts load in minutes. Experts are spread over Guangdong's counties, Hong Kong and
 * Macao, 1–2 of the 22 domains each. Opening = the reviewNeed request + the stream
 * event it causes (matching, storing the matches, publishing), all DynamoDB requests of both counted. Runs alternate
 * between the pools (a busy machine slows both alike); each figure is the median of the runs (9 quick, 21 full).
 * Budget: equal request counts; time within 1.2×.
 */
import { createItemLoader } from '../../../functions/lib/data/loader.js';
import { entityKey, indexPartition, needStreamFilter } from '../../../functions/lib/data/keys.js';
import { ExpertRepository, type ExpertRecord } from '../../../functions/lib/repositories/experts.js';
import { childRegions } from '../../../functions/lib/regions/index.js';
import { DOMAINS } from '../../../functions/lib/vocabulary.js';
import { createNeedStreamProcessor } from '../../../functions/lib/streams/needStream.js';
import { createSubscriptionService } from '../../../functions/lib/realtime/subscriptions.js';
import { createStreamPoller } from '../../../infra/local/streamPoller.js';
import { RequestCounter } from '../../support/requestCounter.js';
import { median, ratio, type Benchmark, type BenchContext, type BenchResult } from '../framework.js';
import { createBenchApp } from '../harness.js';
import { availableExpert, bulkPut, putItems } from '../../support/bulk.js';
import { deleteTable, setStream } from '../tables.js';

const counties = childRegions('44').flatMap((c) => childRegions(c.code));
const sar = ['81', '82'].flatMap((c) => childRegions(c).flatMap((a) => childRegions(a.code)));

/** The i-th bench expert: one in ten from Hong Kong or Macao serving Guangdong; one in three with a second domain. */
function expert(i: number, now: string): ExpertRecord {
  const hk = i % 10 === 0;
  const domains = [...new Set([DOMAINS[i % DOMAINS.length]!.code, ...(i % 3 === 0 ? [DOMAINS[(i * 7) % DOMAINS.length]!.code] : [])])];
  return availableExpert(
    {
      id: `bench-${i}`,
      name: `专家${i}`,
      domains,
      keywords: ['荔枝', '水稻', '智能制造'].slice(0, 1 + (i % 3)),
      origin: hk ? 'HONG_KONG' : 'MAINLAND',
      regionCode: hk ? sar[i % sar.length]!.code : counties[i % counties.length]!.code,
      serviceRegionCodes: hk ? ['44'] : [],
      phone: `1390${String(i).padStart(7, '0')}`,
    },
    now,
  );
}

const CREATE_ORG = 'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }';
const SUBMIT = 'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id version } } }';
const REVIEW = 'mutation ($input: ReviewNeedInput!) { reviewNeed(input: $input) { need { id version status } } }';
const MATCHES = 'query ($id: ID!) { need(id: $id) { matches { score } } }';
const NEED = {
  title: '荔枝种植技术指导',
  description: '需要荔枝和水稻种植专家',
  kind: 'TECHNOLOGY',
  requester: { kind: 'ENTERPRISE', name: '某农业公司' },
  domains: [DOMAINS[0]!.code, DOMAINS[7]!.code],
  keywords: ['荔枝'],
  regionCode: '440103001',
};

/** A table with `size` experts, and a function that opens one new need on it and measures it. */
async function pool(ctx: BenchContext, table: string, size: number) {
  const { deps, gql, token } = await createBenchApp(ctx.endpoint, table);
  const admin = await token({ sub: 'bench-admin', roles: ['PROVINCE_ADMIN'] });
  const requester = await token({ sub: 'bench-requester', roles: ['REQUESTER'] });
  for (const [name, regionCode] of [
    ['广东省科协', '44'],
    ['广州市科协', '4401'],
    ['荔湾区科协', '440103'],
  ] as const) {
    await gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name, regionCode } }, admin);
  }
  // Background data leaves no stream records behind: the stream is off while it is written, then on again (empty).
  await setStream(ctx.endpoint, table, false);
  const started = Date.now();
  const repo = new ExpertRepository(deps.store, createItemLoader(deps.store));
  const now = new Date().toISOString();
  let items = 0;
  for (let from = 0; from < size; from += 5000) {
    const batch = Array.from({ length: Math.min(5000, size - from) }, (_, k) => expert(from + k, now)).flatMap((e) => {
      const read = new Set([entityKey('EXPERT', e.id).PK, ...e.domains.map((domain) => indexPartition('EXPERT', { domain }))]);
      return putItems(repo.createOps(e)).filter((item) => read.has(String(item.PK)));
    });
    items += batch.length;
    await bulkPut(deps.store, batch, 12);
  }
  const loadSeconds = (Date.now() - started) / 1000;
  ctx.log(`${table}: ${size} experts (${items} items) written in ${loadSeconds.toFixed(1)} s`);
  await setStream(ctx.endpoint, table, true);

  const requests = RequestCounter.attach(deps.store);
  const poller = createStreamPoller({
    endpoint: ctx.endpoint,
    tableName: table,
    handler: createNeedStreamProcessor(deps, createSubscriptionService(deps, { send: async () => undefined, close: async () => undefined })),
    filters: [needStreamFilter],
  });
  const open = async () => {
    const need = (await gql(SUBMIT, { input: NEED }, requester)).submitNeed!.need!;
    await poller.drain();
    requests.reset();
    const t0 = performance.now();
    await gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, admin);
    await poller.drain();
    const ms = performance.now() - t0;
    const counts = Object.fromEntries([...requests.counts].sort());
    const matches = ((await gql(MATCHES, { id: need.id }, admin)).need as unknown as { matches: unknown[] }).matches.length;
    return { ms, total: Object.values(counts).reduce((a, b) => a + b, 0), counts, matches };
  };
  return { open, loadSeconds, items, stop: () => poller.stop() };
}

export const benchmark: Benchmark = {
  row: 5,
  title: 'opening one need: a small and a 10× larger expert pool',
  async run(ctx) {
    const [small, large] = ctx.quick ? [1_000, 10_000] : [10_000, 100_000];
    const tables = [`bench-r5-${small}`, `bench-r5-${large}`];
    const pools = [await pool(ctx, tables[0]!, small), await pool(ctx, tables[1]!, large)];
    try {
      // One warm-up each (JIT, the Traditional→Simplified converter), then alternating runs.
      await pools[0]!.open();
      await pools[1]!.open();
      const runs: Array<Array<Awaited<ReturnType<(typeof pools)[number]['open']>>>> = [[], []];
      // Small, large, then large, small…: a machine getting busier or quieter during the runs weighs on both alike.
      const RUNS = ctx.quick ? 9 : 21;
      for (let i = 0; i < RUNS; i += 1) {
        for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) runs[k]!.push(await pools[k]!.open());
      }
      for (const [k, size] of [small, large].entries()) {
        const r = runs[k]!;
        ctx.log(
          `${size} experts: ${r.map((x) => `${x.total} requests / ${x.ms.toFixed(0)} ms`).join(', ')}; ${JSON.stringify(r[0]!.counts)}; ${r[0]!.matches} matches`,
        );
      }
      const totals = runs.map((r) => r.map((x) => x.total));
      const ms = runs.map((r) => median(r.map((x) => x.ms)));
      const [a, b] = [median(totals[0]!), median(totals[1]!)];
      const sameCounts = new Set([...totals[0]!, ...totals[1]!]).size === 1;
      const label = (n: number) => n.toLocaleString('en');
      const results: BenchResult[] = [
        {
          row: 5,
          name: `DynamoDB requests to open one need, ${label(large)} experts (request + stream event)`,
          figure: `${b} requests ${JSON.stringify(runs[1]![0]!.counts)}`,
          baseline: `${a} requests with ${label(small)} experts`,
          budget: 'equal',
          pass: sameCounts,
          values: {
            small,
            large,
            requestsSmall: a,
            requestsLarge: b,
            countsSmall: JSON.stringify(runs[0]![0]!.counts),
            countsLarge: JSON.stringify(runs[1]![0]!.counts),
          },
        },
        {
          row: 5,
          name: `time to open one need, ${label(large)} experts (median of ${RUNS})`,
          figure: `${ratio(ms[1]!, ms[0]!)} (${ms[1]!.toFixed(0)} ms vs ${ms[0]!.toFixed(0)} ms)`,
          baseline: `${label(small)} experts: ${ms[0]!.toFixed(0)} ms`,
          budget: '≤ 1.2×',
          pass: ms[1]! <= 1.2 * ms[0]!,
          values: {
            msSmall: ms[0]!,
            msLarge: ms[1]!,
            ratio: ms[1]! / ms[0]!,
            matches: runs[1]![0]!.matches,
            loadSecondsSmall: pools[0]!.loadSeconds,
            loadSecondsLarge: pools[1]!.loadSeconds,
            itemsLarge: pools[1]!.items,
          },
        },
      ];
      return results;
    } finally {
      for (const p of pools) await p.stop();
      for (const t of tables) await deleteTable(ctx.endpoint, t);
    }
  },
};
