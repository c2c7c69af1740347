import type { ServiceContext } from './context.js';
import type { CreatePartnerInput, UpdatePartnerInput } from '../generated/graphql.js';
import { authorize } from '../auth/policy.js';
import { AppError, ErrorCode, badInput } from '../errors.js';
import type { Page, PageArgs } from '../data/pagination.js';
import type { PartnerRecord } from '../repositories/partners.js';
import {
  DEFAULT_PARTNER_QUOTA_PER_MINUTE,
  checkPartnerLanguage,
  checkPartnerRegion,
  checkQuota,
  nextPartnerStatus,
  quotaVerdict,
  quotaWindow,
  type PartnerStatusAction,
} from '../domain/partners.js';
import { optionalText, requireCurrentVersion, requireText, requireVersion } from './inputs.js';

/** A plausible e-mail address (one @, a dot in the domain, no spaces); BAD_USER_INPUT on `contactEmail` otherwise. */
function checkEmail(value: string): string {
  const email = requireText(value, 'contactEmail', 254);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw badInput('contactEmail', 'contactEmail must be an e-mail address');
  return email;
}

/** A client id as Cognito issues them (letters, digits, `-`, `_`, `.`), at most 128 characters. */
function checkClientId(value: string): string {
  const id = value.trim();
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(id)) throw badInput('clientId', 'clientId is an OAuth client id: letters, digits, ".", "_" or "-", at most 128');
  return id;
}

/** Partner platforms: the province manages them; a partner reads its own record; each partner request is counted against its quota. */
export class PartnerService {
  constructor(protected readonly ctx: ServiceContext) {}

  /** Partners by id (PROVINCE_ADMIN). */
  async list(args: PageArgs): Promise<Page<PartnerRecord>> {
    authorize(this.ctx.principal, { type: 'partner.manage' });
    return this.ctx.repos.partners.list(args);
  }

  /** One partner (PROVINCE_ADMIN, or the partner itself); null when the province asks for one that does not exist. */
  async get(id: string): Promise<PartnerRecord | null> {
    authorize(this.ctx.principal, { type: 'partner.read', partnerId: id }, 'id');
    return (await this.ctx.repos.partners.get(id)) ?? null;
  }

  /** The calling partner platform's record (a partner token; the request path has read and checked it already). */
  async mine(): Promise<PartnerRecord> {
    const partnerId = this.ctx.principal.partnerId;
    authorize(this.ctx.principal, { type: 'partner.read', partnerId: partnerId ?? '' });
    if (!partnerId) throw new AppError(ErrorCode.FORBIDDEN, 'Only a partner platform has a partner record');
    return this.ctx.repos.partners.require(partnerId);
  }

  /** Registers a partner under its OAuth client id (PROVINCE_ADMIN), ACTIVE; an existing id is CONFLICT on `clientId`. */
  async create(input: CreatePartnerInput): Promise<PartnerRecord> {
    authorize(this.ctx.principal, { type: 'partner.manage' });
    const now = this.ctx.now();
    const record: PartnerRecord = {
      id: checkClientId(input.clientId),
      nameHant: requireText(input.nameHant, 'nameHant'),
      nameHans: requireText(input.nameHans, 'nameHans'),
      nameEn: requireText(input.nameEn, 'nameEn', 200),
      regionCode: checkPartnerRegion(input.regionCode),
      contactName: requireText(input.contactName, 'contactName'),
      contactEmail: checkEmail(input.contactEmail),
      contactPhone: optionalText(input.contactPhone, 'contactPhone', 30) ?? null,
      status: 'ACTIVE',
      consentTermsVersion: requireText(input.consentTermsVersion, 'consentTermsVersion', 50),
      quotaPerMinute: checkQuota(input.quotaPerMinute ?? DEFAULT_PARTNER_QUOTA_PER_MINUTE),
      preferredLanguage: checkPartnerLanguage(input.preferredLanguage ?? null),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const created = await this.ctx.repos.partners.createPartner(record);
    this.audit('partner created', created);
    return created;
  }

  /** Changes a partner's details (PROVINCE_ADMIN); a stale version is CONFLICT on `version`. Omitted fields stay. */
  async update(input: UpdatePartnerInput): Promise<PartnerRecord> {
    authorize(this.ctx.principal, { type: 'partner.manage' });
    requireVersion(input.version);
    const text = (value: string | null | undefined, field: string, max = 100) => {
      if (value === null) throw badInput(field, `${field} cannot be cleared`);
      return value === undefined ? undefined : requireText(value, field, max);
    };
    const fields: Partial<PartnerRecord> = {
      nameHant: text(input.nameHant, 'nameHant'),
      nameHans: text(input.nameHans, 'nameHans'),
      nameEn: text(input.nameEn, 'nameEn', 200),
      regionCode: input.regionCode == null ? undefined : checkPartnerRegion(input.regionCode),
      contactName: text(input.contactName, 'contactName'),
      contactEmail: input.contactEmail == null ? undefined : checkEmail(input.contactEmail),
      contactPhone: optionalText(input.contactPhone, 'contactPhone', 30),
      consentTermsVersion: text(input.consentTermsVersion, 'consentTermsVersion', 50),
      quotaPerMinute: input.quotaPerMinute == null ? undefined : checkQuota(input.quotaPerMinute),
      preferredLanguage: input.preferredLanguage === undefined ? undefined : checkPartnerLanguage(input.preferredLanguage),
    };
    const current = await this.ctx.repos.partners.requireFresh(input.id);
    requireCurrentVersion(current.version, input.version, 'partner');
    return this.ctx.repos.partners.update(current, fields, this.ctx.now());
  }

  /**
   * Suspends, reactivates or revokes a partner (PROVINCE_ADMIN): INVALID_TRANSITION when the status does not allow it
   * (REVOKED is final), CONFLICT on `version` when stale. Takes effect on the partner's next request and next event.
   */
  async changeStatus(id: string, version: number, action: PartnerStatusAction): Promise<PartnerRecord> {
    authorize(this.ctx.principal, { type: 'partner.manage' });
    requireVersion(version);
    const current = await this.ctx.repos.partners.requireFresh(id);
    requireCurrentVersion(current.version, version, 'partner');
    const status = nextPartnerStatus(current.status, action);
    const changed = await this.ctx.repos.partners.update(current, { status }, this.ctx.now());
    this.audit(`partner status changed: ${current.status} → ${status}`, changed);
    return changed;
  }

  /**
   * Counts the calling partner's request in its current one-minute window (one UpdateItem); over the partner's quota
   * it is RATE_LIMITED with `retryAfterSeconds` (to the window's end). Callers other than partner platforms are not
   * counted. The partner record was read (and cached) when the request's principal was checked.
   */
  async admitRequest(): Promise<void> {
    const partnerId = this.ctx.principal.partnerId;
    if (!partnerId) return;
    const partner = await this.ctx.repos.partners.get(partnerId);
    if (!partner) return;
    const nowMs = Date.parse(this.ctx.now());
    const window = quotaWindow(nowMs);
    const count = await this.ctx.repos.partners.countRequest(partnerId, window.start, window.expiresAt);
    const verdict = quotaVerdict(count, partner.quotaPerMinute, window, nowMs);
    if (!verdict.allowed) {
      throw new AppError(ErrorCode.RATE_LIMITED, `Over the quota of ${partner.quotaPerMinute} requests a minute; retry in ${verdict.retryAfterSeconds} s`, {
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
  }

  /** An audit log line of a province act on a partner (who, what, which partner, its status and version after it). */
  private audit(message: string, partner: PartnerRecord): void {
    this.ctx.logger.info(`audit: ${message}`, {
      audit: true,
      partnerId: partner.id,
      status: partner.status,
      version: partner.version,
      principal: this.ctx.principal.userId,
      requestId: this.ctx.requestId,
    });
  }
}
