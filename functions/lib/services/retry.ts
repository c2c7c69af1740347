import { AppError, ErrorCode } from '../errors.js';

/** How often and how patiently to retry a use case that met a concurrent change. */
export interface RetryOptions {
  /** Attempts in all (the first one included). */
  attempts: number;
  /** Base of the jittered exponential backoff: before attempt n+1, a random wait below baseDelayMs × 2ⁿ. */
  baseDelayMs: number;
  /** Waits (replaceable in tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** A stale version or a transaction that collided with another: the same request may succeed after a re-read. */
export const isConcurrentChange = (error: unknown): boolean =>
  error instanceof AppError && error.code === ErrorCode.CONFLICT && (error.field === 'version' || error.retryable);

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` (which must read afresh what it decides on) until it succeeds, fails otherwise than
 * by a concurrent change, or has run `attempts` times; the last error is thrown.
 */
export async function retryOnConcurrentChange<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? wait;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= options.attempts || !isConcurrentChange(error)) throw error;
      await sleep(Math.random() * options.baseDelayMs * 2 ** n);
    }
  }
}
