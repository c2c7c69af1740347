import { JwtVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, type Jwk } from 'aws-jwt-verify/jwk';
import { verifyJwtSync } from 'aws-jwt-verify/jwt-verifier';
import { SignJWT, importJWK, type JWK, type CryptoKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { AppError, ErrorCode } from '../errors.js';
import { anonymous, principalFromClaims, type Principal } from './principal.js';

/** Issuer and audience of locally signed tokens (local mode and tests). */
export const LOCAL_ISSUER = 'kezhi-local';
export const LOCAL_AUDIENCE = 'kezhi';
const ALG = 'ES256';

/** Turns an `Authorization` header value into a principal; no header → anonymous; bad token → UNAUTHENTICATED. */
export interface TokenVerifier {
  principalFor(authorization: string | undefined | null): Promise<Principal>;
}

function bearer(authorization: string | undefined | null): string | null {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Authorization must be "Bearer <token>"');
  return match[1];
}

/** Checks a token's signature and claims; resolves with its payload, rejects when the token is not to be trusted. */
export type VerifyToken = (token: string) => Promise<Record<string, unknown>>;

/** How many verified tokens a container keeps, and for how long at most (their own expiry may come first). */
export const VERIFIED_TOKENS = { max: 1000, ttlMs: 5 * 60 * 1000 };

/**
 * `verify` with its successes remembered: a token already verified in this container is not verified again (its
 * signature check is most of a small request's CPU) while its `exp` and `nbf` still hold, for at most `ttlMs`. Only
 * verified tokens are kept, so nothing unverified is ever trusted; what a token grants is still read from the table on
 * every request. A token verified before its signing key left the JWKS is accepted for up to `ttlMs` more
 * (aws-jwt-verify keeps the JWKS itself until a token names a key it does not hold).
 */
export function rememberingVerified(verify: VerifyToken, options: { max?: number; ttlMs?: number; now?: () => number } = {}): VerifyToken {
  const now = options.now ?? Date.now;
  // lru-cache keeps each entry for `ttl` (read against `perf`; ttlResolution 0: the clock is read on every get).
  const verified = new LRUCache<string, Record<string, unknown>>({
    max: options.max ?? VERIFIED_TOKENS.max,
    ttl: options.ttlMs ?? VERIFIED_TOKENS.ttlMs,
    ttlResolution: 0,
    perf: { now },
  });
  return async (token) => {
    const kept = verified.get(token);
    if (kept && stillValid(kept, now() / 1000)) return kept;
    verified.delete(token);
    const payload = await verify(token);
    verified.set(token, payload);
    return payload;
  };
}

/** The time claims the verification checks, checked again for a remembered token: not expired (`exp`), already valid (`nbf`). */
function stillValid(payload: Record<string, unknown>, seconds: number): boolean {
  const { exp, nbf } = payload;
  return (typeof exp !== 'number' || exp > seconds) && (typeof nbf !== 'number' || nbf <= seconds);
}

function verifierFrom(verify: VerifyToken): TokenVerifier {
  const remembered = rememberingVerified(verify);
  return {
    async principalFor(authorization) {
      const token = bearer(authorization);
      if (!token) return anonymous;
      try {
        return principalFromClaims(await remembered(token));
      } catch (error) {
        throw new AppError(ErrorCode.UNAUTHENTICATED, 'Invalid or expired token', { cause: error });
      }
    },
  };
}

/**
 * Verifies tokens signed with the local key pair (local mode and tests). Tokens are verified with aws-jwt-verify, as the
 * Cognito ones are: synchronously, through node:crypto, against the one public key (ES256; a token needs no `kid`), with its
 * issuer, audience and time claims checked. jose stays for signing (signLocalToken), which the functions never do.
 */
export function createLocalVerifier(publicJwk: JWK): TokenVerifier {
  const jwk: Jwk = { ...publicJwk, kty: publicJwk.kty ?? 'EC', alg: ALG, use: 'sig' };
  return verifierFrom(async (token) => verifyJwtSync(token, jwk, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE }));
}

/** How long fetching the user pool's JWKS may take. */
const JWKS_TIMEOUT_MS = 5000;

/**
 * Fetches a JWKS for aws-jwt-verify's cache with Node's fetch (the library's own fetcher speaks https only; tests serve
 * a JWKS on loopback over http).
 */
const jwksFetcher: Fetcher = {
  async fetch(uri) {
    const response = await fetch(uri, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`JWKS ${uri}: HTTP ${response.status}`);
    return response.arrayBuffer();
  },
};

/**
 * Verifies Cognito user-pool tokens: users' ID tokens (`token_use: id`, the app client in `aud`) and access tokens
 * (`token_use: access`, `client_id`, `username`), and partner app clients' client-credentials access tokens (no
 * `username`). `issuer` and `jwksUrl` default to the user pool's; tests point them at a local JWKS endpoint. aws-jwt-verify
 * checks the signature (RS256, the key named by the token's `kid`, the JWKS fetched once and again only for a `kid` it
 * does not hold), the issuer and the time claims; the token's use and app client are checked here.
 */
export function createCognitoVerifier(options: { region: string; userPoolId: string; clientIds: string[]; issuer?: string; jwksUrl?: string }): TokenVerifier {
  const issuer = options.issuer ?? `https://cognito-idp.${options.region}.amazonaws.com/${options.userPoolId}`;
  const verifier = JwtVerifier.create(
    { issuer, audience: null, jwksUri: options.jwksUrl ?? `${issuer}/.well-known/jwks.json` },
    { jwksCache: new SimpleJwksCache({ fetcher: jwksFetcher }) },
  );
  return verifierFrom(async (token) => {
    const payload = await verifier.verify(token);
    if (payload.token_use !== 'id' && payload.token_use !== 'access') throw new Error('neither an ID nor an access token');
    const client = payload.token_use === 'id' ? payload.aud : payload.client_id;
    if (typeof client !== 'string' || !options.clientIds.includes(client)) throw new Error('token of an unknown app client');
    return payload;
  });
}

/**
 * What a local token is asked for (tests, the token script, the runner's samples). Only the identity goes into the
 * token: `sub`, `name`, a partner's client and scopes, and the Cognito group PROVINCE_ADMIN when that role is asked
 * for. `roles` ORG_ADMIN/EXPERT with `org`/`expert` are grants the table must hold (see infra/local/localGrants.ts).
 */
export interface TokenClaims {
  sub: string;
  name?: string;
  roles: string[];
  org?: string;
  expert?: string;
  partner?: string;
  scope?: string;
}

/** Signs a local token (the `npm run token` script, the local runner's sample tokens, tests). */
export async function signLocalToken(privateJwk: JWK, claims: TokenClaims, expiresIn: string | number = '12h'): Promise<string> {
  const key = (await importJWK(privateJwk, ALG)) as CryptoKey;
  const { sub, name, partner, scope, roles } = claims;
  const groups = roles.includes('PROVINCE_ADMIN') ? { 'cognito:groups': ['PROVINCE_ADMIN'] } : {};
  return new SignJWT({ ...(name && { name }), ...(partner && { partner }), ...(scope !== undefined && { scope }), ...groups })
    .setProtectedHeader({ alg: ALG })
    .setSubject(sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}

/** A fresh ES256 key pair as JWKs. */
export async function generateLocalKeys(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { generateKeyPair, exportJWK } = await import('jose');
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}
