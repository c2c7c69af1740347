import { describe, expect, it } from 'vitest';
import { DEFAULT_DB_TIMEOUTS, createDocumentClient, dbTimeoutsFromEnv } from '../../functions/lib/data/client.js';

describe('Function: dbTimeoutsFromEnv', () => {
  it('uses the Lambda defaults where nothing is set: 1 s to connect, 2 s a request, 3 attempts', () => {
    expect(dbTimeoutsFromEnv({})).toEqual({ connectTimeoutMs: 1000, requestTimeoutMs: 2000, maxAttempts: 3 });
    expect(DEFAULT_DB_TIMEOUTS).toEqual(dbTimeoutsFromEnv({}));
  });

  it('reads each setting from its variable', () => {
    const env = { DYNAMODB_CONNECT_TIMEOUT_MS: '250', DYNAMODB_REQUEST_TIMEOUT_MS: '800', DYNAMODB_MAX_ATTEMPTS: '5' };
    expect(dbTimeoutsFromEnv(env)).toEqual({ connectTimeoutMs: 250, requestTimeoutMs: 800, maxAttempts: 5 });
  });

  it('refuses a value that is not a positive integer, naming the variable', () => {
    expect(() => dbTimeoutsFromEnv({ DYNAMODB_REQUEST_TIMEOUT_MS: '2s' })).toThrow(/DYNAMODB_REQUEST_TIMEOUT_MS/);
    expect(() => dbTimeoutsFromEnv({ DYNAMODB_MAX_ATTEMPTS: '0' })).toThrow(/DYNAMODB_MAX_ATTEMPTS/);
  });
});

describe('Function: createDocumentClient', () => {
  it('gives the SDK the attempts and its standard retry mode (bounded retries with backoff)', async () => {
    const client = createDocumentClient({ tableName: 't', endpoint: 'http://127.0.0.1:1', timeouts: { maxAttempts: 4 } });
    expect(await client.config.maxAttempts()).toBe(4);
    expect(await client.config.retryStrategy()).toMatchObject({ mode: 'standard' });
    client.destroy();
  });
});
