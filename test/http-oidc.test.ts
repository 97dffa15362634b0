// The automatic routes with the generic OIDC provider against a real OpenID Provider
// (oidc-provider 9): nonce and PKCE sealed into the flow cookie, ID token validated, one
// session; a replay is refused before the token endpoint.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLatchkey } from '../src/core/latchkey.ts';
import { createAuthHandler, type AuthHandler } from '../src/http/index.ts';
import { oidc } from '../src/providers/index.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { Browser, ORIGIN, SECRET } from './http-harness.ts';
import { authorize, startIdP, type TestIdP } from './oauth-fixtures.ts';

describe('routes with an OpenID provider', () => {
  let idp: TestIdP;
  let handler: AuthHandler;
  before(async () => {
    idp = await startIdP({ redirectURI: `${ORIGIN}/auth/local/callback` });
    const auth = createLatchkey({ store: memoryStore() });
    handler = createAuthHandler(auth, {
      providers: [
        oidc({
          id: 'local',
          name: 'Local IdP',
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
        }),
      ],
      secret: SECRET,
      rateLimit: false,
    });
  });
  after(() => idp.close());

  it('signs in with nonce + PKCE and refuses the replay without a token request', async () => {
    idp.loginAs('alice');
    const b = new Browser();
    const start = b.absorb(await handler.fetch(b.request(`${ORIGIN}/auth/local`)));
    assert.equal(start.status, 302);
    const url = new URL(start.headers.get('location')!);
    assert.ok(url.searchParams.get('nonce'));
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    const callback = await authorize(url, idp.redirectURI);
    const flow = b.cookieHeader();
    const done = b.absorb(await handler.fetch(b.request(callback.href)));
    assert.equal(done.status, 302);
    assert.equal(done.headers.get('location'), `${ORIGIN}/`);
    const session = await handler.fetch(b.request(`${ORIGIN}/auth/session`));
    assert.equal(session.status, 200);
    const tokenRequests = idp.tokenRequests();
    const replay = await handler.fetch(new Request(callback, { headers: { cookie: flow } }));
    assert.equal(replay.status, 400);
    assert.equal(idp.tokenRequests(), tokenRequests);
  });
});
