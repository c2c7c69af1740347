/**
 * Evaluates a Lambda event-filter pattern (the EventBridge pattern syntax) against an event, for the
 * subset the stack uses: nested objects, and arrays of exact strings at the leaves. Anything else in
 * the pattern (prefix, numeric, exists, anything-but…) throws, so a test never passes by ignoring it.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    const unsupported = pattern.find((p) => typeof p !== 'string');
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
