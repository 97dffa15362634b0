// examples/next under a real `next dev` (Turbopack), for what only development shows: `next dev`
// gives route handlers `http://localhost:<port>` as request.url whatever the Host, so the example
// sets the handler's `origin` (APP_ORIGIN) to the address the browser (here, the test) uses.
// The route handlers sign in against the GitHub double, `getSession()` reads the session in a
// route handler and in a server component, and sign-out ends it. The production build, its
// server action and a proxy in front are next-example-production.test.ts. Next compiles each
// route on first request, so this file is slower than the other examples.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GitHubDouble } from '../src/testing/index.ts';
import { EXAMPLE_ENV, signInRoundTrip, startExamplesDouble } from './framework-example-helpers.ts';
import { freePort, runNext, waitFor, type NextProcess } from './next-example-helpers.ts';

describe('examples/next (next dev)', () => {
  let double: GitHubDouble;
  let next: NextProcess;
  let base: string;

  before(async () => {
    double = await startExamplesDouble();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    next = runNext(['dev', '--port', String(port)], {
      ...EXAMPLE_ENV,
      GITHUB_WEB_URL: double.url,
      GITHUB_API_URL: double.url,
      APP_ORIGIN: base,
    });
    await waitFor(`${base}/me`, next);
  });

  after(async () => {
    await next?.stop();
    await double?.close();
  });

  it('signs in through the route handlers; getSession() in a route handler and a server component', async () => {
    const jar = await signInRoundTrip(base, double, '/me');
    assert.ok(jar, next.output());
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
