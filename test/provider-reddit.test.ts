import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { reddit } from '../src/providers/reddit.ts';
import type { TestUser } from '../src/testing/preset.ts';
import { redditPreset } from '../src/testing/presets/reddit.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'p-jcoLKBynTLew';
const clientSecret = 'gko_LXELoV07ZBNUXrvWZfzE3aI';
const userAgent = 'web:com.example.latchkey-test:v1.2.3 (by /u/latchkey_dev)';
const redirectURI = 'https://app.example/auth/reddit/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(redditPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof reddit>[0]> = {}) {
  const urls = { baseURL: double.url, apiURL: double.url };
  return reddit({ clientId, clientSecret, userAgent, ...urls, ...extra });
}

async function signIn(p: ReturnType<typeof provider>) {
  const request = await p.createAuthorizationURL({ redirectURI });
  const callbackURL = await double.authorize(request.url);
  return p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: null,
  });
}

const spez = {
  id: '1w72',
  username: 'spez',
  name: 'Steve',
  avatarURL: 'https://styles.redditmedia.example/t5_3k30p/spez.png',
} satisfies TestUser;

describe('reddit provider', () => {
  it("requires a User-Agent in Reddit's format", () => {
    const base = { clientId, clientSecret };
    for (const bad of [undefined, '', 'node', 'python-requests/2.31', 'my app 1.0'])
      assert.throws(() => reddit({ ...base, userAgent: bad as string }), TypeError);
    assert.ok(reddit({ ...base, userAgent }));
  });

  it('builds the authorization URL: identity, duration temporary unless permanent', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/api/v1/authorize`);
    assert.equal(q.get('scope'), 'identity');
    assert.equal(q.get('duration'), 'temporary');
    assert.equal(q.get('nonce'), null);
    const permanent = await provider({ duration: 'permanent' }).createAuthorizationURL({
      redirectURI,
    });
    assert.equal(permanent.url.searchParams.get('duration'), 'permanent');
  });

  it('signs in with Basic auth and the User-Agent on every request; maps /api/v1/me', async () => {
    double.signInAs(spez);
    const p = provider();
    const start = double.requests.length;
    const tokens = await signIn(p);
    assert.equal(tokens.refreshToken, null, 'temporary: no refresh token');
    const { profile, user } = await p.getUser(tokens);
    const sent = double.requests.slice(start).filter((r) => r.path !== '/api/v1/authorize');
    assert.deepEqual(
      sent.map((r) => r.path),
      ['/api/v1/access_token', '/api/v1/me'],
    );
    for (const r of sent) assert.equal(r.headers['user-agent'], userAgent);
    assert.equal(sent[0]!.clientAuthentication, 'client_secret_basic');
    assert.deepEqual(profile, {
      providerUserId: '1w72',
      email: null,
      emailVerified: false,
      name: 'Steve',
      username: 'spez',
      avatarURL: 'https://styles.redditmedia.example/t5_3k30p/spez.png?width=256&height=256',
    });
    assert.equal(user.name, 'spez');
  });

  it('the double throttles a missing or generic User-Agent, as Reddit does', async () => {
    const generic = await fetch(`${double.url}/api/v1/me`, { headers: { 'user-agent': 'node' } });
    assert.equal(generic.status, 429);
    await generic.body?.cancel();
    double.signInAs(spez);
    // A fetch that replaces the agent after the provider set it: refused, as a typed error.
    const generic2: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('user-agent', 'python-requests/2.31');
      return fetch(input, { ...init, headers });
    };
    await assert.rejects(signIn(provider({ fetch: generic2 })), (e: unknown) => {
      assert.ok(e instanceof OAuthResponseError, 'a 429 is not a token answer');
      assert.match(e.message, /unexpected HTTP status code/);
      return true;
    });
  });

  it('permanent: refresh rotates; reuse is an HTTP 200 invalid_grant; revocation ends it', async () => {
    double.signInAs(spez);
    const p = provider({ duration: 'permanent' });
    const tokens = await signIn(p);
    assert.ok(tokens.refreshToken);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken!), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      assert.equal(e.status, 200);
      return true;
    });
    await p.revokeToken(refreshed.refreshToken!);
    const last = double.requests.at(-1)!;
    assert.equal(last.path, '/api/v1/revoke_token');
    assert.equal(last.headers['user-agent'], userAgent);
    await assert.rejects(p.refreshAccessToken(refreshed.refreshToken!), OAuthRequestError);
  });

  it('errors are typed and carry no secrets; bad users are refused', async () => {
    double.signInAs(spez);
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    const code = callbackURL.searchParams.get('code')!;
    const options = {
      callbackURL,
      expectedState: request.state,
      redirectURI,
      codeVerifier: request.codeVerifier,
      nonce: null,
    };
    await p.validateAuthorizationCode(options);
    await assert.rejects(p.validateAuthorizationCode(options), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError && e.error === 'invalid_grant');
      const dump = `${e.message} ${JSON.stringify(e)}`;
      assert.ok(!dump.includes(code) && !dump.includes(clientSecret));
      return true;
    });
    const tokens = await signIn(p);
    await p.revokeToken(tokens.accessToken);
    await assert.rejects(
      p.getUser(tokens),
      (e: unknown) => e instanceof OAuthRequestError && e.status === 401,
    );
    double.signInAs({ ...spez, claims: { id: 'T2_NOT-BASE36' } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
    await assert.rejects(signIn(provider({ clientSecret: 'wrong-secret' })), (e: unknown) => {
      // A bare 401 without an RFC 6749 body: an invalid answer, not a provider error code.
      assert.ok(e instanceof OAuthResponseError);
      assert.ok(!JSON.stringify(e).includes('wrong-secret'));
      return true;
    });
  });
});
