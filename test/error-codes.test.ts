// Every error code callers can branch on is thrown by a real scenario, by exactly one class, and
// the code union holds nothing else: a code nobody throws, or one shared by two failures, fails
// here. The table is typed `Record<LatchkeyErrorCode, …>`, so a new code without a scenario does
// not typecheck; the first test checks the same at run time against the union's source text.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  AccountExistsError,
  createLatchkey,
  LatchkeyError,
  StoreError,
  type LatchkeyErrorCode,
} from '../src/index.ts';
import {
  createGitHubClient,
  GitHubPermissionsError,
  GitHubRateLimitError,
  GitHubSSORequiredError,
} from '../src/github/index.ts';
import { deviceSignIn, signIn } from '../src/native/index.ts';
import {
  LogoutTokenError,
  OAuthCallbackError,
  OAuthRequestError,
  OAuthResponseError,
  type OAuthTokens,
} from '../src/oauth/index.ts';
import { oauth2, oidc } from '../src/providers/index.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import {
  createTokenVault,
  generateTokenKey,
  ReauthorizationRequiredError,
  TokenDecryptionError,
  TokenRefreshError,
} from '../src/tokens/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-codes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A fetch that answers every request with `answer(url)`, or fails like a dead network. */
function fakeFetch(answer: (url: URL) => Response | null): typeof fetch {
  return async (input) => {
    const response = answer(new URL(input instanceof Request ? input.url : String(input)));
    if (response === null) throw new TypeError('fetch failed');
    return response;
  };
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A plain OAuth 2.0 provider whose token endpoint answers with `token()`. */
function provider(token: () => Response | null, extra: { revocationEndpoint?: string } = {}) {
  return oauth2({
    id: 'acme',
    name: 'Acme',
    authorizationEndpoint: 'https://id.acme.example/authorize',
    tokenEndpoint: 'https://id.acme.example/token',
    clientId: 'client',
    clientSecret: 'secret',
    fetch: fakeFetch((url) => (url.pathname === '/token' ? token() : json(200, {}))),
    mapProfile: async () => {
      throw new Error('not used');
    },
    ...extra,
  });
}

/** A callback to `provider()` for a flow started with state `st`, with `params` on it. */
function callback(params: Record<string, string>) {
  return provider(() => json(200, {})).validateAuthorizationCode({
    callbackURL: new URL(`https://app.example/callback?${new URLSearchParams(params)}`),
    expectedState: 'st',
    redirectURI: 'https://app.example/callback',
    codeVerifier: 'v'.repeat(43),
    nonce: null,
  });
}

const HOUR = 3_600_000;
const tokens = (refreshToken: string | null): OAuthTokens => ({
  accessToken: 'access',
  tokenType: 'bearer',
  refreshToken,
  accessTokenExpiresAt: new Date(Date.now() - HOUR),
  refreshTokenExpiresAt: null,
  scopes: [],
  scopesReported: true,
  idToken: null,
  idTokenClaims: null,
});

/** A user with an `acme` account holding expired tokens, in a vault over `acme`. */
async function vaultWithExpiredTokens(refreshToken: string | null, token: () => Response | null) {
  const store = memoryStore();
  const auth = createLatchkey({ store });
  const account = { providerId: 'acme', providerUserId: '42' };
  await auth.createUser({ attributes: {}, account });
  const key = { id: 'k1', key: generateTokenKey() };
  const vault = createTokenVault({ auth, providers: [provider(token)], keys: [key] });
  assert.equal(await vault.saveTokens(account, tokens(refreshToken)), true);
  return { auth, account, vault };
}

/** `signIn` against a server that `fetch` plays; `browser` is what reaches the listener. */
function nativeSignIn(
  browser: ((listener: URL, state: string) => Promise<unknown>) | null,
  server: typeof fetch = fakeFetch(() => json(400, { error: 'invalid_grant' })),
) {
  return signIn({
    server: 'https://app.example',
    provider: 'github',
    timeoutMs: browser === null ? 50 : 10_000,
    fetch: server,
    openBrowser: async (url) => {
      const start = new URL(url);
      const listener = new URL(start.searchParams.get('redirect_uri')!);
      await browser?.(listener, start.searchParams.get('state')!);
    },
  });
}

const redirectBack = (params: Record<string, string>) => (listener: URL, state: string) => {
  listener.search = new URLSearchParams({ ...params, state }).toString();
  return fetch(listener);
};

/** `deviceSignIn` against a server that answers `code()` for a code and `poll()` for a token. */
function nativeDevice(code: () => Response | null, poll: () => Response | null = () => null) {
  return deviceSignIn({
    server: 'https://app.example',
    onCode: () => {},
    fetch: fakeFetch((url) => (url.pathname.endsWith('/device/code') ? code() : poll())),
  });
}

const deviceCode = (): Response =>
  json(200, {
    device_code: 'lkd_x',
    user_code: 'ABCDEFGH',
    verification_uri: 'https://app.example/auth/device',
    expires_in: 600,
    interval: 0,
  });

/** A GitHub client whose API answers every request with `answer()`. */
function gitHubAnswering(answer: () => Response) {
  const fetch = fakeFetch(() => answer());
  return createGitHubClient({ tokens: { accessToken: 'gho_x' }, fetch }).fetch('/user');
}

const gitHubRefusal = (status: number, headers: Record<string, string>) => () =>
  new Response('{}', { status, headers });

interface Scenario {
  /** The exact class the error is an instance of. */
  type: new (...args: never[]) => LatchkeyError;
  /** Does the thing that fails; must reject (or throw). */
  run: () => Promise<unknown>;
}

const scenarios: Record<LatchkeyErrorCode, Scenario> = {
  account_exists: {
    type: AccountExistsError,
    async run() {
      const auth = createLatchkey({ store: memoryStore() });
      const account = { providerId: 'acme', providerUserId: '42' };
      await auth.createUser({ attributes: {}, account });
      await auth.createUser({ attributes: {}, account });
    },
  },
  store_error: {
    type: StoreError,
    // Without its migrations the file has no tables to prepare statements against.
    run: async () => sqliteStore(join(dir, 'empty.db'), { migrate: false }),
  },
  user_not_found: {
    type: LatchkeyError,
    run: () => createLatchkey({ store: memoryStore() }).createSession({ userId: 'nobody' }),
  },
  oauth_request: {
    type: OAuthRequestError,
    run: () => provider(() => json(400, { error: 'invalid_grant' })).refreshAccessToken('rt'),
  },
  oauth_callback: {
    type: OAuthCallbackError,
    run: () => callback({ state: 'st' }),
  },
  oauth_response: {
    type: OAuthResponseError,
    run: () => provider(() => new Response('<html>', { status: 200 })).refreshAccessToken('rt'),
  },
  invalid_state: {
    type: OAuthCallbackError,
    run: () => callback({ state: 'another', code: 'c' }),
  },
  config: {
    type: LatchkeyError,
    run: () => provider(() => null).revokeToken('access'),
  },
  invalid_logout_token: {
    type: LogoutTokenError,
    run: () =>
      oidc({
        id: 'acme',
        name: 'Acme',
        issuer: 'https://id.acme.example',
        clientId: 'client',
        fetch: fakeFetch(() => null),
      }).logout!.validateLogoutToken('not-a-jwt'),
  },
  github_sso_required: {
    type: GitHubSSORequiredError,
    run: () =>
      gitHubAnswering(
        gitHubRefusal(403, { 'x-github-sso': 'required; url=https://github.com/orgs/a/sso' }),
      ),
  },
  github_permissions: {
    type: GitHubPermissionsError,
    run: () =>
      gitHubAnswering(gitHubRefusal(403, { 'x-accepted-github-permissions': 'contents=read' })),
  },
  github_rate_limited: {
    type: GitHubRateLimitError,
    run: () => gitHubAnswering(gitHubRefusal(429, { 'retry-after': '30' })),
  },
  reauthorization_required: {
    type: ReauthorizationRequiredError,
    async run() {
      const { vault, account } = await vaultWithExpiredTokens(null, () => null);
      await vault.getValidTokens(account);
    },
  },
  token_refresh: {
    type: TokenRefreshError,
    async run() {
      const { vault, account } = await vaultWithExpiredTokens('rt', () => null);
      await vault.getValidTokens(account);
    },
  },
  token_decryption: {
    type: TokenDecryptionError,
    async run() {
      const { auth, account } = await vaultWithExpiredTokens('rt', () => null);
      const otherKey = { id: 'k1', key: generateTokenKey() };
      await createTokenVault({ auth, providers: [], keys: [otherKey] }).getTokens(account);
    },
  },
  server_unreachable: {
    type: LatchkeyError,
    run: () => nativeDevice(() => null),
  },
  server_response: {
    type: LatchkeyError,
    run: () => nativeDevice(() => json(404, { error: 'not_found' })),
  },
  native_code: {
    type: LatchkeyError,
    run: () => nativeSignIn(redirectBack({ code: 'lkc_one-time' })),
  },
  sign_in_timeout: {
    type: LatchkeyError,
    run: () => nativeSignIn(null),
  },
  access_denied: {
    type: LatchkeyError,
    run: () => nativeSignIn(redirectBack({ error: 'access_denied' })),
  },
  expired_token: {
    type: LatchkeyError,
    run: () => nativeDevice(deviceCode, () => json(400, { error: 'expired_token' })),
  },
};

/** The members of `LatchkeyErrorCode` as written in src/core/errors.ts. */
function unionMembers(): string[] {
  const source = readFileSync(join(import.meta.dirname, '../src/core/errors.ts'), 'utf8');
  const union = /export type LatchkeyErrorCode =([^;]*);/.exec(source)?.[1];
  assert.ok(union, 'LatchkeyErrorCode is declared as a union of string literals');
  const withoutComments = union.replace(/\/\/.*$/gm, '');
  return [...withoutComments.matchAll(/\|\s*'([a-z_]+)'/g)].map((m) => m[1]!);
}

describe('error codes', () => {
  it('the code union is exactly the codes of the scenario table, each once', () => {
    const members = unionMembers();
    assert.equal(new Set(members).size, members.length, 'no code is listed twice');
    assert.deepEqual([...members].sort(), Object.keys(scenarios).sort());
  });

  for (const [code, { type, run }] of Object.entries(scenarios)) {
    it(`${code} is thrown, by ${type.name}`, async () => {
      await assert.rejects(
        async () => run(),
        (error: unknown) => {
          assert.ok(error instanceof LatchkeyError, `a LatchkeyError, got ${String(error)}`);
          assert.equal(error.code, code);
          assert.equal(error.constructor, type, `thrown as ${type.name}`);
          return true;
        },
      );
    });
  }

  it('each error class carries codes that no other class carries', () => {
    // Every way each subclass can be built, with the codes its instances then carry.
    const reasons = [
      'missing_state',
      'state_mismatch',
      'duplicate_parameter',
      'iss_mismatch',
      'iss_missing',
      'missing_code',
      'missing_code_verifier',
      'missing_nonce',
    ] as const;
    const instances: LatchkeyError[] = [
      new AccountExistsError('acme'),
      new StoreError('getUser'),
      new OAuthRequestError('invalid_grant', null, 400),
      ...reasons.map((reason) => new OAuthCallbackError(reason)),
      new OAuthResponseError('bad'),
      new ReauthorizationRequiredError('acme', 'marked'),
      new TokenRefreshError('acme', 'timed out'),
      new TokenDecryptionError('bad format'),
      new LogoutTokenError('signature'),
      new GitHubSSORequiredError(null),
      new GitHubPermissionsError(404, []),
      new GitHubRateLimitError('primary', 403, new Date()),
    ];
    const classesOf = new Map<string, Set<string>>();
    for (const error of instances) {
      const classes = classesOf.get(error.code) ?? new Set<string>();
      classes.add(error.constructor.name);
      classesOf.set(error.code, classes);
    }
    for (const [code, classes] of classesOf) {
      assert.equal(classes.size, 1, `${code} is carried by ${[...classes].join(' and ')}`);
      assert.equal(scenarios[code as LatchkeyErrorCode].type.name, [...classes][0]);
    }
    // The codes thrown as a plain LatchkeyError belong to no subclass.
    for (const [code, { type }] of Object.entries(scenarios)) {
      if (type === LatchkeyError) assert.ok(!classesOf.has(code), `${code} is a subclass's`);
    }
  });
});
