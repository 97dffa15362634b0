// The flow rules of docs/security.md at the engine level: state, iss (RFC 9207), duplicate
// parameters, provider error responses, PKCE — each refused before any token request.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { MemoryStore } from '../src/stores/memory-store.ts';
import { OAuthCallbackError, OAuthRequestError, type OAuthProvider } from '../src/oauth/index.ts';
import { github, oidc } from '../src/providers/index.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';
import { authorize, startIdP, type TestIdP } from './oauth-fixtures.ts';

const REDIRECT = 'http://127.0.0.1:9/callback';
let gh: GitHubDouble;
let idp: TestIdP;
let gitHub: OAuthProvider;
let local: OAuthProvider;

before(async () => {
  gh = await startGitHubDouble();
  gh.addApp({
    clientId: 'app',
    clientSecret: 'app-secret-abcdef',
    kind: 'oauth-app',
    callbackURLs: [REDIRECT],
  });
  gh.addUser({ login: 'octocat', id: 1 });
  gh.approveAs('octocat');
  idp = await startIdP({ redirectURI: REDIRECT });
  gitHub = github({
    clientId: 'app',
    clientSecret: 'app-secret-abcdef',
    endpoints: { web: gh.url, api: gh.url },
  });
  local = oidc({
    id: 'local',
    name: 'Local',
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
  });
});
after(async () => {
  await gh.close();
  await idp.close();
});

/** Starts a GitHub flow and returns the request with the real callback URL. */
async function gitHubCallback() {
  const request = await gitHub.createAuthorizationURL({ redirectURI: REDIRECT });
  const response = await fetch(request.url, { redirect: 'manual' });
  return { request, callbackURL: new URL(response.headers.get('location')!) };
}

function withParams(url: URL, edit: (p: URLSearchParams) => void): URL {
  const copy = new URL(url);
  edit(copy.searchParams);
  return copy;
}

async function rejectsBeforeTokenRequest(
  provider: OAuthProvider,
  options: Parameters<OAuthProvider['validateAuthorizationCode']>[0],
  check: (error: unknown) => boolean,
): Promise<void> {
  const ghBefore = gh.stats.tokenRequests;
  const idpBefore = idp.tokenRequests();
  await assert.rejects(provider.validateAuthorizationCode(options), check);
  assert.equal(gh.stats.tokenRequests, ghBefore, 'no token request to GitHub');
  assert.equal(idp.tokenRequests(), idpBefore, 'no token request to the IdP');
}

const callbackError = (reason: string, code: string) => (e: unknown) =>
  e instanceof OAuthCallbackError && e.reason === reason && e.code === code;

describe('callback validation', () => {
  test('state: 256 bits from the CSPRNG, fresh every time', async () => {
    const states = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { state } = await gitHub.createAuthorizationURL({ redirectURI: REDIRECT });
      assert.ok(Buffer.from(state, 'base64url').length >= 16);
      states.add(state);
    }
    assert.equal(states.size, 20);
  });

  test('missing state, missing expected state, foreign state', async () => {
    const { request, callbackURL } = await gitHubCallback();
    const base = {
      callbackURL,
      expectedState: request.state,
      redirectURI: REDIRECT,
      codeVerifier: request.codeVerifier,
      nonce: null,
    };
    const noState = withParams(callbackURL, (p) => p.delete('state'));
    await rejectsBeforeTokenRequest(
      gitHub,
      { ...base, callbackURL: noState },
      callbackError('missing_state', 'invalid_state'),
    );
    await rejectsBeforeTokenRequest(
      gitHub,
      { ...base, expectedState: '' },
      callbackError('missing_state', 'invalid_state'),
    );
    await rejectsBeforeTokenRequest(
      gitHub,
      { ...base, expectedState: null as unknown as string },
      callbackError('missing_state', 'invalid_state'),
    );
    // An attacker's own valid state from another flow (login CSRF).
    const other = await gitHub.createAuthorizationURL({ redirectURI: REDIRECT });
    await rejectsBeforeTokenRequest(
      gitHub,
      { ...base, expectedState: other.state },
      callbackError('state_mismatch', 'invalid_state'),
    );
    const longer = withParams(callbackURL, (p) => p.set('state', request.state + 'x'));
    await rejectsBeforeTokenRequest(
      gitHub,
      { ...base, callbackURL: longer },
      callbackError('state_mismatch', 'invalid_state'),
    );
    // The genuine callback still works afterwards: nothing was consumed by the rejections.
    const tokens = await gitHub.validateAuthorizationCode(base);
    assert.ok(tokens.accessToken);
  });

  test('replayed and expired state, with the state kept once in the store (takeTemp)', async () => {
    let now = Date.now();
    const store = new MemoryStore({ now: () => now });
    const start = async () => {
      const request = await gitHub.createAuthorizationURL({ redirectURI: REDIRECT });
      await store.setTemp('oauth_state', request.state, request.codeVerifier!, now + 10 * 60_000);
      const response = await fetch(request.url, { redirect: 'manual' });
      return new URL(response.headers.get('location')!);
    };
    const callback = async (callbackURL: URL) => {
      const state = callbackURL.searchParams.get('state') ?? '';
      const verifier = await store.takeTemp('oauth_state', state); // consumed once, atomically
      return gitHub.validateAuthorizationCode({
        callbackURL,
        expectedState: verifier === null ? '' : state,
        redirectURI: REDIRECT,
        codeVerifier: verifier,
        nonce: null,
      });
    };
    const url = await start();
    await callback(url);
    await rejectsBeforeTokenRequest(
      gitHub,
      {
        callbackURL: url,
        expectedState: '',
        redirectURI: REDIRECT,
        codeVerifier: null,
        nonce: null,
      },
      callbackError('missing_state', 'invalid_state'),
    );
    const before = gh.stats.tokenRequests;
    await assert.rejects(callback(url), callbackError('missing_state', 'invalid_state'));
    const expired = await start();
    now += 11 * 60_000;
    await assert.rejects(callback(expired), callbackError('missing_state', 'invalid_state'));
    assert.equal(gh.stats.tokenRequests, before);
  });

  test('cross-provider: a GitHub callback at the OIDC provider fails on iss before anything', async () => {
    const { request, callbackURL } = await gitHubCallback();
    await local.createAuthorizationURL({ redirectURI: REDIRECT }); // discovery done
    await rejectsBeforeTokenRequest(
      local,
      {
        callbackURL,
        expectedState: request.state,
        redirectURI: REDIRECT,
        codeVerifier: request.codeVerifier,
        nonce: 'n',
      },
      callbackError('iss_mismatch', 'oauth_callback'),
    );
    const own = await local.createAuthorizationURL({ redirectURI: REDIRECT });
    await rejectsBeforeTokenRequest(
      local,
      {
        callbackURL,
        expectedState: own.state,
        redirectURI: REDIRECT,
        codeVerifier: own.codeVerifier,
        nonce: own.nonce,
      },
      callbackError('state_mismatch', 'invalid_state'),
    );
  });

  test('iss mismatch, and iss missing where the provider promises it', async () => {
    for (const provider of [gitHub, local]) {
      const request = await provider.createAuthorizationURL({ redirectURI: REDIRECT });
      const callbackURL =
        provider === gitHub
          ? (await gitHubCallback()).callbackURL
          : await authorize(request.url, REDIRECT);
      const state = provider === gitHub ? callbackURL.searchParams.get('state')! : request.state;
      const base = {
        callbackURL,
        expectedState: state,
        redirectURI: REDIRECT,
        codeVerifier: request.codeVerifier,
        nonce: request.nonce,
      };
      const wrong = withParams(callbackURL, (p) =>
        p.set('iss', 'https://attacker.example/login/oauth'),
      );
      await rejectsBeforeTokenRequest(
        provider,
        { ...base, callbackURL: wrong },
        callbackError('iss_mismatch', 'oauth_callback'),
      );
      const missing = withParams(callbackURL, (p) => p.delete('iss'));
      await rejectsBeforeTokenRequest(
        provider,
        { ...base, callbackURL: missing },
        callbackError('iss_missing', 'oauth_callback'),
      );
    }
  });

  test('duplicate query parameters', async () => {
    const { request, callbackURL } = await gitHubCallback();
    const base = {
      callbackURL,
      expectedState: request.state,
      redirectURI: REDIRECT,
      codeVerifier: request.codeVerifier,
      nonce: null,
    };
    for (const name of ['code', 'state', 'iss', 'error', 'anything']) {
      const dup = new URL(callbackURL);
      dup.search += `&${name}=${name === 'state' ? request.state : 'x'}&${name}=y`;
      await rejectsBeforeTokenRequest(
        gitHub,
        { ...base, callbackURL: dup },
        callbackError('duplicate_parameter', 'oauth_callback'),
      );
    }
  });

  test('error=access_denied is typed; with a bad state it is a state error', async () => {
    const request = await gitHub.createAuthorizationURL({ redirectURI: REDIRECT });
    gh.denyNext();
    const response = await fetch(request.url, { redirect: 'manual' });
    const callbackURL = new URL(response.headers.get('location')!);
    assert.equal(callbackURL.searchParams.get('error'), 'access_denied');
    const base = {
      callbackURL,
      expectedState: request.state,
      redirectURI: REDIRECT,
      codeVerifier: request.codeVerifier,
      nonce: null,
    };
    await rejectsBeforeTokenRequest(
      gitHub,
      base,
      (e) =>
        e instanceof OAuthRequestError &&
        e.error === 'access_denied' &&
        e.status === null &&
        e.code === 'oauth_request',
    );
    await rejectsBeforeTokenRequest(
      gitHub,
      { ...base, expectedState: 'other' },
      callbackError('state_mismatch', 'invalid_state'),
    );
  });

  test('missing code, verifier or nonce are refused before the exchange', async () => {
    const { request, callbackURL } = await gitHubCallback();
    const base = {
      callbackURL,
      expectedState: request.state,
      redirectURI: REDIRECT,
      codeVerifier: request.codeVerifier,
      nonce: null,
    };
    await rejectsBeforeTokenRequest(
      gitHub,
      { ...base, callbackURL: withParams(callbackURL, (p) => p.delete('code')) },
      callbackError('missing_code', 'oauth_callback'),
    );
    await rejectsBeforeTokenRequest(
      gitHub,
      { ...base, codeVerifier: null },
      callbackError('missing_code_verifier', 'oauth_callback'),
    );
    const own = await local.createAuthorizationURL({ redirectURI: REDIRECT });
    const localCallback = await authorize(own.url, REDIRECT);
    await rejectsBeforeTokenRequest(
      local,
      {
        callbackURL: localCallback,
        expectedState: own.state,
        redirectURI: REDIRECT,
        codeVerifier: own.codeVerifier,
        nonce: null,
      },
      callbackError('missing_nonce', 'oauth_callback'),
    );
  });

  test('a replayed code is refused by the IdP, typed, without secrets in the error', async () => {
    const own = await local.createAuthorizationURL({ redirectURI: REDIRECT });
    const callbackURL = await authorize(own.url, REDIRECT);
    const options = {
      callbackURL,
      expectedState: own.state,
      redirectURI: REDIRECT,
      codeVerifier: own.codeVerifier,
      nonce: own.nonce,
    };
    await local.validateAuthorizationCode(options);
    const error = await local.validateAuthorizationCode(options).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof OAuthRequestError);
    assert.equal(error.error, 'invalid_grant');
    const dump =
      inspect(error, { depth: 10, showHidden: true }) +
      JSON.stringify(error) +
      error.message +
      String(error.errorDescription);
    for (const secret of [
      callbackURL.searchParams.get('code')!,
      own.codeVerifier!,
      idp.clientSecret,
    ]) {
      assert.ok(!dump.includes(secret));
    }
  });

  test('params cannot override state, PKCE, nonce or the redirect URI', async () => {
    for (const key of [
      'state',
      'code_challenge',
      'code_challenge_method',
      'nonce',
      'redirect_uri',
      'client_id',
      'response_type',
    ]) {
      await assert.rejects(
        local.createAuthorizationURL({ redirectURI: REDIRECT, params: { [key]: 'x' } }),
        TypeError,
      );
    }
  });

  test('PKCE can be turned off per provider; then no challenge is sent', async () => {
    const plain = github({
      clientId: 'app',
      clientSecret: 'app-secret-abcdef',
      endpoints: { web: gh.url, api: gh.url },
      pkce: false,
    });
    const request = await plain.createAuthorizationURL({ redirectURI: REDIRECT });
    assert.equal(request.codeVerifier, null);
    assert.equal(request.url.searchParams.has('code_challenge'), false);
    const response = await fetch(request.url, { redirect: 'manual' });
    const tokens = await plain.validateAuthorizationCode({
      callbackURL: new URL(response.headers.get('location')!),
      expectedState: request.state,
      redirectURI: REDIRECT,
      codeVerifier: null,
      nonce: null,
    });
    assert.ok(tokens.accessToken);
  });

  test('http:// is allowed for loopback endpoints only', () => {
    assert.throws(
      () => oidc({ id: 'x', name: 'X', issuer: 'http://idp.example.com', clientId: 'c' }),
      TypeError,
    );
    assert.throws(
      () => oidc({ id: 'x', name: 'X', issuer: 'http://127.0.0.2', clientId: 'c' }),
      TypeError,
    );
    assert.throws(
      () => oidc({ id: 'x', name: 'X', issuer: 'http://localhost.example.com', clientId: 'c' }),
      TypeError,
    );
    assert.doesNotThrow(() =>
      oidc({ id: 'x', name: 'X', issuer: 'http://[::1]:8080', clientId: 'c' }),
    );
    assert.throws(
      () =>
        oidc({
          id: 'x',
          name: 'X',
          issuer: 'https://idp.example.com',
          clientId: 'c',
          idTokenSigningAlg: 'HS256',
        }),
      TypeError,
    );
    assert.throws(
      () =>
        oidc({
          id: 'x',
          name: 'X',
          issuer: 'https://idp.example.com',
          clientId: 'c',
          idTokenSigningAlg: 'none',
        }),
      TypeError,
    );
  });
});
