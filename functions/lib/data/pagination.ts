import { createHmac, timingSafeEqual } from 'node:crypto';
import { badInput } from '../errors.js';

/** Default and maximum page sizes of every connection. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  items: Array<{ node: T; cursor: string }>;
  hasNextPage: boolean;
  totalCount?: number;
}

/** Clamps `first`: absent → 20; outside 0..100 → BAD_USER_INPUT. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput('first', `first must be an integer between 0 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/**
 * Opaque cursors: the DynamoDB key to continue from, bound to the list it came from (`scope`) and
 * signed with HMAC-SHA256, so a client can neither forge a key nor reuse a cursor on another list.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  encode(scope: string, key: Record<string, unknown>): string {
    const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
    return `${payload}.${this.sign(scope, payload)}`;
  }

  decode(scope: string, cursor: string): Record<string, unknown> {
    const [payload, signature, extra] = cursor.split('.');
    if (!payload || !signature || extra !== undefined) throw badInput('after', 'Malformed cursor');
    const expected = Buffer.from(this.sign(scope, payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw badInput('after', 'Invalid cursor: it was not issued for this list');
    }
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  }

  private sign(scope: string, payload: string): string {
    return createHmac('sha256', this.secret).update(scope).update('\u0000').update(payload).digest('base64url');
  }
}

/**
 * The GraphQL connection shape for a page (Relay cursor connections, forward pagination only).
 * `startCursor` is the first edge's cursor (null when the page is empty); `endCursor` is the last edge's
 * cursor only when there is a next page (null on the last page: there is nothing after it);
 * `hasPreviousPage` is true when the page was asked for `after` a cursor, as the Relay spec allows a
 * server to answer for forward pagination (whether anything lies before the cursor is not looked up).
 */
export function toConnection<E extends { cursor: string }>(
  page: { items: E[]; hasNextPage: boolean; totalCount?: number },
  args: Pick<PageArgs, 'after'> = {},
) {
  const first = page.items.at(0);
  const last = page.items.at(-1);
  return {
    edges: page.items,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: Boolean(args.after),
      startCursor: first ? first.cursor : null,
      endCursor: page.hasNextPage && last ? last.cursor : null,
    },
    ...(page.totalCount !== undefined && { totalCount: page.totalCount }),
  };
}
