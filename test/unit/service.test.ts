import { describe, expect, it } from 'vitest';
import {
  addMonths,
  creditedHours,
  organizationEligibility,
  personEligibility,
  planDueDate,
  quarterEnd,
  quarterOf,
  reportDueDate,
  starLevel,
} from '../../functions/lib/domain/service.js';

describe('creditedHours', () => {
  it.each([
    [0, 0],
    [10, 0],
    [14.99, 0],
    [15, 0.5],
    [45, 0.5],
    [45.01, 1],
    [59, 1],
    [60, 1],
    [74, 1],
    [75, 1.5],
    [140, 2.5],
    [170, 3],
    [-5, 0],
  ])('%s minutes → %s h', (minutes, hours) => {
    expect(creditedHours(minutes)).toBe(hours);
  });
});

describe('starLevel', () => {
  it.each([
    [0, 0],
    [99.5, 0],
    [100, 1],
    [299.5, 1],
    [300, 2],
    [599.5, 2],
    [600, 3],
    [999.5, 3],
    [1000, 4],
    [1499.5, 4],
    [1500, 5],
    [9000, 5],
  ])('%s h → %s★', (hours, stars) => {
    expect(starLevel(hours)).toBe(stars);
  });
});

describe('quarters and deadlines', () => {
  it('takes the quarter in China time', () => {
    expect(quarterOf('2026-09-30T15:59:59Z')).toBe('2026Q3');
    expect(quarterOf('2026-09-30T16:00:00Z')).toBe('2026Q4');
    expect(quarterOf('2026-12-31')).toBe('2026Q4');
  });

  it('ends quarters on their last day and makes reports late after 15 more days', () => {
    expect(quarterEnd('2026Q1')).toBe('2026-03-31');
    expect(quarterEnd('2026Q4')).toBe('2026-12-31');
    expect(reportDueDate('2026Q3')).toBe('2026-10-15');
    expect(reportDueDate('2026Q4')).toBe('2027-01-15');
  });

  it('makes plans due one calendar month after the campaign starts', () => {
    expect(planDueDate('2019-05-17')).toBe('2019-06-17');
    expect(addMonths('2019-01-31', 1)).toBe('2019-02-28');
    expect(addMonths('2019-12-15', 1)).toBe('2020-01-15');
  });
});

describe('eligibility (CAST 2022)', () => {
  it('needs ≥ 10 activities and ≥ 20 h for a person', () => {
    expect(personEligibility(10, 20).eligible).toBe(true);
    expect(personEligibility(9, 100).eligible).toBe(false);
    expect(personEligibility(10, 19.5).criteria.find((c) => c.name === 'hours')).toEqual({ name: 'hours', required: 20, actual: 19.5, met: false });
  });

  it('needs ≥ 20 volunteers, ≥ 50 activities, ≥ 5 h each and ≥ 100 h for an organization', () => {
    expect(organizationEligibility(20, 50, 100).eligible).toBe(true);
    expect(organizationEligibility(19, 50, 100).eligible).toBe(false);
    expect(organizationEligibility(30, 50, 140).criteria.find((c) => c.name === 'hoursPerVolunteer')?.met).toBe(false);
    expect(organizationEligibility(20, 49, 200).eligible).toBe(false);
  });
});
