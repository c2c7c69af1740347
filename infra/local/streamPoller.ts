import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ExpiredIteratorException,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { localClient } from './dynamoLocal.js';
import { passesFilters } from './eventPattern.js';
import { lambdaContext } from './invocation.js';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/**
 * How often a failed record (or a batch whose handler threw) is tried before it is logged and skipped
 * (Lambda's on-failure destination): a poison record neither blocks its shard nor is retried without bound.
 */
const MAX_ATTEMPTS = 3;

/** A stream record from GetRecords in the shape Lambda hands to a function. */
function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...dynamodb } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(dynamodb as DynamoDBRecord['dynamodb']),
      ...(ApproximateCreationDateTime && { ApproximateCreationDateTime: Math.floor(new Date(ApproximateCreationDateTime).getTime() / 1000) }),
    },
  };
}

/** The longest wait between polls while the stream keeps failing (DynamoDB Local stopped, restarting, …). */
export const MAX_BACKOFF_MS = 5000;

/**
 * The wait before the next poll: none after records (there may be more), `intervalMs` after an empty
 * poll, and after the `failures`-th failure in a row `intervalMs` doubled each time, capped at `maxBackoffMs`.
 */
export function nextPollDelay(outcome: { records: number; failures: number }, intervalMs: number, maxBackoffMs = MAX_BACKOFF_MS): number {
  if (outcome.failures > 0) return Math.min(maxBackoffMs, intervalMs * 2 ** outcome.failures);
  return outcome.records > 0 ? 0 : intervalMs;
}

/** An error as one log line: its name, code and first message line (the SDK's connection errors may have an empty message). */
export function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as Error & { code?: unknown }).code;
  const message = error.message.split('\n')[0] ?? '';
  return [error.name, typeof code === 'string' && !message.includes(code) ? code : '', message].filter(Boolean).join(': ');
}

/**
 * Calls `poll` until stopped, waiting as `nextPollDelay` says. A streak of failures is reported once, at
 * its first failure (`onFailing`), and its end once (`onRecovered`, with the number of failed polls).
 */
export function startPolling(
  poll: () => Promise<number>,
  options: { intervalMs: number; maxBackoffMs?: number; onFailing?: (error: unknown) => void; onRecovered?: (failures: number) => void },
) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failures = 0;
  let running: Promise<void> | undefined;
  const tick = async () => {
    let records = 0;
    try {
      records = await poll();
      if (failures > 0) options.onRecovered?.(failures);
      failures = 0;
    } catch (error) {
      failures += 1;
      if (failures === 1) options.onFailing?.(error);
    }
    if (stopped) return;
    timer = setTimeout(
      () => {
        running = tick();
      },
      nextPollDelay({ records, failures }, options.intervalMs, options.maxBackoffMs),
    );
  };
  running = tick();
  return {
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** What the poller reads and whom it hands the records to. */
export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  handler: StreamHandler;
  intervalMs?: number;
  /** Records given up on (unless `onSkipped` is given), and the first failure of a streak of failed polls (one call per streak). */
  onError?: (error: unknown) => void;
  /** Records given up on after MAX_ATTEMPTS (by default `onError`). */
  onSkipped?: (error: Error) => void;
  /** The end of a streak of failed polls, with how many failed. */
  onRecovered?: (failures: number) => void;
  /** The longest wait between polls while they fail (default MAX_BACKOFF_MS). */
  maxBackoffMs?: number;
  /**
   * The event source mapping's filter patterns (infra/KezhiStack.ts: `needStreamFilter`): as on AWS, a record that
   * matches none is dropped before the handler sees it. Without filters every record is delivered.
   */
  filters?: readonly unknown[];
}

/**
 * Feeds DynamoDB Local's real table stream to the stream handler, as Lambda's event source mapping
 * does on AWS: filtered (`filters`), batches in order, partial batch failures retried, then skipped with a log line.
 */
export function createStreamPoller(options: StreamPollerOptions) {
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: 'ap-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const iterators = new Map<string, string | null>();
  let streamArn: string | undefined;
  let polling: ReturnType<typeof startPolling> | undefined;
  let running: Promise<number> | undefined;
  const tracked = () => (running = pollOnce());

  async function refreshShards(): Promise<void> {
    if (!streamArn) {
      const ddb = localClient(options.endpoint);
      try {
        streamArn = (await ddb.send(new DescribeTableCommand({ TableName: options.tableName }))).Table?.LatestStreamArn;
      } finally {
        ddb.destroy();
      }
      if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);
    }
    const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      const it = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      iterators.set(shard.ShardId, it.ShardIterator ?? null);
    }
  }

  async function deliver(records: DynamoDBRecord[]): Promise<void> {
    let pending = records;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const context = lambdaContext('kezhi-streams-local');
      const batch = pending;
      let thrown: unknown;
      // A handler that throws failed the whole batch: Lambda retries all of it (the iterator has moved on, so it must not be lost).
      const failed = await options.handler({ Records: batch }, context).then(
        (response) => new Set(response.batchItemFailures.map((f) => f.itemIdentifier)),
        (error: unknown) => {
          thrown = error;
          return new Set(batch.map((r) => r.dynamodb?.SequenceNumber ?? ''));
        },
      );
      if (failed.size === 0) return;
      // As with ReportBatchItemFailures: retry from the first failed record on.
      const first = pending.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      if (attempt >= MAX_ATTEMPTS) {
        const cause = thrown === undefined ? '' : ` (the handler threw ${oneLine(thrown)})`;
        const skipped = new Error(`stream records failed ${MAX_ATTEMPTS} times and were skipped: ${[...failed].join(', ')}${cause}`);
        (options.onSkipped ?? options.onError)?.(skipped);
        return;
      }
      pending = pending.slice(Math.max(first, 0));
    }
  }

  /** Reads every shard once and hands new records to the handler; returns how many there were. */
  async function pollOnce(): Promise<number> {
    await refreshShards();
    let count = 0;
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      try {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
        iterators.set(shardId, out.NextShardIterator ?? null);
        const records = (out.Records ?? []).map((r) => toLambdaRecord(r, streamArn as string));
        count += records.length;
        const passing = records.filter((r) => passesFilters(options.filters, r));
        if (passing.length) await deliver(passing);
      } catch (error) {
        if (error instanceof ExpiredIteratorException) iterators.delete(shardId);
        else throw error;
      }
    }
    return count;
  }

  return {
    pollOnce,
    /** Polls until the stream has nothing new (tests call this after a write, like waiting for Lambda). */
    async drain(): Promise<void> {
      await running?.catch(() => 0);
      while ((await pollOnce()) > 0);
    },
    /** Polls in the background; while polls fail it backs off exponentially and reports the streak once. */
    start(): void {
      polling = startPolling(tracked, {
        intervalMs: options.intervalMs ?? 200,
        ...(options.maxBackoffMs !== undefined && { maxBackoffMs: options.maxBackoffMs }),
        ...(options.onError && { onFailing: options.onError }),
        ...(options.onRecovered && { onRecovered: options.onRecovered }),
      });
    },
    async stop(): Promise<void> {
      await polling?.stop();
      polling = undefined;
      streams.destroy();
    },
  };
}
