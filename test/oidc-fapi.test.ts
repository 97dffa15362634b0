// The FAPI 2.0 switch against oidc-provider with its FAPI 2.0 profile on: one option gives PAR,
// PKCE, private_key_jwt, DPoP-bound tokens, the iss check and PS256/ES256 only, end to end; a
// configuration or a provider that cannot keep to the profile is refused before any request.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader, exportPKCS8 } from 'jose';
import { LatchkeyError } from '../src/core/errors.ts';
import { OAuthCallbackError } from '../src/oauth/errors.ts';
import { oidc, type OIDCConfig } from '../src/providers/oidc.ts';
import { createTokenVault, generateTokenKey } from '../src/tokens/index.ts';
import { authorize, countingFetch } from './oauth-fixtures.ts';
import {
  accountIn,
  clientKeys,
  REDIRECT_URI,
  startEnterpriseIdP,
  type EnterpriseIdP,
} from './oidc-enterprise-fixtures.ts';

const KEYS = [{ id: 'k1', key: generateTokenKey() }];

describe('FAPI 2.0 with oidc-provider (FAPI 2.0 profile)', () => {
  let idp: EnterpriseIdP;
  let keys: Awaited<ReturnType<typeof clientKeys>>;

  before(async () => {
    keys = await clientKeys('ES256', 'fapi-1');
    idp = await startEnterpriseIdP({
      alg: 'PS256',
      client: {
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        id_token_signed_response_alg: 'PS256',
        jwks: { keys: [keys.publicJWK] },
        dpop_bound_access_tokens: true,
      },
      features: {
        fapi: { enabled: true, profile: '2.0' },
        pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true },
        dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      },
    });
  });
  after(() => idp.close());

  const config = (extra: Partial<OIDCConfig> = {}): OIDCConfig => ({
    id: 'bank',
    name: 'Bank',
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientPrivateKey: { key: keys.privateJWK },
    scopes: ['openid', 'email', 'offline_access'],
    fapi: '2.0',
    ...extra,
  });

  it('one switch: PAR, PKCE, private_key_jwt, DPoP, iss and PS256, end to end with the vault', async () => {
    const counting = countingFetch();
    const provider = oidc(config({ fetch: counting.fetch }));
    const request = await provider.createAuthorizationURL({ redirectURI: REDIRECT_URI });
    assert.deepEqual([...request.url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    const push = new URLSearchParams(counting.calls.find((c) => c.url.endsWith('/request'))!.body);
    assert.equal(push.get('code_challenge_method'), 'S256');
    assert.equal(decodeProtectedHeader(push.get('client_assertion')!).alg, 'ES256');
    const callbackURL = await authorize(request.url, REDIRECT_URI);
    assert.equal(callbackURL.searchParams.get('iss'), idp.issuer);
    const tokens = await provider.validateAuthorizationCode({
      callbackURL,
      expectedState: request.state,
      redirectURI: REDIRECT_URI,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
    });
    assert.equal(tokens.tokenType, 'dpop');
    assert.equal(decodeProtectedHeader(tokens.idToken!).alg, 'PS256');
    assert.equal(decodeJwt(tokens.idToken!).sub, 'alice');
    const { store, account } = await accountIn('bank', idp.issuer);
    const vault = createTokenVault({ store, providers: [provider], keys: KEYS });
    await vault.saveTokens(account, tokens);
    const refreshed = await vault.refreshTokens(account);
    assert.equal(refreshed?.tokenType, 'dpop');
    assert.deepEqual(refreshed?.dpopKey, tokens.dpopKey);
  });

  it('a callback without iss is refused before any token request', async () => {
    const provider = oidc(config());
    const request = await provider.createAuthorizationURL({ redirectURI: REDIRECT_URI });
    const callbackURL = await authorize(request.url, REDIRECT_URI);
    callbackURL.searchParams.delete('iss');
    const before = idp.hits('/token');
    await assert.rejects(
      provider.validateAuthorizationCode({
        callbackURL,
        expectedState: request.state,
        redirectURI: REDIRECT_URI,
        codeVerifier: request.codeVerifier,
        nonce: request.nonce,
      }),
      (e: unknown) => e instanceof OAuthCallbackError && e.reason === 'iss_missing',
    );
    assert.equal(idp.hits('/token'), before);
  });

  it('refuses to start with a configuration outside the profile', async () => {
    const rsa = await clientKeys('RS256', 'rsa');
    const pem = await exportPKCS8(keys.privateKey);
    const refused: Partial<OIDCConfig>[] = [
      { clientPrivateKey: undefined, clientSecret: 'a-secret-a-secret-a-secret-a-secret' },
      { clientAuthMethod: 'client_secret_jwt', clientSecret: 'a-secret-a-secret-a-secret' },
      { pkce: false },
      { dpop: false },
      { pushedAuthorizationRequests: false },
      { clientPrivateKey: { key: rsa.privateJWK } }, // its JWK says RS256
      { clientPrivateKey: { key: pem } }, // a PEM key must name its algorithm
      { idTokenSigningAlg: 'RS256' },
    ];
    for (const extra of refused) {
      assert.throws(() => oidc(config(extra)), /fapi/, JSON.stringify(Object.keys(extra)));
    }
    // An RSA key without an alg gets PS256; a PEM key with ES256 is fine.
    const { alg: _drop, ...rsaNoAlg } = rsa.privateJWK;
    assert.ok(oidc(config({ clientPrivateKey: { key: rsaNoAlg } })));
    assert.ok(oidc(config({ clientPrivateKey: { key: pem, alg: 'ES256', kid: 'fapi-1' } })));
  });
});

describe('FAPI 2.0 against a provider that cannot do it', () => {
  let idp: EnterpriseIdP;
  let keys: Awaited<ReturnType<typeof clientKeys>>;

  before(async () => {
    keys = await clientKeys('ES256', 'fapi-2');
    idp = await startEnterpriseIdP({
      client: { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [keys.publicJWK] } },
      features: { dPoP: { enabled: false } },
    });
  });
  after(() => idp.close());

  it('a provider without DPoP is refused before anything is pushed', async () => {
    const provider = oidc({
      id: 'bank',
      name: 'Bank',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientPrivateKey: { key: keys.privateJWK },
      fapi: '2.0',
    });
    const before = idp.hits('/request');
    await assert.rejects(provider.createAuthorizationURL({ redirectURI: REDIRECT_URI }), (e) => {
      assert.ok(e instanceof LatchkeyError);
      assert.equal(e.code, 'config');
      assert.match(e.message, /dpop_signing_alg_values_supported/);
      return true;
    });
    assert.equal(idp.hits('/request'), before);
  });
});
