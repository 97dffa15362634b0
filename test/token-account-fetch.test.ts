// The authenticated fetch for one account (createAccountFetch): the vault's valid token, a DPoP
// proof for bound tokens (against oidc-provider with nonces required), one refresh and retry after
// a 401 (one refresh for many concurrent callers), and a token that never leaves the named origins.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { LatchkeyError } from '../src/core/errors.ts';
import type { AccountKey } from '../src/core/types.ts';
import type { OAuthTokens } from '../src/oauth/provider.ts';
import { oidc } from '../src/providers/oidc.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { createLatchkey } from '../src/core/latchkey.ts';
import {
  createAccountFetch,
  createTokenVault,
  generateTokenKey,
  ReauthorizationRequiredError,
} from '../src/tokens/index.ts';
import {
  accountIn,
  codeFlow,
  startEnterpriseIdP,
  type EnterpriseIdP,
} from './oidc-enterprise-fixtures.ts';

const KEYS = [{ id: 'k1', key: generateTokenKey() }];

/** A fetch that records the Authorization and DPoP headers of each request it passes on. */
function recording() {
  const calls: { url: string; authorization: string | null; dpop: string | null }[] = [];
  const f: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    calls.push({
      url: String(input instanceof Request ? input.url : input),
      authorization: headers.get('authorization'),
      dpop: headers.get('dpop'),
    });
    return fetch(input, init);
  };
  return { calls, fetch: f };
}

describe('account fetch with DPoP-bound tokens (oidc-provider, nonces required)', () => {
  const SECRET = 'account-fetch-secret-0123456789abcdef';
  let idp: EnterpriseIdP;
  before(async () => {
    idp = await startEnterpriseIdP({
      client: { client_secret: SECRET, dpop_bound_access_tokens: true },
      features: {
        dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      },
    });
  });
  after(() => idp.close());

  const provider = () =>
    oidc({
      id: 'corp',
      name: 'Corp',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: SECRET,
      scopes: ['openid', 'email', 'offline_access'],
      dpop: true,
    });

  async function world(edit: (t: OAuthTokens) => OAuthTokens = (t) => t) {
    const p = provider();
    const tokens = await codeFlow(p);
    const { store, account } = await accountIn('corp', idp.issuer);
    const vault = createTokenVault({ store, providers: [p], keys: KEYS });
    await vault.saveTokens(account, edit(tokens));
    const rec = recording();
    const api = createAccountFetch(vault, account, { origins: [idp.issuer], fetch: rec.fetch });
    return { vault, account, tokens, rec, api };
  }

  it('calls the API with a DPoP proof (never Bearer), one retry for the server nonce', async () => {
    const { api, rec, tokens } = await world();
    const response = await api(`${idp.issuer}/me`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { sub: string }).sub, 'alice');
    assert.equal(rec.calls.length, 2, 'use_dpop_nonce: exactly one retry');
    for (const call of rec.calls) {
      assert.equal(call.authorization, `DPoP ${tokens.accessToken}`);
      const proof = decodeJwt(call.dpop!);
      assert.equal(proof.htm, 'GET');
      assert.equal(proof.htu, `${idp.issuer}/me`);
      assert.ok(proof.ath, 'the proof is bound to the access token');
    }
    assert.ok(decodeJwt(rec.calls[1]!.dpop!).nonce);
  });

  it('refreshes an access token about to expire before the call', async () => {
    const { api, rec, tokens, vault, account } = await world((t) => ({
      ...t,
      accessTokenExpiresAt: new Date(Date.now() + 1_000),
    }));
    const response = await api(`${idp.issuer}/me`);
    assert.equal(response.status, 200);
    const now = (await vault.getTokens(account))!;
    assert.notEqual(now.accessToken, tokens.accessToken);
    assert.ok(rec.calls.every((c) => c.authorization === `DPoP ${now.accessToken}`));
  });

  it('after a 401 refreshes once and retries once', async () => {
    const { api, rec, vault, account } = await world((t) => ({
      ...t,
      accessToken: 'revoked-at-the-provider',
    }));
    const response = await api(`${idp.issuer}/me`);
    assert.equal(response.status, 200);
    const now = (await vault.getTokens(account))!;
    assert.notEqual(now.accessToken, 'revoked-at-the-provider');
    const sent = rec.calls.map((c) => c.authorization!.split(' ')[1]);
    assert.equal(sent[0], 'revoked-at-the-provider');
    assert.equal(sent.at(-1), now.accessToken);
  });

  it('a bound token without its key is never sent', async () => {
    const { api, rec } = await world((t) => ({ ...t, dpopKey: null }));
    await assert.rejects(api(`${idp.issuer}/me`), LatchkeyError);
    assert.equal(rec.calls.length, 0);
  });
});

describe('account fetch with bearer tokens (a local API)', () => {
  let server: Server;
  let origin: string;
  /** The one access token the API accepts right now. */
  let valid = 'token-1';
  let refreshes = 0;
  const seen: (string | undefined)[] = [];
  const bodies: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        bodies.push(body);
        const ok = req.headers.authorization === `Bearer ${valid}`;
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { ok: true } : { message: 'Bad credentials' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A provider whose refresh hands out the next token (slowly, so callers pile up). */
  const provider = {
    id: 'local',
    async refreshAccessToken(): Promise<OAuthTokens> {
      refreshes++;
      await new Promise((r) => setTimeout(r, 50));
      valid = `token-${refreshes + 1}`;
      return {
        accessToken: valid,
        tokenType: 'bearer',
        refreshToken: `refresh-${refreshes + 1}`,
        accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
        refreshTokenExpiresAt: null,
        idToken: null,
        scopes: [],
        scopesReported: false,
      } as unknown as OAuthTokens;
    },
    async revokeToken() {},
  };

  async function world(tokens: Partial<OAuthTokens> = {}) {
    const store = memoryStore();
    const account: Required<AccountKey> = { providerId: 'local', issuer: '', providerUserId: '7' };
    await createLatchkey({ store }).createUser({ attributes: {}, account });
    const vault = createTokenVault({ store, providers: [provider], keys: KEYS });
    await vault.saveTokens(account, {
      accessToken: valid,
      tokenType: 'bearer',
      refreshToken: 'refresh-1',
      accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
      refreshTokenExpiresAt: null,
      scopes: [],
      scopesReported: false,
      dpopKey: null,
      ...tokens,
    });
    return { vault, account, api: createAccountFetch(vault, account, { origins: [origin] }) };
  }

  it('sends the token as Bearer, replacing a caller’s own Authorization', async () => {
    const { api } = await world();
    seen.length = 0;
    const response = await api(`${origin}/user`, { headers: { authorization: 'Bearer mine' } });
    assert.equal(response.status, 200);
    assert.deepEqual(seen, [`Bearer ${valid}`]);
  });

  it('20 concurrent callers after a 401 cause one refresh; each retries once with its body', async () => {
    const { api } = await world();
    valid = 'rotated-elsewhere';
    const before = refreshes;
    seen.length = 0;
    bodies.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api(`${origin}/items`, { method: 'POST', body: JSON.stringify({ i }) }),
      ),
    );
    assert.deepEqual(
      answers.map((r) => r.status),
      Array(20).fill(200),
    );
    assert.equal(refreshes - before, 1, 'one refresh for all of them');
    assert.equal(seen.length, 40, 'each caller: one 401, one retry');
    assert.equal(bodies.filter((b) => b !== '').length, 40, 'the body was sent both times');
  });

  it('a second 401 is the answer (no loop); without a refresh token the first one is', async () => {
    const { api } = await world();
    const broken = createServer((_req, res) => res.writeHead(401).end());
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const brokenOrigin = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
    try {
      const { vault, account } = await world();
      const api2 = createAccountFetch(vault, account, { origins: [brokenOrigin] });
      const before = refreshes;
      assert.equal((await api2(`${brokenOrigin}/x`)).status, 401);
      assert.equal(refreshes - before, 1);
      const none = await world({ refreshToken: null, accessTokenExpiresAt: null });
      const api3 = createAccountFetch(none.vault, none.account, { origins: [brokenOrigin] });
      assert.equal((await api3(`${brokenOrigin}/x`)).status, 401);
      assert.equal(refreshes - before, 1, 'nothing to refresh with');
    } finally {
      broken.close();
    }
    assert.equal((await api(`${origin}/user`)).status, 200);
  });

  it('never sends the token outside its origins; bad options fail', async () => {
    const { api, vault, account } = await world();
    seen.length = 0;
    await assert.rejects(api('https://evil.example/steal'), /not one of this fetch's origins/);
    await assert.rejects(api(`${origin.replace('127.0.0.1', 'localhost')}/x`), TypeError);
    await assert.rejects(api('http://attacker.example/x'), /https URL/);
    assert.equal(seen.length, 0);
    assert.throws(() => createAccountFetch(vault, account, { origins: [] }), TypeError);
    assert.throws(
      () => createAccountFetch(vault, account, { origins: ['https://api.example/v1'] }),
      /not an origin/,
    );
    assert.throws(
      () => createAccountFetch(vault, account, { origins: ['http://api.example'] }),
      /https/,
    );
  });

  it('an account without tokens needs re-authorisation', async () => {
    const store = memoryStore();
    const account = { providerId: 'local', issuer: '', providerUserId: '8' };
    await createLatchkey({ store }).createUser({ attributes: {}, account });
    const vault = createTokenVault({ store, providers: [provider], keys: KEYS });
    const api = createAccountFetch(vault, account, { origins: [origin] });
    await assert.rejects(api(`${origin}/user`), (e: unknown) => {
      assert.ok(e instanceof ReauthorizationRequiredError);
      assert.equal(e.reason, 'no_tokens');
      return true;
    });
  });
});
