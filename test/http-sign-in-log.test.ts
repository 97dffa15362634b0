// Failed sign-ins are diagnosable: every failed callback writes one log line with the provider,
// the code the page shows, a finer reason and what the provider said (sanitised) — and never a
// code, state, verifier, cookie, token or secret.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FLOW_SEAL_PURPOSE } from '../src/http/handler.ts';
import { createSealer } from '../src/http/seal.ts';
import { Browser, createHarness, ORIGIN, SECRET, type Harness } from './http-harness.ts';

const MESSAGE = 'latchkey: sign-in failed';

describe('the log line of a failed sign-in', () => {
  let h: Harness;
  // Every secret a callback handled; none may appear in any log line.
  const secrets = new Set<string>(['client-secret-1', SECRET]);
  before(async () => {
    h = await createHarness();
  });
  after(async () => {
    const logged = JSON.stringify(h.logs);
    for (const secret of secrets) assert.ok(!logged.includes(secret), 'a secret in the log');
    await h.close();
  });

  /** Starts a flow and returns its callback URL, remembering its secrets. */
  async function authorize(b: Browser): Promise<URL> {
    const callback = new URL(await h.authorize(b));
    const cookie = b.cookies.get('__Host-latchkey_flow')!;
    const flow = (await createSealer(SECRET, FLOW_SEAL_PURPOSE).open(cookie, 'flow:github')) as {
      codeVerifier: string;
    };
    for (const value of [
      cookie,
      flow.codeVerifier,
      callback.searchParams.get('code')!,
      callback.searchParams.get('state')!,
    ]) {
      secrets.add(value);
    }
    return callback;
  }

  /** Runs `request` and returns the one log line it wrote. */
  async function loggedBy(request: Request): Promise<[Response, Record<string, string>]> {
    const before = h.logs.length;
    const response = await h.handler.fetch(request);
    assert.equal(h.logs.length, before + 1, 'one line');
    const line = h.logs.at(-1)!;
    assert.equal(line.message, MESSAGE);
    return [response, line.details];
  }

  it('names the provider error at the callback, with its description cleaned', async () => {
    const b = new Browser();
    const callback = await authorize(b);
    callback.searchParams.delete('code');
    callback.searchParams.set('error', 'access_denied');
    const hostile = `The user said no\nlatchkey: forged line\u202e${'x'.repeat(1000)}`;
    callback.searchParams.set('error_description', hostile);
    const [response, details] = await loggedBy(b.request(callback.href));
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), `${ORIGIN}/auth/error?error=access_denied`);
    assert.deepEqual(details, {
      provider: 'github',
      code: 'access_denied',
      reason: 'provider_error',
      error: 'access_denied',
      errorDescription: `The user said no?latchkey: forged line?${'x'.repeat(261)}…`,
    });
  });

  it('an unknown provider error is shown as oauth_error but logged as the provider said it', async () => {
    const b = new Browser();
    const callback = await authorize(b);
    callback.searchParams.set('error', 'redirect_uri_mismatch');
    const [response, details] = await loggedBy(b.request(callback.href));
    assert.equal(response.headers.get('location'), `${ORIGIN}/auth/error?error=oauth_error`);
    assert.deepEqual(details, {
      provider: 'github',
      code: 'oauth_error',
      reason: 'provider_error',
      error: 'redirect_uri_mismatch',
    });
  });

  it('names a refused token exchange and what the provider answered', async () => {
    const b = new Browser();
    const callback = await authorize(b);
    callback.searchParams.set('code', 'not-a-code');
    const [response, details] = await loggedBy(b.request(callback.href));
    assert.equal(response.headers.get('location'), `${ORIGIN}/auth/error?error=oauth_request`);
    assert.equal(details.provider, 'github');
    assert.equal(details.code, 'oauth_request');
    assert.equal(details.reason, 'OAuthRequestError');
    assert.equal(details.error, 'bad_verification_code');
    assert.equal(typeof details.errorDescription, 'string');
  });

  it('a missing flow cookie has its own code, page, hint and log line', async () => {
    const b = new Browser();
    const callback = await authorize(b);
    const [response, details] = await loggedBy(new Request(callback.href));
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type')!, /^text\/html/);
    const html = await response.text();
    assert.match(html, /<code>missing_flow_cookie<\/code>/);
    assert.match(html, /the browser blocked it, the sign-in started on another origin or port/);
    assert.deepEqual(details, {
      provider: 'github',
      code: 'missing_flow_cookie',
      reason: 'missing_flow_cookie',
    });
    // The flow was not spent: the browser that has the cookie still signs in.
    assert.equal((await h.handler.fetch(b.request(callback.href))).status, 302);
  });

  it('tells a stale, forged, replayed or mismatched callback apart in the log', async () => {
    const b = new Browser();
    const callback = await authorize(b);
    const real = b.cookies.get('__Host-latchkey_flow')!;
    const tampered = `__Host-latchkey_flow=${real.slice(0, -2)}AA`;
    const wrongState = new URL(callback);
    wrongState.searchParams.set('state', 'not-the-state');
    const noState = new URL(callback);
    noState.searchParams.delete('state');
    const cases: [string, Request][] = [
      ['invalid_flow_cookie', new Request(callback.href, { headers: { cookie: tampered } })],
      ['state_mismatch', b.request(wrongState.href)],
      ['missing_state', b.request(noState.href)],
    ];
    for (const [reason, request] of cases) {
      const [response, details] = await loggedBy(request);
      assert.equal(response.status, 400, reason);
      assert.deepEqual(await response.json(), { error: 'invalid_state' });
      assert.deepEqual(details, { provider: 'github', code: 'invalid_state', reason });
    }
    assert.equal((await h.handler.fetch(b.request(callback.href))).status, 302);
    const [replay, details] = await loggedBy(b.request(callback.href));
    assert.equal(replay.status, 400);
    assert.deepEqual(details, {
      provider: 'github',
      code: 'invalid_state',
      reason: 'flow_already_used',
    });
  });

  it('a missing flow cookie goes to the app errorURL when it has one', async () => {
    const app = await createHarness({ errorURL: '/oops' });
    try {
      const callback = await app.authorize(new Browser());
      const response = await app.handler.fetch(new Request(callback));
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), `${ORIGIN}/oops?error=missing_flow_cookie`);
      assert.equal(app.logs.at(-1)!.details.code, 'missing_flow_cookie');
    } finally {
      await app.close();
    }
  });

  it('logs sign_in_denied, through warn when the logger has it', async () => {
    const warned: Record<string, string>[] = [];
    const app = await createHarness({
      hooks: { allowSignIn: () => false },
      logger: { error: () => assert.fail('error()'), warn: (_m, d) => warned.push(d) },
    });
    try {
      const response = await app.signIn(new Browser());
      assert.equal(response.headers.get('location'), `${ORIGIN}/auth/error?error=sign_in_denied`);
      assert.deepEqual(warned, [
        { provider: 'github', code: 'sign_in_denied', reason: 'sign_in_denied' },
      ]);
    } finally {
      await app.close();
    }
  });

  it('the built-in page explains missing_flow_cookie and invalid_state, nothing for others', async () => {
    const page = async (code: string): Promise<string> =>
      (await h.handler.fetch(new Request(`${ORIGIN}/auth/error?error=${code}`))).text();
    assert.match(await page('missing_flow_cookie'), /127\.0\.0\.1 are different sites/);
    assert.match(await page('invalid_state'), /opened twice, expired/);
    assert.doesNotMatch(await page('access_denied'), /<p>The /);
  });
});
