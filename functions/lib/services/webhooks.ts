import { randomBytes } from 'node:crypto';
import type { ServiceContext } from './context.js';
import { authorize } from '../auth/policy.js';
import { AppError, ErrorCode, badInput } from '../errors.js';
import { DEFAULT_SECRET_GRACE_SECONDS, MAX_SECRET_GRACE_SECONDS, MAX_WEBHOOKS_PER_PARTNER, checkWebhookEvents } from '../domain/webhooks.js';
import { checkWebhookUrl } from '../webhooks/urlGuard.js';
import type { WebhookDeliveryRecord, WebhookRecord } from '../repositories/webhooks.js';
import type { Page, PageArgs } from '../data/pagination.js';

/** A webhook with its signing secret, as returned once by registration and by rotation. */
export interface WebhookWithSecret {
  webhook: WebhookRecord;
  secret: string;
}

/** A new signing secret: 32 random bytes, prefixed so that it is recognizable in a partner's configuration. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** Partner platforms' webhooks: registration, secret rotation, deletion, and the lists of webhooks and deliveries. */
export class WebhookService {
  constructor(private readonly ctx: ServiceContext) {}

  /** The calling partner (a PARTNER token with the scope `needs.read`), or FORBIDDEN naming what is missing. */
  #partnerId(): string {
    const { principal } = this.ctx;
    authorize(principal, { type: 'partner.manageWebhooks' });
    // The policy allows only a partner principal with its id.
    return principal.partnerId as string;
  }

  /** One of the caller's webhooks; another partner's (or a deleted one) is NOT_FOUND on `field`. */
  async #own(partnerId: string, id: string, field: string): Promise<WebhookRecord> {
    const webhook = await this.ctx.repos.webhooks.get(partnerId, id);
    if (!webhook) throw new AppError(ErrorCode.NOT_FOUND, 'No such webhook', { field });
    return webhook;
  }

  /**
   * Registers a webhook for the caller: the URL must be https (loopback http only where allowed) and must not point,
   * as written or as resolved, into a private, loopback or link-local network. Returns the signing secret, this once.
   */
  async register(input: { url: string; events: readonly string[] }): Promise<WebhookWithSecret> {
    // Authorized first: an anonymous caller must not make the API resolve host names for it.
    const partnerId = this.#partnerId();
    const events = checkWebhookEvents(input.events);
    if (!events.ok) throw badInput('events', events.message);
    const url = await checkWebhookUrl(input.url, { allowLoopback: this.ctx.webhookAllowLoopback ?? false });
    if (!url.ok) throw badInput('url', url.message);
    const existing = await this.ctx.repos.webhooks.all(partnerId);
    if (existing.length >= MAX_WEBHOOKS_PER_PARTNER) throw badInput('url', `A partner may register at most ${MAX_WEBHOOKS_PER_PARTNER} webhooks`);
    const now = this.ctx.now();
    const secret = newWebhookSecret();
    const webhook = await this.ctx.repos.webhooks.create({
      id: this.ctx.newId(),
      partnerId,
      url: url.url,
      events: events.events,
      secret,
      previousSecret: null,
      previousSecretExpiresAt: null,
      secretRotatedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    return { webhook, secret };
  }

  /**
   * Issues a new signing secret (returned this once). The old one keeps signing, as a second `v1` signature, for
   * `gracePeriodSeconds` (default 24 hours, at most 7 days; 0 drops it at once), so receivers can switch without losing deliveries.
   */
  async rotateSecret(input: { id: string; gracePeriodSeconds?: number | null }): Promise<WebhookWithSecret> {
    const partnerId = this.#partnerId();
    const grace = input.gracePeriodSeconds ?? DEFAULT_SECRET_GRACE_SECONDS;
    if (!Number.isInteger(grace) || grace < 0 || grace > MAX_SECRET_GRACE_SECONDS) {
      throw badInput('gracePeriodSeconds', `gracePeriodSeconds must be an integer between 0 and ${MAX_SECRET_GRACE_SECONDS}`);
    }
    const current = await this.#own(partnerId, input.id, 'id');
    const now = this.ctx.now();
    const secret = newWebhookSecret();
    const expiresAt = grace > 0 ? new Date(Date.parse(now) + grace * 1000).toISOString() : null;
    const webhook = await this.ctx.repos.webhooks.rotateSecret(current, secret, expiresAt, now);
    return { webhook, secret };
  }

  /** Deletes one of the caller's webhooks; its pending deliveries are not sent (they fail at their next attempt). */
  async delete(input: { id: string }): Promise<string> {
    const partnerId = this.#partnerId();
    await this.#own(partnerId, input.id, 'id');
    await this.ctx.repos.webhooks.delete(partnerId, input.id);
    return input.id;
  }

  /** The caller's webhooks. */
  async list(args: PageArgs): Promise<Page<WebhookRecord>> {
    return this.ctx.repos.webhooks.list(this.#partnerId(), args);
  }

  /** The caller's deliveries, newest first, of one of its webhooks when `webhookId` is given (another's is NOT_FOUND). */
  async deliveries(webhookId: string | null | undefined, args: PageArgs): Promise<Page<WebhookDeliveryRecord>> {
    const partnerId = this.#partnerId();
    if (webhookId) await this.#own(partnerId, webhookId, 'webhookId');
    return this.ctx.repos.webhooks.listDeliveries(partnerId, webhookId ?? null, args);
  }
}
