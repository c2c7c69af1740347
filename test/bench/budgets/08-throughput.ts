/**
 * Row 8: throughput and p50/p99 latency of the local runner's server (its own process, test/bench/servers/kezhi.ts: the
 * HTTP adapter and the real Lambda handler) on a mixed read workload driven by autocannon over loopback, against a plain
 * Apollo standalone server (test/bench/servers/apolloBaseline.ts) answering the same operations from the same table of
 * the same DynamoDB Local with naive resolvers and DataLoader. After a warm-up of each, rounds alternate which server goes
 * first (9; quick 3); the figure is the median of the rounds’ ratios.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { createBenchApp } from '../harness.js';
import { median, type Benchmark, type BenchResult } from '../framework.js';
import { deleteTable, serverEnv, spawnServer } from '../servers/spawn.js';

const CONNECTIONS = 10;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** One autocannon run of `bodies` in turn against `url` with `token`. */
async function load(url: string, token: string, bodies: string[], seconds: number): Promise<Load> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: bodies.map((body) => ({ method: 'POST', body })),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function post(url: string, body: string, token: string): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  return res.json();
}

export const benchmark: Benchmark = {
  row: 8,
  title: 'throughput of the local runner vs a plain Apollo server, mixed reads',
  async run(ctx): Promise<BenchResult[]> {
    const seconds = ctx.quick ? 5 : 10;
    const rounds = ctx.quick ? 3 : 9;
    const warmup = ctx.quick ? 3 : 5;
    const tableName = `bench-r8-${randomUUID().slice(0, 8)}`;
    const app = await createBenchApp(ctx.endpoint, tableName);
    try {
      // The data: a province association, a city one, 10 experts and 10 needs of the city.
      const admin = { sub: 'bench-admin', roles: ['PROVINCE_ADMIN'] };
      const orgIds: string[] = [];
      for (const [name, regionCode] of [
        ['省科协', '44'],
        ['广州市科协', '4401'],
      ] as const) {
        const data = await app.gql(
          'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }',
          { input: { kind: 'ASSOCIATION', name, regionCode } },
          admin,
        );
        orgIds.push(String(data.createOrganization?.organization?.id));
      }
      const expertIds: string[] = [];
      const needIds: string[] = [];
      for (let i = 0; i < 10; i += 1) {
        const expert = await app.gql(
          'mutation ($input: RegisterExpertInput!) { registerExpert(input: $input) { expert { id } } }',
          {
            input: {
              name: `专家${i}`,
              title: 'ENGINEER',
              domains: ['AGRICULTURE'],
              origin: 'MAINLAND',
              languages: ['MANDARIN'],
              regionCode: '440103',
              phone: `1370000${String(i).padStart(4, '0')}`,
              organizationId: orgIds[1],
            },
          },
          { sub: `bench-expert-${i}`, roles: ['EXPERT'] },
        );
        expertIds.push(String(expert.registerExpert?.expert?.id));
        const need = await app.gql(
          'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id } } }',
          {
            input: {
              title: `需求${i}`,
              description: '荔枝种植',
              kind: 'TECHNOLOGY',
              requester: { kind: 'ENTERPRISE', name: '某公司' },
              domains: ['AGRICULTURE'],
              regionCode: '440103001',
            },
          },
          { sub: 'bench-requester', roles: ['REQUESTER'] },
        );
        needIds.push(String(need.submitNeed?.need?.id));
      }
      const token = await app.token(admin);
      // The mixed workload: an organization by id, a need with its organization, an expert with its organization.
      const bodies = [
        ...orgIds.map((id) => ({ query: 'query ($id: ID!) { organization(id: $id) { id name } }', variables: { id } })),
        ...needIds.map((id) => ({ query: 'query ($id: ID!) { need(id: $id) { id title organization { id name } } }', variables: { id } })),
        ...expertIds.map((id) => ({ query: 'query ($id: ID!) { expert(id: $id) { id name organization { id name } } }', variables: { id } })),
      ].map((b) => JSON.stringify(b));

      const env = { ...serverEnv(app.config), STREAM_POLL_MS: '0' };
      // BENCH_CPU_PROF=<dir>: both servers write a CPU profile (node --cpu-prof) there when they stop.
      const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
      const ours = await spawnServer('test/bench/servers/kezhi.ts', env, prof);
      const baseline = await spawnServer('test/bench/servers/apolloBaseline.ts', env, prof);
      try {
        // Both answer every operation alike (data and shape), once, before the load.
        for (const body of bodies) {
          const [a, b] = [await post(ours.url, body, token), await post(baseline.url, body, token)];
          if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`the servers answer ${body} differently:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);
        }
        // Warm-up (JIT of both servers and of DynamoDB Local, connections), then rounds that alternate which server goes
        // first; the figure is the median of the rounds' ratios (each from two adjacent runs of one stretch of the machine).
        await load(ours.url, token, bodies, warmup);
        await load(baseline.url, token, bodies, warmup);
        const runs: { ours: Load[]; baseline: Load[] } = { ours: [], baseline: [] };
        for (let round = 0; round < rounds; round += 1) {
          if (round % 2 === 0) {
            runs.baseline.push(await load(baseline.url, token, bodies, seconds));
            runs.ours.push(await load(ours.url, token, bodies, seconds));
          } else {
            runs.ours.push(await load(ours.url, token, bodies, seconds));
            runs.baseline.push(await load(baseline.url, token, bodies, seconds));
          }
          ctx.log(
            `round ${round + 1}: ours ${runs.ours.at(-1)!.rps.toFixed(0)} req/s (p50 ${runs.ours.at(-1)!.p50} ms, p99 ${runs.ours.at(-1)!.p99} ms), ` +
              `baseline ${runs.baseline.at(-1)!.rps.toFixed(0)} req/s (p50 ${runs.baseline.at(-1)!.p50} ms, p99 ${runs.baseline.at(-1)!.p99} ms)`,
          );
        }
        const m = (xs: Load[], k: keyof Load) => median(xs.map((x) => x[k]));
        const [rps, baseRps] = [m(runs.ours, 'rps'), m(runs.baseline, 'rps')];
        const ratios = runs.ours.map((r, i) => r.rps / runs.baseline[i]!.rps);
        const medianRatio = median(ratios);
        const errors = [...runs.ours, ...runs.baseline].reduce((n, r) => n + r.errors, 0);
        return [
          {
            row: 8,
            name: `throughput, mixed reads (${CONNECTIONS} connections × ${seconds} s, ${rounds} rounds)`,
            figure: `${medianRatio.toFixed(2)}× median of rounds (${rps.toFixed(0)} req/s, p50 ${m(runs.ours, 'p50')} ms, p99 ${m(runs.ours, 'p99')} ms)`,
            baseline: `plain Apollo ${baseRps.toFixed(0)} req/s, p50 ${m(runs.baseline, 'p50')} ms, p99 ${m(runs.baseline, 'p99')} ms`,
            budget: '≥ 0.8×',
            pass: medianRatio >= 0.8 && errors === 0,
            values: {
              rps,
              p50: m(runs.ours, 'p50'),
              p99: m(runs.ours, 'p99'),
              baselineRps: baseRps,
              baselineP50: m(runs.baseline, 'p50'),
              baselineP99: m(runs.baseline, 'p99'),
              errors,
              ratios: ratios.map((r) => r.toFixed(2)).join(' '),
              medianRatio,
            },
          },
        ];
      } finally {
        await ours.stop();
        await baseline.stop();
      }
    } finally {
      await deleteTable(ctx.endpoint, tableName);
    }
  },
};
