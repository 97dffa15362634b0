// examples/astro built by the real toolchain (`astro build`, @astrojs/node standalone) and run
// as its own Node server: the middleware answers /auth/* against the GitHub double, an endpoint
// and an .astro page read `Astro.locals.user`, a renewed session's cookie goes out through
// Astro's `context.cookies`, and sign-out passes Astro's origin check. The build takes most of
// this file's time (about ten seconds; more on a busy machine).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UserAttributes } from '../examples/shared/auth.ts';
import type { User } from '../src/core/types.ts';
import type { GitHubDouble } from '../src/testing/index.ts';
import {
  EXAMPLE_ENV,
  signInRoundTrip,
  startExamplesDouble,
  type Jar,
} from './framework-example-helpers.ts';

const root = join(import.meta.dirname, '..');
const example = join(root, 'examples/astro');

/** Compiles only when `A` and `B` are the same type. */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// examples/astro/src/env.d.ts gives Astro.locals the app's attributes (tsc checks this line).
const localsUserIsTyped: Equal<App.Locals['user'], User<UserAttributes> | null> = true;

// Loaded into the server before the app (which keeps the Date.now it finds at start): each
// SIGUSR2 moves the server's clock two hours on, so that a session is due for renewal.
const CLOCK = `
let offset = 0;
const now = Date.now;
Date.now = () => now() + offset;
process.on('SIGUSR2', () => { offset += 2 * 60 * 60_000; console.log('clock +2h'); });`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs a command to its end; rejects with its output unless it exits 0. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(process.execPath, args, { cwd: example, env, stdio: 'pipe' });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${args.join(' ')}: ${code}\n${output}`)),
    );
  });
}

describe('examples/astro (astro build, @astrojs/node standalone)', () => {
  let double: GitHubDouble;
  let child: ChildProcess;
  let base: string;
  let output = '';

  before(
    async () => {
      assert.ok(localsUserIsTyped);
      double = await startExamplesDouble();
      const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
      await run([join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], env);
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      const clock = `--import=data:text/javascript,${encodeURIComponent(CLOCK)}`;
      child = spawn(process.execPath, [clock, join(example, 'dist/server/entry.mjs')], {
        cwd: example,
        // Its own process group, so that closing ends whatever it started too.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...env,
          ...EXAMPLE_ENV,
          GITHUB_WEB_URL: double.url,
          GITHUB_API_URL: double.url,
          HOST: '127.0.0.1',
          PORT: String(port),
        },
      });
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      for (let i = 0; i < 120; i++) {
        const answer = await fetch(`${base}/me`).catch(() => null);
        if (answer?.status === 200) return void (await answer.arrayBuffer());
        await answer?.arrayBuffer();
        if (child.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(`the built Astro server did not answer:\n${output}`);
    },
    { timeout: 300_000 },
  );

  after(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
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
    assert.ok(jar, output);
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
    const seen = output.split('clock +2h').length;
    process.kill(child.pid!, 'SIGUSR2');
    while (output.split('clock +2h').length === seen) await new Promise((r) => setTimeout(r, 20));
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
