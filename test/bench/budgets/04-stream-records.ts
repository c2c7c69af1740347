/**
 * Row 4: stream records delivered to the stream function per need status change. Needs go through every status
 * change of the workflow on their own table; after each, the table's stream as DynamoDB Local really emits it is
 * read (unfiltered) and the deployed event filter (infra/KezhiStack.ts: FilterCriteria.filter(needStreamFilter)) is
 * evaluated on each record. Budget: exactly 1 passing record per status change.
 */
import { FilterCriteria } from 'aws-cdk-lib/aws-lambda';
import { needStreamFilter } from '../../../functions/lib/data/keys.js';
import { createNeedStreamProcessor } from '../../../functions/lib/streams/needStream.js';
import { createSubscriptionService } from '../../../functions/lib/realtime/subscriptions.js';
import { createStreamPoller } from '../../../infra/local/streamPoller.js';
import { median, type Benchmark } from '../framework.js';
import { createBenchApp } from '../harness.js';
import { needStatusChanges } from '../../support/needStreamRecords.js';
import { deleteTable } from '../tables.js';

const TABLE = 'bench-r4';

export const benchmark: Benchmark = {
  row: 4,
  title: 'stream records delivered to the stream function per need status change',
  async run(ctx) {
    const deployed = JSON.parse(String(FilterCriteria.filter(needStreamFilter).pattern)) as unknown;
    const { deps, gql, token } = await createBenchApp(ctx.endpoint, TABLE);
    // The stream function as deployed: it sees only what the filter passes.
    const poller = createStreamPoller({
      endpoint: ctx.endpoint,
      tableName: TABLE,
      handler: createNeedStreamProcessor(deps, createSubscriptionService(deps, { send: async () => undefined, close: async () => undefined })),
      filters: [deployed],
    });
    try {
      const changes = await needStatusChanges({
        endpoint: ctx.endpoint,
        tableName: TABLE,
        gql: (query, variables, auth) => gql(query, variables, auth),
        token,
        settle: () => poller.drain(),
        filters: [deployed],
      });
      for (const c of changes) ctx.log(`need ${c.need} ${c.action} → ${c.status}: ${c.emitted} records emitted, ${c.passing} passed the filter`);
      const passing = changes.map((c) => c.passing);
      const emitted = changes.map((c) => c.emitted);
      const most = Math.max(...passing);
      const least = Math.min(...passing);
      return [
        {
          row: 4,
          name: `stream records passing the deployed filter per need status change (${changes.length} changes)`,
          figure: least === most ? `${most} per change` : `${least}–${most} per change`,
          baseline: `unfiltered: ${Math.min(...emitted)}–${Math.max(...emitted)} emitted per change (median ${median(emitted)})`,
          budget: '1',
          pass: least === 1 && most === 1,
          values: {
            changes: changes.length,
            passingMin: least,
            passingMax: most,
            emittedMin: Math.min(...emitted),
            emittedMedian: median(emitted),
            emittedMax: Math.max(...emitted),
            perChange: changes.map((c) => `${c.need}:${c.action}=${c.passing}/${c.emitted}`).join(' '),
          },
        },
      ];
    } finally {
      await poller.stop();
      await deleteTable(ctx.endpoint, TABLE);
    }
  },
};
