import { describe, expect, it } from 'vitest';
import { anonymous } from '../../functions/lib/auth/principal.js';
import { AppError } from '../../functions/lib/errors.js';
import { idempotencyKey } from '../../functions/lib/data/keys.js';
import { callerOf, canonicalJson, keepsResponse, parseIdempotencyKey, requestHash } from '../../functions/lib/idempotency.js';

describe('Function: parseIdempotencyKey', () => {
  it('accepts a UUID and other printable ASCII keys up to 255 characters', () => {
    expect(parseIdempotencyKey('3f1c2d9e-7a51-4d0b-9c3e-2b7f0e6a1c55')).toBe('3f1c2d9e-7a51-4d0b-9c3e-2b7f0e6a1c55');
    expect(parseIdempotencyKey('x'.repeat(255))).toHaveLength(255);
  });

  it.each([[''], ['x'.repeat(256)], ['has space'], ['键'], ['tab\there']])('refuses %j as BAD_USER_INPUT on Idempotency-Key', (raw) => {
    const refused = (() => {
      try {
        parseIdempotencyKey(raw);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Idempotency-Key' });
  });
});

describe('Function: requestHash', () => {
  const query = 'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id } } }';

  it('hashes the same request alike whatever the order of its variables', () => {
    const a = requestHash({ query, variables: { input: { title: 't', regionCode: '4401' } } });
    expect(requestHash({ query, variables: { input: { regionCode: '4401', title: 't' } }, operationName: null })).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells requests apart by document, variables and operation name', () => {
    const base = requestHash({ query, variables: { input: { title: 't' } } });
    expect(requestHash({ query, variables: { input: { title: 'u' } } })).not.toBe(base);
    expect(requestHash({ query: `${query} `, variables: { input: { title: 't' } } })).not.toBe(base);
    expect(requestHash({ query, variables: { input: { title: 't' } }, operationName: 'Submit' })).not.toBe(base);
  });

  it('writes canonical JSON: sorted keys, undefined members left out, arrays in order', () => {
    expect(canonicalJson({ b: [2, 1], a: { d: null, c: 'x' }, e: undefined })).toBe('{"a":{"c":"x","d":null},"b":[2,1]}');
  });
});

describe('Function: keepsResponse', () => {
  it('keeps a response without errors, or whose errors lie below the mutation field', () => {
    expect(keepsResponse({}, 1)).toBe(true);
    expect(keepsResponse({ errors: [{ message: 'x', path: ['submitNeed', 'need', 'organization'] }] }, 1)).toBe(true);
  });

  it('refuses to keep a response whose one mutation field failed, or that failed before execution', () => {
    expect(keepsResponse({ errors: [{ message: 'x', path: ['submitNeed'] }] }, 1)).toBe(false);
    expect(keepsResponse({ errors: [{ message: 'bad variable' }] }, 1)).toBe(false);
  });

  it('keeps the response of several mutation fields even when one failed (another may have taken effect)', () => {
    expect(keepsResponse({ errors: [{ message: 'x', path: ['second'] }] }, 2)).toBe(true);
  });
});

describe('Function: callerOf', () => {
  it('scopes keys to the signed-in user or the partner platform, and gives anonymous callers none', () => {
    expect(callerOf({ ...anonymous, kind: 'USER', userId: 'u1' })).toBe('USER=u1');
    expect(callerOf({ ...anonymous, kind: 'PARTNER', partnerId: 'p1' })).toBe('PARTNER=p1');
    expect(callerOf(anonymous)).toBeNull();
    expect(idempotencyKey('USER=u1', 'k')).toEqual({ PK: 'IDEMPOTENCY#USER=u1', SK: 'KEY#k' });
  });
});
