/**
 * Server processes for the benchmarks that measure over loopback (rows 8 and 9): each server runs in its own Node
 * process (as `npm start` does), so that the load generator or the WebSocket clients in the benchmark's process do not
 * share its event loop.
 */
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AppConfig } from '../../../functions/lib/app.js';
import { BUNDLED, runScript } from '../../support/runner.js';

export interface BenchServer {
  /** http://127.0.0.1:PORT/graphql */
  url: string;
  stop(): Promise<void>;
}

/** The environment that makes a server process run with `config` (the local runner's variables). */
export function serverEnv(config: AppConfig): NodeJS.ProcessEnv {
  if (config.auth.kind !== 'local') throw new Error('benchmark servers verify local tokens');
  return {
    TABLE_NAME: config.tableName,
    DYNAMODB_ENDPOINT: config.dynamoEndpoint,
    CURSOR_SECRET: config.cursorSecret,
    LOCAL_JWT_PUBLIC_JWK: JSON.stringify(config.auth.publicJwk),
    POWERTOOLS_LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

/**
 * Starts `script` (a test/bench/servers/ module that prints "listening on PORT") and waits until it listens. It runs
 * bundled, as `npm start` runs the local runner (infra/local/bundled.js), not through tsx: the code the benchmark measures
 * is the code `npm start` runs (row 8 showed no difference in throughput either way, docs/performance.md).
 */
export function spawnServer(script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<BenchServer> {
  const child = runScript(BUNDLED, [script], env, nodeArgs);
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not listen within 60 s:\n${out}`)), 60_000);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const onData = (d: Buffer) => {
      out += d.toString();
      const port = /listening on (\d+)/.exec(out)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      // BENCH_SERVER_LOG=1: the server's log lines (its level from POWERTOOLS_LOG_LEVEL) go on to the benchmark's stderr.
      if (process.env.BENCH_SERVER_LOG) {
        process.stderr.write(out);
        child.stdout?.pipe(process.stderr, { end: false });
        child.stderr?.pipe(process.stderr, { end: false });
      }
      resolve({
        url: `http://127.0.0.1:${port}/graphql`,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before it listened:\n${out}`));
    });
  });
}

/** Deletes a benchmark's table, so that later rows do not run against a bloated DynamoDB Local. */
export async function deleteTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch {
    // Already gone, or the database stopped: nothing to clean.
  } finally {
    client.destroy();
  }
}
