// examples/astro built by the real toolchain (`astro build`, @astrojs/node standalone) and run
// as its own Node server: the middleware answers /auth/* against the GitHub double, an endpoint
// and an .astro page read `Astro.locals.user`, a renewed session's cookie goes out through
// Astro's `context.cookies`, and sign-out passes Astro's origin check. The build takes most of
// this file's time (about ten seconds; more on a busy machine).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UserAttributes } from '../examples/shared/auth.ts';
import type { User } from '../src/core/types.ts';
import type { GitHubDouble } from '../src/testing/index.ts';
import { runExample, runToEnd, waitFor, type ExampleProcess } from './example-process.ts';
import { freePort } from './helpers.ts';
import {
  EXAMPLE_ENV,
  signInRoundTrip,
  startExamplesDouble,
  type Jar,
} from './framework-example-helpers.ts';
import type { Equal } from './type-equal.ts';

const root = join(import.meta.dirname, '..');
const example = join(root, 'examples/astro');

// examples/astro/src/env.d.ts gives Astro.locals the app's attributes (tsc checks this line).
const localsUserIsTyped: Equal<App.Locals['user'], User<UserAttributes> | null> = true;

// Loaded into the server before the app (which keeps the Date.now it finds at start): each
// SIGUSR2 moves the server's clock two hours on, so that a session is due for renewal.
const CLOCK = `
let offset = 0;
const now = Date.now;
Date.now = () => now() + offset;
process.on('SIGUSR2', () => { offset += 2 * 60 * 60_000; console.log('clock +2h'); });`;

describe('examples/astro (astro build, @astrojs/node standalone)', () => {
  let double: GitHubDouble;
  let server: ExampleProcess;
  let base: string;
  const output = () => server.output();

  before(
    async () => {
      assert.ok(localsUserIsTyped);
      double = await startExamplesDouble();
      const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
      const astro = join(root, 'node_modules/astro/bin/astro.mjs');
      const build = await runToEnd([astro, 'build'], { cwd: example, env });
      assert.equal(build.code, 0, build.output);
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      const clock = `--import=data:text/javascript,${encodeURIComponent(CLOCK)}`;
      server = runExample([clock, join(example, 'dist/server/entry.mjs')], {
        cwd: example,
        env: {
          ...env,
          ...EXAMPLE_ENV,
          GITHUB_WEB_URL: double.url,
          GITHUB_API_URL: double.url,
          HOST: '127.0.0.1',
          PORT: String(port),
        },
      });
      await waitFor(`${base}/me`, server, 120);
    },
    { timeout: 300_000 },
  );

  after(async () => {
    await server?.stop();
    await double?.close();
  });

  /** Signs in again a jar that signInRoundTrip signed out at its end. */
  async function signInAgain(jar: Jar): Promise<void> {
    const start = await jar.fetch(`${base}/auth/github`);
    const atDouble = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    await (await jar.fetch(atDouble.headers.get('location')!)).arrayBuffer();
  }

  it('signs in through the middleware; an endpoint reads Astro.locals.user', async () => {
    const jar = await signInRoundTrip(base, double, '/me');
    assert.ok(jar, output());
  });

  it('an .astro page rendered on demand reads Astro.locals.user', async () => {
    const jar = await signInRoundTrip(base, double, '/me');
    await signInAgain(jar);
    const page = await (await jar.fetch(`${base}/`)).text();
    assert.match(page, /<p>Hi octocat<\/p>/);
    const signedOut = await (await fetch(`${base}/`)).text();
    assert.match(signedOut, /<a href="\/auth\/github">Sign in<\/a>/);
  });

  it('re-sends a renewed session cookie through context.cookies', async () => {
    const jar = await signInRoundTrip(base, double, '/me');
    await signInAgain(jar);
    const port = new URL(base).port;
    const seen = output().split('clock +2h').length;
    process.kill(server.child.pid!, 'SIGUSR2');
    while (output().split('clock +2h').length === seen) await new Promise((r) => setTimeout(r, 20));
    const renewed = await jar.fetch(`${base}/me`);
    assert.equal(await renewed.text(), 'Hi octocat');
    const cookie = renewed.headers
      .getSetCookie()
      .find((line) => line.startsWith(`latchkey_session_${port}=lks_`));
    assert.ok(cookie, renewed.headers.getSetCookie().join('\n'));
    // Astro wrote it from the options the middleware gave: every attribute of the routes' cookie.
    assert.match(cookie, /; Path=\/(;|$)/);
    assert.match(cookie, /; HttpOnly(;|$)/i);
    assert.match(cookie, /; SameSite=Lax(;|$)/i);
    assert.doesNotMatch(cookie, /; Secure/i);
    const expires = new Date(/; Expires=([^;]+)/i.exec(cookie)![1]!).getTime();
    assert.ok(expires > Date.now() + 13 * 24 * 60 * 60_000, cookie);
  });

  it("Astro's checkOrigin refuses a cross-site form post before the middleware runs", async () => {
    // What an Apple form_post callback, a back-channel logout or a native client's form post
    // to /auth/* looks like to Astro: see docs/frameworks.md.
    const answer = await fetch(`${base}/auth/logout`, {
      method: 'POST',
      headers: {
        origin: 'https://elsewhere.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: '',
    });
    assert.equal(answer.status, 403);
    assert.equal(await answer.text(), 'Cross-site POST form submissions are forbidden');
  });
});
