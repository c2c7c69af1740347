import { describe, expect, it } from 'vitest';
import { parseSmokeArgs } from '../../infra/scripts/smoke.js';

const base = ['--url', 'https://abc.execute-api.ap-east-1.amazonaws.com/graphql', '--ws-url', 'wss://def.execute-api.ap-east-1.amazonaws.com/live'];

describe('Function: parseSmokeArgs', () => {
  it('reads the URLs, the token (without its Bearer prefix), the optional alarm and the default timeout', () => {
    expect(parseSmokeArgs([...base, '--token', 'Bearer eyJ.x.y', '--alarm', 'Kezhi-prod-GraphqlErrors'])).toEqual({
      url: base[1],
      wsUrl: base[3],
      token: 'eyJ.x.y',
      alarm: 'Kezhi-prod-GraphqlErrors',
      timeoutMs: 10_000,
    });
    expect(parseSmokeArgs([...base, '--token', 't', '--timeout-ms', '2500'])).toEqual({ url: base[1], wsUrl: base[3], token: 't', timeoutMs: 2500 });
  });

  it('refuses a missing token, non-https or non-wss URLs, a bad timeout and unknown flags', () => {
    expect(() => parseSmokeArgs(base)).toThrow(/--token/);
    expect(() => parseSmokeArgs(['--url', 'http://x/graphql', '--ws-url', base[3] ?? '', '--token', 't'])).toThrow(/--url/);
    expect(() => parseSmokeArgs(['--url', base[1] ?? '', '--ws-url', 'ws://x', '--token', 't'])).toThrow(/--ws-url/);
    expect(() => parseSmokeArgs([...base, '--token', 't', '--timeout-ms', '0'])).toThrow(/--timeout-ms/);
    expect(() => parseSmokeArgs([...base, '--token', 't', '--stage', 'prod'])).toThrow();
  });
});
