import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { freePort, startDynamoLocal, type DynamoLocal } from '../../infra/local/dynamoLocal.js';

/** Short timeouts so a failing database is seen in about a second: 2 attempts × 500 ms plus the SDK's backoff. */
const timeouts = { connectTimeoutMs: 300, requestTimeoutMs: 500, maxAttempts: 2 };
/** The longest a failing call may take with `timeouts`: every attempt timed out, the backoff (≤ 200 ms here) and slack for a busy machine. */
const budgetMs = timeouts.maxAttempts * timeouts.requestTimeoutMs + 200 + 1500;

const ORGANIZATION = '{ organization(id: "org-none") { id } }';

const timed = async <T>(run: () => Promise<T>) => {
  const started = Date.now();
  const result = await run();
  return { result, ms: Date.now() - started };
};

describe('Faults: an unreachable database', () => {
  let app: TestApp;
  beforeAll(async () => {
    // A free port nobody listens on: every connection is refused.
    const port = await freePort();
    app = await createTestApp({ endpoint: `http://127.0.0.1:${port}`, createTable: false, dbTimeouts: timeouts });
  });

  it('answers SERVICE_UNAVAILABLE, retryable, with HTTP 503 within the configured timeout', async () => {
    const { result: res, ms } = await timed(() => app.gql('{ organizations(first: 5) { edges { node { id } } } }'));
    expect(res.status).toBe(503);
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect(ms).toBeLessThan(budgetMs);
    // Not masked: nothing logged as an unexpected internal error.
    expect(app.logs.filter((l) => l.includes('unexpected error'))).toEqual([]);
  });

  it('answers 503 too when every root field failed and is null', async () => {
    const res = await app.gql(ORGANIZATION);
    expect(res.status).toBe(503);
    expect(res.data).toEqual({ organization: null });
    expect(res.errors?.map((e) => e.extensions)).toEqual([{ code: 'SERVICE_UNAVAILABLE', retryable: true }]);
  });

  it('keeps HTTP 200 for a partial result: the fields that need no database answer, the others are SERVICE_UNAVAILABLE', async () => {
    const res = await app.gql(`{ regions { code } organization(id: "org-none") { id } }`);
    expect(res.status).toBe(200);
    expect(res.data?.regions.length).toBeGreaterThan(0);
    expect(res.data?.organization).toBeNull();
    expect(res.errors?.map((e) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
  });
});

describe('Faults: a frozen database (SIGSTOP) that comes back (SIGCONT)', () => {
  let dynamo: DynamoLocal;
  let app: TestApp;
  beforeAll(async () => {
    // Its own DynamoDB Local: freezing the shared one would stall every other test file.
    dynamo = await startDynamoLocal();
    app = await createTestApp({ endpoint: dynamo.endpoint, dbTimeouts: timeouts });
  });
  afterAll(async () => {
    if (dynamo.process.pid) process.kill(dynamo.process.pid, 'SIGCONT');
    await dynamo.stop();
  });

  it('fails within the configured timeout with SERVICE_UNAVAILABLE and HTTP 503, then recovers', async () => {
    const pid = dynamo.process.pid as number;
    const healthy = await app.gql(ORGANIZATION);
    expect(healthy).toMatchObject({ status: 200, data: { organization: null }, errors: undefined });

    process.kill(pid, 'SIGSTOP');
    try {
      const { result: frozen, ms } = await timed(() => app.gql(ORGANIZATION));
      expect(frozen.status).toBe(503);
      expect(frozen.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      // It waited for the timeouts (a request did time out) but not longer.
      expect(ms).toBeGreaterThanOrEqual(timeouts.requestTimeoutMs);
      expect(ms).toBeLessThan(budgetMs);
    } finally {
      process.kill(pid, 'SIGCONT');
    }

    const recovered = await app.gql(ORGANIZATION);
    expect(recovered).toMatchObject({ status: 200, data: { organization: null }, errors: undefined });
  });
});
