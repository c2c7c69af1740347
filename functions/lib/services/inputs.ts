import { badInput } from '../errors.js';
import { staleVersion } from '../data/store.js';

/** Trims a required text input; empty or longer than `max` is BAD_USER_INPUT naming the field. */
export function requireText(value: string, field: string, max = 100): string {
  const text = value.trim();
  if (!text) throw badInput(field, `${field} must not be empty`);
  if ([...text].length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return text;
}

/** Like requireText for optional inputs: undefined stays undefined (unchanged), blank becomes null (cleared). */
export function optionalText(value: string | null | undefined, field: string, max = 2000): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value.trim() === '') return null;
  return requireText(value, field, max);
}

/** Requires the expected version to be a positive integer. */
export function requireVersion(version: number): number {
  if (!Number.isInteger(version) || version < 1) throw badInput('version', 'version must be the positive integer you read');
  return version;
}

/** A stale version (someone else changed the item since the client read it) is a CONFLICT on `version`. */
export function requireCurrentVersion(stored: number, given: number, what: string): void {
  if (stored !== given) throw staleVersion(given, stored, what);
}
