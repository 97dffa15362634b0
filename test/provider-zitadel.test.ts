import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError } from '../src/oauth/errors.ts';
import { zitadel } from '../src/providers/zitadel.ts';
import { zitadelPreset } from '../src/testing/presets/zitadel.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import { assertNoSecrets, redirectURI, rejectsIssuer, signIn } from './idp-helpers.ts';

const clientId = '245367891234567890@my-project';
const alice = {
  id: '245367891234567891',
  email: 'alice@example.com',
  emailVerified: true,
  name: 'Alice Example',
  username: 'alice@acme.zitadel.cloud',
};

// ZITADEL's preset, with a PKCE-only (public) client as ZITADEL's user-agent apps are.
let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(zitadelPreset, { clients: [{ clientId }] });
  double.signInAs(alice);
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof zitadel>[0]> = {}) {
  return zitadel({ domain: double.url, clientId, ...extra });
}

describe('zitadel provider', () => {
  it('asks for PKCE, offline_access and the project audience scope', async () => {
    assert.equal(
      zitadel({ domain: 'acme-abc123.zitadel.cloud', clientId }).issuer,
      'https://acme-abc123.zitadel.cloud',
    );
    const p = provider({ offlineAccess: true, projectId: '245367891234567000' });
    const request = await p.createAuthorizationURL({ redirectURI });
    assert.equal(request.url.origin + request.url.pathname, `${double.url}/oauth/v2/authorize`);
    const q = request.url.searchParams;
    assert.equal(
      q.get('scope'),
      'openid profile email urn:zitadel:iam:org:project:id:245367891234567000:aud offline_access',
    );
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('nonce'), request.nonce);
    assert.equal(
      (await provider().createAuthorizationURL({ redirectURI })).url.searchParams.get('scope'),
      'openid profile email',
    );
  });

  it('signs in as a public client, reads userinfo, refreshes with rotation', async () => {
    const p = provider({ offlineAccess: true });
    const tokens = await signIn(p, double);
    assert.equal(tokens.idTokenClaims?.iss, double.url);
    const exchange = double.requests.find((r) => r.path === '/oauth/v2/token')!;
    assert.equal(exchange.clientAuthentication, 'none');
    assert.deepEqual((await p.getUser(tokens)).profile, {
      providerUserId: alice.id,
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Example',
      username: 'alice@acme.zitadel.cloud',
      avatarURL: null,
    });
    assert.ok(double.requests.some((r) => r.path === '/oidc/v1/userinfo'));
    const next = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(next.refreshToken && next.refreshToken !== tokens.refreshToken);
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken!), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      assertNoSecrets(e, tokens.refreshToken!);
      return true;
    });
    double.signInAs({ ...alice, id: '1', emailVerified: false });
    assert.equal((await p.getUser(await signIn(p, double))).profile.email, null);
    double.signInAs(alice);
  });

  it('rejects a token of another instance and a discovery mismatch', async () => {
    try {
      double.setIDTokenIssuer(() => 'https://other-instance.zitadel.cloud');
      await rejectsIssuer(signIn(provider(), double));
      double.setIDTokenIssuer((origin) => `${origin}/`);
      await rejectsIssuer(signIn(provider(), double));
    } finally {
      double.setIDTokenIssuer(null);
    }
    try {
      double.setIssuer((origin) => `${origin}/oauth/v2`);
      await assert.rejects(provider().createAuthorizationURL({ redirectURI }));
    } finally {
      double.setIssuer(null);
    }
  });

  it('revokes at /oauth/v2/revoke', async () => {
    const p = provider({ offlineAccess: true });
    const tokens = await signIn(p, double);
    await p.revokeToken(tokens.refreshToken!);
    assert.equal(double.requests.at(-1)?.path, '/oauth/v2/revoke');
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken!), OAuthRequestError);
  });

  it('refuses bad configuration', () => {
    for (const domain of ['', 'https://acme.zitadel.cloud/oauth', 'http://acme.zitadel.cloud']) {
      assert.throws(() => zitadel({ domain, clientId }), TypeError, domain);
    }
    for (const projectId of ['', '12:aud urn:x', 'abc']) {
      assert.throws(
        () => zitadel({ domain: 'acme.zitadel.cloud', clientId, projectId }),
        TypeError,
        projectId,
      );
    }
  });
});
