import { describe, expect, it } from 'vitest';
import {
  checkPartnerLanguage,
  checkPartnerRegion,
  checkQuota,
  nextPartnerStatus,
  partnerMayCall,
  quotaVerdict,
  quotaWindow,
  type PartnerStatus,
  type PartnerStatusAction,
} from '../../functions/lib/domain/partners.js';
import { AppError } from '../../functions/lib/errors.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? { code: error.code, field: error.field } : error;
  }
  return 'no error';
};

describe('Function: nextPartnerStatus', () => {
  const cases: Array<[PartnerStatus, PartnerStatusAction, PartnerStatus | 'INVALID_TRANSITION']> = [
    ['ACTIVE', 'suspend', 'SUSPENDED'],
    ['ACTIVE', 'revoke', 'REVOKED'],
    ['ACTIVE', 'reactivate', 'INVALID_TRANSITION'],
    ['SUSPENDED', 'reactivate', 'ACTIVE'],
    ['SUSPENDED', 'revoke', 'REVOKED'],
    ['SUSPENDED', 'suspend', 'INVALID_TRANSITION'],
    ['REVOKED', 'reactivate', 'INVALID_TRANSITION'],
    ['REVOKED', 'suspend', 'INVALID_TRANSITION'],
    ['REVOKED', 'revoke', 'INVALID_TRANSITION'],
  ];
  it.each(cases)('takes %s by %s to %s', (from, action, to) => {
    if (to === 'INVALID_TRANSITION') expect(codeOf(() => nextPartnerStatus(from, action))).toEqual({ code: 'INVALID_TRANSITION', field: undefined });
    else expect(nextPartnerStatus(from, action)).toBe(to);
  });

  it('refuses to bring back a revoked partner, saying it stays revoked', () => {
    expect(() => nextPartnerStatus('REVOKED', 'reactivate')).toThrow('a revoked partner platform stays revoked');
  });
});

describe('Function: partnerMayCall', () => {
  it('honours only an ACTIVE partner (not a suspended, revoked or unknown one)', () => {
    expect([partnerMayCall('ACTIVE'), partnerMayCall('SUSPENDED'), partnerMayCall('REVOKED'), partnerMayCall(undefined)]).toEqual([true, false, false, false]);
  });
});

describe('Function: checkPartnerRegion / checkPartnerLanguage / checkQuota', () => {
  it('accepts Hong Kong (81) and Macao (82) and refuses any other region on regionCode', () => {
    expect([checkPartnerRegion('81'), checkPartnerRegion('82')]).toEqual(['81', '82']);
    for (const code of ['44', '8101', '']) expect(codeOf(() => checkPartnerRegion(code))).toEqual({ code: 'BAD_USER_INPUT', field: 'regionCode' });
  });

  it('accepts zh-HK, zh-MO, zh-TW, zh-CN (any case, normalized) or null, and refuses others on preferredLanguage', () => {
    expect([checkPartnerLanguage('zh-hk'), checkPartnerLanguage('zh-MO'), checkPartnerLanguage(null)]).toEqual(['zh-HK', 'zh-MO', null]);
    expect(codeOf(() => checkPartnerLanguage('en'))).toEqual({ code: 'BAD_USER_INPUT', field: 'preferredLanguage' });
  });

  it('refuses a quota that is not a whole number from 1 to 100,000', () => {
    expect(checkQuota(1)).toBe(1);
    for (const q of [0, -1, 1.5, 100_001]) expect(codeOf(() => checkQuota(q))).toEqual({ code: 'BAD_USER_INPUT', field: 'quotaPerMinute' });
  });
});

describe('Function: quotaWindow', () => {
  it('puts an instant into its fixed one-minute window and keeps the counter one window past its end', () => {
    const at = Date.parse('2026-11-29T09:15:42.500Z');
    const start = Date.parse('2026-11-29T09:15:00Z') / 1000;
    expect(quotaWindow(at)).toEqual({ start, end: start + 60, expiresAt: start + 120 });
  });

  it('starts a new window on the minute exactly', () => {
    const minute = Date.parse('2026-11-29T09:16:00Z');
    expect(quotaWindow(minute).start).toBe(minute / 1000);
    expect(quotaWindow(minute - 1).end).toBe(minute / 1000);
  });
});

describe('Function: quotaVerdict', () => {
  const at = Date.parse('2026-11-29T09:15:42.500Z');
  const window = quotaWindow(at);

  it('allows requests up to the limit, the limit included', () => {
    expect(quotaVerdict(600, 600, window, at)).toEqual({ allowed: true });
  });

  it('refuses the request after the limit, with the seconds left until the window ends (rounded up)', () => {
    expect(quotaVerdict(601, 600, window, at)).toEqual({ allowed: false, retryAfterSeconds: 18 });
  });

  it('never tells a client to retry in less than one second', () => {
    const last = Date.parse('2026-11-29T09:15:59.999Z');
    expect(quotaVerdict(3, 2, quotaWindow(last), last)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});
