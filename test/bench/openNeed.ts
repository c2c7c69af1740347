/**
 * Benchmark: DynamoDB requests and latency of opening (approving) one need, with 1,000 and then 10,000
 * experts in the talent pool. Run: `npm run bench` (starts its own DynamoDB Local; takes a few minutes).
 * Experts are written through the repository (the same transaction as registerExpert), spread over
 * Guangdong's counties, Hong Kong and Macao, 1–3 of 22 domains each, so a need's domains have many.
 */
import { createItemLoader } from '../../functions/lib/data/loader.js';
import { ExpertRepository } from '../../functions/lib/repositories/experts.js';
import { childRegions } from '../../functions/lib/regions/index.js';
import { DOMAINS } from '../../functions/lib/vocabulary.js';
import { startDynamoLocal } from '../../infra/local/dynamoLocal.js';
import { mapLimit } from '../../infra/local/seed.js';
import { RequestCounter } from '../support/requestCounter.js';
import { createBenchApp } from './harness.js';
import { createStreamPoller } from '../../infra/local/streamPoller.js';
import { createNeedStreamProcessor } from '../../functions/lib/streams/needStream.js';
import { createSubscriptionService } from '../../functions/lib/realtime/subscriptions.js';

const dynamo = await startDynamoLocal();
try {
  const { deps, gql, token } = await createBenchApp(dynamo.endpoint, 'bench');
  const requests = RequestCounter.attach(deps.store);
  // Opening a need = the reviewNeed request + the stream event it causes (matching, storing, publishing).
  const poller = createStreamPoller({
    endpoint: dynamo.endpoint,
    tableName: 'bench',
    handler: createNeedStreamProcessor(deps, createSubscriptionService(deps, { send: async () => undefined, close: async () => undefined })),
  });
  const admin = await token({ sub: 'bench-admin', roles: ['PROVINCE_ADMIN'] });
  const requester = await token({ sub: 'bench-requester', roles: ['REQUESTER'] });
  const CREATE_ORG = 'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }';
  for (const [name, regionCode] of [
    ['广东省科协', '44'],
    ['广州市科协', '4401'],
    ['荔湾区科协', '440103'],
  ] as const) {
    await gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name, regionCode } }, admin);
  }

  const counties = childRegions('44').flatMap((c) => childRegions(c.code));
  const sar = ['81', '82'].flatMap((c) => childRegions(c).flatMap((a) => childRegions(a.code)));
  const repo = new ExpertRepository(deps.store, createItemLoader(deps.store));
  let created = 0;
  const grow = async (total: number) => {
    const from = created;
    const started = Date.now();
    await mapLimit(
      Array.from({ length: total - from }, (_, k) => from + k),
      16,
      async (i) => {
        const hk = i % 10 === 0;
        const now = new Date().toISOString();
        await repo.create({
          id: `bench-${i}`,
          userId: null,
          name: `专家${i}`,
          title: 'ENGINEER',
          domains: [DOMAINS[i % DOMAINS.length]!.code, ...(i % 3 === 0 ? [DOMAINS[(i * 7) % DOMAINS.length]!.code] : [])],
          keywords: ['荔枝', '水稻', '智能制造'].slice(0, 1 + (i % 3)),
          affiliation: null,
          organizationId: null,
          origin: hk ? 'HONG_KONG' : 'MAINLAND',
          languages: ['MANDARIN', 'CANTONESE'],
          regionCode: hk ? sar[i % sar.length]!.code : counties[i % counties.length]!.code,
          serviceRegionCodes: hk ? ['44'] : [],
          availability: 'AVAILABLE',
          maxOpenAssignments: 3,
          phone: `1390${String(i).padStart(7, '0')}`,
          idNumber: null,
          bio: null,
          scopeOrganizationIds: [],
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
      },
    );
    created = total;
    console.log(`  wrote ${total - from} experts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };

  const SUBMIT = 'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id version } } }';
  const REVIEW = 'mutation ($input: ReviewNeedInput!) { reviewNeed(input: $input) { need { id version status } } }';
  const MATCHES = 'query ($id: ID!) { need(id: $id) { matches { score } } }';
  const openOne = async (label: string) => {
    const results: Array<{ ms: number; counts: Record<string, number>; matches: number }> = [];
    for (let run = 0; run < 5; run += 1) {
      const need = (
        await gql(
          SUBMIT,
          {
            input: {
              title: '荔枝种植技术指导',
              description: '需要荔枝和水稻种植专家',
              kind: 'TECHNOLOGY',
              requester: { kind: 'ENTERPRISE', name: '某农业公司' },
              domains: [DOMAINS[0]!.code, DOMAINS[7]!.code],
              keywords: ['荔枝'],
              regionCode: '440103001',
            },
          },
          requester,
        )
      ).submitNeed!.need!;
      await poller.drain();
      requests.reset();
      const started = performance.now();
      await gql(REVIEW, { input: { id: need.id, version: need.version, approve: true } }, admin);
      await poller.drain();
      const ms = performance.now() - started;
      const counts = Object.fromEntries(requests.counts);
      const matches = ((await gql(MATCHES, { id: need.id }, admin)).need as unknown as { matches: unknown[] }).matches.length;
      results.push({ ms, counts, matches });
    }
    const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
    const total = Object.values(results[0]!.counts).reduce((a, b) => a + b, 0);
    console.log(
      `${label}: ${total} DynamoDB requests to open one need (request + stream event) ${JSON.stringify(results[0]!.counts)}, ${results[0]!.matches} matches stored, latency median ${sorted[2]!.toFixed(0)} ms incl. stream polling (5 runs, DynamoDB Local)`,
    );
  };

  for (const size of [1000, 10000]) {
    await grow(size);
    await openOne(`${size} experts`);
  }
  await poller.stop();
} finally {
  await dynamo.stop();
}
