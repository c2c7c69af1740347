/** Events a partner platform's webhook may subscribe to. */
export const WEBHOOK_EVENTS = ['NEED_MATCHED'] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/** Where a delivery stands: still to be (re)tried, acknowledged with a 2xx, or given up on after the retry window. */
export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** How long a delivery is retried after it was created, before it is FAILED. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The backoff ceiling of the first retry; it doubles with each attempt up to RETRY_CAP_MS. */
export const RETRY_BASE_MS = 60 * 1000;
/** The largest backoff ceiling (one hour): over 24 hours a failing receiver is tried a few dozen times. */
export const RETRY_CAP_MS = 60 * 60 * 1000;
/** The shortest wait before a retry, whatever the jitter drew (a receiver is never hammered). */
export const RETRY_FLOOR_MS = 1000;
/** The most webhooks one partner may register. */
export const MAX_WEBHOOKS_PER_PARTNER = 10;
/** The longest grace period of the previous secret after a rotation (7 days); the default is 24 hours. */
export const MAX_SECRET_GRACE_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_SECRET_GRACE_SECONDS = 24 * 60 * 60;

/**
 * The wait before retry `attempt` (1 = the retry after the first failed attempt): exponential backoff with full
 * jitter (a uniform draw in [0, min(cap, base · 2^(attempt-1)))), never under RETRY_FLOOR_MS.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.max(RETRY_FLOOR_MS, Math.floor(random() * ceiling));
}

/** True for an HTTP status that acknowledges a delivery (2xx). */
export const isAcknowledged = (httpStatus: number | null): boolean => httpStatus !== null && httpStatus >= 200 && httpStatus < 300;

/** What follows an attempt: its new status and when to try again (null once DELIVERED or FAILED). */
export interface AttemptOutcome {
  status: WebhookDeliveryStatus;
  nextAttemptAt: string | null;
}

/**
 * Decides after attempt number `attempts` (1, 2, …) made at `at` of a delivery created at `createdAt`:
 * a 2xx is DELIVERED; otherwise a retry after `retryDelayMs`, unless that falls beyond the 24-hour window (FAILED).
 */
export function afterAttempt(
  input: { createdAt: string; at: string; attempts: number; httpStatus: number | null },
  random: () => number = Math.random,
): AttemptOutcome {
  if (isAcknowledged(input.httpStatus)) return { status: 'DELIVERED', nextAttemptAt: null };
  const next = Date.parse(input.at) + retryDelayMs(input.attempts, random);
  if (next > Date.parse(input.createdAt) + RETRY_WINDOW_MS) return { status: 'FAILED', nextAttemptAt: null };
  return { status: 'PENDING', nextAttemptAt: new Date(next).toISOString() };
}

/** Checks the events of a registration: 1 or more known events, deduplicated; an error message or the list. */
export function checkWebhookEvents(events: readonly string[]): { ok: true; events: WebhookEventName[] } | { ok: false; message: string } {
  const unique = [...new Set(events)];
  if (unique.length === 0) return { ok: false, message: 'Subscribe to at least one event' };
  const unknown = unique.find((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown !== undefined) return { ok: false, message: `Unknown event ${unknown}` };
  return { ok: true, events: unique as WebhookEventName[] };
}
