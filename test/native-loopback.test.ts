// Loopback sign-in end to end: latchkey/native's signIn, a real headless Chromium as the
// person's browser, the GitHub provider against the local GitHub double, and the native routes.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { LatchkeyError } from '../src/core/errors.ts';
import { signIn } from '../src/native/sign-in.ts';
import { startLoopbackListener } from '../src/native/loopback-listener.ts';
import {
  answerConfirmation,
  CHROMIUM_OPTIONS,
  startHarness,
  type Harness,
} from './native-harness.ts';

let harness: Harness;
let browser: Browser;

before(async () => {
  harness = await startHarness();
  browser = await chromium.launch(CHROMIUM_OPTIONS);
});
after(async () => {
  await browser?.close();
  await harness?.close();
});

/** An opener that hands the URL to Chromium, which signs in at the GitHub double. */
function chromiumOpener(pages: Page[], action: 'authorize' | 'cancel' = 'authorize') {
  return async (url: string): Promise<void> => {
    const page = await browser.newPage();
    pages.push(page);
    await page.goto(url);
    await answerConfirmation(page);
    await page.fill('#login', 'octocat');
    await page.click(`button[value="${action}"]`);
    await page.waitForLoadState('load');
  };
}

/** Whether a TCP port on 127.0.0.1 can be bound again (the listener released it). */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('native loopback sign-in in a real browser', () => {
  test('signs in and returns a working bearer session; the browser never sees the token', async () => {
    const pages: Page[] = [];
    const seenURLs: string[] = [];
    const session = await signIn({
      server: harness.url,
      provider: 'github',
      openBrowser: async (url) => {
        const page = await browser.newPage();
        pages.push(page);
        page.on('framenavigated', (frame) => seenURLs.push(frame.url()));
        await page.goto(url);
        await answerConfirmation(page);
        await page.fill('#login', 'octocat');
        await page.click('button[value="authorize"]');
      },
    });
    assert.match(session.token, /^lks_/);
    assert.equal((session.user.attributes as { username: string }).username, 'octocat');
    assert.ok(session.expiresAt.getTime() > Date.now());
    const validated = await harness.auth.validateSession(session.token);
    assert.equal(validated?.user.id, session.user.id);
    // The tab shows the success page of the listener, reached with a one-time code only.
    const page = pages[0]!;
    await page.waitForSelector('h1');
    assert.equal(await page.textContent('h1'), 'Signed in');
    const loopbackURL = seenURLs.find(
      (u) => u.startsWith('http://127.0.0.1:') && u.includes('code='),
    );
    assert.ok(loopbackURL, 'the browser went to the loopback listener');
    assert.match(new URL(loopbackURL).searchParams.get('code')!, /^lkc_/);
    for (const url of seenURLs) assert.ok(!url.includes(session.token), 'token never in a URL');
    // The token works as a bearer session on the main handler's route.
    const me = await fetch(`${harness.url}/auth/session`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { user: { id: string } }).user.id, session.user.id);
    await page.close();
  });

  test('a foreign local request with a wrong state is ignored (400) and the sign-in still completes', async () => {
    const pages: Page[] = [];
    let foreign: { status: number; stillListening: boolean } | null = null;
    const session = await signIn({
      server: harness.url,
      provider: 'github',
      openBrowser: async (url) => {
        const redirectURI = new URL(url).searchParams.get('redirect_uri')!;
        // Another local process (or a page) tries to hand the app a code of its choosing.
        const attack = await fetch(`${redirectURI}?code=lkc_attacker&state=not-the-state`);
        const wrongPath = await fetch(`${new URL(redirectURI).origin}/other?code=x&state=y`);
        const noState = await fetch(`${redirectURI}?code=lkc_attacker`);
        foreign = {
          status: attack.status,
          stillListening: wrongPath.status === 400 && noState.status === 400,
        };
        await chromiumOpener(pages)(url);
      },
    });
    assert.deepEqual(foreign, { status: 400, stillListening: true });
    assert.ok(await harness.auth.validateSession(session.token));
    for (const p of pages) await p.close();
  });

  test('the person cancelling at the provider ends the sign-in with access_denied', async () => {
    const pages: Page[] = [];
    await assert.rejects(
      signIn({
        server: harness.url,
        provider: 'github',
        openBrowser: chromiumOpener(pages, 'cancel'),
      }),
      (error: unknown) => error instanceof LatchkeyError && error.code === 'access_denied',
    );
    for (const p of pages) await p.close();
  });

  test('a listener that is never called times out and releases its port', async () => {
    let port = 0;
    const started = Date.now();
    await assert.rejects(
      signIn({
        server: harness.url,
        provider: 'github',
        timeoutMs: 300,
        openBrowser: async (url) => {
          port = Number(new URL(new URL(url).searchParams.get('redirect_uri')!).port);
        },
      }),
      (error: unknown) => error instanceof LatchkeyError && error.code === 'sign_in_timeout',
    );
    assert.ok(Date.now() - started < 5000);
    assert.ok(port >= 1024);
    assert.equal(await canBind(port), true, 'the port is free again');
  });

  test('an abort signal stops the sign-in and releases the port', async () => {
    const controller = new AbortController();
    let port = 0;
    const pending = signIn({
      server: harness.url,
      provider: 'github',
      signal: controller.signal,
      openBrowser: async (url) => {
        port = Number(new URL(new URL(url).searchParams.get('redirect_uri')!).port);
        controller.abort(new Error('user cancelled'));
      },
    });
    await assert.rejects(pending, /user cancelled/);
    assert.equal(await canBind(port), true);
  });

  test('the listener binds 127.0.0.1 only, rejects a rebound Host, and answers once', async () => {
    const listener = await startLoopbackListener({ state: 'expected-state-123', timeoutMs: 5000 });
    try {
      assert.match(listener.redirectURI, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      const rebound = await rawGet(
        listener.port,
        '/callback?code=c&state=expected-state-123',
        'evil.example:80',
      );
      assert.match(rebound, /^HTTP\/1\.1 400/);
      const good = await fetch(`${listener.redirectURI}?code=lkc_x&state=expected-state-123`);
      assert.equal(good.status, 200);
      assert.equal(good.headers.get('cache-control'), 'no-store');
      assert.equal(good.headers.get('referrer-policy'), 'no-referrer');
      assert.deepEqual(await listener.result, { code: 'lkc_x' });
      assert.equal(await canBind(listener.port), true);
    } finally {
      await listener.close();
    }
  });
});

/** A raw HTTP/1.1 GET with a chosen Host header. */
async function rawGet(port: number, path: string, host: string): Promise<string> {
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}
