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

/** The record kept changing while this request ran: the same request may succeed a moment later. */
const busy = (cause: unknown) =>
  new AppError(ErrorCode.CONFLICT, 'The record kept changing while this request ran; send the same request again', { cause, retryable: true });

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` (which must read afresh what it decides on) until it succeeds, fails otherwise than
 * by a concurrent change, or has run `attempts` times. Giving up is a retryable CONFLICT without a
 * field: the client's input was not stale (it may carry no version at all), the record was busy.
 */
export async function retryOnConcurrentChange<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? wait;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isConcurrentChange(error)) throw error;
      if (n >= options.attempts) throw busy(error);
      await sleep(Math.random() * options.baseDelayMs * 2 ** n);
    }
  }
}
