import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type GraphqlResponse, type TestApp } from '../support/testApp.js';
import { freePort, startDynamoLocal, type DynamoLocal } from '../../infra/local/dynamoLocal.js';
import { checkConsistency, scanTable } from '../support/consistency.js';
import { isMainItem } from '../../functions/lib/data/keys.js';
import {
  CREATE_TEAM,
  INVITE_MEMBER,
  REGISTER_EXPERT,
  RESPOND_INVITATION,
  SUBMIT_NEED,
  createOrgTree,
  makeActivityInput,
  makeExpertInput,
  makeNeedInput,
  NEED_STEPS,
  ok,
  type OrgTree,
} from '../support/fixtures.js';

/** Short timeouts so a failing database is seen in about a second: 2 attempts × 500 ms plus the SDK's backoff. */
const timeouts = { connectTimeoutMs: 300, requestTimeoutMs: 500, maxAttempts: 2 };
/** The longest a failing call may take with `timeouts`: every attempt timed out, the backoff (≤ 200 ms here) and slack for a busy machine. */
const budgetMs = timeouts.maxAttempts * timeouts.requestTimeoutMs + 200 + 1500;

const ORGANIZATION = '{ organization(id: "org-none") { id } }';

const timed = async <T>(run: () => Promise<T>) => {
  const started = Date.now();
  const result = await run();
  return { result, ms: Date.now() - started };
};

describe('Faults: an unreachable database', () => {
  let app: TestApp;
  beforeAll(async () => {
    // A free port nobody listens on: every connection is refused.
    const port = await freePort();
    app = await createTestApp({ endpoint: `http://127.0.0.1:${port}`, createTable: false, dbTimeouts: timeouts });
  });

  it('answers SERVICE_UNAVAILABLE, retryable, with HTTP 503 within the configured timeout', async () => {
    const { result: res, ms } = await timed(() => app.gql('{ organizations(first: 5) { edges { node { id } } } }'));
    expect(res.status).toBe(503);
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect(ms).toBeLessThan(budgetMs);
    // Not masked: nothing logged as an unexpected internal error.
    expect(app.logs.filter((l) => l.includes('unexpected error'))).toEqual([]);
  });

  it('answers 503 too when every root field failed and is null', async () => {
    const res = await app.gql(ORGANIZATION);
    expect(res.status).toBe(503);
    expect(res.data).toEqual({ organization: null });
    expect(res.errors?.map((e) => e.extensions)).toEqual([{ code: 'SERVICE_UNAVAILABLE', retryable: true }]);
  });

  it('keeps HTTP 200 for a partial result: the fields that need no database answer, the others are SERVICE_UNAVAILABLE', async () => {
    const res = await app.gql(`{ regions { code } organization(id: "org-none") { id } }`);
    expect(res.status).toBe(200);
    expect(res.data?.regions.length).toBeGreaterThan(0);
    expect(res.data?.organization).toBeNull();
    expect(res.errors?.map((e) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
  });
});

describe('Faults: a frozen database (SIGSTOP) that comes back (SIGCONT)', () => {
  let dynamo: DynamoLocal;
  let app: TestApp;
  beforeAll(async () => {
    // Its own DynamoDB Local: freezing the shared one would stall every other test file.
    dynamo = await startDynamoLocal();
    app = await createTestApp({ endpoint: dynamo.endpoint, dbTimeouts: timeouts });
  });
  afterAll(async () => {
    if (dynamo.process.pid) process.kill(dynamo.process.pid, 'SIGCONT');
    await dynamo.stop();
  });

  it('fails within the configured timeout with SERVICE_UNAVAILABLE and HTTP 503, then recovers', async () => {
    const pid = dynamo.process.pid as number;
    const healthy = await app.gql(ORGANIZATION);
    expect(healthy).toMatchObject({ status: 200, data: { organization: null }, errors: undefined });

    process.kill(pid, 'SIGSTOP');
    try {
      const { result: frozen, ms } = await timed(() => app.gql(ORGANIZATION));
      expect(frozen.status).toBe(503);
      expect(frozen.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      // It waited for the timeouts (a request did time out) but not longer.
      expect(ms).toBeGreaterThanOrEqual(timeouts.requestTimeoutMs);
      expect(ms).toBeLessThan(budgetMs);
    } finally {
      process.kill(pid, 'SIGCONT');
    }

    const recovered = await app.gql(ORGANIZATION);
    expect(recovered).toMatchObject({ status: 200, data: { organization: null }, errors: undefined });
  });
});

const { REVIEW, DISPATCH, ACCEPT } = NEED_STEPS;
const LEAVE = 'mutation ($input: LeaveTeamInput!) { leaveTeam(input: $input) { team { id } } }';
const CREATE_ACTIVITY = 'mutation ($input: CreateActivityInput!) { createActivity(input: $input) { activity { id version } } }';
const START_ACTIVITY = 'mutation ($input: StartActivityInput!) { startActivity(input: $input) { activity { id version } } }';
const PARTICIPATE = (name: string) =>
  `mutation ($input: ${name.charAt(0).toUpperCase() + name.slice(1)}Input!) { ${name}(input: $input) { participation { checkInAt } } }`;

/** One answer the writers got: what they sent, the HTTP status and error codes, and when. */
interface Outcome {
  op: string;
  status: number;
  codes: string[];
  retryable: boolean;
  startedAt: number;
  endedAt: number;
  raw: string;
}

describe('Faults: a killed database (SIGKILL) restarted on its data directory', () => {
  // A little more patience than above: healthy writes from several writers on a busy machine must not time out.
  const killTimeouts = { connectTimeoutMs: 300, requestTimeoutMs: 1000, maxAttempts: 2 };
  const killBudgetMs = killTimeouts.maxAttempts * killTimeouts.requestTimeoutMs + 200 + 1500;
  let dataDir: string;
  let port: number;
  let dynamo: DynamoLocal;
  let app: TestApp;
  let tree: OrgTree;
  let requester: string;
  let gzAdmin: string;
  let teams: string[];
  const experts: Array<{ id: string; token: string }> = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kezhi-ddb-'));
    port = await freePort();
    dynamo = await startDynamoLocal({ port, dataDir });
    app = await createTestApp({ endpoint: dynamo.endpoint, dbTimeouts: killTimeouts });
    tree = await createOrgTree(app);
    requester = await app.token({ roles: ['REQUESTER'], sub: 'requester-kill' });
    gzAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
    const team = async (organizationId: string, name: string) =>
      ok(await app.gql(CREATE_TEAM, { input: { organizationId, name, actions: ['POPULAR_SCIENCE'] } }, tree.admin)).createTeam.team.id as string;
    teams = [await team(tree.guangzhou, '广州科普队'), await team(tree.shenzhen, '深圳科普队')];
    for (let i = 0; i < 8; i += 1) {
      const sub = `user-kill-${i}`;
      const input = makeExpertInput({ maxOpenAssignments: 50, ...(i % 2 === 0 && { organizationId: tree.shamian }) });
      const id = ok(await app.gql(REGISTER_EXPERT, { input }, await app.token({ roles: ['EXPERT'], sub }))).registerExpert.expert.id as string;
      experts.push({ id, token: await app.token({ roles: ['EXPERT'], sub, expert: id }) });
    }
  }, 120_000);
  afterAll(async () => {
    await dynamo?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 fast while it is down, recovers by itself once it is back, and leaves no half-written need, membership or participation', async () => {
    const outcomes: Outcome[] = [];
    const submittedNeeds: string[] = [];
    let stopped = false;
    const call = async (op: string, query: string, input: Record<string, unknown>, token: string): Promise<GraphqlResponse> => {
      const startedAt = Date.now();
      const res = await app.gql(query, { input }, token);
      const codes = res.errors?.map((e) => e.extensions.code) ?? [];
      outcomes.push({
        op,
        status: res.status,
        codes,
        retryable: res.errors?.every((e) => e.extensions.retryable) ?? false,
        startedAt,
        endedAt: Date.now(),
        raw: res.raw,
      });
      // A client backs off a little after a failure.
      if (res.errors) await new Promise((r) => setTimeout(r, 50));
      return res;
    };
    const expertAt = (n: number) => experts[n % experts.length] as { id: string; token: string };

    // Needs: submit → approve (publish) → dispatch → accept; a failed step abandons the need.
    const needs = async (worker: number) => {
      for (let n = worker; !stopped; n += 2) {
        const submitted = await call('submitNeed', SUBMIT_NEED, makeNeedInput({ title: `断电测试 ${n}` }), requester);
        if (submitted.errors) continue;
        let need = submitted.data?.submitNeed.need as { id: string; version: number };
        submittedNeeds.push(need.id);
        const expert = expertAt(n);
        const steps: Array<[string, string, Record<string, unknown>, string]> = [
          ['reviewNeed', REVIEW, { approve: true }, gzAdmin],
          ['dispatchNeed', DISPATCH, { expertIds: [expert.id] }, gzAdmin],
          ['acceptNeed', ACCEPT, {}, expert.token],
        ];
        for (const [op, query, input, token] of steps) {
          const res = await call(op, query, { id: need.id, version: need.version, ...input }, token);
          if (res.errors || stopped) break;
          need = res.data?.[op].need as { id: string; version: number };
        }
      }
    };
    // Memberships: invite → accept → leave, round the experts and both teams.
    const memberships = async () => {
      for (let n = 0; !stopped; n += 1) {
        const expert = expertAt(n);
        const teamId = teams[Math.floor(n / experts.length) % teams.length] as string;
        const input = { teamId, expertId: expert.id };
        if ((await call('inviteTeamMember', INVITE_MEMBER, input, tree.admin)).errors) continue;
        if ((await call('respondToTeamInvitation', RESPOND_INVITATION, { ...input, accept: true }, expert.token)).errors) continue;
        if (n % 3 !== 0) await call('leaveTeam', LEAVE, input, expert.token);
      }
    };
    // Participations: a new activity, started; experts sign up and check in.
    const participations = async () => {
      while (!stopped) {
        const created = await call('createActivity', CREATE_ACTIVITY, makeActivityInput(tree.liwan, { title: '断电活动', capacity: 3 }), tree.admin);
        if (created.errors) continue;
        const activity = created.data?.createActivity.activity as { id: string; version: number };
        if ((await call('startActivity', START_ACTIVITY, { id: activity.id, version: activity.version }, tree.admin)).errors) continue;
        for (let i = 0; i < 4 && !stopped; i += 1) {
          const input = { activityId: activity.id, expertId: expertAt(i).id };
          if ((await call('signUpActivity', PARTICIPATE('signUpActivity'), input, tree.admin)).errors) break;
          await call('checkIn', PARTICIPATE('checkIn'), input, tree.admin);
        }
      }
    };
    const probe = () => app.gql(ORGANIZATION);
    const KINDS = ['submitNeed', 'reviewNeed', 'inviteTeamMember', 'respondToTeamInvitation', 'createActivity', 'signUpActivity'];
    /** Waits (at most 30 s on a busy machine) until writes of every kind, and at least `count` in all, have succeeded since `since`. */
    const everyKindSucceeded = async (since: number, count = 0) => {
      const succeeded = () => outcomes.filter((o) => o.startedAt >= since && !o.codes.length);
      const done = () => succeeded().length >= count && KINDS.every((op) => succeeded().some((o) => o.op === op));
      for (const deadline = Date.now() + 30_000; !done() && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 100));
    };
    const writers = Promise.all([needs(0), needs(1), memberships(), participations()]);
    try {
      // A steady stream first: the kill comes amid writes of every kind.
      await everyKindSucceeded(0, 40);
      const pid = dynamo.process.pid as number;
      const exited = new Promise((r) => dynamo.process.once('exit', r));
      process.kill(pid, 'SIGKILL');
      await exited;
      const killedAt = Date.now();
      // Down for 3 s: every answer is a fast 503.
      await new Promise((r) => setTimeout(r, 3000));
      const { result: down, ms: downMs } = await timed(probe);
      expect(down.status).toBe(503);
      expect(downMs).toBeLessThan(killBudgetMs);

      dynamo = await startDynamoLocal({ port, dataDir });
      const restartedAt = Date.now();
      // The same handler (no restart of the API): it answers again as soon as the database does.
      let recovered: GraphqlResponse | undefined;
      while (Date.now() - restartedAt < 10_000) {
        recovered = await probe();
        if (recovered.status === 200) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const recoveredMs = Date.now() - restartedAt;
      expect(recovered).toMatchObject({ status: 200, data: { organization: null }, errors: undefined });
      // Writes go on until every kind has succeeded again.
      await everyKindSucceeded(restartedAt + recoveredMs);
      stopped = true;
      await writers;

      const whileDown = outcomes.filter((o) => o.startedAt >= killedAt && o.endedAt <= restartedAt);
      const after = outcomes.filter((o) => o.startedAt >= restartedAt + recoveredMs);
      const before = outcomes.filter((o) => o.endedAt < killedAt);
      const ms = whileDown.map((o) => o.endedAt - o.startedAt).sort((a, b) => a - b);
      console.info(
        `kill/restart: ${outcomes.length} writes (${before.filter((o) => !o.codes.length).length} ok before the kill, ` +
          `${whileDown.length} while down: p50 ${ms[Math.floor(ms.length / 2)]} ms, max ${ms.at(-1)} ms; ` +
          `${after.filter((o) => !o.codes.length).length} ok after); DynamoDB Local back ${restartedAt - killedAt} ms after the kill, API answered ${recoveredMs} ms later`,
      );

      // Never a masked error or another 5xx; every failure while it was down a quick, retryable 503.
      for (const o of outcomes) {
        expect(o.status === 503 || o.status < 500, `${o.op}: HTTP ${o.status} ${o.raw.slice(0, 200)}`).toBe(true);
        expect(o.codes, o.op).not.toContain('INTERNAL_SERVER_ERROR');
      }
      expect(whileDown.length).toBeGreaterThan(10);
      for (const o of whileDown) {
        expect({ op: o.op, status: o.status, codes: o.codes, retryable: o.retryable }).toEqual({
          op: o.op,
          status: 503,
          codes: ['SERVICE_UNAVAILABLE'],
          retryable: true,
        });
      }
      expect(ms.at(-1)).toBeLessThan(killBudgetMs);
      // Writes of every kind succeeded before the kill and again after the recovery.
      for (const op of KINDS) {
        expect(
          before.some((o) => o.op === op && !o.codes.length),
          `${op} before the kill`,
        ).toBe(true);
        expect(
          after.some((o) => o.op === op && !o.codes.length),
          `${op} after the recovery`,
        ).toBe(true);
      }
    } finally {
      stopped = true;
      await writers;
    }

    // Nothing acknowledged was lost, and nothing is half-written.
    const items = await scanTable(dynamo.endpoint, app.tableName);
    const stored = new Set(items.filter((i) => isMainItem('NEED', i)).map((i) => String(i.id)));
    expect(submittedNeeds.filter((id) => !stored.has(id))).toEqual([]);
    expect(items.filter((i) => i.entity === 'MEMBER').length).toBeGreaterThan(0);
    expect(items.filter((i) => i.entity === 'PARTICIPATION').length).toBeGreaterThan(0);
    expect(await checkConsistency(dynamo.endpoint, app.tableName)).toEqual([]);
  }, 150_000);
});
