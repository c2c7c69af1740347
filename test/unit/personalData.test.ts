import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AUDIT_RETENTION_DAYS,
  ERASED_USER,
  ERASURE_CONFIRMATION,
  auditExpiry,
  checkErasureConfirmation,
  isValidMainlandId,
  maskName,
  maskPhone,
  normalizeIdNumber,
  normalizePhone,
} from '../../functions/lib/domain/personalData.js';
import { AppError } from '../../functions/lib/errors.js';
import { principalFromClaims } from '../../functions/lib/auth/principal.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const withCheck = (body: string) => body + '10X98765432'[WEIGHTS.reduce((a, w, i) => a + w * Number(body[i]), 0) % 11];

describe('phones', () => {
  it('normalizes mainland, Hong Kong and Macao numbers', () => {
    expect(normalizePhone('138 1234 1234')).toBe('13812341234');
    expect(normalizePhone('+86 138-1234-1234')).toBe('13812341234');
    expect(normalizePhone('+852 6123 4567')).toBe('+85261234567');
    expect(normalizePhone('853-66123456')).toBe('+85366123456');
  });

  it.each(['12345', '23812341234', '+852 1234 5678', '+853 9123 4567', ''])('refuses %j', (raw) => {
    expect(() => normalizePhone(raw)).toThrow(/mainland mobile/);
  });

  it('masks as 138****1234, keeping the country code of HK/Macao numbers', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('+85261234567')).toBe('+852****4567');
  });
});

describe('Function: maskName', () => {
  it('keeps the first character and replaces every other one with an asterisk', () => {
    expect(maskName('李主任')).toBe('李**');
    expect(maskName('欧阳明')).toBe('欧**');
    expect(maskName('Chan Tai Man')).toBe('C***********');
  });

  it('counts characters, not UTF-16 units, and masks a one-character name entirely', () => {
    expect(maskName('𠮷野家')).toBe('𠮷**');
    expect(maskName('李')).toBe('*');
    expect(maskName('  王五 ')).toBe('王*');
  });

  it('never shows more than the first character', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 2, maxLength: 20 }).filter((s) => Array.from(s.trim()).length > 1),
        (name) => {
          const masked = maskName(name);
          expect(Array.from(masked).slice(1).join('')).toMatch(/^\*+$/);
          expect(Array.from(masked)).toHaveLength(Array.from(name.trim()).length);
        },
      ),
    );
  });
});

describe('resident ID numbers', () => {
  it('accepts the GB 11643 example and rejects a wrong check character', () => {
    expect(isValidMainlandId('11010519491231002X')).toBe(true);
    expect(isValidMainlandId('110105194912310021')).toBe(false);
  });

  it('accepts every 17-digit body with its computed check character and rejects any other check character', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}$/), fc.constantFrom(...'0123456789X'), (body, other) => {
        const id = withCheck(body);
        expect(isValidMainlandId(id)).toBe(true);
        if (other !== id[17]) expect(isValidMainlandId(body + other)).toBe(false);
      }),
    );
  });

  it('normalizes Hong Kong and Macao document numbers', () => {
    expect(normalizeIdNumber('A123456(7)', 'HONG_KONG')).toBe('A1234567');
    expect(normalizeIdNumber('1234567(8)', 'MACAO')).toBe('12345678');
    expect(() => normalizeIdNumber('12', 'MACAO')).toThrow();
  });
});

describe('Function: auditExpiry', () => {
  it('keeps an audit line 180 days from its time (epoch seconds, the TTL attribute)', () => {
    expect(AUDIT_RETENTION_DAYS).toBe(180);
    expect(auditExpiry('2026-11-29T00:00:00.000Z')).toBe(Date.parse('2027-05-28T00:00:00.000Z') / 1000);
  });
});

describe('Function: checkErasureConfirmation', () => {
  it('accepts exactly the confirmation phrase', () => {
    expect(() => checkErasureConfirmation(ERASURE_CONFIRMATION)).not.toThrow();
  });

  it.each(['', 'yes', 'delete my account', ' DELETE MY ACCOUNT'])('refuses %j as BAD_USER_INPUT on confirm', (confirm) => {
    let error: unknown;
    try {
      checkErasureConfirmation(confirm);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'confirm' });
  });
});

describe('Constant: ERASED_USER', () => {
  it('is no user id any principal can have, so an anonymised need belongs to nobody', () => {
    expect(principalFromClaims({ sub: ERASED_USER, roles: ['REQUESTER'] }).userId).toBeNull();
  });
});
