import { describe, expect, it } from 'vitest';
import {
  checkEmail,
  checkSyncBatch,
  contentHash,
  decideSync,
  duplicateExternalIds,
  originOfPartnerRegion,
  type PartnerExpertFields,
} from '../../functions/lib/domain/partnerExperts.js';
import { validatePartnerExpert } from '../../functions/lib/services/partnerExperts.js';
import { AppError } from '../../functions/lib/errors.js';
import type { PartnerExpertInput } from '../../functions/lib/generated/graphql.js';

const input = (overrides: Partial<PartnerExpertInput> = {}): PartnerExpertInput => ({
  externalId: 'HK-1',
  name: ' 陳大文 ',
  title: 'PROFESSOR',
  domains: ['AGRICULTURE', 'AGRICULTURE'],
  keywords: [' 荔枝 '],
  languages: ['CANTONESE'],
  phone: '+852 6123 4567',
  email: 'Chan@Example.HK',
  consent: { listed: true, contactable: false, termsVersion: '2026-01' },
  ...overrides,
});

const fields = (overrides: Partial<PartnerExpertFields> = {}): PartnerExpertFields => ({ ...validatePartnerExpert(input(), '81'), ...overrides });

/** The field of the BAD_USER_INPUT a call throws. */
const fieldOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_USER_INPUT') return error.field;
    throw error;
  }
  return undefined;
};

describe('Function: validatePartnerExpert', () => {
  it('normalizes an item with the rules of registerExpert (trimmed name, unique domains, phone with its prefix)', () => {
    expect(validatePartnerExpert(input(), '81')).toEqual({
      name: '陳大文',
      title: 'PROFESSOR',
      domains: ['AGRICULTURE'],
      keywords: ['荔枝'],
      affiliation: null,
      languages: ['CANTONESE'],
      serviceRegionCodes: ['81'],
      bio: null,
      phone: '+85261234567',
      email: 'chan@example.hk',
      consent: { listed: true, contactable: false, termsVersion: '2026-01' },
    });
  });

  it('refuses each invalid field, naming it', () => {
    expect(fieldOf(() => validatePartnerExpert(input({ name: '' }), '81'))).toBe('name');
    expect(fieldOf(() => validatePartnerExpert(input({ domains: ['NOPE'] }), '81'))).toBe('domains');
    expect(fieldOf(() => validatePartnerExpert(input({ languages: [] }), '81'))).toBe('languages');
    expect(fieldOf(() => validatePartnerExpert(input({ serviceRegionCodes: ['99'] }), '81'))).toBe('serviceRegionCodes');
    expect(fieldOf(() => validatePartnerExpert(input({ phone: '123' }), '81'))).toBe('phone');
    expect(fieldOf(() => validatePartnerExpert(input({ email: 'no-at-sign' }), '81'))).toBe('email');
    expect(fieldOf(() => validatePartnerExpert(input({ consent: { listed: true, contactable: true, termsVersion: ' ' } }), '81'))).toBe('consent.termsVersion');
  });
});

describe('Function: contentHash', () => {
  it('hashes the same fields the same, and any changed field differently', () => {
    expect(contentHash(fields())).toBe(contentHash(fields()));
    expect(contentHash(fields({ keywords: ['荔枝', '龍眼'] }))).not.toBe(contentHash(fields()));
    expect(contentHash(fields({ consent: { listed: false, contactable: false, termsVersion: '2026-01' } }))).not.toBe(contentHash(fields()));
    expect(contentHash(fields({ bio: '' }))).not.toBe(contentHash(fields({ bio: null })));
  });
});

describe('Function: decideSync', () => {
  it('creates without a link, leaves an equal hash, updates a different one', () => {
    expect(decideSync('h1', undefined)).toEqual({ kind: 'CREATE' });
    expect(decideSync('h1', { expertId: 'e1', contentHash: 'h1' })).toEqual({ kind: 'UNCHANGED', expertId: 'e1' });
    expect(decideSync('h2', { expertId: 'e1', contentHash: 'h1' })).toEqual({ kind: 'UPDATE', expertId: 'e1' });
  });
});

describe('Function: duplicateExternalIds', () => {
  it('names the externalIds given more than once', () => {
    expect([...duplicateExternalIds(['a', 'b', 'a', 'c', 'a', 'b'])].sort()).toEqual(['a', 'b']);
    expect(duplicateExternalIds(['a', 'b']).size).toBe(0);
  });
});

describe('Function: checkSyncBatch', () => {
  it('refuses an empty batch and one over 100 on `experts`', () => {
    expect(fieldOf(() => checkSyncBatch(0))).toBe('experts');
    expect(fieldOf(() => checkSyncBatch(101))).toBe('experts');
    expect(fieldOf(() => checkSyncBatch(100))).toBeUndefined();
  });
});

describe('Function: checkEmail', () => {
  it('takes none for blank, lower-cases a valid address and refuses a malformed one', () => {
    expect(checkEmail(undefined)).toBeNull();
    expect(checkEmail('  ')).toBeNull();
    expect(checkEmail('A@B.HK')).toBe('a@b.hk');
    expect(fieldOf(() => checkEmail('a@b'))).toBe('email');
  });
});

describe('Function: partner regions', () => {
  it("gives a Hong Kong partner's experts the origin HONG_KONG and a Macao partner's MACAO", () => {
    expect(originOfPartnerRegion('81')).toBe('HONG_KONG');
    expect(originOfPartnerRegion('82')).toBe('MACAO');
  });
});
