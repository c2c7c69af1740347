import { describe, expect, it } from 'vitest';
import { displayUrl, ideSampleTokens, isLoopback, listenHost } from '../../infra/local/host.js';

describe('Function: listenHost', () => {
  it('binds the loopback interface unless HOST is set', () => {
    expect(listenHost({})).toBe('127.0.0.1');
    expect(listenHost({ HOST: '' })).toBe('127.0.0.1');
    expect(listenHost({ HOST: '0.0.0.0' })).toBe('0.0.0.0');
  });
});

describe('Function: isLoopback', () => {
  it('accepts 127.0.0.0/8, ::1 and localhost and refuses wildcard and network addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'kezhi.example.org', '127.example.org']) expect(isLoopback(host), host).toBe(false);
  });
});

describe('Function: ideSampleTokens', () => {
  const tokens = { 'PROVINCE_ADMIN (省科协组织联络部)': 'eyJ.province', 'REQUESTER (owner of the demo needs)': 'eyJ.requester' };

  it('embeds the sample tokens on a loopback host', () => {
    expect(ideSampleTokens('127.0.0.1', tokens)).toEqual(tokens);
  });

  it('embeds no token, PROVINCE_ADMIN included, when the runner is reachable from the network', () => {
    expect(ideSampleTokens('0.0.0.0', tokens)).toEqual({});
    expect(ideSampleTokens('192.168.1.20', tokens)).toEqual({});
  });
});

describe('Function: displayUrl', () => {
  it('prints the bound address, a wildcard as localhost and IPv6 in brackets', () => {
    expect(displayUrl('127.0.0.1', 4000, '/graphql')).toBe('http://127.0.0.1:4000/graphql');
    expect(displayUrl('0.0.0.0', 4000, '/graphql')).toBe('http://localhost:4000/graphql');
    expect(displayUrl('::1', 4000, '/graphql')).toBe('http://[::1]:4000/graphql');
  });
});
