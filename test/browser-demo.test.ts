// The demo in a real browser (Debian's Chromium through playwright-core): sign in through the
// GitHub double's own login page, stay signed in, list and revoke sessions, sign out, and the
// open-redirect and replay defences as a browser sees them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDemo, type Demo } from '../demo/app.ts';
import { launchChromium } from './chromium.ts';

async function signIn(page: Page, demo: Demo, login: string, start = '/'): Promise<string[]> {
  const callbacks: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/auth/github/callback')) callbacks.push(r.url());
  });
  if (start === '/') {
    await page.goto(`${demo.url}/`);
    await page.click('#sign-in-github');
  } else {
    await page.goto(`${demo.url}${start}`);
  }
  await page.waitForSelector('input[name="login"]');
  assert.ok(page.url().startsWith(demo.double!.url), 'on the double’s login page');
  await page.fill('input[name="login"]', login);
  await Promise.all([
    page.waitForURL((u) => u.toString().startsWith(demo.url)),
    page.click('button[value="authorize"]'),
  ]);
  await page.waitForLoadState('load');
  return callbacks;
}

describe('demo in Chromium', () => {
  let demo: Demo;
  let browser: Browser;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-demo-'));
    demo = await startDemo({
      port: 0,
      host: '127.0.0.1',
      databasePath: join(dir, 'demo.db'),
      sessionSecret: 'browser-test-secret-0123456789abcdef',
      log: () => {},
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in through the double’s login page, stays signed in across a reload, signs out', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${demo.url}/`);
      assert.match((await page.textContent('body')) ?? '', /Development provider/);
      await signIn(page, demo, 'octocat');
      assert.equal(page.url(), `${demo.url}/`);
      assert.equal(await page.textContent('#signed-in-as'), 'Signed in as The Octocat');
      await page.reload();
      assert.equal(await page.textContent('#signed-in-as'), 'Signed in as The Octocat');
      const sessions = await page.locator('#sessions li').allTextContents();
      assert.equal(sessions.length, 1);
      assert.match(sessions[0]!, /This browser/);
      const cookies = await context.cookies();
      const port = new URL(demo.url).port;
      const session = cookies.find((c) => c.name === `latchkey_session_${port}`);
      assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
      assert.ok(
        !cookies.some((c) => c.name.startsWith('latchkey_flow')),
        'the flow cookie is gone',
      );
      assert.equal(
        await page.evaluate(() => document.cookie),
        '',
        'no cookie is readable by script',
      );
      mkdirSync('test-output', { recursive: true });
      await page.screenshot({ path: 'test-output/demo-signed-in.png', fullPage: true });

      await Promise.all([page.waitForURL(`${demo.url}/`), page.click('#sign-out')]);
      await page.waitForSelector('#sign-in-github');
      await page.reload();
      assert.ok(await page.isVisible('#sign-in-github'));
    } finally {
      await context.close();
    }
  });

  it('a second browser signs in and the first one revokes it', async () => {
    const [first, second]: [BrowserContext, BrowserContext] = [
      await browser.newContext(),
      await browser.newContext({ userAgent: 'SecondBrowser/2.0' }),
    ];
    try {
      const p1 = await first.newPage();
      const p2 = await second.newPage();
      await signIn(p1, demo, 'monalisa');
      await signIn(p2, demo, 'monalisa');
      await p1.reload();
      const other = p1.locator('#sessions li', { hasText: 'SecondBrowser/2.0' });
      assert.match((await other.textContent()) ?? '', /Other browser/);
      await Promise.all([p1.waitForURL(`${demo.url}/`), other.locator('button').click()]);
      assert.equal(await p1.locator('#sessions li').count(), 1);
      await p2.reload();
      assert.ok(await p2.isVisible('#sign-in-github'), 'the revoked browser is signed out');
      assert.ok(await p1.isVisible('#signed-in-as'), 'the revoking browser stays signed in');
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('a crafted success_url never leaves the origin', async () => {
    for (const target of [
      '//evil.test/',
      'https://evil.test/',
      '/\\evil.test',
      '/%2F%2Fevil.test',
    ]) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await signIn(page, demo, 'hubot', `/auth/github?success_url=${encodeURIComponent(target)}`);
        assert.equal(new URL(page.url()).origin, new URL(demo.url).origin, target);
        assert.ok(await page.isVisible('#signed-in-as'));
      } finally {
        await context.close();
      }
    }
  });

  it('the callback opened twice fails the second time', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const callbacks = await signIn(page, demo, 'octocat');
      assert.equal(callbacks.length, 1);
      const again = await page.goto(callbacks[0]!);
      // The first callback cleared the flow cookie: the demo's errorURL (`/`) names it.
      assert.equal(new URL(page.url()).search, '?error=missing_flow_cookie');
      assert.match((await again?.text()) ?? '', /missing_flow_cookie/);
    } finally {
      await context.close();
    }
  });
});
