import { randomUUID } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { AppDeps } from '../context.js';
import { createRepositories } from '../repositories/index.js';
import type { DeliveryRef, WebhookDeliveryRecord, WebhookRecord } from '../repositories/webhooks.js';
import { afterAttempt, type WebhookDeliveryStatus } from '../domain/webhooks.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, webhookSignatureHeader } from './signature.js';
import { checkUrlForm, isAllowedAddress, type UrlPolicy } from './urlGuard.js';

/** How long a receiver has to answer (connection included). */
export const DELIVERY_TIMEOUT_MS = 5000;
/** How long a claim holds a delivery: past it (the worker died mid-attempt) another worker retries it. */
export const CLAIM_LEASE_MS = 2 * 60 * 1000;
/** Deliveries read from the due index per batch, and posted at once. */
export const DUE_BATCH = 50;
export const POST_CONCURRENCY = 10;

/** One POST's result: the HTTP status, or why there is none. */
export interface PostResult {
  httpStatus: number | null;
  error: string | null;
}

/** Sends one delivery (the real one posts over HTTP(S); tests may stub it). */
export type Poster = (request: { url: string; body: string; headers: Record<string, string>; timeoutMs: number; policy: UrlPolicy }) => Promise<PostResult>;

/**
 * A DNS lookup that refuses to connect when the name resolves to an address the policy does not allow: the check
 * happens on the addresses the socket then uses, so a name that changes its answer after registration (DNS rebinding)
 * cannot reach a private network.
 */
export function guardedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, verbatim: true, ...(options.family ? { family: options.family } : {}) }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => !isAllowedAddress(a.address, policy));
      if (refused || addresses.length === 0) {
        const e = Object.assign(new Error(`refused: ${hostname} resolves to a private, loopback or link-local address`), { code: 'EWEBHOOKADDRESS' });
        return callback(e, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

/** Posts with node:http(s) through `guardedLookup`, within `timeoutMs`, reading (and discarding) at most 64 KiB of the answer. */
export const postWebhook: Poster = ({ url, body, headers, timeoutMs, policy }) => {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const form = checkUrlForm(url, policy);
  if (!form.ok) return Promise.resolve({ httpStatus: null, error: `refused: ${form.message}` });
  if (isIP(host) !== 0 && !isAllowedAddress(host, policy)) return Promise.resolve({ httpStatus: null, error: `refused: the address ${host} is not allowed` });
  const send = target.protocol === 'https:' ? https.request : http.request;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const done = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = send(
      target,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: guardedLookup(policy), agent: false },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 64 * 1024) response.destroy();
        });
        response.on('end', () => done({ httpStatus: response.statusCode ?? null, error: null }));
        response.on('close', () => done({ httpStatus: response.statusCode ?? null, error: null }));
        response.on('error', () => done({ httpStatus: response.statusCode ?? null, error: null }));
      },
    );
    const timer = setTimeout(() => {
      done({ httpStatus: null, error: `timeout: no answer within ${timeoutMs} ms` });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error: Error & { code?: string }) =>
      done({ httpStatus: null, error: error.message.startsWith('refused') ? error.message : `${error.code ?? error.name}: ${error.message}` }),
    );
    request.end(body);
  });
};

/** What a worker run did. */
export interface WorkerOutcome {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

export interface WebhookWorkerOptions {
  policy: UrlPolicy;
  post?: Poster;
  timeoutMs?: number;
  /** The jitter's source (tests make backoff deterministic). */
  random?: () => number;
}

/** The secrets in force at `now`: the current one, and the previous one during its grace period. */
const secretsInForce = (hook: WebhookRecord, now: string): string[] =>
  hook.previousSecret && hook.previousSecretExpiresAt && hook.previousSecretExpiresAt > now ? [hook.secret, hook.previousSecret] : [hook.secret];

/** Runs `work` over `items`, `limit` at a time. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += limit) results.push(...(await Promise.all(items.slice(start, start + limit).map(work))));
  return results;
}

/**
 * The webhook worker: claims deliveries (a conditional update, so two workers never post the same attempt), posts them
 * signed, and records each attempt with its outcome. `deliverDueWebhooks(now)` works through the due index (the
 * scheduled function on AWS, a timer in the local runner); `deliverNow` tries freshly enqueued deliveries at once.
 */
export function createWebhookWorker(deps: AppDeps, options: WebhookWorkerOptions) {
  const post = options.post ?? postWebhook;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;

  /** One attempt of one delivery, if this worker can claim it at `now`; its new status, or null when not claimed. */
  async function attempt(ref: DeliveryRef, now: Date): Promise<WebhookDeliveryStatus | null> {
    const repos = createRepositories(deps.store);
    const at = now.toISOString();
    const claim = randomUUID();
    const claimed = await repos.webhooks.claim(ref, claim, at, new Date(now.getTime() + CLAIM_LEASE_MS).toISOString());
    if (!claimed) return null;
    const [hook, partner] = await Promise.all([repos.webhooks.get(claimed.partnerId, claimed.webhookId), repos.partners.get(claimed.partnerId)]);
    // A suspended partner gets nothing while suspended (its attempts fail and back off, so a reactivation within the
    // 24 hours still delivers); a revoked or removed partner, or a deleted webhook, fails the delivery at once.
    const refusal = !hook
      ? 'The webhook was deleted'
      : partner?.status !== 'ACTIVE'
        ? `The partner platform is ${partner?.status.toLowerCase() ?? 'unknown'}`
        : null;
    const final = !hook || !partner || partner.status === 'REVOKED';
    const started = performance.now();
    const result: PostResult = hook && !refusal ? await post(request(claimed, hook, at)) : { httpStatus: null, error: refusal };
    const durationMs = Math.round(performance.now() - started);
    const attempts = claimed.attempts.length + 1;
    const outcome = final
      ? { status: 'FAILED' as const, nextAttemptAt: null }
      : afterAttempt({ createdAt: claimed.createdAt, at, attempts, httpStatus: result.httpStatus }, options.random);
    const error = result.error ?? (result.httpStatus !== null && (result.httpStatus < 200 || result.httpStatus >= 300) ? `HTTP ${result.httpStatus}` : null);
    const recorded = await repos.webhooks.recordAttempt(claimed, claim, { at, httpStatus: result.httpStatus, error, durationMs }, outcome);
    deps.logger.info('webhook attempt', {
      deliveryId: claimed.id,
      webhookId: claimed.webhookId,
      attempt: attempts,
      httpStatus: result.httpStatus,
      error,
      durationMs,
      status: outcome.status,
      recorded,
    });
    return outcome.status;
  }

  /** The POST of a delivery: its stored body, signed now (real time: receivers check the timestamp against their clock). */
  function request(delivery: WebhookDeliveryRecord, hook: WebhookRecord, at: string) {
    const timestamp = Math.floor(Date.now() / 1000);
    return {
      url: hook.url,
      body: delivery.body,
      timeoutMs,
      policy: options.policy,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Kezhi-Webhooks/1.0',
        [DELIVERY_HEADER]: delivery.id,
        [EVENT_HEADER]: delivery.event,
        [SIGNATURE_HEADER]: webhookSignatureHeader(secretsInForce(hook, at), timestamp, delivery.body),
      },
    };
  }

  const tally = (statuses: Array<WebhookDeliveryStatus | null>): WorkerOutcome => ({
    attempted: statuses.filter((s) => s !== null).length,
    delivered: statuses.filter((s) => s === 'DELIVERED').length,
    retrying: statuses.filter((s) => s === 'PENDING').length,
    failed: statuses.filter((s) => s === 'FAILED').length,
  });

  return {
    /** Tries the given deliveries now (right after they were enqueued); never throws: what fails waits for the worker. */
    async deliverNow(refs: readonly DeliveryRef[], now: Date = deps.clock?.() ?? new Date()): Promise<WorkerOutcome> {
      const statuses = await inParallel(refs, POST_CONCURRENCY, (ref) =>
        attempt(ref, now).catch((error: unknown) => {
          deps.logger.error('webhook attempt failed', { deliveryId: ref.id, error });
          return null;
        }),
      );
      return tally(statuses);
    },

    /**
     * Attempts every delivery due at `now`, batch after batch, until the due index has none this worker can claim or
     * `deadline` (epoch ms) passes.
     */
    async deliverDueWebhooks(now: Date = deps.clock?.() ?? new Date(), deadline = Number.POSITIVE_INFINITY): Promise<WorkerOutcome> {
      const repos = createRepositories(deps.store);
      const all: Array<WebhookDeliveryStatus | null> = [];
      for (;;) {
        const due = await repos.webhooks.due(now.toISOString(), DUE_BATCH);
        const statuses = await inParallel(due, POST_CONCURRENCY, (ref) =>
          attempt(ref, now).catch((error: unknown) => {
            deps.logger.error('webhook attempt failed', { deliveryId: ref.id, error });
            return null;
          }),
        );
        all.push(...statuses);
        if (due.length < DUE_BATCH || statuses.every((s) => s === null) || Date.now() > deadline) break;
      }
      const outcome = tally(all);
      if (outcome.attempted > 0) deps.logger.info('webhook deliveries', { ...outcome });
      return outcome;
    },
  };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;
