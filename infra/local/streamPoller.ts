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
import { direct, lambdaContext, type Invoke } from './invocation.js';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/** How often a failed record is retried before it is logged and skipped (Lambda's on-failure destination). */
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

/** What the poller reads and whom it hands the records to. */
export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  handler: StreamHandler;
  intervalMs?: number;
  onError?: (error: unknown) => void;
  /** How each invocation runs (the runner keeps concurrent invocations apart, see invocation.ts). */
  invoke?: Invoke;
}

/**
 * Feeds DynamoDB Local's real table stream to the stream handler, as Lambda's event source mapping
 * does on AWS: batches in order, partial batch failures retried, then skipped with a log line.
 */
export function createStreamPoller(options: StreamPollerOptions) {
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: 'ap-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const iterators = new Map<string, string | null>();
  let streamArn: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

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
      const response = await (options.invoke ?? direct)(context, () => options.handler({ Records: pending }, context));
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      if (failed.size === 0) return;
      // As with ReportBatchItemFailures: retry from the first failed record on.
      const first = pending.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      if (attempt >= MAX_ATTEMPTS) {
        options.onError?.(new Error(`stream records failed ${MAX_ATTEMPTS} times and were skipped: ${[...failed].join(', ')}`));
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
        if (records.length) await deliver(records);
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
      await running;
      while ((await pollOnce()) > 0);
    },
    start(): void {
      const tick = async () => {
        running = pollOnce().catch((error: unknown) => {
          options.onError?.(error);
          return 0;
        });
        const n = await running;
        timer = setTimeout(() => void tick(), n > 0 ? 0 : (options.intervalMs ?? 200));
      };
      void tick();
    },
    async stop(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
      streams.destroy();
    },
  };
}
