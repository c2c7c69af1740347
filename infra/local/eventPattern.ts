/**
 * Lambda event filtering (the EventBridge pattern syntax) for the local stream poller, the benchmarks and the tests,
 * for the subset the stack's filters use: nested objects, and arrays of exact strings at the leaves (an OR of values).
 * Anything else in a pattern (prefix, numeric, exists, anything-but…) throws, so no record ever passes, or is dropped,
 * because an operator was ignored. No maintained npm package evaluates these patterns; this covers what we deploy.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    const unsupported = (pattern as unknown[]).find((p) => typeof p !== 'string');
    if (unsupported !== undefined) throw new Error(`pattern matcher: unsupported leaf ${JSON.stringify(unsupported)}`);
    return typeof event === 'string' && pattern.includes(event);
  }
  if (typeof pattern === 'object' && pattern !== null) {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
    const fields = event as Record<string, unknown>;
    return Object.entries(pattern).every(([key, inner]) => key in fields && matchesPattern(inner, fields[key]));
  }
  throw new Error(`pattern matcher: unsupported pattern ${JSON.stringify(pattern)}`);
}

/** As an event source mapping's filter criteria: a record passes when any pattern matches it (no patterns: all pass). */
export const passesFilters = (patterns: readonly unknown[] | undefined, record: unknown): boolean =>
  !patterns || patterns.length === 0 || patterns.some((p) => matchesPattern(p, record));
