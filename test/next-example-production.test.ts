// examples/next as it ships: `next build`, then `next start` behind a reverse proxy. Next gives
// route handlers its own listening address as request.url, not the proxy's, so the example sets
// the handler's `origin` to the proxy's address (APP_ORIGIN); without it the callback URL would
// name the internal port. Through the proxy: the sign-in round trip (route handlers, getSession()
// in a route handler), the server component, and the sign-out server action — in Chromium with
// the page's JavaScript (a `Next-Action` fetch) and as the plain form post of a page without it,
// which neither a cross-site page nor a post without Origin can make.
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type Browser } from 'playwright-core';
import type { GitHubDouble } from '../src/testing/index.ts';
import {
  EXAMPLE_ENV,
  Jar,
  signInRoundTrip,
  startExamplesDouble,
} from './framework-example-helpers.ts';
import { freePort, runNext, waitFor, type NextProcess } from './next-example-helpers.ts';
import { launchChromium } from './chromium.ts';

/** A reverse proxy on 127.0.0.1 passing the browser's Host on, as proxies set up for Next do. */
async function startProxy(target: number): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port: target,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

/** Signs a jar in (the double approves at once) and returns the session cookie's value. */
async function signIn(jar: Jar, base: string): Promise<string> {
  const start = await jar.fetch(`${base}/auth/github`);
  const atDouble = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const callback = await jar.fetch(atDouble.headers.get('location')!);
  assert.equal(callback.status, 302);
  return jar.cookies.get(`latchkey_session_${new URL(base).port}`)!;
}

/** Whether a session cookie value still signs `/me` in. */
async function signedIn(base: string, token: string): Promise<boolean> {
  const name = `latchkey_session_${new URL(base).port}`;
  const me = await fetch(`${base}/me`, { headers: { cookie: `${name}=${token}` } });
  return (await me.text()) === 'Hi octocat';
}

/** The sign-out form of a rendered page as a browser without JavaScript would post it. */
function actionForm(html: string): FormData {
  const form = /<form[^>]*>([\s\S]*?)<\/form>/.exec(html);
  assert.ok(form, html);
  const fields = new FormData();
  for (const input of form[1]!.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields.append(name, /value="([^"]*)"/.exec(input[0])?.[1] ?? '');
  }
  assert.ok(
    [...fields.keys()].some((k) => k.startsWith('$ACTION_ID_')),
    form[0],
  );
  return fields;
}

describe('examples/next (next build, next start behind a proxy)', () => {
  let double: GitHubDouble;
  let next: NextProcess;
  let proxy: Server;
  let base: string;
  let browser: Browser;

  before(
    async () => {
      double = await startExamplesDouble();
      const env = {
        ...EXAMPLE_ENV,
        GITHUB_WEB_URL: double.url,
        GITHUB_API_URL: double.url,
      };
      // The build evaluates lib/auth.ts while collecting page data: it needs the configuration.
      const build = runNext(['build'], env);
      const code = await build.exited;
      assert.equal(code, 0, `next build failed:\n${build.output()}`);
      const port = await freePort();
      ({ server: proxy, base } = await startProxy(port));
      next = runNext(['start', '--hostname', '127.0.0.1', '--port', String(port)], {
        ...env,
        APP_ORIGIN: base,
        // `next start` runs with NODE_ENV=production; this is still plain http on 127.0.0.1.
        INSECURE_LOCALHOST_COOKIES: '1',
      });
      await waitFor(`${base}/me`, next);
      browser = await launchChromium();
    },
    { timeout: 600_000 },
  );

  after(async () => {
    await browser?.close();
    await next?.stop();
    if (proxy) {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
    await double?.close();
  });

  it('signs in through the route handlers at the proxy’s address', async () => {
    assert.ok(await signInRoundTrip(base, double, '/me'), next.output());
  });

  it('signs out through the server action in Chromium (a Next-Action fetch)', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const actions: string[] = [];
      page.on('request', (r) => {
        const id = r.headers()['next-action'];
        if (r.method() === 'POST' && id) actions.push(id);
      });
      await page.goto(`${base}/`);
      await page.click('a[href="/auth/github"]');
      // Back home through the double and the callback: getSession() in the server component.
      await page.waitForSelector('text=Hi octocat');
      const name = `latchkey_session_${new URL(base).port}`;
      const token = (await context.cookies()).find((c) => c.name === name)?.value ?? '';
      assert.match(token, /^lks_/);
      await page.click('button:has-text("Sign out")');
      // The action redirects home, where the server component renders signed out.
      await page.waitForSelector('a[href="/auth/github"]');
      assert.equal(actions.length, 1, 'one server action call, made by the page’s JavaScript');
      assert.ok(!(await context.cookies()).some((c) => c.name === name), 'the cookie is gone');
      assert.equal(await signedIn(base, token), false, 'the session is over in the store');
    } finally {
      await context.close();
    }
  });

  it('signs out through the server action posted as a form without JavaScript; never cross-site', async () => {
    const jar = new Jar();
    const token = await signIn(jar, base);
    const fields = actionForm(await (await jar.fetch(`${base}/`)).text());
    const post = (origin?: string) =>
      jar.fetch(`${base}/`, { method: 'POST', headers: origin ? { origin } : {}, body: fields });
    // Next refuses an action whose Origin is not the page's host before running it; one with
    // no Origin at all Next runs, and the logout route signOut() goes through refuses it.
    for (const origin of ['http://evil.example', undefined]) {
      const refused = await post(origin);
      await refused.arrayBuffer();
      assert.equal(refused.status, 500, String(origin));
      assert.ok(await signedIn(base, token), `a post from ${origin} signs nobody out`);
    }
    const posted = await post(base);
    await posted.arrayBuffer();
    assert.equal(posted.status, 303, next.output());
    assert.equal(posted.headers.get('location'), '/');
    const cleared = posted.headers.getSetCookie().find((c) => c.startsWith('latchkey_session_'));
    assert.match(cleared ?? '', /^latchkey_session_\d+=;.*Expires=Thu, 01 Jan 1970/i);
    assert.equal(await signedIn(base, token), false);
    const home = await (await fetch(`${base}/`)).text();
    assert.match(home, /<a href="\/auth\/github">Sign in<\/a>/);
  });
});
