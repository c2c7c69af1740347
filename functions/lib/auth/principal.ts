/** Who is calling: built once per request from the bearer token (HTTP) or connection_init (WebSocket). */

export const ROLES = ['PROVINCE_ADMIN', 'ORG_ADMIN', 'EXPERT', 'REQUESTER', 'PARTNER'] as const;
export type Role = (typeof ROLES)[number];
export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

export interface Principal {
  kind: 'ANONYMOUS' | 'USER' | 'PARTNER';
  userId: string | null;
  name: string | null;
  roles: Role[];
  /** The organization an ORG_ADMIN (or a REQUESTER) acts for. */
  organizationId: string | null;
  /** The talent-pool record of an EXPERT. */
  expertId: string | null;
  /** The partner platform (client id) of a machine-to-machine caller. */
  partnerId: string | null;
  scopes: string[];
  /**
   * The language the caller chose to read (a BCP 47 tag such as `zh-HK`): a partner platform's stored preference,
   * filled when its record is read on the request path; an `Accept-Language` header overrides it. Null: not chosen.
   */
  preferredLanguage: string | null;
  /** When the token expires (seconds since the epoch); null for anonymous callers. */
  expiresAt: number | null;
}

export const anonymous: Principal = {
  kind: 'ANONYMOUS',
  userId: null,
  name: null,
  roles: [],
  organizationId: null,
  expertId: null,
  partnerId: null,
  scopes: [],
  preferredLanguage: null,
  expiresAt: null,
};

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : [];

/**
 * Maps verified JWT claims to a principal. Local tokens carry `roles`, `org`, `expert`, `partner`;
 * Cognito ID tokens carry `cognito:groups` and `custom:*` attributes; Cognito client-credentials
 * access tokens carry `client_id` and `scope` (a partner platform).
 */
export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const roles = [...list(claims.roles), ...list(claims['cognito:groups'])].filter(isRole);
  const partnerId = str(claims.partner) ?? (claims.token_use === 'access' && !claims.username ? str(claims.client_id) : null);
  if (partnerId && !roles.includes('PARTNER')) roles.push('PARTNER');
  return {
    kind: partnerId && !str(claims.username) && roles.length === 1 ? 'PARTNER' : 'USER',
    userId: str(claims.sub),
    name: str(claims.name),
    roles: [...new Set(roles)],
    organizationId: str(claims.org) ?? str(claims['custom:org']),
    expertId: str(claims.expert) ?? str(claims['custom:expert']),
    partnerId,
    // Cognito prefixes resource-server scopes with the server's identifier (`kezhi/needs.read`).
    scopes: list(claims.scope).map((s) => s.replace(/^kezhi\//, '')),
    preferredLanguage: null,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : null,
  };
}

export const hasRole = (p: Principal, role: Role): boolean => p.roles.includes(role);
