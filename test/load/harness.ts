/**
 * The load run behind `npm run load` (test/load/load.ts): the local runner (`npm start`, seeded with a pool
 * of experts) on its own in-memory DynamoDB Local and free loopback ports; graphql-ws clients subscribed to
 * matchingNeedPosted (experts for themselves, a few city association admins for their subtrees, the province
 * admin for all); a steady stream of need openings (submitNeed, then reviewNeed approving it: the stream
 * poller matches and publishes) and queries at fixed rates. Every HTTP request is timed; after a drain, each
 * opened need's stored matches give the subscribers that must have been notified, once each.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createDeps } from '../../functions/lib/app.js';
import { Logger } from '@aws-lambda-powertools/logger';
import { grantLocalFlags } from '../../infra/local/localGrants.js';
import { signLocalToken, type TokenClaims } from '../../functions/lib/auth/tokens.js';
import { loadDevKeys } from '../../infra/local/devKeys.js';
import { localClient } from '../../infra/local/dynamoLocal.js';
import { mapLimit } from '../../infra/local/seed.js';
import { START, runScript, tempKeysFile } from '../support/runner.js';
import { expectedMatch, latencyOf, round1, tally, type Latency, type MatchSeen, type SubscriberTally } from './tally.js';

/** What `npm run load` takes on its command line. */
export interface LoadOptions {
  /** Subscribed graphql-ws clients. */
  clients: number;
  /** Seconds of load (need openings and queries). */
  durationS: number;
  /** Need openings per second (each is a submitNeed and a reviewNeed). */
  needRate: number;
  /** Queries per second. */
  queryRate: number;
  /** Longest wait after the load for notifications still on their way, in seconds. */
  drainS: number;
  /** Experts in the seeded pool (at least the expert subscribers). */
  experts: number;
  /** A file to write the local runner's output to when the run ends (its log, for a failed run). */
  serverLog?: string;
}

/** What one load run measured (written as JSON, printed as a table). */
export interface LoadResult {
  startedAt: string;
  options: LoadOptions;
  loadAverage: { before: number[]; after: number[] };
  setup: { seconds: number; poolExperts: number; subscribers: { experts: number; organizationAdmins: number; provinceAdmin: number } };
  requests: Latency & { total: number; errors: number; skipped: number; ratePerS: number; byOperation: Record<string, Latency & { errors: number }> };
  /** publishedPerS: needs the stream processor published per second, from the first approval to the province admin's last event. */
  needs: { opened: number; withMatches: number; exact: number; publishedPerS: number };
  notifications: { expected: number; received: number; lost: number; duplicated: number; unexpected: number; wrongMatch: number; latency: Latency };
  server: { errorLines: number; warnLines: number };
  errorSamples: string[];
  ok: boolean;
}

const SUBSCRIPTION = 'subscription { matchingNeedPosted { score need { id } expert { id } } }';
const SUBMIT = 'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id version } } }';
const REVIEW = 'mutation ($input: ReviewNeedInput!) { reviewNeed(input: $input) { need { id status } } }';
const NEED_KINDS = ['TECHNOLOGY', 'RURAL_REVITALIZATION', 'POPULAR_SCIENCE', 'TRAINING', 'TALENT'];
/** The queries of the steady stream, in turn: an expert's view of open needs and its own inbox, an admin's list, a need with its matches. */
const QUERIES = {
  openNeeds: '{ needs(first: 20, filter: { status: OPEN }) { edges { node { id title status } } } }',
  ownInbox: 'query ($id: ID!) { expert(id: $id) { id name phone matchedNeeds(first: 10) { edges { node { score need { id title } } } } } }',
  adminNeeds: '{ needs(first: 20) { edges { node { id title status requester { contactName } } } pageInfo { hasNextPage } } }',
  needMatches: 'query ($id: ID!) { need(id: $id) { id status matches(first: 5) { score expert { id name } } } }',
} as const;
/** Requests in flight beyond which a scheduled one is skipped (and counted): the run stays bounded when the server falls behind. */
const MAX_IN_FLIGHT = 64;

type Json = Record<string, unknown>;
interface Page<T> {
  edges: Array<{ node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface PoolExpert {
  id: string;
  domains: Array<{ code: string }>;
  region: { code: string };
  organization: { id: string } | null;
  teams: { edges: Array<{ node: { organization: { id: string } } }> };
}
interface Subscriber extends SubscriberTally {
  token: string;
  client?: Client;
  received: Map<string, string[]>;
  firstAt: Map<string, number>;
  errors: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pids of `pid`'s descendants (its DynamoDB Local among them), from `ps`. */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const line of execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (child && parent) children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length;) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** The local runner as a child process, started at once (so it can be stopped even before it is ready). */
function spawnRunner(args: string[], env: NodeJS.ProcessEnv) {
  const child = runScript(START, args, { PORT: '0', ...env });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local runner was not ready in 300 s:\n${out.slice(-2000)}`)), 300_000);
    child.stdout?.on('data', () => {
      const url = /Kezhi API ready at (http:\/\/\S+)/.exec(out)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve(url);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the local runner exited before it was ready:\n${out.slice(-2000)}`));
    });
  });
  /** SIGTERM (the runner then stops its DynamoDB Local); after 15 s SIGKILL to it and whatever it started. */
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const started = descendantsOf(child.pid);
    child.kill('SIGTERM');
    const gaveUp = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000).unref());
    if (await Promise.race([exited.then(() => true), gaveUp])) return;
    for (const pid of [child.pid, ...started]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  return { ready, stop, output: () => out };
}

/**
 * One load run. `run()` sets up, loads, drains and tallies; `stop()` (idempotent; also called at the end of
 * `run`) closes the sockets and stops the runner with its DynamoDB Local, so a caller's hard timeout or
 * Ctrl-C can end everything.
 */
export function createLoadRun(options: LoadOptions, log: (line: string) => void = () => undefined) {
  let runner: ReturnType<typeof spawnRunner> | undefined;
  const subscribers: Subscriber[] = [];
  let stopped: Promise<void> | undefined;
  /** Set when the run closes its sockets: their `complete` is then no failure. */
  let closing = false;

  async function stopAll(): Promise<void> {
    closing = true;
    await Promise.all(subscribers.map(async (s) => s.client?.dispose()));
    if (!runner) return;
    if (options.serverLog) writeFileSync(options.serverLog, runner.output());
    await runner.stop();
  }
  const stop = () => (stopped ??= stopAll());

  async function run(): Promise<LoadResult> {
    const startedAt = new Date().toISOString();
    const loadBefore = loadavg().map(round1);
    const setupStarted = performance.now();
    const keysFile = tempKeysFile();
    log(`starting the local runner with ${options.experts} experts …`);
    runner = spawnRunner(['--expert-count', String(options.experts), '--quiet'], { KEZHI_DEV_KEYS: keysFile });
    const url = await runner.ready;
    const ddbEndpoint = /DynamoDB Local: (http:\/\/\S+)/.exec(runner.output())?.[1] as string;
    const keys = await loadDevKeys(keysFile);
    // A token carries the identity; the ORG_ADMIN / EXPERT the claims ask for are grants in the runner's table.
    const grants = createDeps(
      {
        tableName: process.env.TABLE_NAME ?? 'kezhi-local',
        dynamoEndpoint: ddbEndpoint,
        cursorSecret: 'load-grants-cursor-secret-not-used-0000000',
        production: false,
        auth: { kind: 'local', publicJwk: keys.publicJwk },
      },
      new Logger({ serviceName: 'load', logLevel: 'ERROR' }),
    );
    const token = async (claims: TokenClaims) => {
      await grantLocalFlags(grants.store, claims);
      return signLocalToken(keys.privateJwk, claims);
    };
    const admin = await token({ sub: 'load-province-admin', roles: ['PROVINCE_ADMIN'] });
    const requesters = await Promise.all([0, 1, 2, 3].map((i) => token({ sub: `load-requester-${i}`, roles: ['REQUESTER'] })));

    // Every HTTP request of the load is timed; setup and verification requests are not counted.
    const latencies = new Map<string, number[]>();
    const failures = new Map<string, number>();
    const errorSamples: string[] = [];
    let measuring = false;
    let requestCount = 0;
    const fail = (op: string, what: string) => {
      if (measuring) failures.set(op, (failures.get(op) ?? 0) + 1);
      if (errorSamples.length < 10) errorSamples.push(`${op}: ${what.slice(0, 300)}`);
    };
    async function gql(op: string, query: string, variables: Json, bearer: string): Promise<Json | undefined> {
      const started = performance.now();
      if (measuring) requestCount += 1;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(30_000),
        });
        const body = (await res.json()) as { data?: Json; errors?: unknown[] };
        if (measuring) {
          const samples = latencies.get(op) ?? [];
          samples.push(performance.now() - started);
          latencies.set(op, samples);
        }
        if (res.status !== 200 || body.errors?.length) return void fail(op, `HTTP ${res.status} ${JSON.stringify(body.errors ?? body)}`);
        return body.data;
      } catch (error) {
        fail(op, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        return undefined;
      }
    }
    async function pages<T>(field: string, query: string): Promise<T[]> {
      const all: T[] = [];
      for (let after: string | null = null; ;) {
        const data = await gql('setup', query, { after }, admin);
        const page = data?.[field] as Page<T> | undefined;
        if (!page) throw new Error(`setup query ${field} failed: ${errorSamples.join('\n')}`);
        all.push(...page.edges.map((e) => e.node));
        if (!page.pageInfo.hasNextPage) return all;
        after = page.pageInfo.endCursor;
      }
    }

    // The pool with each expert's scope: its organization's path and its teams' organizations' paths.
    const organizations = await pages<{ id: string; kind: string; level: string; parent: { id: string } | null }>(
      'organizations',
      'query ($after: String) { organizations(first: 100, after: $after) { edges { node { id kind level parent { id } } } pageInfo { hasNextPage endCursor } } }',
    );
    const parentOf = new Map(organizations.map((o) => [o.id, o.parent?.id ?? null]));
    const pathOf = (id: string): string[] => {
      const path: string[] = [];
      for (let at: string | null | undefined = id; at && !path.includes(at); at = parentOf.get(at)) path.unshift(at);
      return path;
    };
    const pool = await pages<PoolExpert>(
      'experts',
      `query ($after: String) { experts(first: 20, after: $after) { edges { node { id domains { code } region { code } organization { id }
         teams(first: 5) { edges { node { organization { id } } } } } } pageInfo { hasNextPage endCursor } } }`,
    );
    const scopes = new Map(
      pool.map((e) => [e.id, [...new Set([e.organization?.id, ...e.teams.edges.map((t) => t.node.organization.id)].flatMap((o) => (o ? pathOf(o) : [])))]]),
    );
    const scopeOf = (expertId: string) => scopes.get(expertId) ?? [];

    // Subscribers: the province admin, about one city association admin per hundred clients (those with the
    // most experts in scope), and experts spread over the pool for the rest.
    const cityAssociations = organizations.filter((o) => o.kind === 'ASSOCIATION' && o.level === 'CITY');
    const inScope = (orgId: string) => pool.filter((e) => scopeOf(e.id).includes(orgId)).length;
    const orgAdmins = options.clients >= 3 ? Math.max(1, Math.floor(options.clients / 100)) : 0;
    const cities = [...cityAssociations].sort((a, b) => inScope(b.id) - inScope(a.id)).slice(0, orgAdmins);
    const expertSubscribers = Math.min(pool.length, options.clients - 1 - cities.length);
    const step = pool.length / Math.max(1, expertSubscribers);
    const chosen = Array.from({ length: expertSubscribers }, (_, i) => pool[Math.floor(i * step)] as PoolExpert);
    const newSubscriber = (audience: SubscriberTally['audience'], bearer: string): Subscriber => ({
      audience,
      token: bearer,
      received: new Map(),
      firstAt: new Map(),
      errors: 0,
    });
    const province = newSubscriber({ kind: 'ALL' }, admin);
    subscribers.push(province);
    for (const [i, city] of cities.entries())
      subscribers.push(
        newSubscriber({ kind: 'ORG', organizationId: city.id }, await token({ sub: `load-org-admin-${i}`, roles: ['ORG_ADMIN'], org: city.id })),
      );
    for (const [i, expert] of chosen.entries())
      subscribers.push(newSubscriber({ kind: 'EXPERT', expertId: expert.id }, await token({ sub: `load-expert-${i}`, roles: ['EXPERT'], expert: expert.id })));
    const expertTokens = subscribers.filter((s) => s.audience.kind === 'EXPERT');
    const orgTokens = subscribers.filter((s) => s.audience.kind === 'ORG');

    log(`connecting ${subscribers.length} graphql-ws clients …`);
    const wsUrl = url.replace('http', 'ws');
    await mapLimit(subscribers, 25, async (sub) => {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('a graphql-ws client was not acknowledged within 30 s')), 30_000);
        sub.client = createClient({
          url: wsUrl,
          webSocketImpl: WebSocket,
          lazy: false,
          retryAttempts: 0,
          connectionParams: { authorization: `Bearer ${sub.token}` },
          on: {
            connected: () => {
              clearTimeout(timer);
              resolve();
            },
          },
          onNonLazyError: (error) => {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new Error(`graphql-ws client failed: ${JSON.stringify(error)}`));
          },
        });
      });
      sub.client?.subscribe<{ matchingNeedPosted: { need: { id: string }; expert: { id: string } } }>(
        { query: SUBSCRIPTION },
        {
          next: (result) => {
            const event = result.data?.matchingNeedPosted;
            if (!event || result.errors) {
              sub.errors += 1;
              return void fail('subscription', JSON.stringify(result.errors ?? result));
            }
            if (!sub.firstAt.has(event.need.id)) sub.firstAt.set(event.need.id, performance.now());
            sub.received.set(event.need.id, [...(sub.received.get(event.need.id) ?? []), event.expert.id]);
          },
          error: (error) => {
            if (closing) return;
            sub.errors += 1;
            fail('subscription', JSON.stringify(error));
          },
          complete: () => {
            if (closing) return;
            sub.errors += 1;
            fail('subscription', 'completed by the server');
          },
        },
      );
    });
    // graphql-ws sends nothing when a subscription is stored: wait until the table holds all of them.
    const ddb = localClient(ddbEndpoint);
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        let count = 0;
        let startKey: Record<string, never> | undefined;
        do {
          const out = await ddb.send(
            new ScanCommand({
              TableName: 'kezhi-local',
              FilterExpression: 'entity = :s',
              ExpressionAttributeValues: { ':s': { S: 'SUBSCRIPTION' } },
              Select: 'COUNT',
              ...(startKey && { ExclusiveStartKey: startKey }),
            }),
          );
          count += out.Count ?? 0;
          startKey = out.LastEvaluatedKey as Record<string, never> | undefined;
        } while (startKey);
        if (count >= subscribers.length) break;
        if (Date.now() > deadline) throw new Error(`only ${count} of ${subscribers.length} subscriptions were stored within 60 s`);
        await sleep(250);
      }
    } finally {
      ddb.destroy();
    }
    const setupSeconds = round1((performance.now() - setupStarted) / 1000);
    log(
      `setup ${setupSeconds} s: ${pool.length} experts, ${subscribers.length} subscribed clients; ${options.durationS} s of load: ` +
        `${options.needRate} need openings/s, ${options.queryRate} queries/s`,
    );

    // The load: need openings and queries on fixed schedules, whatever the server's pace (open loop).
    const regions = [...new Set(pool.filter((e) => e.region.code.startsWith('44')).map((e) => `${e.region.code}|${e.domains[0]?.code}`))];
    const opened = new Map<string, number>();
    const inFlight = new Set<Promise<unknown>>();
    let skipped = 0;
    let serial = 0;
    let queryTurn = 0;
    const launch = (work: () => Promise<unknown>) => {
      if (inFlight.size >= MAX_IN_FLIGHT) return void (skipped += 1);
      const p = work().finally(() => inFlight.delete(p));
      inFlight.add(p);
    };
    const openNeed = async () => {
      const n = (serial += 1);
      const [regionCode, domain] = (regions[Math.floor(Math.random() * regions.length)] as string).split('|') as [string, string];
      const submitted = await gql(
        'submitNeed',
        SUBMIT,
        {
          input: {
            title: `负载测试需求 ${n}`,
            description: '负载测试：请有关领域专家提供指导。',
            kind: NEED_KINDS[n % NEED_KINDS.length],
            requester: { kind: 'ENTERPRISE', name: '负载测试企业', contactName: '联系人', contactPhone: '13800138000' },
            domains: [domain],
            regionCode,
          },
        },
        requesters[n % requesters.length] as string,
      );
      const need = (submitted?.submitNeed as { need: { id: string; version: number } } | undefined)?.need;
      if (!need) return;
      const approving = performance.now();
      const reviewed = await gql('reviewNeed', REVIEW, { input: { id: need.id, version: need.version, approve: true } }, admin);
      if ((reviewed?.reviewNeed as { need: { status: string } } | undefined)?.need.status === 'OPEN') opened.set(need.id, approving);
    };
    const query = async () => {
      const turn = (queryTurn += 1) % 4;
      const expert = expertTokens[Math.floor(Math.random() * expertTokens.length)] ?? province;
      const expertId = expert.audience.kind === 'EXPERT' ? expert.audience.expertId : (pool[0]?.id ?? '');
      const orgAdmin = orgTokens[Math.floor(Math.random() * orgTokens.length)] ?? province;
      const latest = [...opened.keys()].at(-1);
      if (turn === 0) return gql('query openNeeds (expert)', QUERIES.openNeeds, {}, expert.token);
      if (turn === 1) return gql('query expert inbox (self)', QUERIES.ownInbox, { id: expertId }, expert.token);
      if (turn === 2 || !latest) return gql('query needs (org admin)', QUERIES.adminNeeds, {}, orgAdmin.token);
      return gql('query need matches (admin)', QUERIES.needMatches, { id: latest }, admin);
    };
    const outputBefore = runner.output().length;
    measuring = true;
    const loadStarted = performance.now();
    const timers = [
      ...(options.needRate > 0 ? [setInterval(() => launch(openNeed), 1000 / options.needRate)] : []),
      ...(options.queryRate > 0 ? [setInterval(() => launch(query), 1000 / options.queryRate)] : []),
    ];
    await sleep(options.durationS * 1000);
    timers.forEach(clearInterval);
    await Promise.race([Promise.allSettled([...inFlight]), sleep(30_000)]);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    measuring = false;

    // Drain: read each opened need's stored matches once the province admin's subscription (which listens for every
    // match) got its event: the stream processor stores all matches before it publishes, so they are complete by
    // then (at the drain deadline, whatever is stored). Wait until every subscriber that must be notified was, or
    // the drain time is up; then a little longer for strays.
    log(`load done: ${opened.size} needs opened; draining up to ${options.drainS} s …`);
    const matchesOf = new Map<string, MatchSeen[]>();
    const drainDeadline = Date.now() + options.drainS * 1000;
    for (;;) {
      const late = Date.now() > drainDeadline;
      const unread = [...opened.keys()].filter((id) => !matchesOf.has(id) && (late || province.received.has(id)));
      await mapLimit(unread, 4, async (id) => {
        const data = await gql('verify', 'query ($id: ID!) { need(id: $id) { matches(first: 100) { score rank expert { id } } } }', { id }, admin);
        const matches = (data?.need as { matches: Array<{ score: number; rank: number; expert: { id: string } }> } | undefined)?.matches ?? [];
        matchesOf.set(
          id,
          matches.map((m) => ({ expertId: m.expert.id, score: m.score, rank: m.rank })),
        );
      });
      const waiting = [...opened.keys()].some(
        (id) => !matchesOf.has(id) || subscribers.some((s) => expectedMatch(s.audience, matchesOf.get(id) ?? [], scopeOf) && !s.received.has(id)),
      );
      if (!waiting || late) break;
      await sleep(500);
    }
    await sleep(1500);

    const needs = new Map([...opened.keys()].map((id) => [id, matchesOf.get(id) ?? []] as const));
    const counts = tally(needs, subscribers, scopeOf);
    const deliveryMs = subscribers.flatMap((s) => [...s.firstAt].flatMap(([id, at]) => (opened.has(id) ? [at - (opened.get(id) as number)] : [])));
    const serverOutput = runner.output().slice(outputBefore).split('\n');
    const errorLines = serverOutput.filter((l) => l.includes('"level":"ERROR"') || /^(stream poller:|websocket handler failed)/.test(l));
    errorSamples.push(...counts.problems, ...errorLines.slice(0, 5).map((l) => `server: ${l.slice(0, 300)}`));
    const all = [...latencies.values()].flat();
    const firstApproval = Math.min(...opened.values());
    const lastPublished = Math.max(...[...province.firstAt].flatMap(([id, at]) => (opened.has(id) ? [at] : [])));
    const publishedPerS = round1(province.firstAt.size / Math.max(0.001, (lastPublished - firstApproval) / 1000));
    const errors = [...failures.values()].reduce((a, b) => a + b, 0);
    const ops = new Set([...latencies.keys(), ...failures.keys()]);
    const result: LoadResult = {
      startedAt,
      options,
      loadAverage: { before: loadBefore, after: loadavg().map(round1) },
      setup: {
        seconds: setupSeconds,
        poolExperts: pool.length,
        subscribers: { experts: expertTokens.length, organizationAdmins: orgTokens.length, provinceAdmin: 1 },
      },
      requests: {
        total: requestCount,
        errors,
        skipped,
        ratePerS: round1(requestCount / loadSeconds),
        ...latencyOf(all),
        byOperation: Object.fromEntries([...ops].sort().map((op) => [op, { ...latencyOf(latencies.get(op) ?? []), errors: failures.get(op) ?? 0 }])),
      },
      needs: { opened: opened.size, withMatches: [...needs.values()].filter((m) => m.length > 0).length, exact: counts.exact, publishedPerS },
      notifications: {
        expected: counts.expected,
        received: counts.received,
        lost: counts.lost,
        duplicated: counts.duplicated,
        unexpected: counts.unexpected,
        wrongMatch: counts.wrongMatch,
        latency: latencyOf(deliveryMs),
      },
      server: { errorLines: errorLines.length, warnLines: serverOutput.filter((l) => l.includes('"level":"WARN"')).length },
      errorSamples,
      ok: false,
    };
    result.ok =
      errors === 0 &&
      skipped === 0 &&
      counts.lost === 0 &&
      counts.duplicated === 0 &&
      counts.unexpected === 0 &&
      counts.wrongMatch === 0 &&
      errorLines.length === 0 &&
      opened.size > 0;
    return result;
  }

  return {
    run: async () => {
      try {
        return await run();
      } finally {
        await stop();
      }
    },
    stop,
  };
}

/** The result as the table `npm run load` prints. */
export function formatResult(r: LoadResult): string {
  const ms = (n: number) => (Number.isNaN(n) ? '-' : `${n} ms`);
  const rows: Array<[string, string]> = [
    ['clients (subscribed)', `${r.setup.subscribers.experts} experts + ${r.setup.subscribers.organizationAdmins} org admins + 1 province admin`],
    ['pool', `${r.setup.poolExperts} experts (setup ${r.setup.seconds} s)`],
    ['load', `${r.options.durationS} s: ${r.options.needRate} need openings/s, ${r.options.queryRate} queries/s`],
    ['requests', `${r.requests.total} (${r.requests.ratePerS}/s), errors ${r.requests.errors}, skipped ${r.requests.skipped}`],
    ['latency', `p50 ${ms(r.requests.p50)}, p99 ${ms(r.requests.p99)}, max ${ms(r.requests.max)}`],
    ...Object.entries(r.requests.byOperation).map(([op, l]): [string, string] => [
      `  ${op}`,
      `${l.count} · p50 ${ms(l.p50)} · p99 ${ms(l.p99)} · max ${ms(l.max)} · errors ${l.errors}`,
    ]),
    [
      'needs opened',
      `${r.needs.opened} (with matches ${r.needs.withMatches}; every matched subscriber notified exactly once: ${r.needs.exact}); ` +
        `published ${r.needs.publishedPerS}/s`,
    ],
    [
      'notifications',
      `expected ${r.notifications.expected}, received ${r.notifications.received}, lost ${r.notifications.lost}, duplicated ${r.notifications.duplicated}, ` +
        `unexpected ${r.notifications.unexpected}, wrong match ${r.notifications.wrongMatch}`,
    ],
    ['delivery (approve → next)', `p50 ${ms(r.notifications.latency.p50)}, p99 ${ms(r.notifications.latency.p99)}, max ${ms(r.notifications.latency.max)}`],
    ['server log', `${r.server.errorLines} error lines, ${r.server.warnLines} warnings`],
    ['load average', `before ${r.loadAverage.before.join(' ')}, after ${r.loadAverage.after.join(' ')}`],
    ['result', r.ok ? 'OK' : 'FAILED'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`), ...r.errorSamples.map((s) => `! ${s}`)].join('\n');
}
