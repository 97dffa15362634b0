// Back-channel logout tokens POSTed straight at `/auth/{provider}/backchannel-logout`: every check
// of the spec's validation list, each shown to matter by a token that fails only that check and
// revokes nothing, beside a valid token that does revoke. Sessions come from real sign-ins
// through oidc-provider, so their provider `sid` and `sub` are the provider's own.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { BACKCHANNEL_LOGOUT_EVENT } from '../src/oauth/index.ts';
import { oidc } from '../src/providers/index.ts';
import {
  HandBrowser,
  signInThroughApp,
  startLogoutWorld,
  type LogoutWorld,
} from './logout-fixtures.ts';
import { startMaliciousIdP, type MaliciousIdP } from './oauth-fixtures.ts';

describe('back-channel logout', () => {
  let world: LogoutWorld;
  let other: MaliciousIdP;
  let token: string;
  let claims: { sid: string; sub: string };
  before(async () => {
    other = await startMaliciousIdP();
    const foreign = oidc({
      id: 'other',
      name: 'Other',
      issuer: other.issuer,
      clientId: other.clientId,
      clientSecret: other.clientSecret,
    });
    world = await startLogoutWorld((local) => ({
      providers: [local, foreign],
      providerLogout: {},
    }));
  });
  after(async () => {
    await world.close();
    await other.close();
  });
  beforeEach(async () => {
    const browser = new HandBrowser();
    token = await signInThroughApp(world, browser);
    const hint = await world.auth.validateSession(token);
    assert.ok(hint);
    // The provider session behind it, as the provider names it in its ID tokens.
    claims = await providerSession(browser);
  });

  /** Signs in again in the same provider session and reads its sid from the end-session hint. */
  async function providerSession(browser: HandBrowser): Promise<{ sid: string; sub: string }> {
    const probe = new HandBrowser(new Map([[world.issuer, browser.jar(world.issuer)]]));
    await signInThroughApp(world, probe);
    const answer = await probe.send(`${world.rp}/auth/logout?end_provider_session=1`, {
      method: 'POST',
      headers: { origin: world.rp },
    });
    const { location } = (await answer.json()) as { location: string };
    const hint = new URL(location).searchParams.get('id_token_hint')!;
    const payload = JSON.parse(Buffer.from(hint.split('.')[1]!, 'base64url').toString());
    return { sid: payload.sid, sub: payload.sub };
  }

  const now = () => Math.floor(Date.now() / 1000);
  const valid = (): JWTPayload => ({
    iss: world.issuer,
    aud: world.clientId,
    iat: now(),
    jti: crypto.randomUUID(),
    sid: claims.sid,
    sub: claims.sub,
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  });
  const sign = (payload: JWTPayload, key: CryptoKey = world.opKey, kid = 'op-1') =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'logout+jwt' }).sign(key);
  const post = (body: string, type = 'application/x-www-form-urlencoded', provider = 'local') =>
    fetch(`${world.rp}/auth/${provider}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    });
  const postToken = (jwt: string, provider = 'local') =>
    post(new URLSearchParams({ logout_token: jwt }).toString(), undefined, provider);

  async function refused(response: Response, status = 400): Promise<void> {
    assert.equal(response.status, status);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = (await response.json()) as { error: string; error_description: string };
    assert.equal(body.error, 'invalid_request');
    assert.equal(typeof body.error_description, 'string');
    assert.ok(await world.auth.validateSession(token), 'the session is still valid');
  }

  it('a valid token revokes the session, answers 200 no-store, and cannot be replayed', async () => {
    const jwt = await sign(valid());
    const ok = await postToken(jwt);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    assert.equal(await world.auth.validateSession(token), null);
    // Same token again (a fresh session under the same provider session): replay refused.
    const browser = new HandBrowser();
    token = await signInThroughApp(world, browser);
    claims = await providerSession(browser);
    const replay = valid();
    const first = await sign(replay);
    assert.equal((await postToken(first)).status, 200);
    token = await signInThroughApp(world, new HandBrowser(browser.jars));
    await refused(await postToken(first));
  });

  it('a sub-only token revokes every session signed in through this provider as that subject', async () => {
    const second = await signInThroughApp(world, new HandBrowser());
    const { sid: _sid, ...subOnly } = valid();
    assert.equal((await postToken(await sign(subOnly))).status, 200);
    assert.equal(await world.auth.validateSession(token), null);
    assert.equal(await world.auth.validateSession(second), null);
  });

  it('a token for an unknown sid or sub answers 200 and revokes nothing', async () => {
    const ok = await postToken(await sign({ ...valid(), sid: 'unknown', sub: 'nobody' }));
    assert.equal(ok.status, 200);
    assert.ok(await world.auth.validateSession(token));
  });

  it('refuses forged tokens: wrong key, alg none, HS256, another kid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    await refused(await postToken(await sign(valid(), privateKey)));
    await refused(await postToken(await sign(valid(), privateKey, 'other')));
    await refused(await postToken(new UnsecuredJWT(valid()).encode()));
    const publicJWK = await exportJWK(world.opKey);
    const hmac = new TextEncoder().encode(JSON.stringify(publicJWK));
    const hs = await new SignJWT(valid())
      .setProtectedHeader({ alg: 'HS256', kid: 'op-1' })
      .sign(hmac);
    await refused(await postToken(hs));
  });

  it('refuses each bad claim: iss, aud, iat too old or in the future, no jti, events, nonce, no sid/sub', async () => {
    const { sid: _sid, sub: _sub, ...neither } = valid();
    const { jti: _jti, ...noJti } = valid();
    const { events: _events, ...noEvents } = valid();
    const cases: [string, JWTPayload][] = [
      ['iss', { ...valid(), iss: other.issuer }],
      ['aud', { ...valid(), aud: 'someone-else' }],
      ['old iat', { ...valid(), iat: now() - 3600 }],
      ['future iat', { ...valid(), iat: now() + 3600 }],
      ['expired', { ...valid(), exp: now() - 600 }],
      ['no jti', noJti],
      ['no events', noEvents],
      ['wrong event', { ...valid(), events: { 'http://example.com/other': {} } }],
      ['nonce', { ...valid(), nonce: 'n' }],
      ['neither sid nor sub', neither],
      ['sid not a string', { ...valid(), sid: 42 }],
    ];
    for (const [name, payload] of cases) {
      await refused(await postToken(await sign(payload)), 400).catch((error: unknown) => {
        throw new Error(`case ${name}: ${String(error)}`);
      });
    }
  });

  it('refuses a token for another provider, and another provider’s token', async () => {
    // Our provider's genuine token, sent to the other provider's route.
    await refused(await postToken(await sign(valid()), 'other'));
    // The other provider's genuine token (its key, its issuer) naming our session.
    const foreign = await new SignJWT({ ...valid(), iss: other.issuer, aud: other.clientId })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .sign(other.key);
    await refused(await postToken(foreign));
    assert.equal((await postToken(foreign, 'other')).status, 200, 'valid where it belongs');
    assert.ok(await world.auth.validateSession(token));
  });

  it('refuses bad requests: wrong type, oversized, repeated field, no token, not a JWT', async () => {
    const jwt = await sign(valid());
    await refused(await post(JSON.stringify({ logout_token: jwt }), 'application/json'), 415);
    await refused(await post(`logout_token=${jwt}&pad=${'x'.repeat(20_000)}`), 413);
    await refused(await post(`logout_token=${jwt}&logout_token=${jwt}`));
    await refused(await post('other=1'));
    await refused(await post('logout_token=not.a.jwt!'));
    await refused(await post('logout_token=%FF%FE'));
    const get = await fetch(`${world.rp}/auth/local/backchannel-logout`);
    assert.equal(get.status, 405);
    assert.ok(await world.auth.validateSession(token));
    // The valid token was never spent by the refused requests.
    assert.equal((await postToken(jwt)).status, 200);
  });
});

describe('back-channel logout under a rate limit', () => {
  let world: LogoutWorld;
  before(async () => {
    world = await startLogoutWorld(() => ({ providerLogout: {}, rateLimit: { backchannel: 3 } }));
  });
  after(() => world.close());

  it('a flood of logout tokens from one address is cut off with 429 and revokes nothing', async () => {
    const token = await signInThroughApp(world, new HandBrowser());
    const post = () =>
      fetch(`${world.rp}/auth/local/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'logout_token=not.a.jwt',
      });
    for (let i = 0; i < 3; i++) assert.equal((await post()).status, 400);
    const cut = await post();
    assert.equal(cut.status, 429);
    assert.ok(Number(cut.headers.get('retry-after')) >= 1);
    assert.deepEqual(await cut.json(), { error: 'rate_limited' });
    assert.ok(await world.auth.validateSession(token), 'the session is still valid');
  });
});
