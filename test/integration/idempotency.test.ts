import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type GraphqlResponse, type TestApp } from '../support/testApp.js';
import {
  REGISTER_EXPERT,
  SUBMIT_NEED,
  createOrgTree,
  errorOf,
  makeExpertInput,
  makeNeedInput,
  ok,
  type OrgTree,
  makeActivityInput,
} from '../support/fixtures.js';
import { idempotencyKey } from '../../functions/lib/data/keys.js';
import { IDEMPOTENCY_TTL_SECONDS, requestHash } from '../../functions/lib/idempotency.js';
import { quarterOf } from '../../functions/lib/domain/service.js';

const RECEIVED = `query ($org: ID!, $quarter: Quarter!) { quarterlyReport(organizationId: $org, quarter: $quarter) { figures { needsReceived } } }`;
const MY_NEEDS = '{ myNeeds(first: 50) { edges { node { id title } } } }';
const CREATE_ACTIVITY = 'mutation ($input: CreateActivityInput!) { createActivity(input: $input) { activity { id version status } } }';
const START_ACTIVITY = 'mutation ($input: StartActivityInput!) { startActivity(input: $input) { activity { id version status } } }';
const PART = (name: string) =>
  `mutation ($input: ${name.charAt(0).toUpperCase() + name.slice(1)}Input!) { ${name}(input: $input) { participation { creditedHours totalHours checkInAt checkOutAt } } }`;

const withKey = (key: string) => ({ 'idempotency-key': key });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Idempotency-Key: retried mutations take effect once', () => {
  let app: TestApp;
  let tree: OrgTree;

  /** A requester of its own (so its `myNeeds` counts only this test's needs) and its caller id. */
  const newRequester = async () => {
    const sub = `requester-${randomUUID()}`;
    return { sub, caller: `USER=${sub}`, token: await app.token({ roles: ['REQUESTER'], sub }) };
  };
  const myNeeds = async (token: string) => ok(await app.gql(MY_NEEDS, {}, token)).myNeeds.edges.map((e: { node: { id: string } }) => e.node.id) as string[];
  const received = async () =>
    ok(await app.gql(RECEIVED, { org: tree.shamian, quarter: quarterOf(new Date().toISOString()) }, tree.admin)).quarterlyReport.figures
      .needsReceived as number;
  const writes = () => app.requests.get('TransactWriteItemsCommand') + app.requests.get('UpdateItemCommand');

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
  });

  it('runs 10 identical parallel submitNeed with one key once: one need, one count, the same need id in every answer', async () => {
    const { token } = await newRequester();
    const key = randomUUID();
    const input = makeNeedInput({ title: '弱网重试的需求' });
    const before = await received();
    const send = () => app.gql(SUBMIT_NEED, { input }, token, withKey(key));

    const first = await Promise.all(Array.from({ length: 10 }, send));
    const answers: GraphqlResponse[] = [];
    for (let response of first) {
      // A loser that found the key still in progress is told to retry; its retry replays the winner's answer.
      for (let retries = 0; response.errors && retries < 50; retries += 1) {
        expect(errorOf(response)).toEqual({ code: 'CONFLICT', field: 'Idempotency-Key', retryable: true });
        await sleep(100);
        response = await send();
      }
      answers.push(response);
    }

    const ids = answers.map((r) => ok(r).submitNeed.need.id as string);
    expect(new Set(ids).size).toBe(1);
    expect(answers.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    expect(new Set(answers.map((r) => r.raw)).size).toBe(1);
    expect(await myNeeds(token)).toEqual([ids[0]]);
    expect(await received()).toBe(before + 1);
  });

  it('replays a completed request byte for byte without writing again, and keeps the key 24 hours', async () => {
    const { token, caller } = await newRequester();
    const key = randomUUID();
    const input = makeNeedInput({ title: '重试应回放' });
    const original = await app.gql(SUBMIT_NEED, { input }, token, withKey(key));
    const needId = ok(original).submitNeed.need.id as string;
    expect(original.headers['idempotent-replayed']).toBeUndefined();
    const before = await received();

    app.requests.reset();
    const retry = await app.gql(SUBMIT_NEED, { input }, token, withKey(key));
    expect(writes()).toBe(0);
    expect(retry.raw).toBe(original.raw);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await received()).toBe(before);
    expect(await myNeeds(token)).toEqual([needId]);

    const item = await app.deps.store.get(idempotencyKey(caller, key));
    expect(item).toMatchObject({ entity: 'IDEMPOTENCY', status: 'COMPLETED', requestHash: requestHash({ query: SUBMIT_NEED, variables: { input } }) });
    expect(Math.abs(Number(item?.expiresAt) - (Date.now() / 1000 + IDEMPOTENCY_TTL_SECONDS))).toBeLessThan(60);
    expect(JSON.parse(String(item?.response))).toEqual(JSON.parse(original.raw));
  });

  it('refuses the same key with a different request as CONFLICT on Idempotency-Key, running nothing', async () => {
    const { token } = await newRequester();
    const key = randomUUID();
    const needId = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title: '第一个请求' }) }, token, withKey(key))).submitNeed.need.id as string;
    const other = await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title: '另一个请求' }) }, token, withKey(key));
    expect(other.data).toBeUndefined();
    expect(errorOf(other)).toEqual({ code: 'CONFLICT', field: 'Idempotency-Key' });
    expect(await myNeeds(token)).toEqual([needId]);
  });

  it('releases the key of a failed mutation: the corrected request may use the same key', async () => {
    const { token, caller } = await newRequester();
    const key = randomUUID();
    const bad = await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title: '   ' }) }, token, withKey(key));
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title' });
    expect(await app.deps.store.get(idempotencyKey(caller, key))).toBeUndefined();

    const fixed = await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title: '改正后的需求' }) }, token, withKey(key));
    const needId = ok(fixed).submitNeed.need.id as string;
    expect((await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title: '改正后的需求' }) }, token, withKey(key))).raw).toBe(fixed.raw);
    expect(await myNeeds(token)).toEqual([needId]);
  });

  it('scopes keys to the caller: two users with the same key each get their own need', async () => {
    const a = await newRequester();
    const b = await newRequester();
    const key = 'shared-key-0001';
    const input = makeNeedInput({ title: '同一个键' });
    const needA = ok(await app.gql(SUBMIT_NEED, { input }, a.token, withKey(key))).submitNeed.need.id as string;
    const fromB = await app.gql(SUBMIT_NEED, { input }, b.token, withKey(key));
    expect(fromB.headers['idempotent-replayed']).toBeUndefined();
    const needB = ok(fromB).submitNeed.need.id as string;
    expect(needB).not.toBe(needA);
    expect(await myNeeds(a.token)).toEqual([needA]);
    expect(await myNeeds(b.token)).toEqual([needB]);
  });

  it('answers CONFLICT (retryable) while the same request is in progress, and takes over a key whose attempt was abandoned', async () => {
    const { token, caller } = await newRequester();
    const key = randomUUID();
    const input = makeNeedInput({ title: '处理中' });
    const hash = requestHash({ query: SUBMIT_NEED, variables: { input } });
    const now = Date.now();
    const holder = { caller, key, requestHash: hash, expiresAt: Math.floor(now / 1000) + IDEMPOTENCY_TTL_SECONDS };
    // Another attempt holds the key for a minute more: this one waits briefly, then is told to retry.
    expect(
      await app.deps.store.putIfAbsent({ ...idempotencyKey(caller, key), ...holder, status: 'IN_PROGRESS', claim: 'other', inProgressUntil: now + 60_000 }),
    ).toBe(true);
    const busy = await app.gql(SUBMIT_NEED, { input }, token, withKey(key));
    expect(errorOf(busy)).toEqual({ code: 'CONFLICT', field: 'Idempotency-Key', retryable: true });
    expect(await myNeeds(token)).toEqual([]);

    // That attempt's lease has run out (its function timed out): the retry takes the key and runs.
    await app.deps.store.putItem({ ...idempotencyKey(caller, key), ...holder, status: 'IN_PROGRESS', claim: 'other', inProgressUntil: now - 1 });
    const needId = ok(await app.gql(SUBMIT_NEED, { input }, token, withKey(key))).submitNeed.need.id as string;
    expect(await myNeeds(token)).toEqual([needId]);
  });

  it('ignores the header on queries and refuses a malformed key on a mutation', async () => {
    const { token } = await newRequester();
    expect(ok(await app.gql(MY_NEEDS, {}, token, withKey('x'.repeat(300)))).myNeeds.edges).toEqual([]);
    const refused = await app.gql(SUBMIT_NEED, { input: makeNeedInput() }, token, withKey('x'.repeat(300)));
    expect(errorOf(refused)).toEqual({ code: 'BAD_USER_INPUT', field: 'Idempotency-Key' });
    expect(errorOf(await app.gql(SUBMIT_NEED, { input: makeNeedInput() }, token, withKey('有空格 的键')))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'Idempotency-Key',
    });
    expect(await myNeeds(token)).toEqual([]);
  });

  it('covers sign-up, check-in and check-out: a retried check-in after check-out replays, it does not reset the hours', async () => {
    const sub = `expert-${randomUUID()}`;
    const expertId = ok(
      await app.gql(REGISTER_EXPERT, { input: makeExpertInput({ organizationId: tree.shamian }) }, await app.token({ roles: ['EXPERT'], sub })),
    ).registerExpert.expert.id as string;
    const expert = await app.token({ roles: ['EXPERT'], sub, expert: expertId });
    let activity = ok(
      await app.gql(
        CREATE_ACTIVITY,
        {
          input: makeActivityInput(tree.liwan, { title: '田间课堂' }),
        },
        tree.admin,
      ),
    ).createActivity.activity;

    const signUpKey = randomUUID();
    const signUp = await app.gql(PART('signUpActivity'), { input: { activityId: activity.id } }, expert, withKey(signUpKey));
    ok(signUp);
    // Without a key a second sign-up is CONFLICT; with the same key it is the same answer.
    const signUpAgain = await app.gql(PART('signUpActivity'), { input: { activityId: activity.id } }, expert, withKey(signUpKey));
    expect(signUpAgain.raw).toBe(signUp.raw);
    expect(signUpAgain.headers['idempotent-replayed']).toBe('true');

    activity = ok(await app.gql(START_ACTIVITY, { input: { id: activity.id, version: activity.version } }, tree.admin)).startActivity.activity;
    const checkInKey = randomUUID();
    const checkInInput = { activityId: activity.id, expertId, at: '2026-11-01T09:00:00+08:00' };
    const checkIn = await app.gql(PART('checkIn'), { input: checkInInput }, tree.admin, withKey(checkInKey));
    expect(ok(checkIn).checkIn.participation.checkInAt).toBe('2026-11-01T01:00:00.000Z');
    const checkOutInput = { activityId: activity.id, expertId, at: '2026-11-01T11:00:00+08:00' };
    const checkOutKey = randomUUID();
    const checkOut = await app.gql(PART('checkOut'), { input: checkOutInput }, tree.admin, withKey(checkOutKey));
    expect(ok(checkOut).checkOut.participation.creditedHours).toBe(2);

    // The phone's check-in retry arrives late, after the check-out: it replays and does not check in again.
    app.requests.reset();
    const lateRetry = await app.gql(PART('checkIn'), { input: checkInInput }, tree.admin, withKey(checkInKey));
    expect(lateRetry.raw).toBe(checkIn.raw);
    expect(writes()).toBe(0);
    expect((await app.gql(PART('checkOut'), { input: checkOutInput }, tree.admin, withKey(checkOutKey))).raw).toBe(checkOut.raw);
    const participants = ok(await app.gql(`{ activity(id: "${activity.id}") { participants { checkInAt checkOutAt creditedHours } } }`, {}, tree.admin))
      .activity.participants;
    expect(participants).toEqual([{ checkInAt: '2026-11-01T01:00:00.000Z', checkOutAt: '2026-11-01T03:00:00.000Z', creditedHours: 2 }]);
  });
});
