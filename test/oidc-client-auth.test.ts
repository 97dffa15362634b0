// Client authentication with JWT assertions (RFC 7523) against oidc-provider: `private_key_jwt`
// with a JWK or a PEM key, and `client_secret_jwt`, on the code exchange, the refresh and the
// revocation. A wrong key or a replayed assertion is refused and nothing is written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader, exportPKCS8 } from 'jose';
import { OAuthRequestError } from '../src/oauth/errors.ts';
import { oidc } from '../src/providers/oidc.ts';
import { createTokenVault, generateTokenKey, TokenRefreshError } from '../src/tokens/index.ts';
import { countingFetch } from './oauth-fixtures.ts';
import {
  accountIn,
  clientKeys,
  codeFlow,
  startEnterpriseIdP,
  type EnterpriseIdP,
} from './oidc-enterprise-fixtures.ts';

const KEYS = [{ id: 'k1', key: generateTokenKey() }];

/** The client assertions sent to the token endpoint, in order. */
function assertions(calls: { url: string; body: string }[]): string[] {
  return calls
    .filter((c) => c.url.endsWith('/token') || c.url.endsWith('/token/revocation'))
    .map((c) => new URLSearchParams(c.body).get('client_assertion') ?? '');
}

describe('private_key_jwt (RFC 7523) with oidc-provider', () => {
  let idp: EnterpriseIdP;
  let keys: Awaited<ReturnType<typeof clientKeys>>;

  before(async () => {
    keys = await clientKeys('ES256', 'rp-key-1');
    idp = await startEnterpriseIdP({
      client: {
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [keys.publicJWK] },
      },
    });
  });
  after(() => idp.close());

  const make = (clientPrivateKey: Parameters<typeof oidc>[0]['clientPrivateKey'], f = fetch) =>
    oidc({
      id: 'corp',
      name: 'Corp',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientPrivateKey,
      scopes: ['openid', 'email', 'offline_access'],
      fetch: f,
    });

  it('a JWK key: exchange, refresh and revocation each send a fresh signed assertion', async () => {
    const counting = countingFetch();
    const provider = make({ key: keys.privateJWK }, counting.fetch);
    const tokens = await codeFlow(provider);
    assert.ok(tokens.refreshToken);
    const refreshed = await provider.refreshAccessToken(tokens.refreshToken);
    await provider.revokeToken(refreshed.accessToken);
    const sent = assertions(counting.calls);
    assert.equal(sent.length, 3);
    for (const body of counting.calls.map((c) => c.body)) {
      assert.ok(!body.includes('client_secret'), 'no secret travels');
    }
    const jtis = new Set<unknown>();
    for (const jwt of sent) {
      assert.deepEqual({ ...decodeProtectedHeader(jwt) }, { alg: 'ES256', kid: 'rp-key-1' });
      const claims = decodeJwt(jwt);
      assert.equal(claims.iss, idp.clientId);
      assert.equal(claims.sub, idp.clientId);
      jtis.add(claims.jti);
    }
    assert.equal(jtis.size, 3, 'a new jti per request');
  });

  it('a PKCS#8 PEM key works the same (its type found from the key)', async () => {
    const pem = await exportPKCS8(keys.privateKey);
    const tokens = await codeFlow(make({ key: pem, kid: 'rp-key-1' }));
    assert.ok(tokens.accessToken);
  });

  it('the wrong key is refused (invalid_client); the vault writes nothing', async () => {
    const good = make({ key: keys.privateJWK });
    const tokens = await codeFlow(good);
    const other = await clientKeys('ES256', 'rp-key-1');
    const wrong = make({ key: other.privateJWK });
    await assert.rejects(codeFlow(wrong), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_client');
      return true;
    });
    const { store, account } = await accountIn('corp', idp.issuer);
    const save = createTokenVault({ store, providers: [good], keys: KEYS });
    await save.saveTokens(account, tokens);
    const before = await store.getAccount(account);
    const vault = createTokenVault({ store, providers: [wrong], keys: KEYS });
    await assert.rejects(vault.refreshTokens(account), TokenRefreshError);
    const after = await store.getAccount(account);
    assert.equal(after?.tokensVersion, before?.tokensVersion, 'nothing written');
    assert.equal(after?.tokens, before?.tokens);
    // The refresh token is still good with the right key.
    assert.ok(await save.refreshTokens(account));
  });

  it('a replayed assertion (same jti) is refused', async () => {
    const counting = countingFetch();
    const provider = make({ key: keys.privateJWK }, counting.fetch);
    const tokens = await codeFlow(provider);
    const [assertion] = assertions(counting.calls);
    const before = idp.hits('/token');
    const replay = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken!,
        client_id: idp.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion!,
      }),
    });
    assert.equal(replay.status, 401);
    assert.equal(((await replay.json()) as { error: string }).error, 'invalid_client');
    assert.equal(idp.hits('/token') - before, 1);
    // The refused replay spent nothing: the refresh token still works.
    assert.ok((await provider.refreshAccessToken(tokens.refreshToken!)).accessToken);
  });

  it('refuses unusable key configurations at construction', () => {
    assert.throws(() => make({ key: keys.publicJWK }), /private JWK or PKCS#8/);
    assert.throws(() => make({ key: 'not a key' }), /private JWK or PKCS#8/);
    assert.throws(() => make({ key: { kty: 'oct', k: 'AAAA', d: 'x' } }), /asymmetric/);
    assert.throws(() => make({ key: keys.privateJWK, alg: 'HS256' }), /asymmetric/);
    assert.throws(
      () =>
        oidc({
          id: 'x',
          name: 'X',
          issuer: idp.issuer,
          clientId: 'x',
          clientAuthMethod: 'private_key_jwt',
        }),
      /clientPrivateKey/,
    );
  });
});

describe('client_secret_jwt (RFC 7523) with oidc-provider', () => {
  let idp: EnterpriseIdP;
  const secret = 'a-long-client-secret-for-hmac-0123456789abcdef';

  before(async () => {
    idp = await startEnterpriseIdP({
      client: { token_endpoint_auth_method: 'client_secret_jwt', client_secret: secret },
    });
  });
  after(() => idp.close());

  const make = (clientSecret: string, f = fetch) =>
    oidc({
      id: 'corp',
      name: 'Corp',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret,
      clientAuthMethod: 'client_secret_jwt',
      scopes: ['openid', 'email', 'offline_access'],
      fetch: f,
    });

  it('exchange and refresh authenticate with an HMAC assertion, never the secret itself', async () => {
    const counting = countingFetch();
    const provider = make(secret, counting.fetch);
    const tokens = await codeFlow(provider);
    assert.ok((await provider.refreshAccessToken(tokens.refreshToken!)).accessToken);
    for (const jwt of assertions(counting.calls)) {
      assert.equal(decodeProtectedHeader(jwt).alg, 'HS256');
    }
    assert.ok(!counting.calls.some((c) => c.body.includes(secret)));
  });

  it('a wrong secret is refused', async () => {
    await assert.rejects(codeFlow(make(secret + 'x')), { error: 'invalid_client' });
  });
});
