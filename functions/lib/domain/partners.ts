import { AppError, ErrorCode, badInput } from '../errors.js';

/** Where a partner platform works: Hong Kong (81) or Macao (82), the GB/T 2260 codes of the SARs. */
export const PARTNER_REGIONS = ['81', '82'] as const;
/** A partner platform's region code. */
export type PartnerRegionCode = (typeof PARTNER_REGIONS)[number];

/** The languages a partner may prefer to read (Traditional: Hong Kong, Macao, Taiwan; Simplified). */
export const PARTNER_LANGUAGES = ['zh-HK', 'zh-MO', 'zh-TW', 'zh-CN'] as const;

/** A partner platform's standing: ACTIVE works; SUSPENDED is refused until reactivated; REVOKED is refused for good. */
export type PartnerStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED';
/** What the province does to a partner's standing. */
export type PartnerStatusAction = 'suspend' | 'reactivate' | 'revoke';

/** Requests per minute a partner may send when the province sets no other quota. */
export const DEFAULT_PARTNER_QUOTA_PER_MINUTE = 600;
/** The highest quota the province may set (a typo must not open the gate). */
export const MAX_PARTNER_QUOTA_PER_MINUTE = 100_000;
/** The length of one quota window (a fixed window of one minute). */
export const QUOTA_WINDOW_SECONDS = 60;

/** The region code of a partner: 81 or 82, else BAD_USER_INPUT on `regionCode`. */
export function checkPartnerRegion(code: string): PartnerRegionCode {
  const region = PARTNER_REGIONS.find((r) => r === code);
  if (!region) throw badInput('regionCode', 'A partner platform is in Hong Kong (81) or Macao (82)');
  return region;
}

/** A preferred language: one of PARTNER_LANGUAGES or null (none), else BAD_USER_INPUT on `preferredLanguage`. */
export function checkPartnerLanguage(language: string | null): string | null {
  if (language === null) return null;
  const known = PARTNER_LANGUAGES.find((l) => l.toLowerCase() === language.toLowerCase());
  if (!known) throw badInput('preferredLanguage', `preferredLanguage is one of ${PARTNER_LANGUAGES.join(', ')} (or null)`);
  return known;
}

/** A quota per minute: a whole number from 1 to the maximum, else BAD_USER_INPUT on `quotaPerMinute`. */
export function checkQuota(quota: number): number {
  if (!Number.isInteger(quota) || quota < 1 || quota > MAX_PARTNER_QUOTA_PER_MINUTE)
    throw badInput('quotaPerMinute', `quotaPerMinute is a whole number from 1 to ${MAX_PARTNER_QUOTA_PER_MINUTE}`);
  return quota;
}

const TRANSITIONS: Record<PartnerStatusAction, { from: readonly PartnerStatus[]; to: PartnerStatus }> = {
  suspend: { from: ['ACTIVE'], to: 'SUSPENDED' },
  reactivate: { from: ['SUSPENDED'], to: 'ACTIVE' },
  revoke: { from: ['ACTIVE', 'SUSPENDED'], to: 'REVOKED' },
};

/** The status after `action`; INVALID_TRANSITION when it does not apply (REVOKED is final). */
export function nextPartnerStatus(current: PartnerStatus, action: PartnerStatusAction): PartnerStatus {
  const rule = TRANSITIONS[action];
  if (rule.from.includes(current)) return rule.to;
  const why = current === 'REVOKED' ? 'a revoked partner platform stays revoked' : `it is ${current}`;
  throw new AppError(ErrorCode.INVALID_TRANSITION, `Cannot ${action} this partner platform: ${why}`);
}

/** True when a partner's token is honoured (only an ACTIVE partner's). */
export const partnerMayCall = (status: PartnerStatus | undefined): boolean => status === 'ACTIVE';

/** A fixed quota window: when it started and ended (epoch seconds) and when its counter item may expire. */
export interface QuotaWindow {
  start: number;
  end: number;
  expiresAt: number;
}

/** The one-minute window holding `nowMs` (epoch milliseconds); its counter is kept one window past its end. */
export function quotaWindow(nowMs: number, windowSeconds = QUOTA_WINDOW_SECONDS): QuotaWindow {
  const seconds = Math.floor(nowMs / 1000);
  const start = seconds - (seconds % windowSeconds);
  const end = start + windowSeconds;
  return { start, end, expiresAt: end + windowSeconds };
}

/**
 * Whether the `count`-th request of a window is over `limit`, and if so how many whole seconds are left until the
 * window ends (at least 1, so a client that waits that long is in the next window).
 */
export function quotaVerdict(
  count: number,
  limit: number,
  window: QuotaWindow,
  nowMs: number,
): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
  if (count <= limit) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(window.end - nowMs / 1000)) };
}
