/**
 * Row 1: DynamoDB requests of the nested query of issue 12 (`needs(first: 50)` with requester, organization, the top 3
 * matches, their experts and the experts' organizations) as the province admin, against one request per dependent
 * level; and the requests of every example operation of the README (test/bench/readmeOperations.ts), each listed.
 */
import { median, repeat, type Benchmark, type BenchResult } from '../framework.js';
import { createBenchApp } from '../harness.js';
import { RequestCounter } from '../../support/requestCounter.js';
import { nestedNeedsQuery, seedNeedsWithMatches } from '../../support/nestedReads.js';
import { createRepositories } from '../../../functions/lib/repositories/index.js';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { localClient } from '../../../infra/local/dynamoLocal.js';
import { runReadmeOperations } from '../readmeRequests.js';

/** Levels of the nested query: needs (Query + BatchGetItem), need organization + matches, experts, expert organizations. */
const NESTED_BUDGET = 6;
const CREATE_ORG = 'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }';

export const benchmark: Benchmark = {
  row: 1,
  title: 'DynamoDB requests of the nested needs query and of the README operations',
  async run(ctx) {
    const table = 'bench-r1-nested';
    const app = await createBenchApp(ctx.endpoint, table);
    const results: BenchResult[] = [];
    try {
      const admin = await app.token({ sub: 'bench-r1-province', roles: ['PROVINCE_ADMIN'] });
      const orgIds: string[] = [];
      for (const [name, regionCode] of [
        ['广东省科学技术协会', '44'],
        ['广州市科学技术协会', '4401'],
        ['荔湾区科学技术协会', '440103'],
        ['深圳市科学技术协会', '4403'],
        ['福田区科学技术协会', '440304'],
        ['佛山市科学技术协会', '4406'],
      ] as const) {
        const data = await app.gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name, regionCode, contactPhone: '13800138000' } }, admin);
        orgIds.push(String(data.createOrganization?.organization?.id));
      }
      const repos = createRepositories(app.deps.store);
      const organizations = await Promise.all(orgIds.map((id) => repos.organizations.require(id)));
      // 60 experts: the 150 matches of the page name 60 different experts (≤ 100 keys a level, as the budget assumes).
      const seeded = await seedNeedsWithMatches(app.deps, {
        prefix: 'r1',
        organizations: organizations.slice(0, 3),
        expertOrganizations: organizations.slice(3),
        experts: 60,
        needs: 60,
        matchesPerNeed: 5,
      });
      ctx.log(`seeded ${seeded.needIds.length} open needs with 5 matches each over ${seeded.expertIds.length} experts`);

      const counter = RequestCounter.attach(app.deps.store);
      const query = nestedNeedsQuery(50);
      const runs = await repeat(5, async () => {
        counter.reset();
        const data = await app.gql(query, {}, admin);
        const edges = (data.needs as unknown as { edges: Array<{ node: { matches: unknown[] } }> }).edges;
        if (edges.length !== 50 || edges.some((e) => e.node.matches.length !== 3))
          throw new Error('the nested query did not answer 50 needs with 3 matches each');
        return { total: counter.total, query: counter.get('QueryCommand'), batchGet: counter.get('BatchGetItemCommand'), get: counter.get('GetItemCommand') };
      });
      const total = median(runs.map((r) => r.total));
      const last = runs[runs.length - 1]!;
      results.push({
        row: 1,
        name: 'nested needs query (first: 50, matches(first: 3))',
        figure: `${total} requests (${last.query} Query, ${last.batchGet} BatchGetItem, ${last.get} GetItem)`,
        baseline: null,
        budget: `≤ ${NESTED_BUDGET} requests`,
        pass: total <= NESTED_BUDGET,
        values: { requests: total, query: last.query, batchGetItem: last.batchGet, getItem: last.get },
      });

      const readme = await runReadmeOperations(ctx.endpoint, ctx.log);
      const max = Math.max(...readme.map((r) => r.requests));
      results.push({
        row: 1,
        name: `README example operations (${readme.length})`,
        figure: `max ${max} requests (${readme.reduce((worst, r) => (r.requests === max ? r.name : worst), '')})`,
        baseline: null,
        budget: 'each listed',
        // Listed, not budgeted: the row's budget is the nested query's; every operation must have run without an error.
        pass: readme.every((r) => r.error === null),
        values: Object.fromEntries(readme.map((r) => [r.name, r.error ? `${r.requests} (${r.error})` : r.requests])),
      });
      return results;
    } finally {
      await localClient(ctx.endpoint)
        .send(new DeleteTableCommand({ TableName: table }))
        .catch(() => undefined);
    }
  },
};
