import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader, importPKCS8, SignJWT } from 'jose';
import { LatchkeyError } from '../src/core/errors.ts';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { apple, type AppleConfig } from '../src/providers/apple.ts';
import { appleClientSecret } from '../src/providers/apple-client-secret.ts';
import { applePreset } from '../src/testing/presets/apple.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import { appleKey, KEY_ID, readFormPost, SERVICES_ID, TEAM_ID } from './apple-helpers.ts';

const redirectURI = 'https://app.example/auth/apple/callback';
let double: ProviderDouble;
let key: Awaited<ReturnType<typeof appleKey>>;

before(async () => {
  key = await appleKey();
  double = await startProviderDouble(applePreset, {
    clients: [{ clientId: SERVICES_ID, jwks: key.jwks, issuer: TEAM_ID }],
  });
});
after(() => double.close());

function provider(extra: Partial<AppleConfig> = {}) {
  const config = { clientId: SERVICES_ID, teamId: TEAM_ID, keyId: KEY_ID, privateKey: key.pem };
  return apple({ ...config, issuer: double.url, ...extra });
}

/** Follows the authorization URL; returns the fields Apple's form_post page would post. */
async function authorize(url: URL): Promise<URLSearchParams> {
  const response = await fetch(url, { redirect: 'manual' });
  if (response.status === 302) return new URL(response.headers.get('location')!).searchParams;
  const { action, fields } = readFormPost(await response.text());
  assert.equal(action, redirectURI);
  return fields;
}

async function signIn(p: ReturnType<typeof provider>, edit = (_f: URLSearchParams) => {}) {
  const request = await p.createAuthorizationURL({ redirectURI });
  const fields = await authorize(request.url);
  edit(fields);
  const callbackURL = new URL(redirectURI);
  callbackURL.search = fields.toString(); // what latchkey's callback route does with the post
  const tokens = await p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  });
  return { tokens, fields };
}

let next = 0;
const newUser = (extra: Record<string, unknown> = {}) => ({
  id: `001234.${(++next).toString(16).padStart(32, '0')}.0${next}`,
  email: `ada${next}@example.com`,
  emailVerified: true,
  name: 'Ada Lovelace',
  ...extra,
});

describe('apple provider', () => {
  it('asks for openid email name with form_post, a nonce and PKCE', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.origin + request.url.pathname, `${double.url}/auth/authorize`);
    assert.equal(q.get('scope'), 'openid email name');
    assert.equal(q.get('response_mode'), 'form_post');
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('nonce'), request.nonce);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(provider().formPostCallback, true);
    // Without name and email, Apple allows (and latchkey keeps) the query response mode.
    const bare = await provider({ scopes: ['openid'] }).createAuthorizationURL({ redirectURI });
    assert.equal(bare.url.searchParams.get('response_mode'), null);
  });

  it('makes the client secret JWT Apple specifies, caches it and renews it at half-life', async () => {
    let now = Date.UTC(2026, 0, 1);
    const make = appleClientSecret({
      teamId: TEAM_ID,
      keyId: KEY_ID,
      clientId: SERVICES_ID,
      privateKey: key.pem,
      audience: 'https://appleid.apple.com',
      lifetime: 3600,
      now: () => now,
    });
    const first = await make();
    assert.deepEqual(decodeProtectedHeader(first), { alg: 'ES256', kid: KEY_ID });
    assert.deepEqual(decodeJwt(first), {
      iss: TEAM_ID,
      sub: SERVICES_ID,
      aud: 'https://appleid.apple.com',
      iat: now / 1000,
      exp: now / 1000 + 3600,
    });
    now += 1_799_000;
    assert.equal(await make(), first, 'reused before half its lifetime');
    now += 2_000;
    const second = await make();
    assert.notEqual(second, first);
    assert.equal(decodeJwt(second).iat, now / 1000);

    const base = { teamId: TEAM_ID, keyId: KEY_ID, clientId: SERVICES_ID, privateKey: key.pem };
    const options = { ...base, audience: 'https://appleid.apple.com' };
    assert.throws(() => appleClientSecret({ ...options, lifetime: 15_777_001 }), TypeError);
    assert.doesNotThrow(() => appleClientSecret({ ...options, lifetime: 15_777_000 }));
    assert.throws(() => appleClientSecret({ ...options, teamId: 'team' }), TypeError);
    assert.throws(() => appleClientSecret({ ...options, privateKey: 'AAAA' }), TypeError);
    const rsa = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';
    await assert.rejects(
      appleClientSecret({ ...options, privateKey: rsa })(),
      (e: unknown) =>
        e instanceof LatchkeyError && e.code === 'config' && !e.message.includes('MIIB'),
    );
  });

  it('signs in: the name from the first authorization’s user field, the email from the ID token', async () => {
    const ada = newUser();
    double.signInAs(ada);
    const p = provider();
    const { tokens, fields } = await signIn(p);
    assert.deepEqual(JSON.parse(fields.get('user')!), {
      name: { firstName: 'Ada', lastName: 'Lovelace' },
      email: ada.email,
    });
    assert.equal(tokens.idTokenClaims?.email_verified, 'true', 'Apple sends a string');
    assert.equal(tokens.tokenType, 'bearer');
    const token = double.requests.find((r) => r.path === '/auth/token');
    assert.equal(token?.clientAuthentication, 'client_secret_post');
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: ada.id,
      email: ada.email,
      emailVerified: true,
      name: 'Ada Lovelace',
      username: null,
      avatarURL: null,
    });
    assert.deepEqual(user.name, { firstName: 'Ada', lastName: 'Lovelace' });

    // Later sign-ins carry no user field: no name, the rest unchanged.
    const again = await signIn(p);
    assert.equal(again.fields.get('user'), null);
    const later = (await p.getUser(again.tokens)).profile;
    assert.equal(later.name, null);
    assert.equal(later.providerUserId, ada.id);
  });

  it('reads email_verified and is_private_email as strings or booleans; relay addresses pass', async () => {
    const p = provider();
    const relay = newUser({ email: 'x7k2p9@privaterelay.appleid.com' });
    double.signInAs(relay);
    const { tokens } = await signIn(p);
    const { profile, user } = await p.getUser(tokens);
    assert.equal(profile.email, 'x7k2p9@privaterelay.appleid.com');
    assert.equal(profile.emailVerified, true);
    assert.equal(user.is_private_email, 'true');

    double.signInAs(newUser({ claims: { email_verified: true, is_private_email: false } }));
    assert.equal((await p.getUser((await signIn(p)).tokens)).profile.emailVerified, true);
    for (const value of ['false', false, 'TRUE', 1]) {
      double.signInAs(newUser({ claims: { email_verified: value } }));
      const unverified = (await p.getUser((await signIn(p)).tokens)).profile;
      assert.equal(unverified.email, null, String(value));
      assert.equal(unverified.emailVerified, false);
    }
  });

  it('treats the user field as untrusted input: bounded, type-checked, never a crash', async () => {
    const p = provider();
    const name = async (user: string | null) => {
      double.signInAs(newUser());
      const { tokens } = await signIn(p, (f) =>
        user === null ? f.delete('user') : f.set('user', user),
      );
      return (await p.getUser(tokens)).profile.name;
    };
    assert.equal(await name('{not json'), null);
    assert.equal(await name(JSON.stringify({ name: 'Ada Lovelace' })), null);
    assert.equal(await name(JSON.stringify({ name: { firstName: 7, lastName: ['x'] } })), null);
    assert.equal(await name(JSON.stringify({ name: { firstName: 'A'.repeat(101) } })), null);
    assert.equal(
      await name(JSON.stringify({ name: { firstName: 'Ada', x: 'y'.repeat(3000) } })),
      null,
    );
    assert.equal(await name('null'), null);
    assert.equal(
      await name(JSON.stringify({ name: { firstName: ' Ada\u0000\n', lastName: null } })),
      'Ada',
    );
    assert.equal(await name(JSON.stringify({ name: { lastName: 'Lovelace' } })), 'Lovelace');
  });

  it('the double checks the client secret as Apple does: key, team, lifetime, expiry', async () => {
    double.signInAs(newUser());
    const invalidClient = (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError, String(e));
      assert.equal(e.error, 'invalid_client');
      assert.equal(e.status, 400);
      return true;
    };
    const other = await appleKey();
    await assert.rejects(signIn(provider({ privateKey: other.pem })), invalidClient);
    await assert.rejects(signIn(provider({ teamId: 'OTHER12345' })), invalidClient);
    // Made long ago: expired by the time Apple reads it.
    const past = Date.now() - 7200_000;
    await assert.rejects(signIn(provider({ now: () => past })), invalidClient);
    // Renewed before expiry: a secret made 59 minutes ago is replaced, not sent expired.
    let now = Date.now() - 3000_000;
    const sent: string[] = [];
    const recording: typeof fetch = (input, init) => {
      if (init?.body instanceof URLSearchParams && init.body.has('client_secret'))
        sent.push(init.body.get('client_secret')!);
      return fetch(input, init);
    };
    const p = provider({ now: () => now, fetch: recording });
    await signIn(p);
    now += 1_900_000;
    await signIn(p);
    assert.equal(sent.length, 2);
    assert.notEqual(sent[0], sent[1]);

    // A hand-made secret living longer than 6 months is refused even though it is signed.
    const signer = await importPKCS8(key.pem, 'ES256');
    const iat = Math.floor(Date.now() / 1000);
    const tooLong = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: KEY_ID })
      .setIssuer(TEAM_ID)
      .setSubject(SERVICES_ID)
      .setAudience(double.url)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 15_777_001)
      .sign(signer);
    const answer = await fetch(`${double.url}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: SERVICES_ID,
        client_secret: tooLong,
      }),
    });
    assert.equal(answer.status, 400);
    assert.deepEqual(await answer.json(), { error: 'invalid_client' });
  });

  it('refresh keeps the refresh token and validates a new ID token; revocation resets consent', async () => {
    const ada = newUser();
    double.signInAs(ada);
    const p = provider();
    const { tokens } = await signIn(p);
    assert.ok(tokens.refreshToken);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken);
    assert.equal(refreshed.refreshToken, null, 'Apple does not rotate refresh tokens');
    assert.equal(refreshed.idTokenClaims?.sub, ada.id);
    await p.revokeToken(tokens.refreshToken);
    const revoke = double.requests.at(-1)!;
    assert.equal(revoke.path, '/auth/revoke');
    assert.equal(revoke.clientAuthentication, 'client_secret_post');
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      assert.ok(!JSON.stringify(e).includes(tokens.refreshToken!));
      return true;
    });
    // After revocation Apple treats the next authorization as the first: the name comes again.
    const { fields } = await signIn(p);
    assert.ok(fields.get('user'));
  });

  it('turns errors into typed errors: bad code, denial, missing ID token', async () => {
    double.signInAs(newUser());
    const p = provider();
    await assert.rejects(
      signIn(p, (f) => f.set('code', 'c'.repeat(20))),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_grant',
    );
    double.denyNext('user_cancelled_authorize');
    await assert.rejects(
      signIn(p),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'user_cancelled_authorize',
    );
    const { tokens } = await signIn(p);
    await assert.rejects(p.getUser({ ...tokens, idTokenClaims: null }), OAuthResponseError);
  });

  it('refuses a non-loopback http issuer and bad key settings', () => {
    assert.throws(() => provider({ issuer: 'http://appleid.apple.com' }), TypeError);
    assert.throws(() => provider({ keyId: 'short' }), TypeError);
    assert.throws(() => provider({ clientSecretLifetime: 16_000_000 }), TypeError);
  });
});
