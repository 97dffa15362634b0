// examples/next under a real `next dev` (Turbopack): the App Router route handlers sign in
// against the GitHub double, `getSession()` reads the session through next/headers in a route
// handler and in a server component, and sign-out ends it. Next compiles each route on first
// request, so this file is slower than the other examples (tens of seconds on a busy machine).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GitHubDouble } from '../src/testing/index.ts';
import { EXAMPLE_ENV, signInRoundTrip, startExamplesDouble } from './framework-example-helpers.ts';

const root = join(import.meta.dirname, '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('examples/next (next dev)', () => {
  let double: GitHubDouble;
  let child: ChildProcess;
  let base: string;
  let output = '';

  before(async () => {
    double = await startExamplesDouble();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      [join(root, 'node_modules/next/dist/bin/next'), 'dev', '--port', String(port)],
      {
        cwd: join(root, 'examples/next'),
        // Its own process group, so that closing ends Next's worker too.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          ...EXAMPLE_ENV,
          GITHUB_WEB_URL: double.url,
          GITHUB_API_URL: double.url,
          // `next dev` gives route handlers `http://localhost:<port>` as request.url whatever
          // the Host: the origin option names the address the browser (here, the test) uses.
          APP_ORIGIN: base,
          NEXT_TELEMETRY_DISABLED: '1',
        },
      },
    );
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    // Ready once the first route has compiled and answers.
    for (let i = 0; i < 240; i++) {
      const answer = await fetch(`${base}/me`).catch(() => null);
      if (answer?.status === 200) return void (await answer.arrayBuffer());
      await answer?.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`next dev did not answer:\n${output}`);
  });

  after(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    await double?.close();
  });

  it('signs in through the route handlers; getSession() in a route handler sees the user', async () => {
    const jar = await signInRoundTrip(base, double, '/me');
    assert.ok(jar, output);
  });

  it('getSession() in a server component sees the signed-in user', async () => {
    const jar = await signInRoundTrip(base, double, '/me');
    // signInRoundTrip signed out at its end: sign in again and render the page.
    const start = await jar.fetch(`${base}/auth/github`);
    const atDouble = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    await jar.fetch(atDouble.headers.get('location')!);
    const page = await (await jar.fetch(`${base}/`)).text();
    assert.match(page, /<p>Hi octocat<\/p>/);
    const signedOut = await (await fetch(`${base}/`)).text();
    assert.match(signedOut, /<a href="\/auth\/github">Sign in<\/a>/);
  });
});
