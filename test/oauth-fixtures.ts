// Shared fixtures for the OAuth tests: a real OpenID Provider (oidc-provider) on 127.0.0.1, a
// hand-driven browser (manual redirects and cookies), and a counting fetch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

/** A fetch that records every request URL (to prove that nothing was sent). */
export function countingFetch(): {
  fetch: typeof fetch;
  calls: { url: string; method: string; body: string }[];
} {
  const calls: { url: string; method: string; body: string }[] = [];
  return {
    calls,
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const body = init?.body === undefined || init.body === null ? '' : String(init.body);
      calls.push({ url, method: init?.method ?? 'GET', body });
      return fetch(input, init);
    },
  };
}

/** Starts a node:http server on 127.0.0.1:0. */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A cookie jar for one host, enough for oidc-provider's interaction cookies. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Headless login at oidc-provider: finishes the interaction for `accountId`, no form involved. */
export function finishLogin(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  accountId: string,
): void {
  provider
    .interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false })
    .catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
}

export interface TestIdP {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectURI: string;
  provider: Provider;
  /** Token endpoint requests seen so far. */
  tokenRequests: () => number;
  /** Which account the next login interaction signs in as. */
  loginAs: (accountId: string) => void;
  close: () => Promise<void>;
}

/** A real OpenID Provider (oidc-provider 9) with headless login and auto-granted consent. */
export async function startIdP(options: { redirectURI?: string } = {}): Promise<TestIdP> {
  const clientId = 'latchkey-test';
  const clientSecret = 'idp-secret-' + crypto.randomUUID();
  const redirectURI = options.redirectURI ?? 'http://127.0.0.1:9/callback';
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let provider!: Provider;
  let tokenRequests = 0;
  let account = 'alice';
  const { server, url } = await listen((req, res) => {
    if (req.url === '/token' && req.method === 'POST') tokenRequests++;
    if (req.url?.startsWith('/interaction/')) {
      // Headless login: the interaction is finished for the chosen account, no form involved.
      finishLogin(provider, req, res, account);
      return;
    }
    provider.callback()(req, res);
  });
  provider = new Provider(url, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectURI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['cookie-key-' + crypto.randomUUID()] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Consent is granted automatically: the tests are about the relying party, not consent UI.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope('openid profile email offline_access');
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      Interaction: 600,
      Grant: 600,
      Session: 600,
      AccessToken: 3600,
      RefreshToken: 86400,
      IdToken: 3600,
    },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({
        sub: id,
        email: `${id}@example.com`,
        email_verified: id !== 'mallory',
        name: id.toUpperCase(),
        preferred_username: id,
      }),
    }),
  });
  return {
    issuer: url,
    clientId,
    clientSecret,
    redirectURI,
    provider,
    tokenRequests: () => tokenRequests,
    loginAs: (id) => {
      account = id;
    },
    close: () => close(server),
  };
}

/**
 * Follows an authorization URL like a browser would (manual redirects, cookies by hand) until the
 * IdP redirects to `redirectURI`; returns that callback URL.
 */
export async function authorize(authorizationURL: URL, redirectURI: string): Promise<URL> {
  const jar = new CookieJar();
  let next = authorizationURL.href;
  for (let i = 0; i < 20; i++) {
    if (next.startsWith(redirectURI)) return new URL(next);
    const response = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);
    const location = response.headers.get('location');
    if (!location)
      throw new Error(`no redirect from ${next}: ${response.status} ${await response.text()}`);
    next = new URL(location, next).href;
  }
  throw new Error('too many redirects');
}

/** What the malicious IdP's token endpoint answers; `idToken` is crafted per test. */
export interface ForgedResponse {
  idToken?: string;
  userinfo?: Record<string, unknown>;
}

export interface MaliciousIdP {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectURI: string;
  /** The RSA key the JWKS publishes (kid `k1`), and its public JWK. */
  key: CryptoKey;
  publicJWK: Record<string, unknown>;
  /** Replaces the published JWKS (key rotation). */
  setJWKS: (keys: Record<string, unknown>[]) => void;
  /** The `issuer` the discovery document claims (default: the real one). */
  setDiscoveryIssuer: (issuer: string) => void;
  /** The next token endpoint answer. */
  respond: (response: ForgedResponse) => void;
  tokenRequests: () => number;
  jwksRequests: () => number;
  close: () => Promise<void>;
}

/**
 * A hostile OpenID Provider on 127.0.0.1 (discovery, JWKS, token, userinfo) whose ID tokens and
 * userinfo answers the test crafts with jose — to prove each validation rule rejects them.
 */
export async function startMaliciousIdP(): Promise<MaliciousIdP> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let jwks: Record<string, unknown>[] = [publicJWK];
  let discoveryIssuer: string | null = null;
  let next: ForgedResponse = {};
  let tokenRequests = 0;
  let jwksRequests = 0;
  const { server, url } = await listen((req, res) => {
    const json = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      json({
        issuer: discoveryIssuer ?? url,
        authorization_endpoint: `${url}/auth`,
        token_endpoint: `${url}/token`,
        userinfo_endpoint: `${url}/userinfo`,
        jwks_uri: `${url}/jwks`,
        id_token_signing_alg_values_supported: ['RS256'],
        authorization_response_iss_parameter_supported: true,
      });
    } else if (req.url === '/jwks') {
      jwksRequests++;
      json({ keys: jwks });
    } else if (req.url === '/token') {
      tokenRequests++;
      req.resume();
      json({
        access_token: 'at-' + crypto.randomUUID(),
        token_type: 'Bearer',
        expires_in: 3600,
        id_token: next.idToken,
      });
    } else if (req.url === '/userinfo') {
      json(next.userinfo ?? {});
    } else {
      res.writeHead(404).end();
    }
  });
  return {
    issuer: url,
    clientId: 'rp',
    clientSecret: 'malicious-idp-client-secret',
    redirectURI: 'http://127.0.0.1:9/cb',
    key: privateKey,
    publicJWK,
    setJWKS: (keys) => {
      jwks = keys;
    },
    setDiscoveryIssuer: (issuer) => {
      discoveryIssuer = issuer;
    },
    respond: (response) => {
      next = response;
    },
    tokenRequests: () => tokenRequests,
    jwksRequests: () => jwksRequests,
    close: () => close(server),
  };
}
