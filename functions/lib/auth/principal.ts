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
  /** Where each role comes from (filled on the request path from the token and the table; `me` shows it). */
  roleSources?: RoleGrant[];
}

/** Where a role comes from: the token (the PROVINCE_ADMIN bootstrap group, a partner's client), or the table. */
export type RoleSource = 'TOKEN_GROUP' | 'TOKEN_CLIENT' | 'ACCESS_RECORD' | 'EXPERT_RECORD' | 'SIGNED_IN';

/** One role of the caller and where it comes from. */
export interface RoleGrant {
  role: Role;
  source: RoleSource;
}

/** The only roles a token may carry: the Cognito group that bootstraps the first province admin, and a partner's client. */
export const TOKEN_ROLES: readonly Role[] = ['PROVINCE_ADMIN', 'PARTNER'];

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
 * Maps verified JWT claims to a principal's identity. A token proves who the caller is, not what it may do: the
 * user's `sub`; for a partner platform its client (`client_id` of a Cognito client-credentials access token, which
 * has no `username`; `partner` in a local token) and scopes. The only role read from a token is the Cognito group
 * `PROVINCE_ADMIN`, which bootstraps the first province admin. Claims such as `roles`, `org`, `expert` or
 * `custom:*` are ignored: roles, organization and expert come from the table (AccessRepository.effective).
 * Users' ID tokens (`cognito:username`) and access tokens (`username`) both resolve to the user.
 */
export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const username = str(claims.username) ?? str(claims['cognito:username']);
  const partnerId = str(claims.partner) ?? (claims.token_use === 'access' && !username ? str(claims.client_id) : null);
  const groups = partnerId ? [] : list(claims['cognito:groups']).filter((g) => g === 'PROVINCE_ADMIN');
  const roleSources: RoleGrant[] = partnerId
    ? [{ role: 'PARTNER', source: 'TOKEN_CLIENT' }]
    : groups.map(() => ({ role: 'PROVINCE_ADMIN', source: 'TOKEN_GROUP' }));
  return {
    kind: partnerId ? 'PARTNER' : 'USER',
    userId: str(claims.sub),
    name: str(claims.name),
    roles: roleSources.map((g) => g.role),
    organizationId: null,
    expertId: null,
    partnerId,
    // Cognito prefixes resource-server scopes with the server's identifier (`kezhi/needs.read`); a user's access token
    // carries Cognito's own `aws.cognito.signin.user.admin`, which grants nothing here.
    scopes: partnerId ? list(claims.scope).map((s) => s.replace(/^kezhi\//, '')) : [],
    preferredLanguage: null,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : null,
    roleSources,
  };
}

export const hasRole = (p: Principal, role: Role): boolean => p.roles.includes(role);
