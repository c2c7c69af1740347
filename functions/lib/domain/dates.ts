/** China time and date ranges. Pure. */

import { badInput } from '../errors.js';

/** China Standard Time (UTC+8, no daylight saving) offset in milliseconds. */
const CHINA_OFFSET_MS = 8 * 3600_000;

/** The calendar date in China of an instant (ISO string or Date), e.g. 2026-09-30T16:30:00Z → 2026-10-01. */
export const chinaDate = (instant: string | Date): string =>
  new Date((typeof instant === 'string' ? Date.parse(instant) : instant.getTime()) + CHINA_OFFSET_MS).toISOString().slice(0, 10);

/**
 * Refuses a range whose end comes before its start (ISO dates or UTC instants, which compare as strings); the
 * error names the end's field (`to` unless told). An open end (null) is no range to check.
 */
export function checkRange(from: string | null | undefined, to: string | null | undefined, fields = { from: 'from', to: 'to' }): void {
  if (from && to && to < from) throw badInput(fields.to, `${fields.to} must not be before ${fields.from}`);
}
