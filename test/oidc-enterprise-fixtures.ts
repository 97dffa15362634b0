// A real OpenID Provider (oidc-provider 9, in process on 127.0.0.1) configured per test for the
// enterprise features: client authentication methods, PAR, request objects, DPoP, FAPI 2.0.
// Login is headless and consent automatic, as in oauth-fixtures.ts.
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { createLatchkey, type AccountKey } from '../src/index.ts';
import type { OAuthProvider, OAuthTokens } from '../src/oauth/provider.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { authorize, close, finishLogin, listen } from './oauth-fixtures.ts';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export interface EnterpriseIdPOptions {
  /** Client metadata beyond id, redirect URI, grant and response types. */
  client?: Record<string, unknown>;
  /** `features` merged over the fixture's. */
  features?: Record<string, unknown>;
  /** Top-level configuration merged over the fixture's. */
  config?: Record<string, unknown>;
  /** The provider's signing key algorithm (ID tokens). Default RS256. */
  alg?: string;
}

export interface EnterpriseIdP {
  issuer: string;
  clientId: string;
  provider: Provider;
  /** Requests seen, by path (`/token`, `/request`, `/token/revocation`, `/me`...). */
  hits: (path: string) => number;
  close: () => Promise<void>;
}

/** Starts oidc-provider with one client configured as the test needs. */
export async function startEnterpriseIdP(
  options: EnterpriseIdPOptions = {},
): Promise<EnterpriseIdP> {
  const alg = options.alg ?? 'RS256';
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'op1', alg, use: 'sig' };
  const clientId = 'rp-' + crypto.randomUUID().slice(0, 8);
  const hits = new Map<string, number>();
  let provider!: Provider;
  const { server, url } = await listen((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path.startsWith('/interaction/')) {
      finishLogin(provider, req, res, 'alice');
      return;
    }
    provider.callback()(req, res);
  });
  provider = new Provider(url, {
    clients: [
      {
        client_id: clientId,
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        ...options.client,
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['cookie-key-' + crypto.randomUUID()] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      ...options.features,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope('openid email offline_access');
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: `${id}@example.com`, email_verified: true }),
    }),
    ...options.config,
  });
  return {
    issuer: url,
    clientId,
    provider,
    hits: (path) => hits.get(path) ?? 0,
    close: () => close(server),
  };
}

/** One code flow through `provider` against the IdP (the browser part headless). */
export async function codeFlow(provider: OAuthProvider): Promise<OAuthTokens> {
  const request = await provider.createAuthorizationURL({ redirectURI: REDIRECT_URI });
  const callbackURL = await authorize(request.url, REDIRECT_URI);
  return provider.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI: REDIRECT_URI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  });
}

/** A user with an account for `providerId` in a fresh memory store. */
export async function accountIn(providerId: string, issuer: string) {
  const store = memoryStore();
  const account: Required<AccountKey> = { providerId, issuer, providerUserId: 'alice' };
  await createLatchkey({ store }).createUser({ attributes: {}, account });
  return { store, account };
}

/** A key pair with its public JWK (kid set) and private JWK. */
export async function clientKeys(alg: string, kid: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    privateKey,
    publicJWK: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    privateJWK: { ...(await exportJWK(privateKey)), kid, alg },
  };
}
