import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ensureTable, localClient } from '../../infra/local/dynamoLocal.js';
import { createStreamPoller } from '../../infra/local/streamPoller.js';
import { dynamoEndpoint } from '../support/dynamoPerFile.js';

/** The `id` of a stream record's new image. */
const idOf = (record: DynamoDBRecord) => String(unmarshall((record.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>).id);

/**
 * The local stream poller stands in for Lambda's event source mapping: a record that always fails is
 * retried a bounded number of times, then skipped with one report, and never holds back the records
 * after it, in its batch or in later polls.
 */
describe('Local stream poller: a poison record', () => {
  let tableName: string;
  const endpoint = () => dynamoEndpoint();
  const write = async (...ids: string[]) => {
    const client = localClient(endpoint());
    try {
      for (const id of ids) await client.send(new PutItemCommand({ TableName: tableName, Item: { PK: { S: `T#${id}` }, SK: { S: '#T' }, id: { S: id } } }));
    } finally {
      client.destroy();
    }
  };

  beforeEach(async () => {
    tableName = `kezhi-poller-${randomUUID()}`;
    await ensureTable(endpoint(), tableName);
  });

  /** A poller over the table whose handler fails `poison` (as a batch item failure, or by throwing) and records what it saw. */
  function pollerFailing(poison: string, how: 'report' | 'throw') {
    const seen: string[] = [];
    const errors: string[] = [];
    let invocations = 0;
    const poller = createStreamPoller({
      endpoint: endpoint(),
      tableName,
      onError: (e) => errors.push(String(e)),
      handler: async (event): Promise<DynamoDBBatchResponse> => {
        invocations += 1;
        const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
        for (const record of event.Records) {
          if (idOf(record) === poison) {
            if (how === 'throw') throw new Error(`cannot handle ${poison}`);
            batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
          } else seen.push(idOf(record));
        }
        return { batchItemFailures };
      },
    });
    return { poller, seen, errors, invocations: () => invocations };
  }

  it('retries a record reported as failed 3 times, skips it with one report, and delivers the others', async () => {
    const { poller, seen, errors, invocations } = pollerFailing('b', 'report');
    await write('a', 'b', 'c');
    await poller.drain();
    expect(invocations()).toBe(3);
    // Records after the failed one are delivered again with it (at least once, as with ReportBatchItemFailures).
    expect([...new Set(seen)].sort()).toEqual(['a', 'c']);
    expect(seen.filter((id) => id === 'a')).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/stream records failed 3 times and were skipped: \d+/);

    // The shard moves on: later records arrive, the poison one is not tried again.
    await write('d');
    await poller.drain();
    expect(seen.at(-1)).toBe('d');
    expect(invocations()).toBe(4);
    expect(errors).toHaveLength(1);
    await poller.stop();
  });

  it('treats a handler that throws as a failed batch: retried 3 times, then skipped with one report; later records still arrive', async () => {
    const { poller, seen, errors, invocations } = pollerFailing('b', 'throw');
    await write('a', 'b', 'c');
    await poller.drain();
    expect(invocations()).toBe(3);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/stream records failed 3 times and were skipped: \d+, \d+, \d+ \(the handler threw Error: cannot handle b\)$/);
    await write('d');
    await poller.drain();
    expect(seen.at(-1)).toBe('d');
    expect(errors).toHaveLength(1);
    await poller.stop();
  });
});
