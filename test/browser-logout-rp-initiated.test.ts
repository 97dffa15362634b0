// RP-initiated logout in a real browser (Debian's Chromium through playwright-core) against
// oidc-provider: sign in, post the app's sign-out form with `end_provider_session=1`, confirm on
// the provider's end-session page, and come back through `/auth/local/logout-callback` to the
// form's target. Chromium follows the redirects, sends the cookies (SameSite included) and posts
// the forms itself, so this is the path a person takes — and the tampered variants a person
// could be tricked into, none of which leaves the app's origin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startLogoutWorld, type LogoutWorld } from './logout-fixtures.ts';
import { launchChromium } from './chromium.ts';

// Every wait is bounded: a stuck page fails the test instead of hanging the run.
const STEP_TIMEOUT = 10_000;

describe('RP-initiated logout in Chromium', { timeout: 90_000 }, () => {
  let world: LogoutWorld;
  let browser: Browser;

  before(async () => {
    world = await startLogoutWorld(() => ({ providerLogout: {} }));
    browser = await launchChromium({ timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    await world?.close();
  });

  /** A fresh browser profile whose every request URL is recorded; off-origin hosts are cut. */
  async function open(): Promise<{ context: BrowserContext; page: Page; urls: string[] }> {
    const context = await browser.newContext();
    const urls: string[] = [];
    // Nothing may leave 127.0.0.1: a request elsewhere is recorded and aborted, never sent.
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => route.abort(),
    );
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.setDefaultNavigationTimeout(STEP_TIMEOUT);
    page.on('request', (request) => {
      if (request.isNavigationRequest()) urls.push(request.url());
    });
    return { context, page, urls };
  }

  /** Signs in through the app; returns whether the provider asked for a login, and the token. */
  async function signIn(
    context: BrowserContext,
    page: Page,
    urls: string[],
  ): Promise<{ loginAsked: boolean; token: string }> {
    const from = urls.length;
    await page.goto(`${world.rp}/auth/local`);
    await page.waitForURL(`${world.rp}/`);
    assert.equal(await page.textContent('#app'), 'app');
    const visited = urls.slice(from);
    assert.ok(
      visited.some((u) => u.startsWith(`${world.rp}/auth/local/callback?`)),
      visited.join(' → '),
    );
    const name = world.auth.sessionCookieName(world.rp);
    const cookie = (await context.cookies(world.rp)).find((c) => c.name === name);
    assert.ok(cookie?.httpOnly, 'an HttpOnly session cookie');
    return {
      loginAsked: visited.some((u) => u.startsWith(`${world.issuer}/interaction/`)),
      token: cookie.value,
    };
  }

  /** Submits the app's sign-out form; returns the provider's end-session URL it led to. */
  async function signOut(page: Page, successURL: string): Promise<URL> {
    await page.goto(`${world.rp}/app`);
    await page.locator('#success_url').evaluate((el, v) => {
      (el as HTMLInputElement).value = v;
    }, successURL);
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${world.issuer}/session/end`)),
      page.click('#sign-out-button'),
    ]);
    await page.waitForSelector('#confirm');
    return new URL(page.url());
  }

  async function confirm(page: Page, landing: string): Promise<void> {
    await Promise.all([page.waitForURL(landing), page.click('#confirm')]);
    await page.waitForLoadState('load');
  }

  it('signs out here and at the provider, and comes back to the target with its state', async () => {
    const { context, page, urls } = await open();
    try {
      const first = await signIn(context, page, urls);
      assert.equal(first.loginAsked, true, 'the first sign-in logs in at the provider');
      const again = await signIn(context, page, urls);
      assert.equal(again.loginAsked, false, 'the provider session signs in silently');
      assert.ok(await world.auth.validateSession(again.token));
      assert.equal(await world.auth.validateSession(first.token), null, 'replaced by the new one');

      const endSession = await signOut(page, '/bye?x=1');
      assert.equal(await world.auth.validateSession(again.token), null, 'signed out here first');
      const q = endSession.searchParams;
      assert.equal(q.get('client_id'), world.clientId);
      assert.equal(q.get('post_logout_redirect_uri'), `${world.rp}/auth/local/logout-callback`);
      const state = q.get('state')!;
      assert.match(state, /^[a-z2-7]{52}$/);
      assert.ok(q.get('id_token_hint'), 'the ID token as a hint');
      const name = world.auth.sessionCookieName(world.rp);
      assert.ok(!(await context.cookies(world.rp)).some((c) => c.name === name), 'cookie gone');

      const from = urls.length;
      await confirm(page, `${world.rp}/bye?x=1`);
      const back = urls.slice(from).find((u) => u.startsWith(`${world.rp}/auth/local/`));
      assert.ok(back, urls.slice(from).join(' → '));
      assert.equal(new URL(back).pathname, '/auth/local/logout-callback');
      assert.equal(new URL(back).searchParams.get('state'), state, 'state round-trips');
      assert.equal(page.url(), `${world.rp}/bye?x=1`);

      // The provider session is over: signing in again logs in, as whoever logs in now.
      world.loginAs('bob');
      const next = await signIn(context, page, urls);
      assert.equal(next.loginAsked, true, 'the provider asks for a login again');
      const session = await world.auth.validateSession(next.token);
      assert.equal(session?.user.attributes.username, 'bob');
    } finally {
      world.loginAs('alice');
      await context.close();
    }
  });

  it('a tampered state comes back to signOutURL, not the target', async () => {
    const { context, page, urls } = await open();
    try {
      await signIn(context, page, urls);
      const endSession = await signOut(page, '/kept');
      const tampered = new URL(endSession);
      const state = tampered.searchParams.get('state')!;
      tampered.searchParams.set('state', state.replace(/^./, state[0] === 'a' ? 'b' : 'a'));
      await page.goto(tampered.href);
      await page.waitForSelector('#confirm');
      const from = urls.length;
      await confirm(page, `${world.rp}/`);
      assert.ok(urls.slice(from).some((u) => u.startsWith(`${world.rp}/auth/local/logout-`)));
      assert.equal(page.url(), `${world.rp}/`);
      // The genuine state, used once afterwards, still leads to the target (never stolen).
      await page.goto(`${world.rp}/auth/local/logout-callback?state=${state}`);
      assert.equal(page.url(), `${world.rp}/kept`);
      await page.goto(`${world.rp}/auth/local/logout-callback?state=${state}`);
      assert.equal(page.url(), `${world.rp}/`, 'and only once');
    } finally {
      await context.close();
    }
  });

  it('a tampered post_logout_redirect_uri or success_url never leaves the origin', async () => {
    const { context, page, urls } = await open();
    try {
      await signIn(context, page, urls);
      const endSession = await signOut(page, '/kept');
      for (const target of ['https://evil.example/cb', `${world.rp}/elsewhere`]) {
        const tampered = new URL(endSession);
        tampered.searchParams.set('post_logout_redirect_uri', target);
        const answer = await page.goto(tampered.href);
        // Not a registered URI: the provider answers an error page and redirects nowhere.
        assert.equal(answer?.status(), 400, target);
        assert.equal(new URL(page.url()).origin, world.issuer, target);
        assert.equal(await page.locator('#confirm').count(), 0);
      }
      for (const target of ['https://evil.example/', '//evil.example', '/\\evil.example']) {
        await signIn(context, page, urls);
        await signOut(page, target);
        await confirm(page, `${world.rp}/`);
        assert.equal(page.url(), `${world.rp}/`, target);
      }
      assert.ok(
        urls.every((u) => new URL(u).hostname === '127.0.0.1'),
        `no navigation off-origin: ${urls.filter((u) => !u.includes('127.0.0.1')).join(', ')}`,
      );
    } finally {
      await context.close();
    }
  });
});
