import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { post, runToEnd, startRunner, tempKeysFile, type Runner } from '../support/runner.js';
import { localClient } from '../../infra/local/dynamoLocal.js';

const SUBSCRIPTION = 'subscription ($expertId: ID) { matchingNeedPosted(expertId: $expertId) { score need { id title } expert { id } } }';

interface Event {
  score: number;
  need: { id: string; title: string };
  expert: { id: string };
}

/** A graphql-ws client (the official one) collecting events and the close code. */
function listen(url: string, token: string | null, variables: Record<string, unknown> = {}) {
  const events: Event[] = [];
  const errors: unknown[] = [];
  let closeCode: number | undefined;
  const client: Client = createClient({
    url: url.replace('http', 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    ...(token && { connectionParams: { authorization: `Bearer ${token}` } }),
    on: { closed: (event) => (closeCode = (event as { code?: number }).code) },
    onNonLazyError: () => undefined,
  });
  const subscribed = new Promise<void>((resolve) => {
    client.subscribe<{ matchingNeedPosted: Event }>(
      { query: SUBSCRIPTION, variables },
      { next: (r) => r.data && events.push(r.data.matchingNeedPosted), error: (e) => errors.push(e), complete: () => undefined },
    );
    // The protocol sends nothing on a successful subscribe; give the server a moment to store it.
    setTimeout(resolve, 300);
  });
  return { client, events, errors, subscribed, closeCode: () => closeCode };
}

/** The runner's connection_init timeout in these tests (graphql-ws's default is 3 s). */
const INIT_TIMEOUT_MS = 600;

/** A raw WebSocket with the graphql-transport-ws subprotocol; resolves with its close code (or null if still open after `ms`). */
function closeCodeWithin(url: string, ms: number, onOpen: (ws: WebSocket) => void = () => undefined) {
  const ws = new WebSocket(url.replace('http', 'ws'), 'graphql-transport-ws');
  ws.once('open', () => onOpen(ws));
  return new Promise<{ code: number | null; messages: string[] }>((resolve) => {
    const messages: string[] = [];
    ws.on('message', (data: Buffer) => messages.push(data.toString()));
    const timer = setTimeout(() => {
      ws.close();
      resolve({ code: null, messages });
    }, ms);
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, messages });
    });
  });
}

const until = async (check: () => boolean, ms: number) => {
  const started = Date.now();
  while (!check() && Date.now() - started < ms) await new Promise((r) => setTimeout(r, 20));
  return check();
};

describe('matchingNeedPosted over WebSocket against the local runner', () => {
  const keysFile = tempKeysFile();
  let runner: Runner;
  let admin: string;
  let requester: string;
  /** Submits an AGRICULTURE need in Shamian (440103001) as the requester; returns its id and version. */
  const submitNeed = async (title: string) => {
    const res = await post(
      runner.url,
      'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id version } } }',
      {
        input: {
          title,
          description: '实时推送测试',
          kind: 'TECHNOLOGY',
          requester: { kind: 'ENTERPRISE', name: '测试企业' },
          domains: ['AGRICULTURE'],
          regionCode: '440103001',
        },
      },
      requester,
    );
    return res.body.data?.submitNeed.need as { id: string; version: number };
  };

  /** Registers an expert through the API and returns its id. */
  const registerExpert = async (sub: string, domain: string, phone: string) => {
    const data = await post(
      runner.url,
      'mutation ($input: RegisterExpertInput!) { registerExpert(input: $input) { expert { id } } }',
      {
        input: {
          name: sub,
          title: 'SENIOR_AGRONOMIST',
          domains: [domain],
          keywords: ['荔枝'],
          origin: 'MAINLAND',
          languages: ['CANTONESE'],
          regionCode: '440103001',
          phone,
          maxOpenAssignments: 10,
        },
      },
      await token('--role', 'REQUESTER', '--sub', sub),
    );
    return data.body.data?.registerExpert.expert.id as string;
  };
  const token = async (...args: string[]) => (await runToEnd('infra/local/token.ts', args, { KEZHI_DEV_KEYS: keysFile })).stdout.trim();

  beforeAll(async () => {
    runner = await startRunner(['--expert-count', '120', '--quiet'], { KEZHI_DEV_KEYS: keysFile, WS_INIT_TIMEOUT_MS: String(INIT_TIMEOUT_MS) });
    admin = await token('--role', 'PROVINCE_ADMIN');
    requester = await token('--role', 'REQUESTER', '--sub', 'ws-requester');
  });
  afterAll(async () => {
    await runner?.stop();
  });

  it('delivers exactly one next to a matching expert within 3 s of approval, nothing to a non-matching one; refuses a foreign expert id and a missing token', async () => {
    const need = await submitNeed('WebSocket 推送');
    // The matching expert lives in the need's township with its domain and keyword; the other has another domain.
    const matchingId = await registerExpert('ws-matching', 'AGRICULTURE', '13655550001');
    await registerExpert('ws-other', 'MARINE', '13655550002');
    // Each expert signs in as the user that registered it: the table (its expert record) makes it that EXPERT.
    const matching = listen(runner.url, await token('--role', 'EXPERT', '--sub', 'ws-matching'));
    const other = listen(runner.url, await token('--role', 'EXPERT', '--sub', 'ws-other'));
    const foreign = listen(runner.url, await token('--role', 'EXPERT', '--sub', 'ws-other'), { expertId: matchingId });
    const anonymous = listen(runner.url, null);
    await Promise.all([matching.subscribed, other.subscribed, foreign.subscribed, anonymous.subscribed]);

    const approvedAt = Date.now();
    const review = await post(
      runner.url,
      'mutation ($input: ReviewNeedInput!) { reviewNeed(input: $input) { need { status } } }',
      { input: { id: need.id, version: need.version, approve: true } },
      admin,
    );
    expect(review.body.data?.reviewNeed.need.status).toBe('OPEN');

    expect(await until(() => matching.events.length > 0, 3000)).toBe(true);
    expect(Date.now() - approvedAt).toBeLessThan(3000);
    await new Promise((r) => setTimeout(r, 700));
    expect(matching.events).toHaveLength(1);
    expect(matching.events[0]).toMatchObject({ need: { id: need.id, title: 'WebSocket 推送' }, expert: { id: matchingId } });
    const stored = await post(runner.url, `{ need(id: "${need.id}") { matches(first: 1) { expert { id } } } }`, {}, admin);
    expect(stored.body.data?.need.matches[0].expert.id).toBe(matchingId);
    expect(other.events).toEqual([]);
    expect(foreign.events).toEqual([]);
    expect(foreign.errors).toHaveLength(1);
    expect(JSON.stringify(foreign.errors[0])).toContain('FORBIDDEN');
    expect(await until(() => anonymous.closeCode() === 4403, 2000)).toBe(true);
    for (const c of [matching, other, foreign, anonymous]) await c.client.dispose();

    // Closed sockets: their connection items go ($disconnect), and publishing again finds no one to send to.
    const endpoint = /DynamoDB Local: (http:\/\/\S+)/.exec(runner.output())?.[1] as string;
    const ddb = localClient(endpoint);
    const connectionItems = async () =>
      (
        await ddb.send(
          new ScanCommand({ TableName: 'kezhi-local', FilterExpression: 'begins_with(PK, :c)', ExpressionAttributeValues: { ':c': { S: 'CONN#' } } }),
        )
      ).Count ?? 0;
    await new Promise((r) => setTimeout(r, 300));
    const second = await submitNeed('关闭之后');
    await post(
      runner.url,
      'mutation ($input: ReviewNeedInput!) { reviewNeed(input: $input) { need { status } } }',
      { input: { id: second.id, version: second.version, approve: true } },
      admin,
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(await connectionItems()).toBe(0);
    expect(matching.events).toHaveLength(1);
    ddb.destroy();
  });

  it('closes a socket that never sends connection_init with 4408 after the timeout, and keeps one that did', async () => {
    const started = Date.now();
    const silent = closeCodeWithin(runner.url, 5000);
    const polite = closeCodeWithin(runner.url, INIT_TIMEOUT_MS * 3, (ws) =>
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${requester}` } })),
    );
    const [silentResult, politeResult] = await Promise.all([silent, polite]);
    expect(silentResult.code).toBe(4408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(INIT_TIMEOUT_MS - 50);
    expect(politeResult.code).toBeNull();
    expect(politeResult.messages.map((m) => JSON.parse(m) as { type: string })).toEqual([{ type: 'connection_ack' }]);
  });
});
