// Back-channel logout with a multi-tenant Entra ID provider (`common`, `organizations`): the
// discovery issuer is the `{tenantid}` template, and a logout token carries the issuer of the
// user's own tenant. It must pass the same issuer rule as the provider's ID tokens — `iss` is
// the issuer of the token's `tid`, and that tenant one the app accepts — or revoke nothing.
// Sessions come from sign-ins through the handler against the Entra preset's double, whose
// signing key also signs the logout tokens.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { JWTPayload } from 'jose';
import { toNodeHandler } from '../src/adapters/node.ts';
import { createLatchkey, type Latchkey } from '../src/core/latchkey.ts';
import { createAuthHandler, type AuthHandler } from '../src/http/index.ts';
import { BACKCHANNEL_LOGOUT_EVENT, LogoutTokenError } from '../src/oauth/index.ts';
import { microsoftEntra } from '../src/providers/microsoft-entra.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import { microsoftEntraPreset } from '../src/testing/presets/microsoft-entra.ts';
import { HandBrowser, SECRET } from './logout-fixtures.ts';
import { close, listen } from './oauth-fixtures.ts';

const clientId = '6731de76-14a6-49ae-97bc-6eba6914391e';
const clientSecret = 'entra~client.secret_value';
const TENANT_A = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const TENANT_B = 'aaaabbbb-0000-cccc-1111-dddd2222eeee';
const TENANT_C = '0f0e0d0c-0b0a-0908-0706-050403020100';
const CONSUMERS = '9188040d-6c67-4c5b-b112-36a304b66dad';
const SUB = 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ';

describe('back-channel logout with Entra ID common / organizations', () => {
  let double: ProviderDouble;
  let app: { server: Server; url: string };
  let auth: Latchkey<object, object>;
  let handler: AuthHandler;
  let token: string;
  const providers = {
    common: () =>
      microsoftEntra({
        tenant: 'common',
        clientId,
        clientSecret,
        authority: double.url,
        allowedTenants: [TENANT_A, TENANT_B],
      }),
    organizations: () =>
      microsoftEntra({ tenant: 'organizations', clientId, clientSecret, authority: double.url }),
  };

  before(async () => {
    double = await startProviderDouble(microsoftEntraPreset, {
      clients: [{ clientId, clientSecret }],
    });
    app = await listen((req, res) => void toNodeHandler(handler)(req, res));
  });
  after(async () => {
    await close(app.server);
    await double.close();
  });

  function serve(tenant: keyof typeof providers): void {
    auth = createLatchkey({ store: memoryStore(), cookie: { insecureLocalhost: true } });
    handler = createAuthHandler(auth, {
      providers: [providers[tenant]()],
      secret: SECRET,
      rateLimit: false,
      logger: { error: () => {} },
      providerLogout: {},
    });
  }

  async function signIn(tid: string): Promise<string> {
    double.signInAs({
      id: SUB,
      claims: { tid, oid: '00000000-0000-0000-66f3-3332eca7ea81', name: 'Megan Bowen' },
    });
    const browser = new HandBrowser();
    const { visited } = await browser.follow(`${app.url}/auth/microsoft-entra`);
    assert.ok(
      visited.some((u) => u.startsWith(`${app.url}/auth/microsoft-entra/callback`)),
      visited.join(' → '),
    );
    const cookie = browser.jar(app.url).cookies.get(auth.sessionCookieName(app.url));
    assert.ok(cookie, 'signed in');
    assert.ok(await auth.validateSession(cookie));
    return cookie;
  }

  const issuerOf = (tid: string) => `${double.url}/${tid}/v2.0`;
  const logoutToken = (tid: string, extra: JWTPayload = {}) =>
    double.signJWT(
      {
        iss: issuerOf(tid),
        aud: clientId,
        iat: Math.floor(Date.now() / 1000),
        jti: crypto.randomUUID(),
        sub: SUB,
        tid,
        events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
        ...extra,
      },
      { typ: 'logout+jwt' },
    );
  const post = (jwt: string) =>
    fetch(`${app.url}/auth/microsoft-entra/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: jwt }).toString(),
    });

  async function refused(jwt: string, reason = 'claims'): Promise<void> {
    const answer = await post(jwt);
    assert.equal(answer.status, 400);
    const body = (await answer.json()) as { error_description: string };
    assert.equal(body.error_description, `The logout token was rejected (${reason})`);
    assert.ok(await auth.validateSession(token), 'the session is still valid');
  }

  describe('common with allowedTenants [A, B]', () => {
    beforeEach(async () => {
      serve('common');
      token = await signIn(TENANT_A);
    });

    it('a logout token from the user’s tenant (iss of its tid) revokes the session', async () => {
      const answer = await post(await logoutToken(TENANT_A));
      assert.equal(answer.status, 200);
      assert.equal(await auth.validateSession(token), null);
    });

    it('a token from a tenant outside allowedTenants revokes nothing', async () => {
      await refused(await logoutToken(TENANT_C));
    });

    it('a token whose iss is another tenant than its tid revokes nothing', async () => {
      await refused(await logoutToken(TENANT_A, { iss: issuerOf(TENANT_B) }));
      await refused(await logoutToken(TENANT_B, { iss: issuerOf(TENANT_A) }));
      await refused(await logoutToken(TENANT_C, { iss: issuerOf(TENANT_A) }));
    });

    it('another accepted tenant’s valid token naming the same sub revokes nothing', async () => {
      // sid and sub are unique per issuer only: tenant B cannot end a session made in tenant A.
      const answer = await post(await logoutToken(TENANT_B));
      assert.equal(answer.status, 200);
      assert.ok(await auth.validateSession(token), 'the tenant A session is still valid');
      assert.equal((await post(await logoutToken(TENANT_A))).status, 200);
      assert.equal(await auth.validateSession(token), null);
    });

    it('a token with the {tenantid} template, no tid or a non-GUID tid revokes nothing', async () => {
      await refused(await logoutToken(TENANT_A, { iss: `${double.url}/{tenantid}/v2.0` }));
      await refused(await logoutToken(TENANT_A, { iss: `${double.url}/common/v2.0` }));
      await refused(await logoutToken(TENANT_A, { tid: undefined }));
      await refused(await logoutToken('../evil', { iss: issuerOf(TENANT_A) }));
    });

    it('the validator alone gives the same answers (typed LogoutTokenError)', async () => {
      const p = providers.common();
      const claims = await p.logout!.validateLogoutToken(await logoutToken(TENANT_B));
      assert.equal(claims.sub, SUB);
      await assert.rejects(
        p.logout!.validateLogoutToken(await logoutToken(TENANT_C)),
        (e: unknown) => e instanceof LogoutTokenError && e.reason === 'claims',
      );
    });
  });

  describe('organizations', () => {
    beforeEach(async () => {
      serve('organizations');
      token = await signIn(TENANT_B);
    });

    it('any work tenant’s own token revokes; personal accounts’ tenant and mixed iss do not', async () => {
      await refused(await logoutToken(CONSUMERS));
      await refused(await logoutToken(TENANT_B, { iss: issuerOf(TENANT_C) }));
      assert.equal((await post(await logoutToken(TENANT_B))).status, 200);
      assert.equal(await auth.validateSession(token), null);
    });
  });
});
