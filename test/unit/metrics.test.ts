import { afterEach, describe, expect, it, vi } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { buildServer, unavailableStatus } from '../../functions/lib/server.js';
import { AppError, ErrorCode } from '../../functions/lib/errors.js';
import { anonymous } from '../../functions/lib/auth/principal.js';
import type { Context } from '../../functions/lib/context.js';

describe('per-operation metrics', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('publishes one EMF line per operation with its duration and error count under the operation name', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const lines: string[] = [];
    const metrics = new Metrics({ namespace: 'Kezhi', serviceName: 'kezhi-test' });
    // Powertools writes EMF lines to its own console on stdout.
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = new Logger({ logLevel: 'ERROR' });
    const server = buildServer({ logger, introspection: false, metrics });
    await server.start();
    await server.executeOperation(
      { query: 'query Roots { regions { code } }' },
      { contextValue: { principal: anonymous, logger, requestId: 'r' } as unknown as Context },
    );
    spy.mockRestore();
    await server.stop();
    const emf = lines
      .map((l) => l.trim())
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ operation: 'Roots', OperationErrors: 0, service: 'kezhi-test' });
    expect(typeof emf[0]?.OperationDuration).toBe('number');
  });
});

describe('error metrics and the HTTP status of a failed database', () => {
  afterEach(() => vi.unstubAllEnvs());

  const schema = makeExecutableSchema({
    typeDefs: 'type Query { down: Int  broken: Int  fine: Int  required: Int! }',
    resolvers: {
      Query: {
        down: () => {
          throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The service is temporarily unavailable; retry in a moment', { retryable: true });
        },
        broken: () => {
          throw new Error('a bug');
        },
        fine: () => 1,
        required: () => {
          throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The service is temporarily unavailable; retry in a moment', { retryable: true });
        },
      },
    },
  });

  async function run(query: string) {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = new Logger({ logLevel: 'CRITICAL' });
    const server = buildServer({ logger, introspection: false, metrics: new Metrics({ namespace: 'Kezhi', serviceName: 'kezhi-test' }), schema });
    await server.start();
    const response = await server.executeOperation({ query }, { contextValue: { principal: anonymous, logger, requestId: 'r' } as unknown as Context });
    spy.mockRestore();
    await server.stop();
    const emf = lines
      .map((l) => l.trim())
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: Array<{ Dimensions: string[][] }> } });
    return { status: response.http.status, emf };
  }

  it('counts internal and unavailable errors, also under the service alone (what the alarms watch)', async () => {
    const { emf } = await run('query Mixed { down broken fine }');
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ operation: 'Mixed', OperationErrors: 2, InternalErrors: 1, UnavailableErrors: 1 });
    expect(emf[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'operation'], ['service']]);
  });

  it('answers 503 when the operation failed only because the database did, and 200 for a partial result or another error', async () => {
    expect((await run('{ required }')).status).toBe(503);
    expect((await run('{ down }')).status).toBe(503);
    expect((await run('{ down fine }')).status).toBeUndefined();
    expect((await run('{ down broken }')).status).toBeUndefined();
  });
});

describe('Function: unavailableStatus', () => {
  const unavailable = { message: 'x', extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } };
  it('is 503 only with errors, all SERVICE_UNAVAILABLE, and no root field holding a value', () => {
    expect(unavailableStatus(null, [unavailable])).toBe(503);
    expect(unavailableStatus({ a: null, b: null }, [unavailable, unavailable])).toBe(503);
    expect(unavailableStatus({ a: 1, b: null }, [unavailable])).toBeUndefined();
    expect(unavailableStatus(null, [unavailable, { message: 'y', extensions: { code: 'FORBIDDEN' } }])).toBeUndefined();
    expect(unavailableStatus({ a: 1 }, undefined)).toBeUndefined();
  });
});
