import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDynamoLocal, type DynamoLocal } from '../../infra/local/dynamoLocal.js';

/**
 * Hands each integration test file a DynamoDB Local of its own, and keeps one started ahead so a file does not wait for
 * the JVM. A database shared by a whole run gets slower with every file: DynamoDB Local keeps the stream records of every
 * table it ever had in one SQLite table, and with each request on a table it looks for that stream's oldest record by
 * scanning from the oldest record of any stream (even of deleted tables) — so the later a table is created, the more
 * each of its requests scans.
 */
export interface DynamoPool {
  /** A fresh database's endpoint (the one started ahead, if it is ready). */
  acquire(): Promise<string>;
  /** Stops the database at `endpoint`. */
  release(endpoint: string): Promise<void>;
  /** Stops every database, the one started ahead too. */
  close(): Promise<void>;
}

export function createDynamoPool(start: () => Promise<DynamoLocal> = () => startDynamoLocal()): DynamoPool {
  const running = new Map<string, DynamoLocal>();
  let ahead: Promise<DynamoLocal> | undefined;
  // A failed start ahead is reported by the acquire that takes it, not as an unhandled rejection.
  const startAhead = () => {
    ahead = start();
    ahead.catch(() => undefined);
  };
  return {
    async acquire() {
      const next = ahead ?? start();
      startAhead();
      const db = await next;
      running.set(db.endpoint, db);
      return db.endpoint;
    },
    async release(endpoint) {
      const db = running.get(endpoint);
      running.delete(endpoint);
      await db?.stop();
    },
    async close() {
      const spare = ahead;
      ahead = undefined;
      await Promise.all([
        ...[...running.values()].map((db) => db.stop()),
        spare?.then(
          (db) => db.stop(),
          () => undefined,
        ),
      ]);
      running.clear();
    },
  };
}

/** Serves the pool to test files in other processes: `POST /acquire` answers an endpoint, `POST /release?endpoint=` stops it. */
export async function servePool(pool: DynamoPool): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://pool');
    const answer = (status: number, body: string) => res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    const work =
      req.method === 'POST' && url.pathname === '/acquire'
        ? pool.acquire()
        : req.method === 'POST' && url.pathname === '/release'
          ? pool.release(url.searchParams.get('endpoint') ?? '').then(() => '')
          : Promise.reject(new Error(`no such pool operation: ${req.method} ${url.pathname}`));
    work.then(
      (body) => answer(200, body),
      (error: unknown) => answer(500, error instanceof Error ? error.message : String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Asks the pool at `poolUrl` for `operation`; throws with the pool's message when it fails. */
export async function askPool(poolUrl: string, operation: 'acquire' | 'release', endpoint?: string): Promise<string> {
  const query = endpoint ? `?endpoint=${encodeURIComponent(endpoint)}` : '';
  const response = await fetch(`${poolUrl}/${operation}${query}`, { method: 'POST' });
  const body = await response.text();
  if (!response.ok) throw new Error(`DynamoDB Local pool: ${body}`);
  return body;
}
