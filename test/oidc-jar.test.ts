// Signed request objects (JAR, RFC 9101) against oidc-provider: the authorization parameters
// travel as one JWT signed with the client's key, in the browser URL or pushed (PAR); a request
// object signed with another key is refused and no code is issued.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { oidc } from '../src/providers/oidc.ts';
import { authorize, countingFetch } from './oauth-fixtures.ts';
import {
  clientKeys,
  codeFlow,
  REDIRECT_URI,
  startEnterpriseIdP,
  type EnterpriseIdP,
} from './oidc-enterprise-fixtures.ts';

const SECRET = 'jar-secret-0123456789abcdef0123456789';

describe('signed request objects (JAR)', () => {
  let idp: EnterpriseIdP;
  let keys: Awaited<ReturnType<typeof clientKeys>>;

  before(async () => {
    keys = await clientKeys('PS256', 'jar-1');
    idp = await startEnterpriseIdP({
      client: {
        client_secret: SECRET,
        jwks: { keys: [keys.publicJWK] },
        request_object_signing_alg: 'PS256',
      },
      features: { requestObjects: { enabled: true } },
    });
  });
  after(() => idp.close());

  const make = (
    options: { key?: JsonWebKey; pushed?: boolean; signed?: boolean } = {},
    f = fetch,
  ) =>
    oidc({
      id: 'corp',
      name: 'Corp',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: SECRET,
      clientPrivateKey: { key: options.key ?? keys.privateJWK },
      requestObjects: options.signed ?? true,
      pushedAuthorizationRequests: options.pushed ?? false,
      fetch: f,
    });

  it('in the browser URL: only client_id and a signed request, and the flow completes', async () => {
    const provider = make();
    const request = await provider.createAuthorizationURL({ redirectURI: REDIRECT_URI });
    assert.deepEqual([...request.url.searchParams.keys()].sort(), ['client_id', 'request']);
    const jwt = request.url.searchParams.get('request')!;
    assert.equal(decodeProtectedHeader(jwt).alg, 'PS256');
    assert.equal(decodeProtectedHeader(jwt).kid, 'jar-1');
    const claims = decodeJwt(jwt);
    assert.equal(claims.iss, idp.clientId);
    assert.equal(claims.aud, idp.issuer);
    assert.equal(claims.state, request.state);
    assert.equal(claims.code_challenge_method, 'S256');
    const callbackURL = await authorize(request.url, REDIRECT_URI);
    const tokens = await provider.validateAuthorizationCode({
      callbackURL,
      expectedState: request.state,
      redirectURI: REDIRECT_URI,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
    });
    assert.equal(tokens.idTokenClaims?.sub, 'alice');
  });

  it('pushed (PAR + JAR): the push carries only client_id and the signed request', async () => {
    const counting = countingFetch();
    const tokens = await codeFlow(make({ pushed: true }, counting.fetch));
    assert.ok(tokens.accessToken);
    const push = new URLSearchParams(counting.calls.find((c) => c.url.endsWith('/request'))!.body);
    // The client secret travels in the Basic header (client_secret_basic).
    assert.deepEqual([...push.keys()].sort(), ['client_id', 'request']);
  });

  it('a request object signed with another key is refused: no code', async () => {
    const other = await clientKeys('PS256', 'jar-1');
    const provider = make({ key: other.privateJWK });
    const request = await provider.createAuthorizationURL({ redirectURI: REDIRECT_URI });
    const answer = await authorize(request.url, REDIRECT_URI).catch((e: Error) => e);
    if (answer instanceof URL) {
      assert.equal(answer.searchParams.get('code'), null);
      assert.equal(answer.searchParams.get('error'), 'invalid_request_object');
    } else {
      assert.match(answer.message, /invalid_request_object|400/);
    }
    // Pushed, the refusal comes before any browser URL exists.
    await assert.rejects(
      make({ key: other.privateJWK, pushed: true }).createAuthorizationURL({
        redirectURI: REDIRECT_URI,
      }),
      { error: 'invalid_request_object' },
    );
  });

  it('requestObjects without a client key is refused at construction', () => {
    assert.throws(
      () =>
        oidc({
          id: 'corp',
          name: 'Corp',
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecret: SECRET,
          requestObjects: true,
        }),
      /clientPrivateKey/,
    );
  });
});

describe('JAR required by the provider', () => {
  let idp: EnterpriseIdP;
  let keys: Awaited<ReturnType<typeof clientKeys>>;

  before(async () => {
    keys = await clientKeys('ES256', 'jar-2');
    idp = await startEnterpriseIdP({
      client: { client_secret: SECRET, jwks: { keys: [keys.publicJWK] } },
      features: { requestObjects: { enabled: true, requireSignedRequestObject: true } },
    });
  });
  after(() => idp.close());

  it('is used without configuration when the metadata requires it', async () => {
    const provider = oidc({
      id: 'corp',
      name: 'Corp',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: SECRET,
      clientPrivateKey: { key: keys.privateJWK },
    });
    const request = await provider.createAuthorizationURL({ redirectURI: REDIRECT_URI });
    assert.ok(request.url.searchParams.get('request'));
    assert.ok((await codeFlow(provider)).accessToken);
  });
});
