/**
 * Benchmark of the real-time path (run with `npm run bench:realtime`):
 * 1. reads of one publish with 10 and with 200 connected subscribers of whom 5 match (in process, the
 *    subscription and stream code over a no-op gateway, DynamoDB Local);
 * 2. delivery latency from the approving request to `next` on graphql-ws clients of the local runner,
 *    with 1 and with 200 subscribed clients (10 needs each; median and p99 over all deliveries).
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { TokenClaims } from '../../functions/lib/auth/tokens.js';
import { createSubscriptionService } from '../../functions/lib/realtime/subscriptions.js';
import { createNeedStreamProcessor } from '../../functions/lib/streams/needStream.js';
import { startDynamoLocal } from '../../infra/local/dynamoLocal.js';
import { createStreamPoller } from '../../infra/local/streamPoller.js';
import { RequestCounter } from '../support/requestCounter.js';
import { createBenchApp } from './harness.js';
import { post, runToEnd, startRunner, tempKeysFile } from '../support/runner.js';

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

async function publishReads() {
  const dynamo = await startDynamoLocal();
  try {
    for (const connected of [10, 200]) {
      const tableName = `bench-${connected}`;
      const { deps, gql, token } = await createBenchApp(dynamo.endpoint, tableName);
      const admin: TokenClaims = { sub: 'admin', roles: ['PROVINCE_ADMIN'] };
      for (const [name, regionCode] of [
        ['省科协', '44'],
        ['广州市科协', '4401'],
        ['荔湾区科协', '440103'],
      ]) {
        await gql(
          'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }',
          { input: { kind: 'ASSOCIATION', name, regionCode } },
          admin,
        );
      }
      const sent: string[] = [];
      const service = createSubscriptionService(deps, { send: async (id) => void sent.push(id), close: async () => undefined });
      const counter = RequestCounter.attach(deps.store);
      let publishCounts: Record<string, number> = {};
      const measured = {
        publish: async (...args: Parameters<typeof service.publish>) => {
          counter.reset();
          const out = await service.publish(...args);
          publishCounts = Object.fromEntries(counter.counts);
          return out;
        },
      };
      const poller = createStreamPoller({ endpoint: dynamo.endpoint, tableName, handler: createNeedStreamProcessor(deps, measured) });
      // 5 matching experts (AGRICULTURE, in the need's district) and connected - 5 experts of another domain; one connection each.
      for (let i = 0; i < connected; i += 1) {
        const matching = i < 5;
        const sub = `expert-${i}`;
        const data = await gql(
          'mutation ($input: RegisterExpertInput!) { registerExpert(input: $input) { expert { id } } }',
          {
            input: {
              name: `专家${i}`,
              title: 'ENGINEER',
              domains: [matching ? 'AGRICULTURE' : 'MEDICINE'],
              origin: 'MAINLAND',
              languages: ['MANDARIN'],
              regionCode: '440103',
              phone: `1370000${String(i).padStart(4, '0')}`,
            },
          },
          { sub, roles: ['EXPERT'] },
        );
        const expertId = String(data.registerExpert?.expert?.id);
        const connectionId = randomUUID();
        await service.handle({ requestContext: { routeKey: '$connect', connectionId }, headers: { 'sec-websocket-protocol': 'graphql-transport-ws' } });
        await service.handle({
          requestContext: { routeKey: '$default', connectionId },
          body: JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${await token({ sub, roles: ['EXPERT'], expert: expertId })}` } }),
        });
        await service.handle({
          requestContext: { routeKey: '$default', connectionId },
          body: JSON.stringify({ type: 'subscribe', id: 's', payload: { query: 'subscription { matchingNeedPosted { score need { id title } } }' } }),
        });
      }
      await poller.drain();
      const need = (
        await gql(
          'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id version } } }',
          {
            input: {
              title: '荔枝',
              description: '荔枝种植',
              kind: 'TECHNOLOGY',
              requester: { kind: 'ENTERPRISE', name: '某公司' },
              domains: ['AGRICULTURE'],
              regionCode: '440103001',
            },
          },
          { sub: 'req', roles: ['REQUESTER'] },
        )
      ).submitNeed?.need;
      sent.length = 0;
      await gql(
        'mutation ($input: ReviewNeedInput!) { reviewNeed(input: $input) { need { id } } }',
        { input: { id: need?.id, version: need?.version, approve: true } },
        admin,
      );
      await poller.drain();
      await poller.stop();
      const reads = ['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand'].reduce((n, c) => n + (publishCounts[c] ?? 0), 0);
      const writes = ['PutItemCommand', 'BatchWriteItemCommand', 'UpdateItemCommand'].reduce((n, c) => n + (publishCounts[c] ?? 0), 0);
      console.log(
        `publish with ${connected} connected subscribers, 5 matching: ${reads} DynamoDB reads ${JSON.stringify(publishCounts)}, ${writes} writes (delivery markers), ${sent.length} messages sent`,
      );
    }
  } finally {
    await dynamo.stop();
  }
}

async function deliveryLatency() {
  const keysFile = tempKeysFile();
  const runner = await startRunner(['--expert-count', '40', '--quiet'], { KEZHI_DEV_KEYS: keysFile, STREAM_POLL_MS: '50' });
  try {
    const tokenOf = async (...args: string[]) => (await runToEnd('infra/local/token.ts', args, { KEZHI_DEV_KEYS: keysFile })).stdout.trim();
    const admin = await tokenOf('--role', 'PROVINCE_ADMIN');
    const requester = await tokenOf('--role', 'REQUESTER', '--sub', 'bench-requester');
    const reg = await post(
      runner.url,
      'mutation ($input: RegisterExpertInput!) { registerExpert(input: $input) { expert { id } } }',
      {
        input: {
          name: '基准专家',
          title: 'ENGINEER',
          domains: ['AGRICULTURE'],
          keywords: ['荔枝'],
          origin: 'MAINLAND',
          languages: ['CANTONESE'],
          regionCode: '440103001',
          phone: '13699990000',
          maxOpenAssignments: 50,
        },
      },
      await tokenOf('--role', 'REQUESTER', '--sub', 'bench-expert'),
    );
    const expertId = reg.body.data?.registerExpert.expert.id as string;
    const expertToken = await tokenOf('--role', 'EXPERT', '--expert', expertId, '--sub', 'bench-expert');
    for (const clients of [1, 200]) {
      const arrivals = new Map<string, number[]>();
      const sockets = await Promise.all(
        Array.from(
          { length: clients },
          () =>
            new Promise<ReturnType<typeof createClient>>((resolve) => {
              const client = createClient({
                url: runner.url.replace('http', 'ws'),
                webSocketImpl: WebSocket,
                lazy: false,
                retryAttempts: 0,
                connectionParams: { authorization: `Bearer ${expertToken}` },
              });
              client.subscribe<{ matchingNeedPosted: { need: { id: string } } }>(
                { query: 'subscription { matchingNeedPosted { need { id } } }' },
                {
                  next: (r) => {
                    const id = r.data?.matchingNeedPosted.need.id;
                    if (id) arrivals.set(id, [...(arrivals.get(id) ?? []), performance.now()]);
                  },
                  error: () => undefined,
                  complete: () => undefined,
                },
              );
              resolve(client);
            }),
        ),
      );
      // graphql-ws sends nothing when a subscription is stored: give 200 handshakes time to land first.
      await new Promise((r) => setTimeout(r, 5000));
      const latencies: number[] = [];
      for (let n = 0; n < 10; n += 1) {
        const need = (
          await post(
            runner.url,
            'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id version } } }',
            {
              input: {
                title: `延迟${n}`,
                description: '荔枝',
                kind: 'TECHNOLOGY',
                requester: { kind: 'ENTERPRISE', name: '某公司' },
                domains: ['AGRICULTURE'],
                keywords: ['荔枝'],
                regionCode: '440103001',
              },
            },
            requester,
          )
        ).body.data?.submitNeed.need;
        const started = performance.now();
        await post(
          runner.url,
          'mutation ($input: ReviewNeedInput!) { reviewNeed(input: $input) { need { id } } }',
          { input: { id: need.id, version: need.version, approve: true } },
          admin,
        );
        const deadline = Date.now() + 10_000;
        while ((arrivals.get(need.id)?.length ?? 0) < clients && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        latencies.push(...(arrivals.get(need.id) ?? []).map((t) => t - started));
      }
      console.log(
        `delivery latency approval → next, ${clients} subscribed client(s): median ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms over ${latencies.length} deliveries (expected ${clients * 10}); stream polled every 50 ms`,
      );
      await Promise.all(sockets.map(async (c) => c.dispose()));
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await runner.stop();
  }
}

await publishReads();
await deliveryLatency();
