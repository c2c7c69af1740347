import { describe, expect, it } from 'vitest';
import {
  completionFigures,
  participationHours,
  proofsOfService,
  roundHours,
  serviceTotals,
  sumHours,
  type ServiceRow,
} from '../../functions/lib/domain/serviceRecord.js';

const row = (overrides: Partial<ServiceRow> = {}): ServiceRow => ({
  activityId: 'a1',
  organizationId: 'shamian',
  activityStartAt: '2026-11-10T01:00:00.000Z',
  creditedHours: 0,
  manualHours: 0,
  ...overrides,
});

describe('Function: roundHours', () => {
  it('keeps two decimals so that sums do not drift', () => {
    expect(roundHours(0.1 + 0.2)).toBe(0.3);
    expect(roundHours(2.345)).toBe(2.35);
  });
});

describe('Function: participationHours', () => {
  it('adds check-in and manual hours', () => {
    expect(participationHours({ creditedHours: 2.5, manualHours: 1 })).toBe(3.5);
    expect(participationHours({ creditedHours: 0, manualHours: 0 })).toBe(0);
  });
});

describe('Function: completionFigures', () => {
  it('counts one activity, the volunteers with hours, their hours and the beneficiaries', () => {
    const participants = [
      { creditedHours: 2.5, manualHours: 0 },
      { creditedHours: 3, manualHours: 0 },
      { creditedHours: 0, manualHours: 1 },
    ];
    expect(completionFigures(participants, 40)).toEqual({ activities: 1, volunteers: 3, hours: 6.5, beneficiaries: 40 });
  });

  it('does not count a volunteer who signed up but has no hours', () => {
    const participants = [
      { creditedHours: 0, manualHours: 0 },
      { creditedHours: 1, manualHours: 0 },
    ];
    expect(completionFigures(participants, 0)).toEqual({ activities: 1, volunteers: 1, hours: 1, beneficiaries: 0 });
  });

  it('still counts the activity (and its beneficiaries) when nobody served', () => {
    expect(completionFigures([], 12)).toEqual({ activities: 1, volunteers: 0, hours: 0, beneficiaries: 12 });
  });
});

describe('Function: sumHours', () => {
  it('sums by provenance', () => {
    const rows = [row({ creditedHours: 2.5, manualHours: 1 }), row({ creditedHours: 0.5, manualHours: 0.5 })];
    expect(sumHours(rows)).toEqual({ creditedHours: 3, manualHours: 1.5, totalHours: 4.5 });
    expect(sumHours([])).toEqual({ creditedHours: 0, manualHours: 0, totalHours: 0 });
  });
});

describe('Function: serviceTotals', () => {
  it('counts only participations in completed activities', () => {
    const done = row({ activityId: 'done', creditedHours: 2.5, manualHours: 1 });
    const totals = serviceTotals([
      { row: done, status: 'COMPLETED' },
      { row: row({ activityId: 'ongoing', creditedHours: 3 }), status: 'ONGOING' },
      { row: row({ activityId: 'cancelled', creditedHours: 1 }), status: 'CANCELLED' },
      { row: row({ activityId: 'planned', manualHours: 1 }), status: 'PLANNED' },
      { row: row({ activityId: 'gone', creditedHours: 5 }), status: undefined },
    ]);
    expect(totals).toEqual({ rows: [done], activities: 1, creditedHours: 2.5, manualHours: 1, totalHours: 3.5 });
  });

  it('is zero for a volunteer without service', () => {
    expect(serviceTotals([])).toEqual({ rows: [], activities: 0, creditedHours: 0, manualHours: 0, totalHours: 0 });
  });
});

describe('Function: proofsOfService', () => {
  const period = { from: '2026-11-01', to: '2026-11-30' };
  const issuedAt = '2026-12-01T02:00:00.000Z';

  it('issues one proof per recording organization with exactly its activities and hours', () => {
    const rows = [
      row({ activityId: 'a1', organizationId: 'shamian', creditedHours: 2.5 }),
      row({ activityId: 'a2', organizationId: 'futian', activityStartAt: '2026-11-20T01:00:00.000Z', creditedHours: 1 }),
      row({ activityId: 'a3', organizationId: 'shamian', creditedHours: 0.5, manualHours: 1 }),
    ];
    expect(proofsOfService('陈伟', rows, period, issuedAt)).toEqual([
      {
        person: '陈伟',
        issuedById: 'shamian',
        ...period,
        entries: [
          { activityId: 'a1', date: '2026-11-10', creditedHours: 2.5, manualHours: 0 },
          { activityId: 'a3', date: '2026-11-10', creditedHours: 0.5, manualHours: 1 },
        ],
        creditedHours: 3,
        manualHours: 1,
        totalHours: 4,
        issuedAt,
      },
      {
        person: '陈伟',
        issuedById: 'futian',
        ...period,
        entries: [{ activityId: 'a2', date: '2026-11-20', creditedHours: 1, manualHours: 0 }],
        creditedHours: 1,
        manualHours: 0,
        totalHours: 1,
        issuedAt,
      },
    ]);
  });

  it('dates an entry by the activity’s start in China time', () => {
    const [proof] = proofsOfService('x', [row({ activityStartAt: '2026-09-30T16:30:00.000Z' })], period, issuedAt);
    expect(proof?.entries[0]?.date).toBe('2026-10-01');
  });

  it('issues nothing without service', () => {
    expect(proofsOfService('x', [], period, issuedAt)).toEqual([]);
  });
});
