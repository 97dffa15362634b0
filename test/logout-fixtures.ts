// Shared by the provider sign-out tests: a real OpenID Provider (oidc-provider 9) with
// RP-initiated and back-channel logout on, latchkey's handler served over HTTP on 127.0.0.1 (the
// provider POSTs logout tokens to it), and a hand-driven browser that keeps cookies per origin.
import type { Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { createLatchkey, type Latchkey } from '../src/core/latchkey.ts';
import { toNodeHandler } from '../src/adapters/node.ts';
import { createAuthHandler, type AuthHandler } from '../src/http/index.ts';
import type { AuthHandlerOptions } from '../src/http/options.ts';
import type { OAuthProvider } from '../src/oauth/provider.ts';
import { oidc } from '../src/providers/index.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { close, CookieJar, listen } from './oauth-fixtures.ts';

export const SECRET = 'logout-test-secret-0123456789-abcdefghij';

/** A browser by hand: cookies per origin, redirects followed one at a time. */
export class HandBrowser {
  readonly jars = new Map<string, CookieJar>();

  constructor(shared: Map<string, CookieJar> = new Map()) {
    for (const [origin, jar] of shared) this.jars.set(origin, jar);
  }

  jar(url: string): CookieJar {
    const origin = new URL(url).origin;
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new CookieJar()));
    return jar;
  }

  async send(url: string, init: RequestInit = {}): Promise<Response> {
    const jar = this.jar(url);
    const headers = new Headers(init.headers);
    if (jar.cookies.size > 0) headers.set('cookie', jar.header());
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    jar.store(response);
    return response;
  }

  /** Follows redirects from `url` until a page that is not one; returns every URL visited. */
  async follow(
    url: string,
    init: RequestInit = {},
  ): Promise<{ visited: string[]; last: Response }> {
    const visited = [url];
    let response = await this.send(url, init);
    for (let i = 0; i < 20; i++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) break;
      await response.body?.cancel();
      const next = new URL(location, visited.at(-1)).href;
      visited.push(next);
      response = await this.send(next);
    }
    return { visited, last: response };
  }
}

// Any page of the app outside `/auth/`: a sign-out form that also ends the provider session;
// `#success_url` can be changed by the test before submitting.
const APP_PAGE = `<!doctype html><html><body><p id="app">app</p>
<form id="sign-out" method="post" action="/auth/logout">
<input type="hidden" name="end_provider_session" value="1">
<input id="success_url" type="hidden" name="success_url" value="/bye?x=1">
<button id="sign-out-button" type="submit">Sign out everywhere</button>
</form></body></html>`;

export interface LogoutWorld {
  op: Provider;
  issuer: string;
  clientId: string;
  /** The provider's signing key (to craft logout tokens the provider could have sent). */
  opKey: CryptoKey;
  rp: string;
  auth: Latchkey<Record<string, unknown>, Record<string, unknown>>;
  handler: AuthHandler;
  provider: OAuthProvider;
  /** Logout tokens the provider POSTed to the app, with the app's answer. */
  deliveries: { status: number }[];
  loginAs(account: string): void;
  close(): Promise<void>;
}

/**
 * Starts the app (latchkey over a memory store, served on 127.0.0.1) and the provider it signs
 * in with; `options` adds handler options (`providerLogout`, more providers).
 */
export async function startLogoutWorld(
  options: (provider: OAuthProvider) => Partial<AuthHandlerOptions<object, object>>,
): Promise<LogoutWorld> {
  const deliveries: { status: number }[] = [];
  let handler!: AuthHandler;
  const app = await listen((req, res) => {
    if (!req.url?.startsWith('/auth/')) {
      // The app's own pages (for a real browser): where it lands, with a sign-out form.
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(APP_PAGE);
      return;
    }
    const backchannel = req.url.endsWith('/backchannel-logout');
    res.on('finish', () => {
      if (backchannel) deliveries.push({ status: res.statusCode });
    });
    void toNodeHandler(handler)(req, res);
  });
  const rp = app.url;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'op-1', alg: 'RS256', use: 'sig' };
  let account = 'alice';
  let op!: Provider;
  const idp = await listen((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      // Headless login: the interaction is finished for the chosen account, no form involved.
      op.interactionFinished(req, res, { login: { accountId: account } }).catch(() => {
        res.statusCode = 500;
        res.end();
      });
      return;
    }
    op.callback()(req, res);
  });
  const clientId = 'latchkey-logout';
  const clientSecret = 'logout-client-secret-' + crypto.randomUUID();
  op = new Provider(idp.url, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${rp}/auth/local/callback`],
        post_logout_redirect_uris: [`${rp}/auth/local/logout-callback`],
        backchannel_logout_uri: `${rp}/auth/local/backchannel-logout`,
        backchannel_logout_session_required: true,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['cookie-key-' + crypto.randomUUID()] },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // The provider's confirmation page, with a button a test (or Chromium) can press.
        logoutSource: async (ctx: { body: string }, form: string) => {
          ctx.body = `<!doctype html><html><body>${form}<button id="confirm" type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button></body></html>`;
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // oidc-provider refuses outgoing requests to special-use addresses (its SSRF guard); the
    // app it must POST logout tokens to lives on 127.0.0.1 here, so its dispatcher is dropped.
    fetch: (url: string, init: RequestInit & { dispatcher?: unknown }) =>
      fetch(url, { ...init, dispatcher: undefined } as RequestInit),
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, name: id.toUpperCase(), preferred_username: id }),
    }),
  });
  const provider = oidc({
    id: 'local',
    name: 'Local IdP',
    issuer: idp.url,
    clientId,
    clientSecret,
    scopes: ['openid', 'profile'],
  });
  const auth = createLatchkey({ store: memoryStore(), cookie: { insecureLocalhost: true } });
  handler = createAuthHandler(auth as Latchkey<object, object>, {
    providers: [provider],
    secret: SECRET,
    rateLimit: false,
    logger: { error: () => {} },
    ...options(provider),
  });
  return {
    op,
    issuer: idp.url,
    clientId,
    opKey: privateKey,
    rp,
    auth: auth as LogoutWorld['auth'],
    handler,
    provider,
    deliveries,
    loginAs: (id) => {
      account = id;
    },
    close: async () => {
      await close(idp.server as Server);
      await close(app.server as Server);
    },
  };
}

/** Signs in through the app with `browser`; returns the session token from the app's cookie. */
export async function signInThroughApp(world: LogoutWorld, browser: HandBrowser): Promise<string> {
  const { visited } = await browser.follow(`${world.rp}/auth/local`);
  if (!visited.some((u) => u.startsWith(`${world.rp}/auth/local/callback`))) {
    throw new Error(`the sign-in did not come back: ${visited.join(' → ')}`);
  }
  const token = browser.jar(world.rp).cookies.get(world.auth.sessionCookieName(world.rp));
  if (!token) throw new Error('no session cookie after sign-in');
  return token;
}

/** Confirms the provider's sign-out page the way its form would be posted. */
export async function confirmProviderLogout(
  browser: HandBrowser,
  page: Response,
  pageURL: string,
): Promise<{ visited: string[]; last: Response }> {
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !xsrf) throw new Error('no sign-out form on the provider page');
  return browser.follow(new URL(action, pageURL).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
  });
}
