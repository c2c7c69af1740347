import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { REGISTER_EXPERT, createOrgTree, createPartnerRecord, makeExpertInput, ok, type OrgTree } from '../support/fixtures.js';
import { createCognitoVerifier, type TokenVerifier } from '../../functions/lib/auth/tokens.js';
import { createContext } from '../../functions/lib/context.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import { AppError } from '../../functions/lib/errors.js';

/**
 * The AWS verifier path (issue 14) with tokens shaped exactly as Cognito issues them (AWS docs, "Understanding user pool
 * JSON web tokens"): a user's ID token, a user's access token, a partner's client-credentials access token, RS256-signed
 * by a local key whose JWKS a local node:http server serves. Each resolves to the right principal; its authority comes from
 * the table, not from the token.
 */
const REGION = 'ap-east-1';
const POOL = 'ap-east-1_TeSt1234';
const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL}`;
const WEB_CLIENT = '4web1client2id3kezhi0000000';
const PARTNER_CLIENT = `5partner${randomUUID().slice(0, 8)}`;
const KID = 'test-key-1';

describe('Cognito tokens: identity from the token, authority from the table', () => {
  let app: TestApp;
  let tree: OrgTree;
  let server: Server;
  let privateKey: CryptoKey;
  let verifier: TokenVerifier;
  let jwksUrl: string;
  /** The JWKS the local endpoint serves (a key joins it when the test rotates keys), and how often it was fetched. */
  const jwks: JWK[] = [];
  let jwksFetches = 0;
  const now = () => Math.floor(Date.now() / 1000);

  const sign = (claims: Record<string, unknown>, key: CryptoKey = privateKey, kid = KID) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
  /** A user's ID token, as the hosted UI or InitiateAuth returns it. */
  const idToken = (sub: string, extra: Record<string, unknown> = {}) =>
    sign({
      sub,
      'cognito:groups': [],
      email_verified: true,
      iss: ISSUER,
      'cognito:username': sub,
      origin_jti: randomUUID(),
      aud: WEB_CLIENT,
      event_id: randomUUID(),
      token_use: 'id',
      auth_time: now(),
      exp: now() + 3600,
      iat: now(),
      jti: randomUUID(),
      email: 'user@example.com',
      ...extra,
    });
  /** A user's access token: what web apps send; Cognito's own scope, no audience. */
  const accessToken = (sub: string, extra: Record<string, unknown> = {}) =>
    sign({
      sub,
      'cognito:groups': [],
      iss: ISSUER,
      client_id: WEB_CLIENT,
      origin_jti: randomUUID(),
      event_id: randomUUID(),
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: now(),
      exp: now() + 3600,
      iat: now(),
      jti: randomUUID(),
      username: sub,
      ...extra,
    });
  /** A partner app client's client-credentials access token: `sub` is the client id, no username. */
  const clientCredentials = (clientId: string, extra: Record<string, unknown> = {}) =>
    sign({
      sub: clientId,
      token_use: 'access',
      scope: 'kezhi/experts.write kezhi/needs.read',
      auth_time: now(),
      iss: ISSUER,
      exp: now() + 3600,
      iat: now(),
      version: 2,
      jti: randomUUID(),
      client_id: clientId,
      ...extra,
    });
  const principalOf = async (token: string) => (await createContext({ ...app.deps, verifier }, { authorization: `Bearer ${token}` })).principal;
  const refusal = async (token: string) => {
    try {
      await principalOf(token);
      return 'accepted';
    } catch (error) {
      return error instanceof AppError ? error.code : String(error);
    }
  };

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    await createPartnerRecord(app, tree.admin, PARTNER_CLIENT);
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    jwks.push({ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' });
    server = createServer((req, res) => {
      if (req.url !== `/${POOL}/.well-known/jwks.json`) return void res.writeHead(404).end();
      jwksFetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: jwks }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    jwksUrl = `http://127.0.0.1:${port}/${POOL}/.well-known/jwks.json`;
    verifier = createCognitoVerifier({ region: REGION, userPoolId: POOL, clientIds: [WEB_CLIENT, PARTNER_CLIENT], issuer: ISSUER, jwksUrl });
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("resolves a user's ID token and access token to the same user, a requester until the table says more", async () => {
    const sub = randomUUID();
    for (const token of [await idToken(sub), await accessToken(sub)]) {
      expect(await principalOf(token)).toMatchObject({
        kind: 'USER',
        userId: sub,
        roles: ['REQUESTER'],
        organizationId: null,
        expertId: null,
        partnerId: null,
        scopes: [],
        roleSources: [{ role: 'REQUESTER', source: 'SIGNED_IN' }],
      });
    }
  });

  it('takes ORG_ADMIN and its organization from the access record, for both tokens, and ignores groups and custom attributes', async () => {
    const sub = randomUUID();
    const forged = { 'cognito:groups': ['ORG_ADMIN', 'EXPERT'], 'custom:org': tree.shenzhen, 'custom:expert': 'e-x', roles: ['ORG_ADMIN'], org: tree.shenzhen };
    expect((await principalOf(await idToken(sub, forged))).roles).toEqual(['REQUESTER']);
    const grant = 'mutation ($input: GrantOrgAdminInput!) { grantOrgAdmin(input: $input) { access { orgAdminOf } } }';
    ok(await app.gql(grant, { input: { userId: sub, organizationId: tree.liwan } }, tree.admin));
    for (const token of [await idToken(sub, forged), await accessToken(sub, forged)]) {
      expect(await principalOf(token)).toMatchObject({
        kind: 'USER',
        userId: sub,
        roles: ['ORG_ADMIN'],
        organizationId: tree.liwan,
        expertId: null,
        roleSources: [{ role: 'ORG_ADMIN', source: 'ACCESS_RECORD' }],
      });
    }
  });

  it('takes EXPERT from the expert record the user registered, with the same token', async () => {
    const sub = randomUUID();
    const token = await accessToken(sub);
    expect((await principalOf(token)).roles).toEqual(['REQUESTER']);
    // registerExpert through the API with a local token of the same sub (the user id is the token's `sub` either way).
    const local = await app.rawToken({ sub });
    const expertId = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput({ organizationId: tree.liwan, regionCode: '440103' }) }, local)).registerExpert
      .expert.id as string;
    expect(await principalOf(token)).toMatchObject({ roles: ['EXPERT'], expertId, roleSources: [{ role: 'EXPERT', source: 'EXPERT_RECORD' }] });
    expect(await principalOf(await idToken(sub))).toMatchObject({ roles: ['EXPERT'], expertId });
  });

  it('bootstraps the province admin from the PROVINCE_ADMIN group only, and the table still disables it', async () => {
    const sub = randomUUID();
    expect(await principalOf(await idToken(sub, { 'cognito:groups': ['PROVINCE_ADMIN'] }))).toMatchObject({
      roles: ['PROVINCE_ADMIN'],
      roleSources: [{ role: 'PROVINCE_ADMIN', source: 'TOKEN_GROUP' }],
    });
    expect((await principalOf(await accessToken(sub, { 'cognito:groups': ['PROVINCE_ADMIN'] }))).roles).toEqual(['PROVINCE_ADMIN']);
    await createRepositories(app.deps.store).access.put({ userId: sub, disabled: true, revokedRoles: [], updatedAt: new Date().toISOString() });
    expect(await refusal(await idToken(sub, { 'cognito:groups': ['PROVINCE_ADMIN'] }))).toBe('FORBIDDEN');
  });

  it('resolves a client-credentials token to its partner platform with the scopes, refused when the partner record is not there', async () => {
    expect(await principalOf(await clientCredentials(PARTNER_CLIENT))).toMatchObject({
      kind: 'PARTNER',
      userId: PARTNER_CLIENT,
      roles: ['PARTNER'],
      partnerId: PARTNER_CLIENT,
      scopes: ['experts.write', 'needs.read'],
      roleSources: [{ role: 'PARTNER', source: 'TOKEN_CLIENT' }],
    });
    // An app client Cognito knows (listed in COGNITO_CLIENT_IDS) without a partner record in the table is refused.
    const unknownPartner = `5unknown${randomUUID().slice(0, 8)}`;
    const wider = createCognitoVerifier({ region: REGION, userPoolId: POOL, clientIds: [unknownPartner], issuer: ISSUER, jwksUrl });
    await expect(createContext({ ...app.deps, verifier: wider }, { authorization: `Bearer ${await clientCredentials(unknownPartner)}` })).rejects.toMatchObject(
      {
        code: 'FORBIDDEN',
      },
    );
  });

  it('refuses an unknown app client, another issuer, another key, an expired token and a token that is neither an ID nor an access token', async () => {
    const sub = randomUUID();
    const other = await generateKeyPair('RS256');
    expect(await refusal(await idToken(sub, { aud: 'some-other-client' }))).toBe('UNAUTHENTICATED');
    expect(await refusal(await accessToken(sub, { client_id: 'some-other-client' }))).toBe('UNAUTHENTICATED');
    expect(await refusal(await clientCredentials('some-other-client'))).toBe('UNAUTHENTICATED');
    expect(await refusal(await idToken(sub, { iss: 'https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_Other' }))).toBe('UNAUTHENTICATED');
    expect(await refusal(await sign({ sub, token_use: 'id', aud: WEB_CLIENT, iss: ISSUER, exp: now() + 3600, iat: now() }, other.privateKey))).toBe(
      'UNAUTHENTICATED',
    );
    expect(await refusal(await idToken(sub, { exp: now() - 60, iat: now() - 3660 }))).toBe('UNAUTHENTICATED');
    expect(await refusal(await idToken(sub, { token_use: 'refresh' }))).toBe('UNAUTHENTICATED');
  });

  it('fetches the JWKS once for many tokens, and again when a token names a key it does not hold yet (a rotated key)', async () => {
    const fresh = createCognitoVerifier({ region: REGION, userPoolId: POOL, clientIds: [WEB_CLIENT], issuer: ISSUER, jwksUrl });
    const before = jwksFetches;
    for (const sub of [randomUUID(), randomUUID(), randomUUID()]) {
      expect(await fresh.principalFor(`Bearer ${await idToken(sub)}`)).toMatchObject({ kind: 'USER', userId: sub });
    }
    expect(jwksFetches - before).toBe(1);
    const next = await generateKeyPair('RS256', { extractable: true });
    jwks.push({ ...(await exportJWK(next.publicKey)), kid: 'test-key-2', alg: 'RS256', use: 'sig' });
    const sub = randomUUID();
    const rotated = await sign({ sub, token_use: 'id', aud: WEB_CLIENT, iss: ISSUER, exp: now() + 3600, iat: now() }, next.privateKey, 'test-key-2');
    expect(await fresh.principalFor(`Bearer ${rotated}`)).toMatchObject({ kind: 'USER', userId: sub });
    expect(jwksFetches - before).toBe(2);
    // A kid the JWKS does not hold even after a fetch is refused.
    const unknown = await sign({ sub, token_use: 'id', aud: WEB_CLIENT, iss: ISSUER, exp: now() + 3600, iat: now() }, next.privateKey, 'no-such-key');
    await expect(fresh.principalFor(`Bearer ${unknown}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
