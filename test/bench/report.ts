/**
 * Benchmark: DynamoDB requests of the province's quarterly report with 100 and with 5,000 completed
 * activities in the table. Run: `npm run bench:report`. Activities are written with the repository and
 * completed with the same counter writes as completeActivity, spread over the 21 cities' associations.
 */
import { createRepositories } from '../../functions/lib/repositories/index.js';
import { childRegions } from '../../functions/lib/regions/index.js';
import { quarterOf } from '../../functions/lib/domain/service.js';
import { startDynamoLocal } from '../../infra/local/dynamoLocal.js';
import { mapLimit } from '../../infra/local/seed.js';
import { RequestCounter } from '../support/requestCounter.js';
import { createBenchApp } from './harness.js';

const dynamo = await startDynamoLocal();
try {
  const { deps, gql: call, token } = await createBenchApp(dynamo.endpoint, 'bench');
  const admin = await token({ sub: 'admin', roles: ['PROVINCE_ADMIN'] });
  const gql = (query: string, variables: Record<string, unknown>) => call(query, variables, admin);
  const CREATE_ORG = 'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }';
  const province = String(
    (await gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name: '广东省科协', regionCode: '44' } })).createOrganization?.organization?.id,
  );
  const cities = await mapLimit(childRegions('44'), 4, async (c) => ({
    code: c.code,
    id: String((await gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name: `${c.name}科协`, regionCode: c.code } })).createOrganization?.organization?.id),
  }));
  const repos = createRepositories(deps.store);
  const counter = RequestCounter.attach(deps.store);
  let written = 0;
  const grow = async (total: number) => {
    await mapLimit(
      Array.from({ length: total - written }, (_, k) => written + k),
      16,
      async (i) => {
        const city = cities[i % cities.length]!;
        const startAt = new Date(Date.parse('2026-10-05T01:00:00Z') + (i % 80) * 86400_000).toISOString();
        const now = new Date().toISOString();
        const activity = await repos.activities.create({
          id: `act-${i}`,
          title: `活动${i}`,
          description: null,
          action: 'POPULAR_SCIENCE',
          organizationId: city.id,
          organizationPath: [province, city.id],
          teamId: null,
          workstationId: null,
          venueKind: 'COMMUNITY',
          venue: null,
          regionCode: city.code,
          startAt,
          endAt: startAt,
          needIds: [],
          plannedVolunteers: 3,
          beneficiaries: 20,
          outcome: '完成',
          status: 'COMPLETED',
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
        await deps.store.transact(
          repos.activities.counterOps(activity.organizationPath, quarterOf(activity.endAt), activity.action, {
            activities: 1,
            volunteers: 3,
            hours: 6,
            beneficiaries: 20,
          }),
        );
      },
    );
    written = total;
  };
  const REPORT =
    'query ($org: ID!) { quarterlyReport(organizationId: $org, quarter: "2026Q4") { figures { total { activities serviceHours } } byChild { organization { name } figures { total { activities } } } } }';
  for (const size of [100, 5000]) {
    await grow(size);
    counter.reset();
    const started = performance.now();
    const report = (await gql(REPORT, { org: province })).quarterlyReport as unknown as { figures: { total: { activities: number } } };
    const ms = performance.now() - started;
    const total = [...counter.counts.values()].reduce((a, b) => a + b, 0);
    console.log(
      `${size} activities: province report made ${total} DynamoDB requests ${JSON.stringify(Object.fromEntries(counter.counts))} in ${ms.toFixed(0)} ms; total activities in Q4: ${report.figures.total.activities}`,
    );
  }
} finally {
  await dynamo.stop();
}
