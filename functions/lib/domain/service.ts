/** Service hours, star levels, quarters and recognition thresholds (DOMAIN.md, "Rules …"). Pure. */

/**
 * Credited hours for a check-in/check-out span: whole hours, plus for the minutes beyond them
 * under 15 → 0, 15–45 → 0.5 h, over 45 → 1 h (2 h 20 min → 2.5 h, 2 h 50 min → 3 h, 10 min → 0).
 */
export function creditedHours(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes <= 0) return 0;
  const whole = Math.floor(minutes / 60);
  const rest = minutes - whole * 60;
  return whole + (rest < 15 ? 0 : rest <= 45 ? 0.5 : 1);
}

/** Minutes between two ISO instants (0 when the end is not after the start). */
export const minutesBetween = (from: string, to: string): number => Math.max(0, (Date.parse(to) - Date.parse(from)) / 60000);

/** Cumulative-hours thresholds of the 1★ … 5★ levels (national convention, used in Guangdong). */
export const STAR_THRESHOLDS = [100, 300, 600, 1000, 1500] as const;

/** The star level (0–5) for cumulative service hours. */
export const starLevel = (hours: number): number => STAR_THRESHOLDS.filter((t) => hours >= t).length;

/** A quarter as "2026Q4". */
export type Quarter = `${number}Q${1 | 2 | 3 | 4}`;

/** The quarter of an ISO date or instant, in China time (UTC+8), e.g. 2026-10-01T00:30+08:00 → 2026Q4. */
export function quarterOf(iso: string): Quarter {
  const china = new Date(Date.parse(iso) + 8 * 3600_000);
  return `${china.getUTCFullYear()}Q${(Math.floor(china.getUTCMonth() / 3) + 1) as 1 | 2 | 3 | 4}`;
}

/** Parses "2026Q4" (anything else is null). */
export function parseQuarter(value: string): { year: number; quarter: 1 | 2 | 3 | 4 } | null {
  const m = /^(\d{4})Q([1-4])$/.exec(value);
  return m ? { year: Number(m[1]), quarter: Number(m[2]) as 1 | 2 | 3 | 4 } : null;
}

/** The last day of a quarter, as a date (YYYY-MM-DD). */
export function quarterEnd(value: Quarter): string {
  const q = parseQuarter(value);
  if (!q) throw new Error(`not a quarter: ${value}`);
  const end = new Date(Date.UTC(q.year, q.quarter * 3, 0));
  return end.toISOString().slice(0, 10);
}

/** Adds days to a date (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);
}

/** Adds calendar months to a date, clamped to the month's end (2019-01-31 + 1 month → 2019-02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

/** A quarterly report is late after the quarter's end + 15 days. */
export const reportDueDate = (quarter: Quarter): string => addDays(quarterEnd(quarter), 15);

/** An implementation plan is due one month after the campaign starts. */
export const planDueDate = (campaignStart: string): string => addMonths(campaignStart, 1);

/** CAST (2022) thresholds for exemplary selection. */
export const THRESHOLDS = {
  person: { activities: 10, hours: 20 },
  organization: { volunteers: 20, activities: 50, hoursPerVolunteer: 5, hours: 100 },
} as const;

export interface Criterion {
  name: string;
  required: number;
  actual: number;
  met: boolean;
}

/** Whether a person meets the thresholds, criterion by criterion. */
export function personEligibility(activities: number, hours: number): { eligible: boolean; criteria: Criterion[] } {
  const t = THRESHOLDS.person;
  const criteria = [
    { name: 'activities', required: t.activities, actual: activities, met: activities >= t.activities },
    { name: 'hours', required: t.hours, actual: hours, met: hours >= t.hours },
  ];
  return { eligible: criteria.every((c) => c.met), criteria };
}

/** Whether an organization (or team) meets the thresholds, criterion by criterion. */
export function organizationEligibility(volunteers: number, activities: number, hours: number): { eligible: boolean; criteria: Criterion[] } {
  const t = THRESHOLDS.organization;
  const perVolunteer = volunteers > 0 ? hours / volunteers : 0;
  const criteria = [
    { name: 'volunteers', required: t.volunteers, actual: volunteers, met: volunteers >= t.volunteers },
    { name: 'activities', required: t.activities, actual: activities, met: activities >= t.activities },
    { name: 'hoursPerVolunteer', required: t.hoursPerVolunteer, actual: Math.round(perVolunteer * 100) / 100, met: perVolunteer >= t.hoursPerVolunteer },
    { name: 'hours', required: t.hours, actual: hours, met: hours >= t.hours },
  ];
  return { eligible: criteria.every((c) => c.met), criteria };
}
