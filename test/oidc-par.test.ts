// Pushed Authorization Requests (RFC 9126) against oidc-provider: used automatically when the
// metadata requires them, opt-in otherwise; the browser carries only `client_id` and a one-time
// `request_uri`; the push is client-authenticated, so a wrong key gets no URL at all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatchkeyError } from '../src/core/errors.ts';
import { oidc } from '../src/providers/oidc.ts';
import { authorize, countingFetch } from './oauth-fixtures.ts';
import {
  clientKeys,
  codeFlow,
  REDIRECT_URI,
  startEnterpriseIdP,
  type EnterpriseIdP,
} from './oidc-enterprise-fixtures.ts';

describe('PAR required by the provider (with private_key_jwt)', () => {
  let idp: EnterpriseIdP;
  let keys: Awaited<ReturnType<typeof clientKeys>>;

  before(async () => {
    keys = await clientKeys('ES256', 'rp-key-1');
    idp = await startEnterpriseIdP({
      client: { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [keys.publicJWK] } },
      features: {
        pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true },
      },
    });
  });
  after(() => idp.close());

  const make = (key = keys.privateJWK, f = fetch) =>
    oidc({
      id: 'corp',
      name: 'Corp',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientPrivateKey: { key },
      fetch: f,
    });

  it('is used without configuration; the browser sees only client_id and request_uri', async () => {
    const counting = countingFetch();
    const provider = make(keys.privateJWK, counting.fetch);
    const before = idp.hits('/request');
    const request = await provider.createAuthorizationURL({ redirectURI: REDIRECT_URI });
    assert.equal(idp.hits('/request') - before, 1);
    assert.deepEqual([...request.url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    assert.ok(!request.url.href.includes(request.state), 'state not in the browser URL');
    const push = counting.calls.find((c) => c.url.endsWith('/request'))!;
    const body = new URLSearchParams(push.body);
    assert.ok(body.get('client_assertion'), 'the push is client-authenticated');
    assert.equal(body.get('code_challenge_method'), 'S256');
    const callbackURL = await authorize(request.url, REDIRECT_URI);
    const tokens = await provider.validateAuthorizationCode({
      callbackURL,
      expectedState: request.state,
      redirectURI: REDIRECT_URI,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
    });
    assert.equal(tokens.idTokenClaims?.sub, 'alice');
    // The request_uri was single use: the same URL yields no second code.
    const again = await authorize(request.url, REDIRECT_URI).catch((e: Error) => e);
    assert.ok(again instanceof Error || again.searchParams.get('code') === null);
  });

  it('a push signed with the wrong key is refused: no authorization URL', async () => {
    const other = await clientKeys('ES256', 'rp-key-1');
    await assert.rejects(
      make(other.privateJWK).createAuthorizationURL({ redirectURI: REDIRECT_URI }),
      { error: 'invalid_client' },
    );
  });
});

describe('PAR opt-in', () => {
  let idp: EnterpriseIdP;
  const secret = 'par-secret-0123456789abcdef0123456789';

  before(async () => {
    idp = await startEnterpriseIdP({ client: { client_secret: secret } });
  });
  after(() => idp.close());

  const make = (pushedAuthorizationRequests?: boolean) =>
    oidc({
      id: 'corp',
      name: 'Corp',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: secret,
      pushedAuthorizationRequests,
    });

  it('off by default when the provider does not require it; on when asked', async () => {
    const before = idp.hits('/request');
    const plain = await make().createAuthorizationURL({ redirectURI: REDIRECT_URI });
    assert.equal(plain.url.searchParams.get('state'), plain.state);
    assert.equal(idp.hits('/request'), before);
    const tokens = await codeFlow(make(true));
    assert.ok(tokens.accessToken);
    assert.equal(idp.hits('/request') - before, 1);
  });

  it('asked for against a provider without a PAR endpoint: a config error', async () => {
    const bare = await startEnterpriseIdP({
      client: { client_secret: secret },
      features: { pushedAuthorizationRequests: { enabled: false } },
    });
    try {
      const provider = oidc({
        id: 'corp',
        name: 'Corp',
        issuer: bare.issuer,
        clientId: bare.clientId,
        clientSecret: secret,
        pushedAuthorizationRequests: true,
      });
      await assert.rejects(provider.createAuthorizationURL({ redirectURI: REDIRECT_URI }), (e) => {
        assert.ok(e instanceof LatchkeyError);
        assert.equal(e.code, 'config');
        return true;
      });
    } finally {
      await bare.close();
    }
  });

  it('params cannot smuggle request or request_uri', async () => {
    for (const key of ['request', 'request_uri']) {
      await assert.rejects(
        make().createAuthorizationURL({ redirectURI: REDIRECT_URI, params: { [key]: 'x' } }),
        TypeError,
      );
    }
  });
});
