// RP-initiated logout end to end against oidc-provider: `POST /auth/logout` with
// `end_provider_session=1` signs out here, sends the browser to the provider's end-session
// endpoint with the sign-in's ID token as a hint, `client_id`, `post_logout_redirect_uri` and a
// `state`, and the provider's way back lands on the requested target — same-origin rule applied.
// The provider's sign-out also reaches the app's other sessions through back-channel logout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  confirmProviderLogout,
  HandBrowser,
  signInThroughApp,
  startLogoutWorld,
  type LogoutWorld,
} from './logout-fixtures.ts';

describe('RP-initiated logout against oidc-provider', () => {
  let world: LogoutWorld;
  before(async () => {
    world = await startLogoutWorld(() => ({ providerLogout: {} }));
  });
  after(() => world.close());

  const logout = (browser: HandBrowser, body: Record<string, string>) =>
    browser.send(`${world.rp}/auth/logout`, {
      method: 'POST',
      headers: {
        origin: world.rp,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(body).toString(),
    });

  it('ends the provider session too, and comes back to the target through state', async () => {
    const browser = new HandBrowser();
    const token = await signInThroughApp(world, browser);
    const session = await world.auth.validateSession(token);
    assert.ok(session);
    const answer = await logout(browser, { end_provider_session: '1', success_url: '/bye?x=1' });
    assert.equal(answer.status, 303);
    assert.equal(await world.auth.validateSession(token), null, 'signed out here first');
    const endSession = new URL(answer.headers.get('location')!);
    assert.equal(`${endSession.origin}${endSession.pathname}`, `${world.issuer}/session/end`);
    const q = endSession.searchParams;
    assert.equal(q.get('client_id'), world.clientId);
    assert.equal(q.get('post_logout_redirect_uri'), `${world.rp}/auth/local/logout-callback`);
    assert.match(q.get('state') ?? '', /^[a-z2-7]{52}$/);
    const hint = q.get('id_token_hint')!;
    const claims = JSON.parse(Buffer.from(hint.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.sub, 'alice');
    assert.equal(claims.aud, world.clientId);
    // The ID token is never in a cookie: only the (cleared) session cookie was set.
    for (const line of answer.headers.getSetCookie()) assert.ok(!line.includes(hint));

    const page = await browser.send(endSession.href);
    assert.equal(page.status, 200);
    const { visited } = await confirmProviderLogout(browser, page, endSession.href);
    const back = visited.find((u) => u.startsWith(`${world.rp}/auth/local/logout-callback`));
    assert.ok(back, `came back to the app: ${visited.join(' → ')}`);
    assert.equal(new URL(back).searchParams.get('state'), q.get('state'));
    assert.equal(visited.at(-1), `${world.rp}/bye?x=1`);
    // The provider session is over: the next sign-in needs a login again.
    world.loginAs('bob');
    const again = new HandBrowser(browser.jars);
    const next = await signInThroughApp(world, again);
    assert.equal((await world.auth.validateSession(next))?.user.attributes.username, 'bob');
    world.loginAs('alice');
  });

  it('signs out locally only, unless asked (endSession: when-asked)', async () => {
    const browser = new HandBrowser();
    const token = await signInThroughApp(world, browser);
    const answer = await logout(browser, {});
    assert.equal(answer.status, 303);
    assert.equal(answer.headers.get('location'), `${world.rp}/`);
    assert.equal(await world.auth.validateSession(token), null);
  });

  it('an API call gets the provider URL as JSON', async () => {
    const browser = new HandBrowser();
    await signInThroughApp(world, browser);
    const answer = await browser.send(`${world.rp}/auth/logout?end_provider_session=1`, {
      method: 'POST',
      headers: { origin: world.rp },
    });
    assert.equal(answer.status, 200);
    const { location } = (await answer.json()) as { location: string };
    assert.ok(location.startsWith(`${world.issuer}/session/end?`));
  });

  it('a foreign success_url falls back to signOutURL; the way back needs the state', async () => {
    for (const target of ['https://evil.example/', '//evil.example', '/\\evil.example']) {
      const browser = new HandBrowser();
      await signInThroughApp(world, browser);
      const answer = await logout(browser, { end_provider_session: '1', success_url: target });
      const state = new URL(answer.headers.get('location')!).searchParams.get('state')!;
      const back = await browser.send(`${world.rp}/auth/local/logout-callback?state=${state}`);
      assert.equal(back.headers.get('location'), `${world.rp}/`, target);
    }
    // An unknown, malformed or replayed state goes to signOutURL too.
    const browser = new HandBrowser();
    await signInThroughApp(world, browser);
    const answer = await logout(browser, { end_provider_session: '1', success_url: '/kept' });
    const state = new URL(answer.headers.get('location')!).searchParams.get('state')!;
    const first = await browser.send(`${world.rp}/auth/local/logout-callback?state=${state}`);
    assert.equal(first.headers.get('location'), `${world.rp}/kept`);
    for (const query of [`state=${state}`, 'state=nope', '', `state=${state}&state=${state}`]) {
      const again = await browser.send(`${world.rp}/auth/local/logout-callback?${query}`);
      assert.notEqual(again.headers.get('location'), `${world.rp}/kept`, query);
    }
  });

  it('refuses a cross-site sign-out and a malformed body, signing nobody out', async () => {
    const browser = new HandBrowser();
    const token = await signInThroughApp(world, browser);
    const cross = await browser.send(`${world.rp}/auth/logout`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(cross.status, 403);
    const repeated = await browser.send(`${world.rp}/auth/logout`, {
      method: 'POST',
      headers: { origin: world.rp, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'end_provider_session=1&end_provider_session=1',
    });
    assert.equal(repeated.status, 400);
    assert.ok(await world.auth.validateSession(token), 'still signed in');
  });

  it('the provider’s sign-out reaches the app’s other sessions by back-channel', async () => {
    // Two app sessions (two app cookie jars) over one provider session (one provider jar).
    const first = new HandBrowser();
    const tokenA = await signInThroughApp(world, first);
    const providerJar = new Map([[world.issuer, first.jar(world.issuer)]]);
    const second = new HandBrowser(providerJar);
    const tokenB = await signInThroughApp(world, second);
    assert.ok(await world.auth.validateSession(tokenB));
    const delivered = world.deliveries.length;
    const answer = await logout(first, { end_provider_session: '1' });
    const endSession = answer.headers.get('location')!;
    const page = await first.send(endSession);
    await confirmProviderLogout(first, page, endSession);
    assert.equal(await world.auth.validateSession(tokenA), null);
    assert.equal(await world.auth.validateSession(tokenB), null, 'revoked by the logout token');
    assert.ok(world.deliveries.length > delivered, 'the provider POSTed a logout token');
    assert.ok(world.deliveries.slice(delivered).every((d) => d.status === 200));
  });
});
