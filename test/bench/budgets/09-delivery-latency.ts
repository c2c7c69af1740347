/**
 * Row 9: delivery latency from the approving request to `next` on graphql-ws clients of the local runner's server (its
 * own process, test/bench/servers/kezhi.ts, stream polled every 50 ms), with 1 and with 1,000 subscribed clients (quick:
 * 200), all listening for the one matching expert. Each client must get exactly one `next` per need. Before any need,
 * the publication's Query of the many clients' subscriptions is run until DynamoDB Local's JIT has compiled it, and
 * 2 needs per group go untimed (docs/performance.md, row 9).
 */
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ConnectionRepository } from '../../../functions/lib/realtime/connections.js';
import { createBenchApp } from '../harness.js';
import { median, percentile, ratio, type BenchContext, type Benchmark, type BenchResult } from '../framework.js';
import { deleteTable, serverEnv, spawnServer } from '../servers/spawn.js';
import { post as postRaw } from '../../support/runner.js';

/** POSTs one operation; throws with the response when it has errors. */
async function post(...args: Parameters<typeof postRaw>) {
  const res = await postRaw(...args);
  if (res.body.errors || !res.body.data) throw new Error(`${args[1].slice(0, 40)}…: ${JSON.stringify(res.body)}`);
  return res;
}

/**
 * Timed needs per group (quick: 10). The 1-client figure has one delivery per need, so its p99 is about the slowest of
 * these: with 10, full runs gave the row anywhere from 1.81× to 2.58×; with 30, from 1.33× to 2.18× once the runner
 * stopped using AsyncLocalStorage; 60 give a steadier tail on both sides (docs/performance.md, row 9).
 */
const needsFor = (quick: boolean) => (quick ? 10 : 60);
/**
 * Needs per group published first and not timed (their deliveries are still counted as exactly once): the first
 * publications to 1,000 run on a cold JIT in the server and in DynamoDB Local (3× the time of the later ones).
 */
const WARMUP_NEEDS = 2;
/** Untimed runs of the subscriptions Query for a group of many clients, before any need (see where it is used). */
const SUBSCRIBERS_QUERY_WARMUP = 20;
/** After the last expected `next`, how long a client may still receive a second one before the count is taken. */
const GRACE_MS = 500;

interface Round {
  latencies: number[];
  /** Clients that did not get exactly one `next` for some need. */
  wrong: number;
}

/** One expert's group of subscribed clients and what they received. */
interface Group {
  expertId: string;
  clients: number;
  domain: string;
  keyword: string;
  /** Per client: `next` messages received by need id. */
  received: Array<Map<string, number>>;
  /** Arrival times by need id. */
  arrivals: Map<string, number[]>;
  needIds: string[];
  latencies: number[];
  sockets: Client[];
}

/**
 * Two experts of different domains, one with `counts[0]` clients and one with `counts[1]`; needs for one and for the
 * other alternate, so both figures are taken over the same stretch of a busy machine.
 */
async function measure(ctx: BenchContext, counts: [number, number], needs: number): Promise<Round[]> {
  const tableName = `bench-r9-${randomUUID().slice(0, 8)}`;
  const app = await createBenchApp(ctx.endpoint, tableName);
  // BENCH_CPU_PROF=<dir>: the server writes a CPU profile (node --cpu-prof) there when it stops.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const server = await spawnServer('test/bench/servers/kezhi.ts', { ...serverEnv(app.config), STREAM_POLL_MS: '50' }, prof);
  try {
    const admin = await app.token({ sub: 'bench-admin', roles: ['PROVINCE_ADMIN'] });
    const requester = await app.token({ sub: 'bench-requester', roles: ['REQUESTER'] });
    await post(
      server.url,
      'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }',
      { input: { kind: 'ASSOCIATION', name: '省科协', regionCode: '44' } },
      admin,
    );
    const groups: Group[] = [];
    for (const [i, clients] of counts.entries()) {
      const [domain, keyword] = i === 0 ? ['AGRICULTURE', '荔枝'] : ['MEDICINE', '心脏'];
      const sub = `bench-expert-${i}`;
      const reg = await post(
        server.url,
        'mutation ($input: RegisterExpertInput!) { registerExpert(input: $input) { expert { id } } }',
        {
          input: {
            name: `基准专家${i}`,
            title: 'ENGINEER',
            domains: [domain],
            keywords: [keyword],
            origin: 'MAINLAND',
            languages: ['CANTONESE'],
            regionCode: '440103001',
            phone: `1369999000${i}`,
            maxOpenAssignments: 50,
          },
        },
        await app.token({ sub, roles: ['REQUESTER'] }),
      );
      const expertId = reg.body.data?.registerExpert.expert.id as string;
      const group: Group = {
        expertId,
        clients,
        domain: domain,
        keyword: keyword,
        received: Array.from({ length: clients }, () => new Map<string, number>()),
        arrivals: new Map(),
        needIds: [],
        latencies: [],
        sockets: [],
      };
      groups.push(group);
      const expertToken = await app.token({ sub, roles: ['EXPERT'], expert: expertId });
      const closes: string[] = [];
      const open = (c: number) =>
        new Promise<void>((resolve) => {
          const client = createClient({
            url: server.url.replace('http', 'ws'),
            webSocketImpl: WebSocket,
            lazy: false,
            retryAttempts: 0,
            connectionParams: { authorization: `Bearer ${expertToken}` },
            on: {
              connected: () => resolve(),
              closed: (event) => {
                const code = (event as { code?: number } | undefined)?.code;
                if (code !== 1000) closes.push(String(code));
                resolve();
              },
            },
          });
          group.sockets.push(client);
          client.subscribe<{ matchingNeedPosted: { need: { id: string } } }>(
            { query: 'subscription { matchingNeedPosted { score need { id title } } }' },
            {
              next: (r) => {
                const at = performance.now();
                const id = r.data?.matchingNeedPosted.need.id;
                if (!id) return;
                group.received[c]!.set(id, (group.received[c]!.get(id) ?? 0) + 1);
                const list = group.arrivals.get(id);
                if (list) list.push(at);
                else group.arrivals.set(id, [at]);
              },
              error: () => undefined,
              complete: () => undefined,
            },
          );
        });
      // Clients connect 25 at a time (each waits for its connection_ack), as a crowd of browsers would over some seconds.
      for (let c = 0; c < clients; c += 25) await Promise.all(Array.from({ length: Math.min(25, clients - c) }, (_, k) => open(c + k)));
      if (closes.length) throw new Error(`${closes.length} clients closed while connecting (codes ${[...new Set(closes)].join(', ')})`);
      // graphql-ws answers nothing to a stored subscription: wait until the table holds all of them.
      const connections = new ConnectionRepository(app.deps.store);
      const ready = Date.now() + 120_000;
      while ((await connections.subscribersOf({ kind: 'EXPERT', expertId })).length < clients) {
        if (Date.now() > ready) throw new Error(`not all ${clients} clients subscribed`);
        await new Promise((r) => setTimeout(r, 200));
      }
      ctx.log(`${clients} client(s) of expert ${i} subscribed`);
      if (clients > 1) {
        // DynamoDB Local's Java code answers a 1,000-item Query ~3× slower until its JIT has compiled that path (~14
        // such queries on this machine): the query each publication makes is run until then, not timed (DynamoDB has no
        // such warm-up). Without it, the first timed publications to 1,000 pay it and set the p99.
        const times: number[] = [];
        for (let k = 0; k < SUBSCRIBERS_QUERY_WARMUP; k += 1) {
          const t = performance.now();
          await connections.subscribersOf({ kind: 'EXPERT', expertId });
          times.push(performance.now() - t);
        }
        ctx.log(
          `DynamoDB Local warmed with ${SUBSCRIBERS_QUERY_WARMUP} queries of the ${clients} subscriptions: first 5 median ` +
            `${median(times.slice(0, 5)).toFixed(0)} ms, last 5 median ${median(times.slice(-5)).toFixed(0)} ms`,
        );
      }
    }
    for (let n = 0; n < (WARMUP_NEEDS + needs) * groups.length; n += 1) {
      const group = groups[n % groups.length]!;
      const need = (
        await post(
          server.url,
          'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id version } } }',
          {
            input: {
              title: `延迟${n}`,
              description: group.keyword,
              kind: 'TECHNOLOGY',
              requester: { kind: 'ENTERPRISE', name: '某公司' },
              domains: [group.domain],
              keywords: [group.keyword],
              regionCode: '440103001',
            },
          },
          requester,
        )
      ).body.data?.submitNeed.need;
      group.needIds.push(need.id);
      const started = performance.now();
      await post(
        server.url,
        'mutation ($input: ReviewNeedInput!) { reviewNeed(input: $input) { need { id } } }',
        { input: { id: need.id, version: need.version, approve: true } },
        admin,
      );
      const deadline = Date.now() + 15_000;
      while ((group.arrivals.get(need.id)?.length ?? 0) < group.clients && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      if (n >= WARMUP_NEEDS * groups.length) group.latencies.push(...(group.arrivals.get(need.id) ?? []).map((t) => t - started));
    }
    await new Promise((r) => setTimeout(r, GRACE_MS));
    const allNeeds = groups.flatMap((g) => g.needIds);
    return groups.map((group) => {
      // Exactly one next for each of its expert's needs, none for the other expert's.
      const wrong = group.received.filter((byNeed) => allNeeds.some((id) => byNeed.get(id) !== (group.needIds.includes(id) ? 1 : undefined))).length;
      ctx.log(
        `${group.clients} client(s): median ${median(group.latencies).toFixed(0)} ms, p99 ${percentile(group.latencies, 99).toFixed(0)} ms over ` +
          `${group.latencies.length} deliveries (expected ${group.clients * needs}); ${wrong} client(s) without exactly one next per need`,
      );
      return { latencies: group.latencies, wrong };
    });
  } finally {
    await server.stop();
    await deleteTable(ctx.endpoint, tableName);
  }
}

export const benchmark: Benchmark = {
  row: 9,
  title: 'delivery latency, need approved → next, 1 and 1,000 graphql-ws clients',
  async run(ctx): Promise<BenchResult[]> {
    const many = ctx.quick ? 200 : 1000;
    const needs = needsFor(ctx.quick);
    const [one, lots] = (await measure(ctx, [1, many], needs)) as [Round, Round];
    const p99One = percentile(one.latencies, 99);
    const p99Many = percentile(lots.latencies, 99);
    const complete = one.latencies.length === needs && lots.latencies.length === many * needs && one.wrong === 0 && lots.wrong === 0;
    return [
      {
        row: 9,
        name: `delivery p99, ${many} vs 1 client`,
        figure: `${ratio(p99Many, p99One)} (p99 ${p99Many.toFixed(0)} ms, p50 ${median(lots.latencies).toFixed(0)} ms)`,
        baseline: `p99 ${p99One.toFixed(0)} ms, p50 ${median(one.latencies).toFixed(0)} ms with 1 client`,
        budget: '≤ 2×',
        pass: p99Many <= 2 * p99One,
        values: { clients: many, p99: p99Many, p50: median(lots.latencies), baselineP99: p99One, baselineP50: median(one.latencies), needs },
      },
      {
        row: 9,
        name: `exactly one next per need per client (${many} clients × ${needs} needs)`,
        figure: `${lots.latencies.length} of ${many * needs} delivered; ${lots.wrong} client(s) not exactly once`,
        baseline: null,
        budget: 'every client exactly one',
        pass: complete,
        values: { delivered: lots.latencies.length, expected: many * needs, wrong: lots.wrong, baselineWrong: one.wrong },
      },
    ];
  },
};
