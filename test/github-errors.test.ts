// GitHub's refusals as typed errors, against a tiny local GitHub API on 127.0.0.1 that answers the
// way GitHub documents: SAML SSO (403 + X-GitHub-SSO), missing permissions (403/404 +
// X-Accepted-GitHub-Permissions), primary and secondary rate limits, and the opt-in bounded wait.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  createGitHubClient,
  GitHubPermissionsError,
  GitHubRateLimitError,
  GitHubSSORequiredError,
} from '../src/github/index.ts';
import { close, listen } from './oauth-fixtures.ts';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

describe('GitHub refusals as typed errors', () => {
  let api: string;
  let server: Awaited<ReturnType<typeof listen>>['server'];
  const routes = new Map<string, Answer>();
  const hits = new Map<string, number>();
  before(async () => {
    ({ server, url: api } = await listen((req, res) => {
      const path = new URL(req.url!, 'http://x').pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const answer = routes.get(path);
      if (answer) return answer(req, res);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"login":"ada"}');
    }));
  });
  after(() => close(server));

  const client = (options: { rateLimitRetry?: { maxWait: number } } = {}) =>
    createGitHubClient({ tokens: { accessToken: 'gho_secret-token' }, apiURL: api, ...options });
  const json =
    (status: number, headers: Record<string, string>, body: unknown = {}): Answer =>
    (_req, res) => {
      res
        .writeHead(status, { 'content-type': 'application/json', ...headers })
        .end(JSON.stringify(body));
    };

  it('403 with X-GitHub-SSO: required carries the organisation’s SSO URL', async () => {
    const sso = 'https://github.com/orgs/acme/sso?authorization_request=AbC123';
    routes.set('/orgs/acme/repos', json(403, { 'x-github-sso': `required; url=${sso}` }));
    await assert.rejects(client().fetch('/orgs/acme/repos'), (e: unknown) => {
      assert.ok(e instanceof GitHubSSORequiredError);
      assert.equal(e.code, 'github_sso_required');
      assert.equal(e.ssoURL, sso);
      assert.ok(!JSON.stringify(e).includes('gho_') && !e.message.includes('gho_'));
      return true;
    });
    // A non-https url is not handed on as a place to send people.
    routes.set(
      '/orgs/evil/repos',
      json(403, { 'x-github-sso': 'required; url=javascript:alert(1)' }),
    );
    await assert.rejects(client().fetch('/orgs/evil/repos'), { ssoURL: null });
    // Partial results (200 + `partial-results`) are an answer, not an error.
    routes.set(
      '/user/repos',
      json(200, { 'x-github-sso': 'partial-results; organizations=1,2' }, []),
    );
    assert.equal((await client().fetch('/user/repos')).status, 200);
  });

  it('403/404 with X-Accepted-GitHub-Permissions names every set that would do', async () => {
    const header = 'repository_projects=write; organization_projects=admin,members=read';
    routes.set('/projects/1/collaborators', json(403, { 'x-accepted-github-permissions': header }));
    await assert.rejects(client().fetch('/projects/1/collaborators'), (e: unknown) => {
      assert.ok(e instanceof GitHubPermissionsError);
      assert.equal(e.status, 403);
      assert.deepEqual(e.acceptedPermissions, [
        { repository_projects: 'write' },
        { organization_projects: 'admin', members: 'read' },
      ]);
      return true;
    });
    routes.set('/repos/a/private', json(404, { 'x-accepted-github-permissions': 'contents=read' }));
    await assert.rejects(client().fetch('/repos/a/private'), {
      code: 'github_permissions',
      status: 404,
    });
    // A plain 404 (or a 200 carrying the header, as GitHub sends it) is returned as it is.
    routes.set('/repos/a/none', json(404, {}));
    assert.equal((await client().fetch('/repos/a/none')).status, 404);
    routes.set('/repos/a/ok', json(200, { 'x-accepted-github-permissions': 'contents=read' }));
    assert.equal((await client().fetch('/repos/a/ok')).status, 200);
  });

  it('primary and secondary rate limits carry the reset time', async () => {
    const reset = Math.floor(Date.now() / 1000) + 1800;
    routes.set(
      '/primary',
      json(
        403,
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
        {
          message: 'API rate limit exceeded',
        },
      ),
    );
    await assert.rejects(client().fetch('/primary'), (e: unknown) => {
      assert.ok(e instanceof GitHubRateLimitError);
      assert.equal(e.kind, 'primary');
      assert.equal(e.resetAt.getTime(), reset * 1000);
      return true;
    });
    const before = Date.now();
    routes.set('/secondary', json(429, { 'retry-after': '120' }));
    await assert.rejects(client().fetch('/secondary'), (e: unknown) => {
      assert.ok(e instanceof GitHubRateLimitError && e.kind === 'secondary');
      assert.ok(e.resetAt.getTime() >= before + 120_000);
      return true;
    });
    // A secondary limit with no header at all: GitHub's message, and its one-minute minimum.
    routes.set(
      '/quiet',
      json(403, {}, { message: 'You have exceeded a secondary rate limit. Please wait.' }),
    );
    await assert.rejects(client().fetch('/quiet'), (e: unknown) => {
      assert.ok(e instanceof GitHubRateLimitError && e.kind === 'secondary');
      assert.ok(e.resetAt.getTime() >= before + 60_000);
      return true;
    });
    // A 403 that is none of these is returned as it is.
    routes.set('/forbidden', json(403, {}, { message: 'Resource not accessible' }));
    assert.equal((await client().fetch('/forbidden')).status, 403);
  });

  it('opt-in wait-and-retry: waits for a reset within maxWait, never for a later one', async () => {
    let calls = 0;
    routes.set('/soon', (req, res) => {
      calls++;
      if (calls === 1) return json(429, { 'retry-after': '1' })(req, res);
      json(200, {}, { ok: true })(req, res);
    });
    const answer = await client({ rateLimitRetry: { maxWait: 30_000 } }).fetch('/soon');
    assert.equal(answer.status, 200);
    assert.equal(calls, 2);
    // Off by default: the same limit throws at once.
    calls = 0;
    await assert.rejects(client().fetch('/soon'), GitHubRateLimitError);
    assert.equal(calls, 1);
    // A reset beyond maxWait throws at once, without waiting or retrying.
    hits.delete('/primary');
    await assert.rejects(
      client({ rateLimitRetry: { maxWait: 5_000 } }).fetch('/primary'),
      GitHubRateLimitError,
    );
    assert.equal(hits.get('/primary'), 1);
    // A limit that keeps coming back is retried a bounded number of times, then thrown.
    routes.set('/always', json(429, { 'retry-after': '0' }));
    hits.delete('/always');
    await assert.rejects(
      client({ rateLimitRetry: { maxWait: 30_000 } }).fetch('/always'),
      GitHubRateLimitError,
    );
    assert.equal(hits.get('/always'), 4);
  });
});
