// The confirmation a native loopback start asks for when a program, not a page of this origin,
// opened the browser (RFC 8252 §8.6), in real Chromium: with a provider that approves silently,
// nothing reaches the app's listener until the person clicks Continue.
import assert from 'node:assert/strict';
import { after, before, describe, it, test } from 'node:test';
import { chromium, type Browser as Chromium, type Page } from 'playwright-core';
import { LatchkeyError } from '../src/core/errors.ts';
import { signIn } from '../src/native/sign-in.ts';
import { Browser, createHarness, ORIGIN, type Harness as HttpHarness } from './http-harness.ts';
import {
  answerConfirmation,
  CHROMIUM_OPTIONS,
  startHarness,
  type Harness,
} from './native-harness.ts';

let browser: Chromium;
before(async () => {
  browser = await chromium.launch(CHROMIUM_OPTIONS);
});
after(() => browser?.close());

/** Every URL the page navigated to. */
function track(page: Page): string[] {
  const urls: string[] = [];
  page.on('framenavigated', (frame) => urls.push(frame.url()));
  return urls;
}
/** Waits until the tab is at the app's listener with a code (the navigation may lag the app). */
const reachedListener = (page: Page) =>
  page.waitForURL((u) => u.href.startsWith('http://127.0.0.1:') && u.searchParams.has('code'));
const sawCode = (urls: string[]) =>
  urls.some((u) => u.startsWith('http://127.0.0.1:') && u.includes('code='));

describe('confirming a native sign-in (on by default)', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ appName: 'Acme <CLI>' });
    harness.double.approveAs('octocat'); // the provider approves without asking
  });
  after(() => harness.close());

  test('a start a program opened asks first; Continue completes the sign-in', async () => {
    const page = await browser.newPage();
    const urls = track(page);
    const authorizeRequests = harness.double.stats.authorizeRequests;
    try {
      const session = await signIn({
        server: harness.url,
        provider: 'github',
        openBrowser: async (url) => {
          await page.goto(url);
          assert.equal(
            await page.textContent('h1'),
            'Sign in to Acme <CLI> on this computer?',
            'asked, with the configured (escaped) app name',
          );
          assert.ok(!sawCode(urls), 'nothing reached the listener before the answer');
          assert.equal(
            harness.double.stats.authorizeRequests,
            authorizeRequests,
            'nor the provider',
          );
          await answerConfirmation(page, 'confirm');
        },
      });
      assert.ok(await harness.auth.validateSession(session.token));
      await reachedListener(page);
    } finally {
      await page.close();
    }
  });

  test('Cancel gives the app access_denied and no code', async () => {
    const page = await browser.newPage();
    const urls = track(page);
    try {
      await assert.rejects(
        signIn({
          server: harness.url,
          provider: 'github',
          openBrowser: async (url) => {
            await page.goto(url);
            await answerConfirmation(page, 'cancel');
          },
        }),
        (error: unknown) => error instanceof LatchkeyError && error.code === 'access_denied',
      );
      assert.ok(!sawCode(urls), 'no code was sent');
    } finally {
      await page.close();
    }
  });

  test('ignoring the page gives no code: the app times out and no session exists', async () => {
    const page = await browser.newPage();
    const urls = track(page);
    const sessionsBefore = await countSessions(harness);
    try {
      await assert.rejects(
        signIn({
          server: harness.url,
          provider: 'github',
          timeoutMs: 1500,
          openBrowser: async (url) => {
            await page.goto(url);
            await page.waitForSelector('#confirm');
          },
        }),
        (error: unknown) => error instanceof LatchkeyError && error.code === 'sign_in_timeout',
      );
      assert.ok(!sawCode(urls));
      assert.equal(await countSessions(harness), sessionsBefore);
    } finally {
      await page.close();
    }
  });

  test('a start from a page of this origin goes straight through', async () => {
    const page = await browser.newPage();
    const urls = track(page);
    try {
      const session = await signIn({
        server: harness.url,
        provider: 'github',
        openBrowser: async (url) => {
          // The app's own page links to the start (think of a "Sign in to the CLI" button).
          await page.goto(`${harness.url}/launch?to=${encodeURIComponent(url)}`);
          await page.click('#go');
        },
      });
      assert.ok(await harness.auth.validateSession(session.token));
      assert.ok(!urls.some((u) => u.includes('/confirm')), 'never on the confirmation page');
    } finally {
      await page.close();
    }
  });
});

describe('confirmation turned off (confirmSignIn: false)', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ confirmSignIn: false });
    harness.double.approveAs('octocat');
  });
  after(() => harness.close());

  test('a start a program opened goes straight to the provider and back with a code', async () => {
    const page = await browser.newPage();
    try {
      const session = await signIn({
        server: harness.url,
        provider: 'github',
        openBrowser: async (url) => {
          await page.goto(url);
        },
      });
      assert.ok(await harness.auth.validateSession(session.token));
      await reachedListener(page);
    } finally {
      await page.close();
    }
  });
});

async function countSessions(harness: Harness): Promise<number> {
  const user = await harness.auth.getUserByAccount({
    providerId: 'github',
    issuer: `${harness.double.url}/login/oauth`,
    providerUserId: '583231',
  });
  return user === null ? 0 : (await harness.auth.getUserSessions(user.id)).length;
}

describe('the confirmation route', () => {
  let h: HttpHarness;
  before(async () => {
    h = await createHarness({ native: {} });
  });
  after(() => h.close());
  const query = new URLSearchParams({
    redirect_uri: 'http://127.0.0.1:49152/callback',
    state: 'app-state-0123456789',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  });
  const confirmURL = `${ORIGIN}/auth/github/confirm`;
  const form = (b: Browser, headers: Record<string, string>, body = 'decision=confirm') =>
    b.request(confirmURL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });

  it('asks for every start without a same-origin verdict, writes nothing, and is POST-only', async () => {
    const writes = h.counting.writes();
    for (const headers of [
      {},
      { 'sec-fetch-site': 'none' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site', referer: `${ORIGIN}/` },
      { referer: 'https://evil.test/' },
    ] as Record<string, string>[]) {
      const r = await h.handler.fetch(new Request(`${ORIGIN}/auth/github?${query}`, { headers }));
      assert.equal(r.status, 200, JSON.stringify(headers));
      assert.match(await r.text(), /Sign in to this app on this computer\?/);
      assert.match(r.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    }
    for (const headers of [
      { 'sec-fetch-site': 'same-origin' },
      { referer: `${ORIGIN}/account` },
    ] as Record<string, string>[]) {
      const r = await h.handler.fetch(new Request(`${ORIGIN}/auth/github?${query}`, { headers }));
      assert.equal(r.status, 302, JSON.stringify(headers));
    }
    assert.equal(h.counting.writes(), writes);
    const get = await h.handler.fetch(new Request(confirmURL));
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
  });

  it('a cross-site post, a missing or foreign cookie, or a bad answer starts nothing', async () => {
    const b = new Browser();
    b.absorb(await h.handler.fetch(b.request(`${ORIGIN}/auth/github?${query}`)));
    assert.ok(b.cookies.has('__Host-latchkey_flow'));
    for (const headers of [
      { origin: 'https://evil.test' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      {},
    ] as Record<string, string>[]) {
      const r = await h.handler.fetch(form(b, headers));
      assert.equal(r.status, 403, JSON.stringify(headers));
    }
    const same = { 'sec-fetch-site': 'same-origin' };
    assert.equal((await h.handler.fetch(form(new Browser(), same))).status, 400, 'no cookie');
    for (const body of ['', 'decision=yes', 'decision=confirm&decision=confirm']) {
      assert.equal((await h.handler.fetch(form(b, same, body))).status, 400, body);
    }
    // A real flow cookie is not a waiting start, and a waiting start is not a flow.
    const web = new Browser();
    web.absorb(await h.handler.fetch(web.request(`${ORIGIN}/auth/github`)));
    assert.equal((await h.handler.fetch(form(web, same))).status, 400);
    const callback = await h.handler.fetch(
      b.request(`${ORIGIN}/auth/github/callback?code=x&state=y`),
    );
    assert.equal(callback.status, 400);
    assert.deepEqual(await callback.json(), { error: 'invalid_state' });
  });

  it('Continue starts the waiting flow: 303 to the provider with a flow for the app', async () => {
    const b = new Browser();
    b.absorb(await h.handler.fetch(b.request(`${ORIGIN}/auth/github?${query}`)));
    const r = b.absorb(await h.handler.fetch(form(b, { 'sec-fetch-site': 'same-origin' })));
    assert.equal(r.status, 303);
    assert.ok(r.headers.get('location')!.startsWith(h.double.url));
    h.double.approveAs('octocat');
    const atDouble = await fetch(r.headers.get('location')!, { redirect: 'manual' });
    const done = await h.handler.fetch(b.request(atDouble.headers.get('location')!));
    const location = new URL(done.headers.get('location')!);
    assert.equal(location.origin, 'http://127.0.0.1:49152');
    assert.match(location.searchParams.get('code')!, /^lkc_/);
  });
});
