import { describe, expect, it } from 'vitest';
import { SignJWT, importJWK } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, createLocalVerifier, generateLocalKeys, rememberingVerified, signLocalToken } from '../../functions/lib/auth/tokens.js';

/** A verify function that counts its calls and answers `payload` (or rejects). */
function countingVerify(payload: Record<string, unknown> | Error) {
  const calls: string[] = [];
  const verify = async (token: string) => {
    calls.push(token);
    if (payload instanceof Error) throw payload;
    return payload;
  };
  return { verify, calls };
}

describe('Verified tokens are remembered, never unverified ones', () => {
  it('verifies a token once while it is valid and kept, and again after the keeping time', async () => {
    let clock = 1_000_000_000_000;
    const { verify, calls } = countingVerify({ sub: 'u', exp: clock / 1000 + 3600 });
    const remembered = rememberingVerified(verify, { ttlMs: 60_000, now: () => clock });
    await remembered('a');
    await remembered('a');
    await remembered('b');
    expect(calls).toEqual(['a', 'b']);
    clock += 60_001;
    await remembered('a');
    expect(calls).toEqual(['a', 'b', 'a']);
  });

  it('does not answer from memory once the token has expired or before it is valid', async () => {
    let clock = 1_000_000_000_000;
    const seconds = () => clock / 1000;
    const expiring = countingVerify({ sub: 'u', exp: seconds() + 10 });
    const remembered = rememberingVerified(expiring.verify, { now: () => clock });
    await remembered('t');
    clock += 10_000;
    await remembered('t');
    expect(expiring.calls).toHaveLength(2);
    const early = countingVerify({ sub: 'u', nbf: seconds() + 5 });
    const rememberedEarly = rememberingVerified(early.verify, { now: () => clock });
    await rememberedEarly('n');
    await rememberedEarly('n');
    expect(early.calls).toHaveLength(2);
  });

  it('keeps nothing a verification refused, and at most `max` tokens', async () => {
    const refused = countingVerify(new Error('bad signature'));
    const remembered = rememberingVerified(refused.verify);
    await expect(remembered('x')).rejects.toThrow('bad signature');
    await expect(remembered('x')).rejects.toThrow('bad signature');
    expect(refused.calls).toHaveLength(2);
    const ok = countingVerify({ sub: 'u' });
    const small = rememberingVerified(ok.verify, { max: 2 });
    for (const token of ['1', '2', '3', '1']) await small(token);
    expect(ok.calls).toEqual(['1', '2', '3', '1']);
  });

  it('still refuses, through the verifier, a token signed by another key or expired, after a good one was remembered', async () => {
    const keys = await generateLocalKeys();
    const other = await generateLocalKeys();
    const verifier = createLocalVerifier(keys.publicJwk);
    const good = await signLocalToken(keys.privateJwk, { sub: 'u', roles: [] });
    expect((await verifier.principalFor(`Bearer ${good}`)).userId).toBe('u');
    expect((await verifier.principalFor(`Bearer ${good}`)).userId).toBe('u');
    const forged = await signLocalToken(other.privateJwk, { sub: 'u', roles: [] });
    await expect(verifier.principalFor(`Bearer ${forged}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const expired = await signLocalToken(keys.privateJwk, { sub: 'u', roles: [] }, Math.floor(Date.now() / 1000) - 10);
    await expect(verifier.principalFor(`Bearer ${expired}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a local token of another issuer or audience, not yet valid, unsigned, or signed with another algorithm', async () => {
    const keys = await generateLocalKeys();
    const verifier = createLocalVerifier(keys.publicJwk);
    const key = await importJWK(keys.privateJwk, 'ES256');
    const seconds = Math.floor(Date.now() / 1000);
    const token = (claims: Record<string, unknown>) =>
      new SignJWT({ sub: 'u', iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: seconds + 600, ...claims }).setProtectedHeader({ alg: 'ES256' }).sign(key);
    expect((await verifier.principalFor(`Bearer ${await token({})}`)).userId).toBe('u');
    for (const claims of [{ iss: 'someone-else' }, { aud: 'another-api' }, { nbf: seconds + 600 }]) {
      await expect(verifier.principalFor(`Bearer ${await token(claims)}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    const [, payload] = (await token({})).split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    await expect(verifier.principalFor(`Bearer ${unsigned}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const hmac = await new SignJWT({ sub: 'u', iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: seconds + 600 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a shared secret of thirty-two bytes!'));
    await expect(verifier.principalFor(`Bearer ${hmac}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
