import { afterEach, describe, expect, it, vi } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { buildServer } from '../../functions/lib/server.js';
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
