import { badInput } from '../errors.js';
import { isDomain } from '../vocabulary.js';
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

/** Most domains an expert, technology or project lists. */
export const MAX_DOMAINS = 5;
/** Most keywords an entity lists. */
export const MAX_KEYWORDS = 20;

/** 1 to 5 known domain codes, deduplicated (BAD_USER_INPUT on `domains`). */
export function checkDomains(domains: readonly string[]): string[] {
  const unique = [...new Set(domains)];
  if (unique.length < 1 || unique.length > MAX_DOMAINS) throw badInput('domains', `Choose 1 to ${MAX_DOMAINS} domains`);
  const unknown = unique.find((d) => !isDomain(d));
  if (unknown) throw badInput('domains', `Unknown domain "${unknown}" (see Query.domains)`);
  return unique;
}

/** At most 20 trimmed keywords of at most 30 characters (BAD_USER_INPUT on `keywords`). */
export function checkKeywords(keywords: readonly string[]): string[] {
  const unique = [...new Set(keywords.map((k) => k.trim()).filter(Boolean))];
  if (unique.length > MAX_KEYWORDS) throw badInput('keywords', `At most ${MAX_KEYWORDS} keywords`);
  if (unique.some((k) => [...k].length > 30)) throw badInput('keywords', 'A keyword has at most 30 characters');
  return unique;
}
