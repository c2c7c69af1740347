import { describe, expect, it } from 'vitest';
import { CursorCodec, pageSize, toConnection } from '../../functions/lib/data/pagination.js';
import { AppError } from '../../functions/lib/errors.js';

describe('CursorCodec', () => {
  const codec = new CursorCodec('secret');

  it('round-trips a key within its scope', () => {
    const key = { PK: 'IX#ORG', SK: '4401#a' };
    expect(codec.decode('s', codec.encode('s', key))).toEqual(key);
  });

  it.each([
    ['another scope', (c: string) => ({ scope: 'other', cursor: c })],
    ['a changed payload', (c: string) => ({ scope: 's', cursor: `${Buffer.from('{"PK":"x"}').toString('base64url')}.${c.split('.')[1]}` })],
    ['a missing signature', (c: string) => ({ scope: 's', cursor: c.split('.')[0] as string })],
    ['another secret', (c: string) => ({ scope: 's', cursor: c, codec: new CursorCodec('other') })],
  ])('rejects %s with BAD_USER_INPUT on after', (_name, mutate) => {
    const cursor = codec.encode('s', { PK: 'a', SK: 'b' });
    const { scope, cursor: bad, codec: other } = mutate(cursor) as { scope: string; cursor: string; codec?: CursorCodec };
    try {
      (other ?? codec).decode(scope, bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('BAD_USER_INPUT');
      expect((error as AppError).field).toBe('after');
    }
  });
});

describe('pageSize', () => {
  it('defaults to 20 and accepts 0..100', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(null)).toBe(20);
    expect(pageSize(0)).toBe(0);
    expect(pageSize(100)).toBe(100);
  });
  it('refuses values outside 0..100', () => {
    expect(() => pageSize(101)).toThrow(AppError);
    expect(() => pageSize(-1)).toThrow(AppError);
    expect(() => pageSize(1.5)).toThrow(AppError);
  });
});

describe('toConnection', () => {
  it('sets endCursor only when there is a next page', () => {
    const items = [
      { node: 1, cursor: 'a' },
      { node: 2, cursor: 'b' },
    ];
    expect(toConnection({ items, hasNextPage: true }).pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: 'a', endCursor: 'b' });
    expect(toConnection({ items, hasNextPage: false }).pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: 'a', endCursor: null });
    expect(toConnection({ items: [], hasNextPage: false }).edges).toEqual([]);
  });

  it('sets hasPreviousPage when the page was asked for after a cursor, and startCursor to the first edge (null when empty)', () => {
    const items = [{ node: 1, cursor: 'c' }];
    expect(toConnection({ items, hasNextPage: false }, { after: 'b' }).pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: 'c',
      endCursor: null,
    });
    expect(toConnection({ items: [], hasNextPage: false }, { after: null }).pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: null,
      endCursor: null,
    });
  });
});
