import { describe, expect, it } from 'vitest';
import { awardedStatus, isLate, isPastDue, overdueOrganizations } from '../../functions/lib/domain/governance.js';
import { AppError } from '../../functions/lib/errors.js';

describe('Function: isPastDue', () => {
  it('is false up to and including the due date, true the day after', () => {
    expect(isPastDue('2026-10-15', '2026-10-14')).toBe(false);
    expect(isPastDue('2026-10-15', '2026-10-15')).toBe(false);
    expect(isPastDue('2026-10-15', '2026-10-16')).toBe(true);
  });
});

describe('Function: isLate', () => {
  it('judges a submission by its date in China', () => {
    // 2026-10-15T15:59Z is still the 15th in China; 16:00Z is the 16th.
    expect(isLate('2026-10-15T15:59:59.000Z', '2026-10-15')).toBe(false);
    expect(isLate('2026-10-15T16:00:00.000Z', '2026-10-15')).toBe(true);
  });
});

describe('Function: overdueOrganizations', () => {
  const ids = ['gz', 'liwan', 'shamian'];

  it('lists nobody on or before the due date, whatever was filed', () => {
    expect(overdueOrganizations(ids, new Set(), '2026-10-15', '2026-10-15')).toEqual([]);
  });

  it('lists the organizations that have not filed once the due date has passed, in order', () => {
    expect(overdueOrganizations(ids, new Set(['liwan']), '2026-10-15', '2026-10-16')).toEqual(['gz', 'shamian']);
    expect(overdueOrganizations(ids, new Set(ids), '2026-10-15', '2027-01-01')).toEqual([]);
  });
});

describe('Function: awardedStatus', () => {
  it('awards a nomination', () => {
    expect(awardedStatus('NOMINATED')).toBe('AWARDED');
  });

  it('refuses to award twice', () => {
    expect(() => awardedStatus('AWARDED')).toThrow(AppError);
    expect(() => awardedStatus('AWARDED')).toThrow('Already awarded');
  });
});
