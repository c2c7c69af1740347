import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { dynamoEndpoint } from '../support/dynamoPerFile.js';
import {
  REGISTER_EXPERT,
  SUBMIT_NEED,
  NEED_STEPS,
  createOrgTree,
  createPartnerRecord,
  errorOf,
  makeExpertInput,
  makeNeedInput,
  ok,
  type OrgTree,
} from '../support/fixtures.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import { createStreamPoller } from '../../infra/local/streamPoller.js';
import { createNeedStreamProcessor } from '../../functions/lib/streams/needStream.js';
import { createWebhookWorker, guardedLookup, type WebhookWorker } from '../../functions/lib/webhooks/worker.js';
import { enqueueNeedMatched } from '../../functions/lib/webhooks/events.js';
import { verifyWebhookSignature } from '../../functions/lib/webhooks/signature.js';

const { REVIEW } = NEED_STEPS;
const REGISTER = `mutation ($input: RegisterWebhookInput!) { registerWebhook(input: $input) { secret webhook { id url events createdAt } } }`;
const ROTATE = `mutation ($input: RotateWebhookSecretInput!) {
  rotateWebhookSecret(input: $input) { secret webhook { id secretRotatedAt previousSecretExpiresAt } }
}`;
const DELETE = `mutation ($input: DeleteWebhookInput!) { deleteWebhook(input: $input) { deletedWebhookId } }`;
const WEBHOOKS = `query { webhooks(first: 20) { edges { node { id url events } } pageInfo { hasNextPage } } }`;
const DELIVERIES = `query ($webhookId: ID) { webhookDeliveries(webhookId: $webhookId, first: 20) {
  edges { node { id webhookId event status createdAt nextAttemptAt payload attempts { at httpStatus error durationMs } } }
} }`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  answered: number;
}

/** A webhook receiver on 127.0.0.1: records each POST and answers with the status `answer` gives. */
async function startReceiver() {
  const received: Received[] = [];
  const state = { answer: (_n: number) => 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = state.answer(received.length + 1);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), answered: status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kezhi/hook`;
  return { received, state, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const HOUR = 60 * 60 * 1000;

describe('Webhooks: registration, signed deliveries, retries kept in the table', () => {
  let app: TestApp;
  /** The same table, as on AWS: loopback http not allowed. */
  let strict: TestApp;
  let tree: OrgTree;
  let requester: string;
  let hk: string;
  let mo: string;
  let hkExpert: { id: string; externalId: string };
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** One reader of the table stream for the whole file: each run hands on only the records since the last one. */
  let stream: ReturnType<typeof createStreamPoller>;

  /** Submits and approves a need the Hong Kong expert matches; returns its id. */
  const approveNeed = async (title: string) => {
    const need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title, keywords: ['荔枝', '果园'] }) }, requester)).submitNeed.need;
    ok(await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin));
    return need.id as string;
  };
  /** Runs the table stream (matching, enqueuing) without trying webhooks at once, so the test drives the worker. */
  const runStream = () => stream.drain();
  const worker = (on: TestApp = app, random = () => 0.5): WebhookWorker => createWebhookWorker(on.deps, { policy: { allowLoopback: true }, random });
  const deliveries = async (token: string, webhookId?: string) =>
    ok(await app.gql(DELIVERIES, webhookId ? { webhookId } : {}, token)).webhookDeliveries.edges.map((e: { node: unknown }) => e.node);

  beforeAll(async () => {
    app = await createTestApp({ webhookAllowLoopback: true });
    strict = await createTestApp({ tableName: app.tableName, createTable: false });
    tree = await createOrgTree(app);
    requester = await app.token({ roles: ['REQUESTER'] });
    // A partner's token is refused until the province has created its record.
    await createPartnerRecord(app, tree.admin, 'hk-expert-platform');
    await createPartnerRecord(app, tree.admin, 'mo-expert-platform', { regionCode: '82', nameEn: 'Macao Expert Platform' });
    hk = await app.token({ roles: ['PARTNER'], partner: 'hk-expert-platform', scope: 'needs.read experts.write' });
    mo = await app.token({ roles: ['PARTNER'], partner: 'mo-expert-platform', scope: 'needs.read experts.write' });
    // A Hong Kong expert owned by the partner (the sync mutation is built elsewhere: the repository sets the owner).
    const sub = `user-hk-${randomUUID()}`;
    const input = makeExpertInput({ name: '陳大文', origin: 'HONG_KONG', regionCode: '81', domains: ['AGRICULTURE'], keywords: ['荔枝', '果园'] });
    const id = ok(await app.gql(REGISTER_EXPERT, { input }, await app.token({ roles: ['EXPERT'], sub }))).registerExpert.expert.id as string;
    const repos = createRepositories(app.deps.store);
    const record = await repos.experts.require(id);
    hkExpert = { id, externalId: 'HK-0001' };
    await repos.experts.update(record, { partnerId: 'hk-expert-platform', externalId: hkExpert.externalId }, new Date().toISOString());
    receiver = await startReceiver();
    stream = createStreamPoller({ endpoint: dynamoEndpoint(), tableName: app.tableName, handler: createNeedStreamProcessor(app.deps, app.subscriptions) });
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('refuses private, loopback, link-local and metadata targets, and http, when loopback is not allowed (as on AWS)', async () => {
    for (const url of [
      'http://10.0.0.1/hook',
      'https://10.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data/',
      'https://169.254.169.254/latest/meta-data/',
      'https://192.168.1.10/hook',
      'https://[fd00::1]/hook',
      'https://[::ffff:10.0.0.1]/hook',
      'https://localhost/hook',
      'https://127.0.0.1/hook',
      receiver.url,
      'ftp://example.com/hook',
      'not a url',
    ]) {
      const response = await strict.gql(REGISTER, { input: { url, events: ['NEED_MATCHED'] } }, hk);
      expect(errorOf(response), url).toEqual({ code: 'BAD_USER_INPUT', field: 'url' });
    }
    // Where loopback http is allowed (the local runner), private addresses are still refused.
    expect(errorOf(await app.gql(REGISTER, { input: { url: 'http://10.0.0.1/hook', events: ['NEED_MATCHED'] } }, hk))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'url',
    });
    expect(errorOf(await app.gql(REGISTER, { input: { url: receiver.url, events: [] } }, hk))).toEqual({ code: 'BAD_USER_INPUT', field: 'events' });
  });

  it('is for partner platforms with the scope needs.read only', async () => {
    const noScope = await app.token({ roles: ['PARTNER'], partner: 'hk-expert-platform', scope: 'experts.write' });
    const refused = await app.gql(REGISTER, { input: { url: receiver.url, events: ['NEED_MATCHED'] } }, noScope);
    expect(errorOf(refused)?.code).toBe('FORBIDDEN');
    expect(refused.errors?.[0]?.message).toContain('needs.read');
    expect(errorOf(await app.gql(WEBHOOKS, {}, tree.admin))?.code).toBe('FORBIDDEN');
  });

  it('delivers a signed NEED_MATCHED that fails twice then succeeds exactly once, DELIVERED after 3 attempts, across restarts', async () => {
    const registered = ok(await app.gql(REGISTER, { input: { url: receiver.url, events: ['NEED_MATCHED'] } }, hk)).registerWebhook;
    const { secret } = registered;
    const webhookId = registered.webhook.id as string;
    expect(secret).toMatch(/^whsec_/);
    // The secret is shown once: the type has no field for it.
    expect(errorOf(await app.gql(`{ webhooks { edges { node { secret } } } }`, {}, hk))?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    receiver.received.length = 0;
    receiver.state.answer = (n) => (n <= 2 ? 503 : 200);
    const needId = await approveNeed('荔枝果园病虫害防治（香港专家）');
    await runStream();
    let [delivery] = await deliveries(hk, webhookId);
    expect(delivery).toMatchObject({ webhookId, event: 'NEED_MATCHED', status: 'PENDING', attempts: [] });

    const t0 = new Date();
    expect(await worker().deliverDueWebhooks(t0)).toMatchObject({ attempted: 1, retrying: 1 });
    [delivery] = await deliveries(hk, webhookId);
    expect(delivery.status).toBe('PENDING');
    expect(delivery.attempts).toEqual([expect.objectContaining({ httpStatus: 503, error: 'HTTP 503' })]);
    // Backoff with full jitter: the first retry within a minute of the attempt (random 0.5 → 30 s).
    expect(Date.parse(delivery.nextAttemptAt) - t0.getTime()).toBe(30_000);
    // Not due yet: nothing is sent.
    expect(await worker().deliverDueWebhooks(new Date(t0.getTime() + 1000))).toMatchObject({ attempted: 0 });

    // A restart: a new app (clients, caches) and a new worker on the same table find the pending delivery.
    const restarted = await createTestApp({ tableName: app.tableName, createTable: false, webhookAllowLoopback: true });
    expect(await worker(restarted).deliverDueWebhooks(new Date(t0.getTime() + HOUR))).toMatchObject({ attempted: 1, retrying: 1 });
    const again = await createTestApp({ tableName: app.tableName, createTable: false, webhookAllowLoopback: true });
    expect(await worker(again).deliverDueWebhooks(new Date(t0.getTime() + 3 * HOUR))).toMatchObject({ attempted: 1, delivered: 1 });
    expect(await worker(again).deliverDueWebhooks(new Date(t0.getTime() + 30 * HOUR))).toMatchObject({ attempted: 0 });

    [delivery] = await deliveries(hk, webhookId);
    expect(delivery.status).toBe('DELIVERED');
    expect(delivery.nextAttemptAt).toBeNull();
    expect(delivery.attempts.map((a: { httpStatus: number }) => a.httpStatus)).toEqual([503, 503, 200]);
    // Exactly one acknowledged delivery, three POSTs of the same signed body.
    expect(receiver.received.filter((r) => r.answered < 300)).toHaveLength(1);
    expect(receiver.received).toHaveLength(3);
    for (const r of receiver.received) {
      expect(r.headers['kezhi-delivery']).toBe(delivery.id);
      expect(r.headers['kezhi-event']).toBe('NEED_MATCHED');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.body).toBe(delivery.payload);
      expect(verifyWebhookSignature(secret, r.headers['kezhi-signature'] as string, r.body, 300)).toBe(true);
      expect(verifyWebhookSignature('whsec_wrong', r.headers['kezhi-signature'] as string, r.body, 300)).toBe(false);
    }
    const body = JSON.parse(receiver.received[0]?.body ?? '{}');
    expect(body).toMatchObject({ id: delivery.id, event: 'NEED_MATCHED', createdAt: delivery.createdAt });
    expect(body.data).toMatchObject({
      need: { id: needId, title: '荔枝果园病虫害防治（香港专家）', regionCode: '440103001', domains: ['AGRICULTURE'] },
      expert: hkExpert,
    });
    expect(body.data.score).toBeGreaterThan(0);
    expect(body.data.reasons.length).toBeGreaterThan(0);
    // What a partner may read only: no requester, contact or description.
    expect(JSON.stringify(body)).not.toContain('13911112222');
    expect(JSON.stringify(body)).not.toContain('李主任');
    expect(body.data.need.description).toBeUndefined();

    // A redelivered stream record enqueues nothing twice (one delivery per need × expert × webhook).
    const repos = createRepositories(app.deps.store);
    const need = await repos.needs.require(needId);
    expect(await enqueueNeedMatched(repos, need, await repos.needs.matches(needId, 100), new Date().toISOString())).toEqual([]);
    expect((await deliveries(hk, webhookId)).filter((d: { id: string }) => d.id === delivery.id)).toHaveLength(1);

    // Cleanup for the next tests: one webhook at a time.
    ok(await app.gql(DELETE, { input: { id: webhookId } }, hk));
  });

  it('never sends one attempt twice when two workers run at once', async () => {
    const { webhook } = ok(await app.gql(REGISTER, { input: { url: receiver.url, events: ['NEED_MATCHED'] } }, hk)).registerWebhook;
    receiver.received.length = 0;
    receiver.state.answer = () => 200;
    await approveNeed('荔枝果园施肥（两个工人）');
    await runStream();
    const now = new Date();
    const outcomes = await Promise.all([worker().deliverDueWebhooks(now), worker(strict).deliverDueWebhooks(now), worker().deliverDueWebhooks(now)]);
    expect(outcomes.reduce((n, o) => n + o.attempted, 0)).toBe(1);
    expect(receiver.received).toHaveLength(1);
    ok(await app.gql(DELETE, { input: { id: webhook.id } }, hk));
  });

  it('signs with the new secret after a rotation (and with both during the grace period)', async () => {
    const registered = ok(await app.gql(REGISTER, { input: { url: receiver.url, events: ['NEED_MATCHED'] } }, hk)).registerWebhook;
    const id = registered.webhook.id as string;
    const graced = ok(await app.gql(ROTATE, { input: { id } }, hk)).rotateWebhookSecret;
    expect(graced.secret).not.toBe(registered.secret);
    expect(Date.parse(graced.webhook.previousSecretExpiresAt) - Date.parse(graced.webhook.secretRotatedAt)).toBe(24 * HOUR);

    receiver.received.length = 0;
    receiver.state.answer = () => 200;
    await approveNeed('荔枝果园修剪（轮换密钥）');
    await runStream();
    await worker().deliverDueWebhooks(new Date());
    const during = receiver.received[0] as Received;
    expect(verifyWebhookSignature(graced.secret, during.headers['kezhi-signature'] as string, during.body)).toBe(true);
    expect(verifyWebhookSignature(registered.secret, during.headers['kezhi-signature'] as string, during.body)).toBe(true);

    const rotated = ok(await app.gql(ROTATE, { input: { id, gracePeriodSeconds: 0 } }, hk)).rotateWebhookSecret;
    expect(rotated.webhook.previousSecretExpiresAt).toBeNull();
    receiver.received.length = 0;
    await approveNeed('荔枝果园灌溉（新密钥）');
    await runStream();
    await worker().deliverDueWebhooks(new Date());
    const after = receiver.received[0] as Received;
    expect(verifyWebhookSignature(rotated.secret, after.headers['kezhi-signature'] as string, after.body)).toBe(true);
    expect(verifyWebhookSignature(graced.secret, after.headers['kezhi-signature'] as string, after.body)).toBe(false);
    expect(verifyWebhookSignature(registered.secret, after.headers['kezhi-signature'] as string, after.body)).toBe(false);
    expect(errorOf(await app.gql(ROTATE, { input: { id, gracePeriodSeconds: -1 } }, hk))).toEqual({ code: 'BAD_USER_INPUT', field: 'gracePeriodSeconds' });
    ok(await app.gql(DELETE, { input: { id } }, hk));
  });

  it('shows a partner only its own webhooks and deliveries (another partner gets NOT_FOUND)', async () => {
    const { webhook } = ok(await app.gql(REGISTER, { input: { url: receiver.url, events: ['NEED_MATCHED'] } }, hk)).registerWebhook;
    const own = ok(await app.gql(WEBHOOKS, {}, hk)).webhooks.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(own).toEqual([webhook.id]);
    expect(ok(await app.gql(WEBHOOKS, {}, mo)).webhooks.edges).toEqual([]);
    expect(await deliveries(mo)).toEqual([]);
    expect((await deliveries(hk)).length).toBeGreaterThan(0);
    expect(errorOf(await app.gql(DELIVERIES, { webhookId: webhook.id }, mo))).toEqual({ code: 'NOT_FOUND', field: 'webhookId' });
    expect(errorOf(await app.gql(ROTATE, { input: { id: webhook.id } }, mo))).toEqual({ code: 'NOT_FOUND', field: 'id' });
    expect(errorOf(await app.gql(DELETE, { input: { id: webhook.id } }, mo))).toEqual({ code: 'NOT_FOUND', field: 'id' });
    ok(await app.gql(DELETE, { input: { id: webhook.id } }, hk));
    expect(errorOf(await app.gql(DELETE, { input: { id: webhook.id } }, hk))).toEqual({ code: 'NOT_FOUND', field: 'id' });
  });

  it('checks the address again at delivery time: a delivery whose host is no longer allowed is refused, not sent', async () => {
    const { webhook } = ok(
      await app.gql(REGISTER, { input: { url: receiver.url.replace('127.0.0.1', 'localhost'), events: ['NEED_MATCHED'] } }, hk),
    ).registerWebhook;
    receiver.received.length = 0;
    await approveNeed('荔枝果园除草（投递时检查）');
    await runStream();
    // The same delivery under the AWS policy (no loopback): the resolved address is refused before connecting.
    const strictWorker = createWebhookWorker(app.deps, { policy: { allowLoopback: false }, random: () => 0.5 });
    expect(await strictWorker.deliverDueWebhooks(new Date())).toMatchObject({ attempted: 1, retrying: 1 });
    expect(receiver.received).toHaveLength(0);
    const [delivery] = await deliveries(hk, webhook.id);
    expect(delivery.attempts[0]).toMatchObject({ httpStatus: null, error: expect.stringContaining('refused') });
    ok(await app.gql(DELETE, { input: { id: webhook.id } }, hk));
    // A deleted webhook's pending delivery fails at its next attempt instead of being sent.
    expect(await worker().deliverDueWebhooks(new Date(Date.now() + HOUR))).toMatchObject({ attempted: 1, failed: 1 });
  });

  it("sends nothing to a suspended partner (its attempts back off until it is reactivated) and fails a revoked partner's deliveries", async () => {
    const { webhook } = ok(await app.gql(REGISTER, { input: { url: receiver.url, events: ['NEED_MATCHED'] } }, hk)).registerWebhook;
    receiver.received.length = 0;
    receiver.state.answer = () => 200;
    await approveNeed('荔枝果园修剪（平台暂停）');
    await runStream();
    const repos = createRepositories(app.deps.store);
    const setStatus = async (status: 'ACTIVE' | 'SUSPENDED' | 'REVOKED') => {
      const partner = await repos.partners.require('hk-expert-platform');
      await repos.partners.update(partner, { status }, new Date().toISOString());
    };
    await setStatus('SUSPENDED');
    expect(await worker().deliverDueWebhooks(new Date())).toMatchObject({ attempted: 1, retrying: 1 });
    expect(receiver.received).toHaveLength(0);
    await setStatus('ACTIVE');
    expect(await worker().deliverDueWebhooks(new Date(Date.now() + HOUR))).toMatchObject({ attempted: 1, delivered: 1 });
    expect(receiver.received).toHaveLength(1);
    // A revoked partner: a pending delivery fails at its next attempt, and new matches enqueue nothing.
    await approveNeed('荔枝果园疏果（平台撤销）');
    await runStream();
    await setStatus('REVOKED');
    expect(await worker().deliverDueWebhooks(new Date())).toMatchObject({ attempted: 1, failed: 1 });
    const need = await repos.needs.require(await approveNeed('荔枝果园套袋（撤销之后）'));
    await runStream();
    const matches = await repos.needs.matches(need.id, 100);
    expect(matches.map((m) => m.expertId)).toContain(hkExpert.id);
    expect(await enqueueNeedMatched(repos, need, matches, new Date().toISOString())).toEqual([]);
    expect(await worker().deliverDueWebhooks(new Date(Date.now() + HOUR))).toMatchObject({ attempted: 0 });
    expect(receiver.received).toHaveLength(1);
    await setStatus('ACTIVE');
    ok(await app.gql(DELETE, { input: { id: webhook.id } }, hk));
  });

  it('connects only through a DNS lookup that refuses names resolving to refused addresses', async () => {
    const refused = await new Promise<Error | null>((resolve) => guardedLookup({ allowLoopback: false })('localhost', {}, (e) => resolve(e)));
    expect(refused?.message).toMatch(/^refused/);
    const allowed = await new Promise<Error | null>((resolve) => guardedLookup({ allowLoopback: true })('localhost', {}, (e) => resolve(e)));
    expect(allowed).toBeNull();
  });

  it('tries a new delivery at once from the stream: latency from approval to the receiver', async () => {
    // As the local runner runs it: the stream polled every 100 ms, fresh deliveries posted from the stream handler.
    const poller = createStreamPoller({
      endpoint: dynamoEndpoint(),
      tableName: app.tableName,
      handler: createNeedStreamProcessor(app.deps, app.subscriptions, worker()),
      intervalMs: 100,
    });
    // The earlier records first (this reader starts at the stream's beginning), before the webhook exists.
    await poller.drain();
    const { webhook } = ok(await app.gql(REGISTER, { input: { url: receiver.url, events: ['NEED_MATCHED'] } }, hk)).registerWebhook;
    receiver.received.length = 0;
    receiver.state.answer = () => 200;
    poller.start();
    const latencies: number[] = [];
    try {
      for (let i = 0; i < 3; i += 1) {
        const before = receiver.received.length;
        const input = makeNeedInput({ title: `荔枝果园测时 ${i}`, keywords: ['荔枝', '果园'] });
        const need = ok(await app.gql(SUBMIT_NEED, { input }, requester)).submitNeed.need;
        const approved = Date.now();
        ok(await app.gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, tree.admin));
        await expect.poll(() => receiver.received.length, { timeout: 15_000, interval: 20 }).toBeGreaterThan(before);
        latencies.push((receiver.received[before] as Received).at - approved);
      }
    } finally {
      await poller.stop();
    }
    const [delivery] = await deliveries(hk, webhook.id);
    expect(delivery.status).toBe('DELIVERED');
    console.log(`webhook delivery latency (approveNeed sent → receiver got the POST), local: ${latencies.map((l) => `${l} ms`).join(', ')}`);
    ok(await app.gql(DELETE, { input: { id: webhook.id } }, hk));
  });
});
