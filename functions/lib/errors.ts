import { Kind, parse, visit } from './graphqlRuntime.js';
import type { ASTNode, GraphQLError, GraphQLFormattedError } from 'graphql';

/** Every code a client may see in `extensions.code`. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** A document that does not parse (a syntax error, or more tokens than the limit): HTTP 400, Apollo's code, used over WebSocket too. */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** A document refused before execution (validation, query limits): Apollo's code, used over WebSocket too. */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** An automatic persisted query whose `sha256Hash` is not the hash of the query sent with it (HTTP 400; Apollo Router's code). */
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
  /** A subscription event too large for one WebSocket frame. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * A domain error whose message is safe to show; `field` names the offending input field; `retryable`
 * tells the client that the same request may succeed later (throttling, a concurrent change).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly retryable: boolean;
  /** For RATE_LIMITED: seconds until the client may try again (`extensions.retryAfterSeconds`, HTTP Retry-After). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown; retryable?: boolean; retryAfterSeconds?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Shorthand for a BAD_USER_INPUT error on one input field. */
export const badInput = (field: string, message: string): AppError => new AppError(ErrorCode.BAD_USER_INPUT, message, { field });

/** Follows `originalError` links (graphql-js wraps resolver errors) down to the error that was thrown. */
function rootCause(error: unknown): unknown {
  let current = error;
  while (current && typeof current === 'object' && 'originalError' in current && current.originalError) current = current.originalError;
  return current;
}

export interface ErrorLogger {
  error(message: string, details: Record<string, unknown>): void;
}

/** Formats an error as a client sees it (see createFormatError); the second argument is the error raised. */
export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** An AppError raised outside any field (e.g. refusing a subscription), as `createFormatError` shows it: message, code, field. */
export function formatAppError(error: AppError): GraphQLFormattedError {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error.field) extensions.field = error.field;
  if (error.retryable) extensions.retryable = true;
  if (error.retryAfterSeconds !== undefined) extensions.retryAfterSeconds = error.retryAfterSeconds;
  return { message: error.message, extensions };
}

/** Applies the one rule to an error raised outside Apollo (the WebSocket path): a GraphQLError, an AppError or anything thrown. */
export function formatRaised(format: FormatError, error: unknown): GraphQLFormattedError {
  return format(isGraphQLError(error) ? error.toJSON() : { message: error instanceof Error ? error.message : String(error) }, error);
}

/**
 * The one rule for what clients see: an AppError shows its message, code and field; an error that
 * graphql-js or Apollo raised (parse, validation, limits, variable coercion) keeps its own code; anything else is masked as INTERNAL_SERVER_ERROR and logged with its cause.
 */
export function createFormatError(logger: ErrorLogger): FormatError {
  return (formatted, error) => {
    const original = rootCause(error);
    const { locations, path } = formatted;
    if (original instanceof AppError) {
      if (original === error) return formatAppError(original);
      const extensions: Record<string, unknown> = { code: original.code };
      // Before execution (a scalar refused a variable or a literal), graphql-js's message names the
      // variable and path; the field comes from that path or from where the literal stands.
      // (Duck-typed: Apollo's CommonJS build of graphql has its own GraphQLError class.)
      const preExecution = !path && isGraphQLError(error);
      const field = original.field ?? (preExecution ? inputFieldOf(error) : undefined);
      if (field) extensions.field = field;
      if (preExecution) {
        return { message: formatted.message, ...(locations && { locations }), extensions };
      }
      if (original.retryable) extensions.retryable = true;
      return { message: original.message, ...(locations && { locations }), ...(path && { path }), extensions };
    }
    // No path: the request failed before execution (parse, validation, limits, variable coercion).
    // Those errors come from graphql-js, Apollo or the limit rules and describe the document only.
    const code =
      formatted.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR && !path
        ? (APOLLO_UNCODED[formatted.message] ?? ErrorCode.INTERNAL_SERVER_ERROR)
        : formatted.extensions?.code;
    if (!path && typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      // `retryable` stays: a database that failed while the request's principal was loaded (app.ts) is worth a retry;
      // so does `retryAfterSeconds` of a partner over its quota (refused there too).
      const retryable = formatted.extensions?.retryable === true;
      const retryAfter = formatted.extensions?.retryAfterSeconds;
      const extensions = { code, ...(retryable && { retryable }), ...(typeof retryAfter === 'number' && { retryAfterSeconds: retryAfter }) };
      return { message: formatted.message, ...(locations && { locations }), extensions };
    }
    logger.error('unexpected error', { error: original, path });
    return { message: 'Internal server error', ...(path && { path }), extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}

/** Client mistakes Apollo answers with HTTP 400 but no code (so INTERNAL_SERVER_ERROR by default), by Apollo's message. */
const APOLLO_UNCODED: Record<string, ErrorCode> = {
  'provided sha does not match query': ErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
  'Unsupported persisted query version': ErrorCode.BAD_USER_INPUT,
};

const withoutInput = (path: string | undefined) => (path?.startsWith('input.') ? path.slice('input.'.length) : path);

const isGraphQLError = (error: unknown): error is GraphQLError =>
  typeof error === 'object' && error !== null && 'message' in error && 'locations' in error && 'nodes' in error;

/**
 * The input field a pre-execution error is about, named as AppErrors name fields: the argument path
 * where the refused value stands, with fields inside the conventional `input` argument relative to it
 * (`desiredFrom`, `quarter`, `filter.regionCode`). For a refused variable, the argument it is passed to
 * plus the path graphql-js reports inside the variable's value; for a refused literal, where it stands.
 */
export function inputFieldOf(error: Pick<GraphQLError, 'message' | 'nodes' | 'source'>): string | undefined {
  const body = error.source?.body;
  const variable =
    /^Variable "\$([^"]+)" got invalid value .*? at "([^"]+)"/.exec(error.message) ?? /^Variable "\$([^"]+)" got invalid value/.exec(error.message);
  if (variable) {
    const name = variable[1] as string;
    // graphql-js reports the path from the variable's own name: `input.desiredFrom` for `$input`.
    const inside = variable[2]?.split('.').slice(1) ?? [];
    const usage = body ? argumentPath(body, (node) => node.kind === Kind.VARIABLE && node.name.value === name) : undefined;
    return withoutInput([...(usage ?? [name]), ...inside].join('.'));
  }
  const start = error.nodes?.[0]?.loc?.start;
  if (start === undefined || !body) return undefined;
  const path = argumentPath(body, (node) => node.loc?.start === start && node.kind !== Kind.ARGUMENT && node.kind !== Kind.OBJECT_FIELD);
  return path ? withoutInput(path.join('.')) : undefined;
}

/** The names of the arguments and input fields enclosing the first value node that `matches`, outside variable definitions. */
function argumentPath(body: string, matches: (node: ASTNode) => boolean): string[] | undefined {
  let found: string[] | undefined;
  try {
    visit(parse(body), {
      VariableDefinition: () => false,
      enter(current: ASTNode, _key, parent, _path, ancestors) {
        if (found !== undefined || !matches(current)) return;
        // `ancestors` stops above the parent.
        const names = [...ancestors, parent]
          .filter((a): a is ASTNode => !Array.isArray(a) && typeof a === 'object' && a !== null && 'kind' in a)
          .flatMap((a) => (a.kind === Kind.ARGUMENT || a.kind === Kind.OBJECT_FIELD ? [a.name.value] : []));
        if (names.length > 0) found = names;
      },
    });
  } catch {
    return undefined;
  }
  return found;
}
