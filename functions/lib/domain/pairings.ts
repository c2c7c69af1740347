/** "6个1" pairings (乡村振兴 "6个1"): what a pairing connects, its talents, and the follow-ups recorded on it. Pure. */
import { badInput } from '../errors.js';
import { chinaDate } from './dates.js';

/** The action every "6个1" pairing belongs to, and the only action of a project it may connect. */
export const PAIRING_ACTION = 'RURAL_REVITALIZATION';

/** Limits of a pairing's lists and texts. */
export const PAIRING_LIMITS = { talents: 50, talentName: 50, industry: 50, figures: 20, figureName: 30, figureUnit: 10, outcome: 2000 } as const;

/** A talent brought in (引进一批人才), linked to the talent pool when `expertId` is set. */
export interface Talent {
  name: string;
  expertId: string | null;
}

/** A figure of a follow-up, e.g. 亩产 1200 公斤. */
export interface Figure {
  name: string;
  value: number;
  unit: string | null;
}

/** Trims a text that must not be blank and may have at most `max` characters (code points), naming `field` otherwise. */
function text(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) throw badInput(field, `${field} must not be empty`);
  if ([...trimmed].length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return trimmed;
}

/** Refuses a project of another action than RURAL_REVITALIZATION as a pairing's project (BAD_USER_INPUT on `projectId`). */
export function checkPairingProjectAction(action: string): void {
  if (action !== PAIRING_ACTION) throw badInput('projectId', `A "6个1" pairing connects a ${PAIRING_ACTION} project`);
}

/** Talents of a pairing: at most 50, names trimmed (1 to 50 characters), a blank expert link stored as none. */
export function checkTalents(talents: ReadonlyArray<{ name: string; expertId?: string | null }>): Talent[] {
  if (talents.length > PAIRING_LIMITS.talents) throw badInput('talents', `At most ${PAIRING_LIMITS.talents} talents`);
  return talents.map((t) => ({ name: text(t.name, 'talents', PAIRING_LIMITS.talentName), expertId: t.expertId || null }));
}

/** Ids of the talent-pool records the talents link to, each once. */
export const linkedExpertIds = (talents: readonly Talent[]): string[] => [...new Set(talents.flatMap((t) => (t.expertId ? [t.expertId] : [])))];

/** Figures of a follow-up: at most 20, named (trimmed, unique names), finite values, an optional unit (blank stored as none). */
export function checkFigures(figures: ReadonlyArray<{ name: string; value: number; unit?: string | null }>): Figure[] {
  if (figures.length > PAIRING_LIMITS.figures) throw badInput('figures', `At most ${PAIRING_LIMITS.figures} figures`);
  const out = figures.map((f) => {
    if (!Number.isFinite(f.value)) throw badInput('figures', `The figure "${f.name}" needs a finite value`);
    const name = text(f.name, 'figures', PAIRING_LIMITS.figureName);
    return { name, value: f.value, unit: f.unit == null || f.unit.trim() === '' ? null : text(f.unit, 'figures', PAIRING_LIMITS.figureUnit) };
  });
  const names = out.map((f) => f.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) throw badInput('figures', `The figure "${repeated}" is given twice`);
  return out;
}

/**
 * A follow-up records a visit that has happened: its date (YYYY-MM-DD) must not be after today in
 * China (UTC+8), whatever the server's clock zone, at the instant `now` it is recorded.
 */
export function checkFollowUpDate(date: string, now: string): string {
  if (date > chinaDate(now)) throw badInput('date', 'A follow-up records a visit that has happened: date must not be in the future');
  return date;
}
