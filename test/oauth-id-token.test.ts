// ID token validation against a hostile OpenID Provider: every forged token is refused with a
// typed error and nothing is stored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT, UnsecuredJWT, decodeJwt, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { createLatchkey } from '../src/index.ts';
import { MemoryStore } from '../src/stores/memory-store.ts';
import { OAuthResponseError, providerAuth } from '../src/oauth/index.ts';
import { oidc } from '../src/providers/index.ts';
import { startMaliciousIdP, type MaliciousIdP } from './oauth-fixtures.ts';

let idp: MaliciousIdP;
before(async () => {
  idp = await startMaliciousIdP();
});
after(() => idp.close());

function setup() {
  const auth = createLatchkey({ store: new MemoryStore() });
  const provider = oidc({
    id: 'evil',
    name: 'Evil',
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
  });
  return { auth, provider, flow: providerAuth(auth, provider, { redirectURI: idp.redirectURI }) };
}

type Claims = Record<string, unknown>;

function claims(nonce: string, extra: Claims = {}): Claims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: idp.issuer,
    aud: idp.clientId,
    sub: 'victim',
    iat: now,
    exp: now + 600,
    nonce,
    ...extra,
  };
}

async function sign(payload: Claims, kid = 'k1', key: CryptoKey = idp.key): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
}

/** Runs a full callback with the forged token; returns the error (or null on success). */
async function attempt(
  forge: (nonce: string) => Promise<string | undefined>,
  userinfo?: Claims,
): Promise<{ error: unknown; auth: ReturnType<typeof setup>['auth'] }> {
  const { auth, flow } = setup();
  const [, state, codeVerifier, nonce] = await flow.getAuthorizationUrl();
  const idToken = await forge(nonce!);
  // By default userinfo agrees with the ID token, so only the rule under test can fail.
  let sub: unknown = 'victim';
  try {
    sub = idToken ? decodeJwt(idToken).sub : sub;
  } catch {
    // not a JWT: keep the default
  }
  idp.respond({ idToken, userinfo: userinfo ?? { sub } });
  const callback = new URL(idp.redirectURI);
  callback.search = new URLSearchParams({ code: 'c', state, iss: idp.issuer }).toString();
  try {
    const result = await flow.validateCallback(callback, {
      expectedState: state,
      codeVerifier,
      nonce,
    });
    await result.createUser({ attributes: {} });
    return { error: null, auth };
  } catch (error) {
    return { error, auth };
  }
}

async function assertRejected(
  forge: (nonce: string) => Promise<string | undefined>,
  why: RegExp,
  userinfo?: Claims,
): Promise<OAuthResponseError> {
  const { error, auth } = await attempt(forge, userinfo);
  assert.ok(
    error instanceof OAuthResponseError,
    `expected OAuthResponseError, got ${String(error)}`,
  );
  assert.equal(error.code, 'oauth_response');
  const account = { providerId: 'evil', issuer: idp.issuer, providerUserId: 'victim' };
  assert.equal(await auth.getUserByAccount(account), null, 'nothing may be stored');
  assert.match(error.message, why);
  return error;
}

describe('ID token validation', () => {
  test('a correctly signed token is accepted (the server itself is sound)', async () => {
    const { error, auth } = await attempt((nonce) => sign(claims(nonce)));
    assert.equal(error, null);
    const user = await auth.getUserByAccount({
      providerId: 'evil',
      issuer: idp.issuer,
      providerUserId: 'victim',
    });
    assert.ok(user);
  });

  test('bad signature (signed by another key with the same kid)', async () => {
    const other = await generateKeyPair('RS256');
    await assertRejected(
      (nonce) => sign(claims(nonce), 'k1', other.privateKey),
      /signature verification failed/,
    );
  });

  test('a tampered payload', async () => {
    await assertRejected(async (nonce) => {
      const [h, , s] = (await sign(claims(nonce))).split('.');
      const payload = Buffer.from(JSON.stringify(claims(nonce, { sub: 'admin' }))).toString(
        'base64url',
      );
      return `${h}.${payload}.${s}`;
    }, /signature verification failed/);
  });

  test('alg: none', async () => {
    await assertRejected(async (nonce) => new UnsecuredJWT(claims(nonce)).encode(), /"alg"/);
  });

  test('HS256 signed with the RSA public key as the HMAC secret', async () => {
    const { importJWK } = await import('jose');
    const pub = (await importJWK(idp.publicJWK, 'RS256')) as CryptoKey;
    const pem = await exportSPKI(pub);
    for (const secret of [pem, JSON.stringify(idp.publicJWK)]) {
      await assertRejected(
        (nonce) =>
          new SignJWT(claims(nonce))
            .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
            .sign(new TextEncoder().encode(secret)),
        /"alg"/,
      );
    }
  });

  test('ES256 when RS256 is expected', async () => {
    const ec = await generateKeyPair('ES256', { extractable: true });
    idp.setJWKS([idp.publicJWK, { ...(await exportJWK(ec.publicKey)), kid: 'e1', alg: 'ES256' }]);
    try {
      await assertRejected(
        (nonce) =>
          new SignJWT(claims(nonce))
            .setProtectedHeader({ alg: 'ES256', kid: 'e1' })
            .sign(ec.privateKey),
        /"alg"/,
      );
    } finally {
      idp.setJWKS([idp.publicJWK]);
    }
  });

  test('wrong iss', async () => {
    await assertRejected((nonce) => sign(claims(nonce, { iss: 'https://evil.example' })), /"iss"/);
  });

  test('wrong aud', async () => {
    await assertRejected((nonce) => sign(claims(nonce, { aud: 'another-client' })), /"aud"/);
  });

  test('azp of another client, single and multiple audiences', async () => {
    await assertRejected((nonce) => sign(claims(nonce, { azp: 'another-client' })), /azp/);
    await assertRejected(
      (nonce) => sign(claims(nonce, { aud: [idp.clientId, 'x'], azp: 'x' })),
      /azp/,
    );
    await assertRejected(
      (nonce) => sign(claims(nonce, { aud: [idp.clientId, 'x'] })),
      /untrusted audiences/,
    );
  });

  test('expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertRejected(
      (nonce) => sign(claims(nonce, { iat: now - 7200, exp: now - 3600 })),
      /"exp"/,
    );
  });

  test('missing iat', async () => {
    await assertRejected((nonce) => sign(claims(nonce, { iat: undefined })), /"iat"/);
  });

  test('missing nonce and mismatched nonce', async () => {
    await assertRejected((nonce) => sign(claims(nonce, { nonce: undefined })), /"nonce".*missing/);
    await assertRejected(
      (nonce) => sign(claims(nonce, { nonce: nonce + 'x' })),
      /"nonce" claim value/,
    );
  });

  test('missing sub', async () => {
    await assertRejected((nonce) => sign(claims(nonce, { sub: undefined })), /"sub"/);
  });

  test('no ID token at all', async () => {
    await assertRejected(async () => undefined, /id_token/);
  });

  test('userinfo sub different from the ID token sub', async () => {
    const error = await assertRejected((nonce) => sign(claims(nonce)), /"sub"/, {
      sub: 'someone-else',
    });
    assert.equal(error.reason, 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED');
  });

  test('the error never carries the ID token or the access token', async () => {
    const { inspect } = await import('node:util');
    let token = '';
    const error = await assertRejected(
      async (nonce) => (token = await sign(claims(nonce, { aud: 'nope' }))),
      /"aud"/,
    );
    const dump = inspect(error, { depth: 10, showHidden: true }) + JSON.stringify(error);
    assert.ok(!dump.includes(token.split('.')[2]!), 'signature leaked');
    assert.ok(!dump.includes('at-'), 'access token leaked');
  });

  test('key rotation: a token signed by a newly published key is accepted', async () => {
    const { flow } = setup();
    const signIn = async (sub: string, kid: string, key: CryptoKey) => {
      const [, state, codeVerifier, nonce] = await flow.getAuthorizationUrl();
      idp.respond({ idToken: await sign(claims(nonce!, { sub }), kid, key), userinfo: { sub } });
      const callback = new URL(idp.redirectURI);
      callback.search = new URLSearchParams({ code: 'c', state, iss: idp.issuer }).toString();
      return flow.validateCallback(callback, { expectedState: state, codeVerifier, nonce });
    };
    const jwksBefore = idp.jwksRequests();
    assert.equal((await signIn('rot-1', 'k1', idp.key)).providerUser.sub, 'rot-1');
    assert.equal((await signIn('rot-1', 'k1', idp.key)).providerUser.sub, 'rot-1');
    assert.equal(idp.jwksRequests(), jwksBefore + 1, 'the JWKS is cached between sign-ins');
    const next = await generateKeyPair('RS256', { extractable: true });
    idp.setJWKS([{ ...(await exportJWK(next.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' }]);
    try {
      assert.equal((await signIn('rot-2', 'k2', next.privateKey)).providerUser.sub, 'rot-2');
      assert.equal(idp.jwksRequests(), jwksBefore + 2, 'one refetch on the unknown kid');
      // A second unknown kid right after does not make us fetch again (no refetch flood).
      const rogue = await generateKeyPair('RS256');
      await assert.rejects(
        signIn('rot-3', 'k3', rogue.privateKey),
        (e) => e instanceof OAuthResponseError,
      );
      assert.equal(idp.jwksRequests(), jwksBefore + 2);
    } finally {
      idp.setJWKS([idp.publicJWK]);
    }
  });

  test('discovery naming another issuer is refused before any token request', async () => {
    idp.setDiscoveryIssuer('https://accounts.example.com');
    try {
      const { flow } = setup();
      const before = idp.tokenRequests();
      await assert.rejects(flow.getAuthorizationUrl(), (e) => e instanceof OAuthResponseError);
      assert.equal(idp.tokenRequests(), before);
    } finally {
      idp.setDiscoveryIssuer(idp.issuer);
    }
  });
});

describe('ID token validation: keys, age and replay', () => {
  test('no kid while the JWKS publishes several keys is refused (one key and no kid is fine)', async () => {
    const other = await generateKeyPair('RS256', { extractable: true });
    const otherJWK = { ...(await exportJWK(other.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' };
    const noKid = (nonce: string) =>
      new SignJWT(claims(nonce)).setProtectedHeader({ alg: 'RS256' }).sign(idp.key);
    idp.setJWKS([idp.publicJWK, otherJWK]);
    try {
      await assertRejected(noKid, /./);
    } finally {
      idp.setJWKS([idp.publicJWK]);
    }
    assert.equal((await attempt(noKid)).error, null, 'a single published key needs no kid');
  });

  test('an iat far in the past is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = now - 10 * 365 * 24 * 3600;
    await assertRejected((nonce) => sign(claims(nonce, { iat: old, exp: now + 600 })), /./);
  });

  test('an ID token replayed into a second flow fails on its nonce', async () => {
    const { flow } = setup();
    const first = await flow.getAuthorizationUrl();
    const token = await sign(claims(first[3]!));
    const run = async ([, state, codeVerifier, nonce]: typeof first) => {
      idp.respond({ idToken: token, userinfo: { sub: 'victim' } });
      const callback = new URL(idp.redirectURI);
      callback.search = new URLSearchParams({ code: 'c', state, iss: idp.issuer }).toString();
      return flow.validateCallback(callback, { expectedState: state, codeVerifier, nonce });
    };
    assert.equal((await run(first)).providerUser.sub, 'victim');
    const second = await flow.getAuthorizationUrl();
    assert.notEqual(second[3], first[3], 'every flow has its own nonce');
    await assert.rejects(run(second), (e) => e instanceof OAuthResponseError);
  });
});
