import { describe, expect, it } from 'vitest';
import { FilterCriteria } from 'aws-cdk-lib/aws-lambda';
import { needStreamFilter } from '../../functions/lib/data/keys.js';
import { createTestApp } from '../support/testApp.js';
import { dynamoEndpoint } from '../support/dynamoPerFile.js';
import { needStatusChanges } from '../support/needStreamRecords.js';

describe('The table stream and the deployed event filter (issue 12, row 4)', () => {
  it('delivers exactly one record to the stream function per status change of a need, of the many its writes emit', async () => {
    const app = await createTestApp();
    // The filter as the stack deploys it (infra/KezhiStack.ts: FilterCriteria.filter(needStreamFilter)).
    const deployed = JSON.parse(String(FilterCriteria.filter(needStreamFilter).pattern)) as unknown;
    const changes = await needStatusChanges({
      endpoint: dynamoEndpoint(),
      tableName: app.tableName,
      gql: async (query, variables, token) => {
        const response = await app.gql(query, variables, token);
        if (response.errors) throw new Error(JSON.stringify(response.errors));
        return response.data ?? {};
      },
      token: (claims) => app.token(claims),
      settle: () => app.settle(),
      filters: [deployed],
    });
    expect(changes.map((c) => `${c.need}:${c.action}:${c.status}`)).toEqual([
      'A:SUBMIT:SUBMITTED',
      'A:APPROVE:OPEN',
      'A:DISPATCH:DISPATCHED',
      'A:ACCEPT:ACCEPTED',
      'A:START:IN_SERVICE',
      'A:COMPLETE:COMPLETED',
      'A:RATE:RATED',
      'B:SUBMIT:SUBMITTED',
      'B:REJECT:REJECTED',
      'C:SUBMIT:SUBMITTED',
      'C:APPROVE:OPEN',
      'C:WITHDRAW:WITHDRAWN',
      'D:SUBMIT:SUBMITTED',
      'D:APPROVE:OPEN',
      'D:CLOSE:CLOSED',
    ]);
    for (const c of changes) expect({ ...c, passing: c.passing }).toEqual({ ...c, passing: 1 });
    // The filter is what keeps it at one: a status change writes the need's index items and history too.
    expect(Math.min(...changes.map((c) => c.emitted))).toBeGreaterThan(1);
  }, 180_000);
});
