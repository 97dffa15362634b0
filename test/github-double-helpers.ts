// Shared helpers of the GitHub double's tests: a double with two apps and two users, and the
// requests an app's OAuth client would send, made with plain fetch.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';

export const CALLBACK = 'https://app.example.com/auth/github/callback';

export async function setup(
  t: TestContext,
  options: Parameters<typeof startGitHubDouble>[0] = {},
): Promise<GitHubDouble> {
  const gh = await startGitHubDouble(options);
  t.after(() => gh.close());
  gh.addApp({
    clientId: 'oauth-id',
    clientSecret: 'oauth-secret',
    kind: 'oauth-app',
    callbackURLs: [CALLBACK],
  });
  gh.addApp({
    clientId: 'ghapp-id',
    clientSecret: 'ghapp-secret',
    kind: 'github-app',
    callbackURLs: [CALLBACK],
  });
  gh.addApp({
    clientId: 'ghapp-noexp',
    clientSecret: 'noexp-secret',
    kind: 'github-app',
    expiringTokens: false,
    callbackURLs: [CALLBACK],
  });
  gh.addUser({
    login: 'octocat',
    id: 583231,
    name: 'The Octocat',
    publicEmail: 'octocat@github.com',
    emails: [
      { email: 'octocat@github.com', primary: true, verified: true, visibility: 'public' },
      { email: 'unverified@example.com', primary: false, verified: false },
    ],
  });
  gh.addUser({ login: 'hubot' });
  return gh;
}

export async function authorize(gh: GitHubDouble, params: Record<string, string>): Promise<URL> {
  const res = await fetch(`${gh.url}/login/oauth/authorize?${new URLSearchParams(params)}`, {
    redirect: 'manual',
  });
  assert.equal(res.status, 302, await res.clone().text());
  return new URL(res.headers.get('location')!);
}

export async function tokenRequest(
  gh: GitHubDouble,
  params: Record<string, string>,
  headers: Record<string, string> = { Accept: 'application/json' },
): Promise<Response> {
  return fetch(`${gh.url}/login/oauth/access_token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });
}

export async function tokenJSON(
  gh: GitHubDouble,
  params: Record<string, string>,
): Promise<Record<string, unknown>> {
  const res = await tokenRequest(gh, params);
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}

export async function signIn(
  gh: GitHubDouble,
  clientId = 'oauth-id',
  scope = 'read:user user:email',
): Promise<Record<string, unknown>> {
  const location = await authorize(gh, {
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope,
    state: 's',
  });
  const secret =
    clientId === 'oauth-id'
      ? 'oauth-secret'
      : clientId === 'ghapp-id'
        ? 'ghapp-secret'
        : 'noexp-secret';
  return tokenJSON(gh, {
    client_id: clientId,
    client_secret: secret,
    code: location.searchParams.get('code')!,
  });
}

export function getUser(
  gh: GitHubDouble,
  token: string,
  path = '/user',
  scheme = 'Bearer',
): Promise<Response> {
  return fetch(`${gh.url}${path}`, { headers: { Authorization: `${scheme} ${token}` } });
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
