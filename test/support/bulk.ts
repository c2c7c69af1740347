/**
 * Background data for the benchmarks, written fast: the items the repositories would write (their own item builders),
 * 25 per BatchWriteItem with several requests in flight, instead of one transaction or GraphQL mutation per entity.
 */
import type { Store, WriteOp } from '../../functions/lib/data/store.js';
import type { ActivityRecord } from '../../functions/lib/repositories/activities.js';
import type { ExpertRecord } from '../../functions/lib/repositories/experts.js';
import { mapLimit } from '../../infra/local/seed.js';

/** The items of Put operations (createOps of a repository, guards): a transaction's items as plain writes. */
export const putItems = (ops: readonly WriteOp[]): Array<Record<string, unknown>> =>
  ops.flatMap((op) => (op.item.Put?.Item ? [op.item.Put.Item as Record<string, unknown>] : []));

/** Writes `items` with BatchWriteItem, `inFlight` requests at a time; returns how many requests it took. */
export async function bulkPut(store: Store, items: ReadonlyArray<Record<string, unknown>>, inFlight = 8): Promise<number> {
  const chunks: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  const requests = await mapLimit(chunks, inFlight, (chunk) => store.batchWrite({ put: chunk }));
  return requests.reduce((a, b) => a + b, 0);
}

/** A COMPLETED activity of 2026Q4 (the i-th, its day cycling over `days` from 5 October) as the repository stores one. */
export function completedActivity(
  i: number,
  fields: Pick<ActivityRecord, 'id' | 'action' | 'organizationId' | 'organizationPath' | 'regionCode'>,
  now: string,
  days = 80,
): ActivityRecord {
  const startAt = new Date(Date.parse('2026-10-05T01:00:00Z') + (i % days) * 86400_000).toISOString();
  return {
    ...fields,
    title: `活动${i}`,
    description: null,
    teamId: null,
    workstationId: null,
    venueKind: 'COMMUNITY',
    venue: null,
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
  };
}

/** An AVAILABLE engineer without user, organization or teams, as the repository stores one; `fields` say who and where. */
export function availableExpert(
  fields: Pick<ExpertRecord, 'id' | 'name' | 'domains' | 'keywords' | 'origin' | 'regionCode' | 'serviceRegionCodes' | 'phone'>,
  now: string,
): ExpertRecord {
  return {
    ...fields,
    userId: null,
    title: 'ENGINEER',
    affiliation: null,
    organizationId: null,
    languages: ['MANDARIN', 'CANTONESE'],
    availability: 'AVAILABLE',
    maxOpenAssignments: 3,
    idNumber: null,
    bio: null,
    scopeOrganizationIds: [],
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}
