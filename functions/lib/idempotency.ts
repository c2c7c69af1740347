import { createHash, randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import { OperationTypeNode } from './graphqlRuntime.js';
import type { FormattedExecutionResult } from 'graphql';
import type { Principal } from './auth/principal.js';
import type { Context } from './context.js';
import { AppError, ErrorCode, formatAppError } from './errors.js';

/** The request header that carries a mutation's idempotency key (header names arrive in lower case). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** The response header set on a replayed response. */
export const REPLAYED_HEADER = 'idempotent-replayed';
/** The field named in the errors about the key. */
export const IDEMPOTENCY_FIELD = 'Idempotency-Key';
/** How long a key is remembered: 24 hours. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** Longest key accepted (it is part of the item's sort key). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** A stored response must fit in one item (400 KB) with room to spare. */
export const MAX_STORED_RESPONSE_BYTES = 300 * 1024;

/** Options of the plugin; the defaults suit the GraphQL function (10 s timeout). */
export interface IdempotencyOptions {
  /** How long an IN_PROGRESS key is held before another attempt may take it over (longer than the function's timeout). */
  leaseMs?: number;
  /** Pauses between looks at a key another attempt is still working on; after the last, CONFLICT (retryable). */
  waitsMs?: readonly number[];
}

/** The caller a key belongs to: a signed-in user or a partner platform; null for anonymous callers (no key applies). */
export function callerOf(principal: Principal): string | null {
  if (principal.userId) return `USER=${principal.userId}`;
  if (principal.partnerId) return `PARTNER=${principal.partnerId}`;
  return null;
}

/** Validates the header's value: 1–255 printable ASCII characters without spaces (a UUID is the usual choice). */
export function parseIdempotencyKey(raw: string): string {
  if (raw.length === 0 || raw.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(raw)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `The Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces`, {
      field: IDEMPOTENCY_FIELD,
    });
  }
  return raw;
}

/** JSON with object keys sorted, so that the same variables in another key order hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** SHA-256 (hex) of what makes a request the same request: the document, its variables and the operation name. */
export function requestHash(request: { query: string; variables?: Record<string, unknown> | undefined; operationName?: string | null | undefined }): string {
  return createHash('sha256')
    .update(canonicalJson({ query: request.query, variables: request.variables ?? {}, operationName: request.operationName ?? null }))
    .digest('hex');
}

/**
 * Whether a mutation's response is kept for replay. A response whose one root field failed (an error
 * at the root: BAD_USER_INPUT, CONFLICT, FORBIDDEN…) is not kept: a transaction that failed wrote
 * nothing, so the key is released and may be used again. With several root fields, one of them may
 * have taken effect, so the response is kept whatever it holds.
 */
export function keepsResponse(result: Pick<FormattedExecutionResult, 'errors'>, rootFields: number): boolean {
  const failedAtRoot = (result.errors ?? []).some((e) => !e.path || e.path.length <= 1);
  return !failedAtRoot || rootFields > 1;
}

const single = (singleResult: FormattedExecutionResult, http: { status?: number; replayed?: boolean } = {}): GraphQLResponse => ({
  http: { ...(http.status && { status: http.status }), headers: new HeaderMap(http.replayed ? [[REPLAYED_HEADER, 'true']] : []) },
  body: { kind: 'single', singleResult },
});

const errorResponse = (error: AppError): GraphQLResponse => single({ errors: [formatAppError(error)] });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes mutations over HTTP safe to retry. A mutation sent with an `Idempotency-Key` header first claims
 * the key (one conditional put of an IN_PROGRESS record: caller + key, the request's hash, 24 h expiry).
 * On success the response is stored with it; a retry with the same key and request replays it (header
 * `Idempotent-Replayed: true`) without running the mutation again; the same key with another request is
 * CONFLICT on `Idempotency-Key`; a key still in progress is waited for briefly, then CONFLICT (retryable).
 * A mutation that failed releases the key. Queries and anonymous callers ignore the header.
 */
export function idempotencyPlugin(options: IdempotencyOptions = {}): ApolloServerPlugin<Context> {
  const leaseMs = options.leaseMs ?? 15_000;
  const waitsMs = options.waitsMs ?? [100, 200, 400, 800];
  return {
    async requestDidStart({ request, contextValue }) {
      const header = request.http?.headers.get(IDEMPOTENCY_HEADER);
      const caller = callerOf(contextValue.principal);
      if (header === undefined || caller === null) return;
      const repo = contextValue.repos.idempotency;
      // Set once this attempt holds the key: its response is stored, or the key released, when it is sent.
      let held: { key: string; claim: string; rootFields: number } | undefined;
      return {
        async responseForOperation({ operation, source, request: req }) {
          if (operation.operation !== OperationTypeNode.MUTATION) return null;
          try {
            const key = parseIdempotencyKey(header);
            const hash = requestHash({ query: source, variables: req.variables, operationName: req.operationName });
            // Fresh per attempt: request ids need not be unique (local runs), and only this attempt may finish what it claimed.
            const claim = randomUUID();
            for (let attempt = 0; ; attempt += 1) {
              const nowMs = Date.parse(contextValue.now());
              const result = await repo.claim(
                { caller, key, requestHash: hash, claim, inProgressUntil: nowMs + leaseMs, expiresAt: Math.floor(nowMs / 1000) + IDEMPOTENCY_TTL_SECONDS },
                nowMs,
              );
              if (result.claimed) {
                held = { key, claim, rootFields: operation.selectionSet.selections.length };
                return null;
              }
              const { record } = result;
              if (record.requestHash !== hash) {
                return errorResponse(new AppError(ErrorCode.CONFLICT, 'This Idempotency-Key was used with a different request', { field: IDEMPOTENCY_FIELD }));
              }
              if (record.status === 'COMPLETED') {
                if (record.response === undefined) {
                  return errorResponse(
                    new AppError(ErrorCode.CONFLICT, 'This request was already processed; its response was too large to keep', { field: IDEMPOTENCY_FIELD }),
                  );
                }
                contextValue.logger.info('idempotent replay', { requestId: contextValue.requestId, operationName: req.operationName ?? null });
                return single(JSON.parse(record.response) as FormattedExecutionResult, {
                  ...(record.httpStatus !== undefined && { status: record.httpStatus }),
                  replayed: true,
                });
              }
              const wait = waitsMs[attempt];
              if (wait === undefined) {
                return errorResponse(
                  new AppError(ErrorCode.CONFLICT, 'The same request is still being processed; retry in a moment', {
                    field: IDEMPOTENCY_FIELD,
                    retryable: true,
                  }),
                );
              }
              await sleep(wait);
            }
          } catch (error) {
            if (error instanceof AppError) return errorResponse(error);
            throw error;
          }
        },

        async willSendResponse({ response }) {
          if (!held) return;
          const { key, claim, rootFields } = held;
          held = undefined;
          try {
            if (response.body.kind !== 'single' || !keepsResponse(response.body.singleResult, rootFields)) {
              await repo.release(caller, key, claim);
              return;
            }
            const body = JSON.stringify(response.body.singleResult);
            const fits = Buffer.byteLength(body) <= MAX_STORED_RESPONSE_BYTES;
            const stored = await repo.complete(caller, key, claim, {
              ...(fits && { body }),
              ...(response.http.status !== undefined && response.http.status !== 200 && { httpStatus: response.http.status }),
            });
            if (!stored) contextValue.logger.warn('idempotency key taken over before the response was stored', { requestId: contextValue.requestId });
          } catch (error) {
            // The response still goes out; the key stays IN_PROGRESS until its lease ends, then a retry runs again.
            contextValue.logger.error('idempotency record not updated', { requestId: contextValue.requestId, error });
          }
        },
      };
    },
  };
}
