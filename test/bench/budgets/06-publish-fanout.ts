/**
 * Row 6: the DynamoDB requests of publishing one need with 10 and with 1,000 connected subscribers (quick: 200), of whom 5
 * match. In process: the real subscription and stream code over a recording gateway, the stream polled from DynamoDB Local.
 * The non-matching subscribers are connections of experts of another domain, subscribed through the real graphql-ws routes.
 */
import { randomUUID } from 'node:crypto';
import type { TokenClaims } from '../../../functions/lib/auth/tokens.js';
import { createSubscriptionService } from '../../../functions/lib/realtime/subscriptions.js';
import { createNeedStreamProcessor } from '../../../functions/lib/streams/needStream.js';
import { createStreamPoller } from '../../../infra/local/streamPoller.js';
import { RequestCounter } from '../../support/requestCounter.js';
import { makeNeedInput } from '../../support/inputs.js';
import { createBenchApp } from '../harness.js';
import { median, type BenchContext, type Benchmark, type BenchResult } from '../framework.js';
import { deleteTable } from '../servers/spawn.js';

const MATCHING = 5;
/** Experts of another domain whose connections make up the non-matching subscribers. */
const OTHER_EXPERTS = 10;
const PUBLISHES = 3;
const SUBSCRIPTION = 'subscription { matchingNeedPosted { score need { id title } expert { id name } } }';

/** Runs `fn` over `items` with at most `width` in flight. */
async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** Publishes PUBLISHES needs to `connected` subscribers; the request counts of each publication and the messages sent. */
async function measure(ctx: BenchContext, connected: number) {
  const tableName = `bench-r6-${connected}-${randomUUID().slice(0, 8)}`;
  const { deps, gql, token } = await createBenchApp(ctx.endpoint, tableName);
  try {
    const admin: TokenClaims = { sub: 'admin', roles: ['PROVINCE_ADMIN'] };
    const org = await gql(
      'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }',
      { input: { kind: 'ASSOCIATION', name: '省科协', regionCode: '44' } },
      admin,
    );
    const organizationId = String(org.createOrganization?.organization?.id);
    const register = async (i: number, matching: boolean) => {
      const sub = `expert-${i}`;
      const data = await gql(
        'mutation ($input: RegisterExpertInput!) { registerExpert(input: $input) { expert { id } } }',
        {
          input: {
            name: `专家${i}`,
            title: 'ENGINEER',
            domains: [matching ? 'AGRICULTURE' : 'MEDICINE'],
            keywords: [matching ? '荔枝' : '心脏'],
            origin: 'MAINLAND',
            languages: ['MANDARIN'],
            regionCode: '440103',
            phone: `1370000${String(i).padStart(4, '0')}`,
            organizationId,
          },
        },
        { sub, roles: ['EXPERT'] },
      );
      return token({ sub, roles: ['EXPERT'], expert: String(data.registerExpert?.expert?.id) });
    };
    const matchingTokens = await Promise.all(Array.from({ length: MATCHING }, (_, i) => register(i, true)));
    const otherTokens = await Promise.all(Array.from({ length: OTHER_EXPERTS }, (_, i) => register(MATCHING + i, false)));

    const sent: string[] = [];
    const service = createSubscriptionService(deps, {
      send: async (id, message) => void (message.includes('"next"') && sent.push(id)),
      close: async () => undefined,
    });
    const counter = RequestCounter.attach(deps.store);
    const publications: Array<Record<string, number>> = [];
    const measured = {
      publish: async (...args: Parameters<typeof service.publish>) => {
        counter.reset();
        const out = await service.publish(...args);
        publications.push(Object.fromEntries(counter.counts));
        return out;
      },
    };
    const poller = createStreamPoller({ endpoint: ctx.endpoint, tableName, handler: createNeedStreamProcessor(deps, measured), intervalMs: 50 });
    const subscribe = async (bearer: string) => {
      const connectionId = randomUUID();
      const send = (message: Record<string, unknown>) =>
        service.handle({ requestContext: { routeKey: '$default', connectionId }, body: JSON.stringify(message) });
      await service.handle({ requestContext: { routeKey: '$connect', connectionId }, headers: { 'sec-websocket-protocol': 'graphql-transport-ws' } });
      await send({ type: 'connection_init', payload: { authorization: `Bearer ${bearer}` } });
      await send({ type: 'subscribe', id: 's', payload: { query: SUBSCRIPTION } });
    };
    const bearers = [...matchingTokens, ...Array.from({ length: connected - MATCHING }, (_, i) => otherTokens[i % OTHER_EXPERTS] as string)];
    const t0 = Date.now();
    await pool(bearers, 16, subscribe);
    ctx.log(`${connected} subscribers connected in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await poller.drain();
    const requester: TokenClaims = { sub: 'req', roles: ['REQUESTER'] };
    for (let n = 0; n < PUBLISHES; n += 1) {
      const need = (
        await gql(
          'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id version } } }',
          { input: makeNeedInput({ title: `荔枝${n}`, description: '荔枝种植', kind: 'TECHNOLOGY', requester: { kind: 'ENTERPRISE', name: '某公司' } }) },
          requester,
        )
      ).submitNeed?.need;
      await gql(
        'mutation ($input: ReviewNeedInput!) { reviewNeed(input: $input) { need { id } } }',
        { input: { id: need?.id, version: need?.version, approve: true } },
        admin,
      );
      await poller.drain();
    }
    await poller.stop();
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    return { publications, requests: median(publications.map(total)), sent: sent.length };
  } finally {
    await deleteTable(ctx.endpoint, tableName);
  }
}

export const benchmark: Benchmark = {
  row: 6,
  title: 'publishing one need to 10 and to 1,000 connected subscribers, 5 matching',
  async run(ctx): Promise<BenchResult[]> {
    const large = ctx.quick ? 200 : 1000;
    const few = await measure(ctx, 10);
    const many = await measure(ctx, large);
    const shape = (p: Array<Record<string, number>>) => JSON.stringify(p[0] ?? {});
    ctx.log(`10 subscribers: ${few.requests} requests per publication ${shape(few.publications)}, ${few.sent} next messages for ${PUBLISHES} needs`);
    ctx.log(`${large} subscribers: ${many.requests} requests per publication ${shape(many.publications)}, ${many.sent} next messages for ${PUBLISHES} needs`);
    const delivered = few.sent === MATCHING * PUBLISHES && many.sent === MATCHING * PUBLISHES;
    return [
      {
        row: 6,
        name: `publish requests, ${large} vs 10 subscribers (5 match)`,
        figure: `${many.requests} requests (${shape(many.publications)})${delivered ? '' : `; ${many.sent}/${MATCHING * PUBLISHES} next sent`}`,
        baseline: `${few.requests} requests with 10 subscribers`,
        budget: 'equal request counts; 5 next per need',
        pass: many.requests === few.requests && shape(many.publications) === shape(few.publications) && delivered,
        values: { subscribers: large, requests: many.requests, baselineRequests: few.requests, sent: many.sent, baselineSent: few.sent },
      },
    ];
  },
};
