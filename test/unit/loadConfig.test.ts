import { describe, expect, it, vi } from 'vitest';
import { lazyHandler, loadConfig } from '../../functions/lib/app.js';

const env = { TABLE_NAME: 'kezhi', AWS_REGION: 'ap-east-1', COGNITO_USER_POOL_ID: 'ap-east-1_x', COGNITO_CLIENT_IDS: 'a,b' };

describe('Function: loadConfig', () => {
  it('reads the cursor secret from Secrets Manager by its ARN (once) and traces the SDK clients on AWS', async () => {
    const readSecret = vi.fn(async () => 'from-secrets-manager');
    const config = await loadConfig({ ...env, CURSOR_SECRET_ARN: 'arn:aws:secretsmanager:ap-east-1:1:secret:cursor' }, readSecret);
    expect(readSecret).toHaveBeenCalledExactlyOnceWith('arn:aws:secretsmanager:ap-east-1:1:secret:cursor');
    expect(config.cursorSecret).toBe('from-secrets-manager');
    expect(config.traceClient).toBeTypeOf('function');
    const client = { middlewareStack: { add: () => undefined, remove: () => true, use: () => undefined } };
    expect(config.traceClient?.(client)).toBe(client);
  });

  it('keeps the local secret and no tracer without CURSOR_SECRET_ARN (the local runner, tests)', async () => {
    const readSecret = vi.fn(async () => 'unused');
    const config = await loadConfig({ ...env, CURSOR_SECRET: 'local-secret' }, readSecret);
    expect(readSecret).not.toHaveBeenCalled();
    expect(config.cursorSecret).toBe('local-secret');
    expect(config.traceClient).toBeUndefined();
  });
});

describe('Function: lazyHandler', () => {
  it('builds the handler on the first invocation only, and builds again after a failed build', async () => {
    let builds = 0;
    const handler = lazyHandler(async () => {
      builds += 1;
      if (builds === 1) throw new Error('Secrets Manager unreachable');
      return async (event: number, context: string) => `${context}:${event * 2}`;
    });
    await expect(handler(1, 'a')).rejects.toThrow(/unreachable/);
    expect(await handler(2, 'b')).toBe('b:4');
    expect(await handler(3, 'c')).toBe('c:6');
    expect(builds).toBe(2);
  });
});
