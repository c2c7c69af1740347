/**
 * Benchmark: search on the local demo data (infra/local/seed.ts: the repositories' items, so every entity has its
 * term items). Prints the term items written per entity, the DynamoDB requests of one search, its latency
 * (median and p95 of 20, DynamoDB Local, warm) and what 「荔枝园病虫害防治」 finds. Run: `npm run bench:search`.
 */
import { startDynamoLocal } from '../../infra/local/dynamoLocal.js';
import { seedDemoData } from '../../infra/local/seed.js';
import { RequestCounter } from '../support/requestCounter.js';
import { scanTable } from '../support/consistency.js';
import { createBenchApp } from './harness.js';

const SEARCH = `query ($query: String!) { search(query: $query, first: 10) {
  edges { node { score matchedTerms node { __typename ... on Need { title } ... on Expert { name } ... on Technology { title } ... on Project { title } } } }
} }`;

const dynamo = await startDynamoLocal();
try {
  const { deps, gql } = await createBenchApp(dynamo.endpoint, 'bench');
  const seedStarted = performance.now();
  await seedDemoData((claims, query, variables) => gql(query, variables, claims), deps.store);
  console.log(`seeded the demo data in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);

  // Term items per entity, by type.
  const items = await scanTable(dynamo.endpoint, 'bench');
  const perEntity = new Map<string, Map<string, number>>();
  for (const item of items) {
    if (!String(item.PK).startsWith('IX#TERM#')) continue;
    const byId = perEntity.get(String(item.entity)) ?? new Map<string, number>();
    byId.set(String(item.id), (byId.get(String(item.id)) ?? 0) + 1);
    perEntity.set(String(item.entity), byId);
  }
  for (const [type, byId] of perEntity) {
    const counts = [...byId.values()];
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    console.log(`${type}: ${counts.length} entities, term items per entity mean ${mean.toFixed(1)}, max ${Math.max(...counts)}`);
  }

  const requests = RequestCounter.attach(deps.store);
  const expert = { sub: 'bench-searcher', roles: ['EXPERT'] };
  const province = { sub: 'bench-province', roles: ['PROVINCE_ADMIN'] };
  for (const [label, claims] of [
    ['EXPERT', expert],
    ['PROVINCE_ADMIN', province],
  ] as const) {
    for (const query of ['荔枝园病虫害防治', '智能製造', '对虾养殖水质', '数控机床']) {
      await gql(SEARCH, { query }, claims); // warm (analysers loaded, connections open)
      requests.reset();
      const first = await gql(SEARCH, { query }, claims);
      const counts = Object.fromEntries(requests.counts);
      const ms: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        const started = performance.now();
        await gql(SEARCH, { query }, claims);
        ms.push(performance.now() - started);
      }
      ms.sort((a, b) => a - b);
      const hits = (first.search as unknown as { edges: Array<{ node: { score: number; node: Record<string, string> } }> }).edges;
      console.log(
        `${label} 「${query}」: ${hits.length} hits, requests ${JSON.stringify(counts)}, median ${ms[10]!.toFixed(1)} ms, p95 ${ms[18]!.toFixed(1)} ms`,
      );
      if (query === '荔枝园病虫害防治' && label === 'EXPERT') {
        for (const h of hits.slice(0, 6)) console.log(`   ${h.node.score}  ${h.node.node.__typename}  ${h.node.node.title ?? h.node.node.name}`);
      }
    }
  }
} finally {
  await dynamo.stop();
}
