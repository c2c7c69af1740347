/** China time. Pure. */

/** China Standard Time (UTC+8, no daylight saving) offset in milliseconds. */
const CHINA_OFFSET_MS = 8 * 3600_000;

/** The calendar date in China of an instant (ISO string or Date), e.g. 2026-09-30T16:30:00Z → 2026-10-01. */
export const chinaDate = (instant: string | Date): string =>
  new Date((typeof instant === 'string' ? Date.parse(instant) : instant.getTime()) + CHINA_OFFSET_MS).toISOString().slice(0, 10);
