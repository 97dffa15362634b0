// DPoP (RFC 9449) for provider tokens against oidc-provider with server nonces required: the code
// exchange binds the tokens to a fresh key pair; the vault seals the key with the tokens; refresh
// and userinfo carry proofs (one `use_dpop_nonce` retry); a bound token is never sent as a plain
// bearer token; a wrong key, a replayed proof or an unbound answer is refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { LatchkeyError } from '../src/core/errors.ts';
import { OIDCClient } from '../src/oauth/oidc-client.ts';
import type { OAuthTokens } from '../src/oauth/provider.ts';
import { generateDPoPKey } from '../src/oauth/dpop.ts';
import { oidc } from '../src/providers/oidc.ts';
import { createTokenVault, generateTokenKey } from '../src/tokens/index.ts';
import {
  accountIn,
  codeFlow,
  startEnterpriseIdP,
  type EnterpriseIdP,
} from './oidc-enterprise-fixtures.ts';

const SECRET = 'dpop-secret-0123456789abcdef0123456789';
const KEYS = [{ id: 'k1', key: generateTokenKey() }];

/** A fetch that records each request's URL and DPoP header, and can rewrite token answers. */
function recordingFetch(rewriteTokenType: { value: string | null } = { value: null }) {
  const calls: { url: string; dpop: string | null; authorization: string | null }[] = [];
  const f: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(init?.headers);
    calls.push({ url, dpop: headers.get('dpop'), authorization: headers.get('authorization') });
    const response = await fetch(input, init);
    if (rewriteTokenType.value === null || !url.endsWith('/token') || !response.ok) return response;
    const body = (await response.json()) as Record<string, unknown>;
    body.token_type = rewriteTokenType.value;
    const h = new Headers(response.headers);
    h.delete('content-length');
    return new Response(JSON.stringify(body), { status: response.status, headers: h });
  };
  return { calls, fetch: f };
}

describe('DPoP-bound provider tokens with oidc-provider (nonces required)', () => {
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

  const make = (f: typeof fetch = fetch) =>
    oidc({
      id: 'corp',
      name: 'Corp',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: SECRET,
      scopes: ['openid', 'email', 'offline_access'],
      dpop: true,
      fetch: f,
    });

  it('the exchange binds the tokens to a new key, after one nonce retry; userinfo sends proofs', async () => {
    const rec = recordingFetch();
    const provider = make(rec.fetch);
    const tokens = await codeFlow(provider);
    assert.equal(tokens.tokenType, 'dpop');
    assert.ok(tokens.dpopKey?.d, 'the private key travels with the tokens');
    const tokenCalls = rec.calls.filter((c) => c.url.endsWith('/token'));
    assert.equal(tokenCalls.length, 2, 'use_dpop_nonce: exactly one retry');
    const proof = tokenCalls[1]!.dpop!;
    assert.equal(decodeProtectedHeader(proof).typ, 'dpop+jwt');
    assert.ok(decodeJwt(proof).nonce, 'the retry carries the server nonce');
    const { profile } = await provider.getUser(tokens);
    assert.equal(profile.providerUserId, 'alice');
    const me = rec.calls.filter((c) => c.url.endsWith('/me'));
    assert.ok(me.length >= 1);
    for (const call of me) {
      assert.match(call.authorization!, /^DPoP /, 'never Bearer');
      assert.ok(call.dpop);
    }
  });

  it('the vault seals the key with the tokens; a refresh stays bound to it', async () => {
    const provider = make();
    const tokens = await codeFlow(provider);
    const { store, account } = await accountIn('corp', idp.issuer);
    const vault = createTokenVault({ store, providers: [provider], keys: KEYS });
    await vault.saveTokens(account, tokens);
    const row = await store.getAccount(account);
    assert.ok(row?.tokens && !row.tokens.includes(tokens.dpopKey!.d!), 'sealed, not plain');
    assert.deepEqual((await vault.getTokens(account))?.dpopKey, tokens.dpopKey);
    const refreshed = (await vault.refreshTokens(account))!;
    assert.notEqual(refreshed.accessToken, tokens.accessToken);
    assert.equal(refreshed.tokenType, 'dpop');
    assert.deepEqual(refreshed.dpopKey, tokens.dpopKey, 'same key per account');
    const client = new OIDCClient(idp.issuer, { clientId: idp.clientId, clientSecret: SECRET });
    const info = await client.userInfo(refreshed, 'alice');
    assert.equal(info.sub, 'alice');
  });

  it('a bound token without its key is never sent, not even as a bearer token', async () => {
    const rec = recordingFetch();
    const client = new OIDCClient(idp.issuer, {
      clientId: idp.clientId,
      clientSecret: SECRET,
      fetch: rec.fetch,
    });
    const tokens = await codeFlow(make());
    const bare = { ...tokens, dpopKey: null };
    await client.metadata();
    const before = rec.calls.length;
    await assert.rejects(client.userInfo(bare, 'alice'), LatchkeyError);
    await assert.rejects(client.resourceRequest(bare, `${idp.issuer}/me`), LatchkeyError);
    assert.equal(rec.calls.length, before, 'nothing was sent');
    // The provider, too, refuses the bound token presented as a bearer token.
    const asBearer = await fetch(`${idp.issuer}/me`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    assert.equal(asBearer.status, 401);
  });

  it('a proof signed with another key, or a replayed proof, is refused', async () => {
    const rec = recordingFetch();
    const client = new OIDCClient(idp.issuer, {
      clientId: idp.clientId,
      clientSecret: SECRET,
      fetch: rec.fetch,
    });
    const tokens = await codeFlow(make());
    const other: OAuthTokens = { ...tokens, dpopKey: (await generateDPoPKey()).key };
    await assert.rejects(client.userInfo(other, 'alice'), { error: 'invalid_token' });
    const ok = await client.resourceRequest(tokens, `${idp.issuer}/me`);
    assert.equal(ok.status, 200);
    const sent = rec.calls.filter((c) => c.url.endsWith('/me')).at(-1)!;
    const replay = await fetch(`${idp.issuer}/me`, {
      headers: { authorization: sent.authorization!, dpop: sent.dpop! },
    });
    assert.equal(replay.status, 401, 'a proof is single use (jti)');
  });

  it('an answer that is not DPoP-bound is refused; the vault writes nothing', async () => {
    const tokenType = { value: null as string | null };
    const rec = recordingFetch(tokenType);
    const provider = make(rec.fetch);
    tokenType.value = 'Bearer';
    await assert.rejects(codeFlow(provider), { reason: 'dpop_not_bound' });
    tokenType.value = null;
    const tokens = await codeFlow(provider);
    const { store, account } = await accountIn('corp', idp.issuer);
    const vault = createTokenVault({ store, providers: [provider], keys: KEYS });
    await vault.saveTokens(account, tokens);
    const before = await store.getAccount(account);
    tokenType.value = 'Bearer';
    await assert.rejects(vault.refreshTokens(account));
    tokenType.value = null;
    const after = await store.getAccount(account);
    assert.equal(after?.tokens, before?.tokens, 'nothing written');
  });
});
