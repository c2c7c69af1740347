/**
 * Background data for the benchmarks, written fast: the items the repositories would write (their own item builders),
 * 25 per BatchWriteItem with several requests in flight, instead of one transaction or GraphQL mutation per entity.
 */
import type { Store, WriteOp } from '../../functions/lib/data/store.js';
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
