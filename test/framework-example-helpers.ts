// The browser round trip every framework example must pass against the GitHub double.
import assert from 'node:assert/strict';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';

export const EXAMPLE_ENV = {
  GITHUB_CLIENT_ID: 'examples-client',
  GITHUB_CLIENT_SECRET: 'examples-secret',
  SESSION_SECRET: 'examples-session-secret-0123456789abcdef',
};

/** The GitHub double with the examples' OAuth App and user. */
export async function startExamplesDouble(): Promise<GitHubDouble> {
  const double = await startGitHubDouble();
  // Loopback callbacks match on any port, as at GitHub: one app serves every example.
  double.addApp({
    clientId: EXAMPLE_ENV.GITHUB_CLIENT_ID,
    clientSecret: EXAMPLE_ENV.GITHUB_CLIENT_SECRET,
    kind: 'oauth-app',
    callbackURLs: ['http://127.0.0.1/auth/github/callback'],
  });
  double.addUser({ login: 'octocat' });
  return double;
}

export /** Cookie jar over real fetch with manual redirects. */
class Jar {
  cookies = new Map<string, string>();
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size)
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      if (line.includes('Max-Age=0')) this.cookies.delete(pair!.slice(0, eq));
      else this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return response;
  }
}

/** The whole browser round trip against a running example. */
export async function signInRoundTrip(
  base: string,
  double: GitHubDouble,
  home = '/',
): Promise<Jar> {
  const jar = new Jar();
  const signedOut = await (await jar.fetch(base + home)).text();
  assert.match(signedOut, /href="\/auth\/github"/);
  const start = await jar.fetch(`${base}/auth/github`);
  assert.equal(start.status, 302);
  const authorize = new URL(start.headers.get('location')!);
  assert.equal(authorize.origin + authorize.pathname, `${double.url}/login/oauth/authorize`);
  assert.equal(authorize.searchParams.get('redirect_uri'), `${base}/auth/github/callback`);
  const atDouble = await fetch(authorize, { redirect: 'manual' });
  const callbackURL = atDouble.headers.get('location')!;
  assert.ok(callbackURL.startsWith(`${base}/auth/github/callback?`), callbackURL);
  const callback = await jar.fetch(callbackURL);
  assert.equal(callback.status, 302, await callback.clone().text());
  assert.equal(callback.headers.get('location'), `${base}/`);
  const port = new URL(base).port;
  assert.ok(jar.cookies.get(`latchkey_session_${port}`)?.startsWith('lks_'));
  assert.equal(await (await jar.fetch(base + home)).text(), 'Hi octocat');
  const session = await jar.fetch(`${base}/auth/session`);
  assert.equal(session.status, 200);
  assert.equal(
    ((await session.json()) as { user: { attributes: { username: string } } }).user.attributes
      .username,
    'octocat',
  );
  const out = await jar.fetch(`${base}/auth/logout`, {
    method: 'POST',
    headers: { origin: base },
  });
  assert.equal(out.status, 204);
  await out.arrayBuffer();
  assert.ok(!jar.cookies.has(`latchkey_session_${port}`));
  assert.match(await (await jar.fetch(base + home)).text(), /href="\/auth\/github"/);
  return jar;
}
