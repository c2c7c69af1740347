import type { GraphQLFormattedError } from 'graphql';

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

  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.retryable = options.retryable ?? false;
  }
}

/** Shorthand for a BAD_USER_INPUT error on one input field. */
export const badInput = (field: string, message: string): AppError =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, { field });

/** Follows `originalError` links (graphql-js wraps resolver errors) down to the error that was thrown. */
function rootCause(error: unknown): unknown {
  let current = error;
  while (current && typeof current === 'object' && 'originalError' in current && current.originalError) current = current.originalError;
  return current;
}

export interface ErrorLogger {
  error(message: string, details: Record<string, unknown>): void;
}

/**
 * The one rule for what clients see: an AppError shows its message, code and field; an error that
 * graphql-js or Apollo raised (parse, validation, limits, variable coercion) keeps its own code; anything else is masked as INTERNAL_SERVER_ERROR and logged with its cause.
 */
export function createFormatError(logger: ErrorLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = rootCause(error);
    const { locations, path } = formatted;
    if (original instanceof AppError) {
      const extensions: Record<string, unknown> = { code: original.code };
      if (original.field) extensions.field = original.field;
      if (original.retryable) extensions.retryable = true;
      return { message: original.message, ...(locations && { locations }), ...(path && { path }), extensions };
    }
    // No path: the request failed before execution (parse, validation, limits, variable coercion).
    // Those errors come from graphql-js, Apollo or the limit rules and describe the document only.
    const code = formatted.extensions?.code;
    if (!path && typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      return { message: formatted.message, ...(locations && { locations }), extensions: { code } };
    }
    logger.error('unexpected error', { error: original, path });
    return { message: 'Internal server error', ...(path && { path }), extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
