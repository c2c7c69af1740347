/**
 * Signing and verifying Kezhi webhook deliveries. Self-contained (node:crypto only) so that a partner platform can
 * import or copy it. A delivery carries
 *
 *   Kezhi-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=<…>]
 *
 * with one `v1` per secret in force (two during the grace period after `rotateWebhookSecret`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header names of a delivery. */
export const SIGNATURE_HEADER = 'Kezhi-Signature';
export const DELIVERY_HEADER = 'Kezhi-Delivery';
export const EVENT_HEADER = 'Kezhi-Event';
/** How old a signature a receiver should accept by default (5 minutes), against replays. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`. */
export function computeWebhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The `Kezhi-Signature` header value for a body sent at `timestamp` (unix seconds), signed with each secret in force. */
export function webhookSignatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${computeWebhookSignature(s, timestamp, body)}`)].join(',');
}

/**
 * True when `header` (the `Kezhi-Signature` value) carries a `v1` signature of the raw `body` under `secret` and its
 * timestamp is within `toleranceSeconds` of `nowSeconds`. Verify the raw bytes as received, before parsing the JSON.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(computeWebhookSignature(secret, timestamp, body), 'hex');
  // Constant-time comparison against every signature, so the time taken tells nothing about the secret.
  return signatures.map((s) => timingSafeEqual(expected, Buffer.from(s, 'hex'))).some(Boolean);
}
