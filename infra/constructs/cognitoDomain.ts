/** Words Cognito refuses in a hosted-domain prefix. */
const RESERVED = ['aws', 'amazon', 'cognito'];

/**
 * Checks a Cognito hosted-domain prefix against Cognito's rules (lowercase letters, digits and hyphens, neither
 * starting nor ending with a hyphen, at most 63 characters, none of the reserved words); returns the problem, or
 * null when the prefix is valid. Uniqueness (across every AWS customer in the region) is only known at deploy time.
 */
export function domainPrefixProblem(prefix: string): string | null {
  if (prefix.length === 0 || prefix.length > 63) return 'must be 1 to 63 characters long';
  if (!/^[a-z0-9-]+$/.test(prefix)) return 'may only hold lowercase letters, digits and hyphens';
  if (prefix.startsWith('-') || prefix.endsWith('-')) return 'must not start or end with a hyphen';
  const reserved = RESERVED.find((word) => prefix.includes(word));
  if (reserved) return `must not contain the reserved word "${reserved}"`;
  return null;
}
