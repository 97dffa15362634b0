// The demo server: latchkey's routes plus two pages, on plain node:http. It imports latchkey
// only by its public subpaths, the way an app would (see docs/demo.md for how they resolve).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLatchkey, type Store } from 'latchkey';
import { createAuthHandler, signInErrorCode } from 'latchkey/http';
import { getSession, toNodeHandler } from 'latchkey/node';
import { openStore } from 'latchkey/open-store';
import { github, oidc } from 'latchkey/providers';
import { sqliteStore } from 'latchkey/sqlite';
import { startGitHubDouble, type GitHubDouble } from 'latchkey/testing';
import { signedInPage, signedOutPage, type PageContext } from './pages.ts';

type Attributes = Record<string, unknown>;
type AnyProvider = Parameters<typeof createAuthHandler>[1]['providers'][number];

/** The demo's settings; `main.ts` reads them from the environment. */
export interface DemoConfig {
  /** Port on localhost; 0 picks a free one. */
  port: number;
  /** Host to listen on. Default `localhost`. */
  host?: string;
  /** SQLite file (default `./latchkey.db`), ignored when `databaseURL` is set. */
  databasePath?: string;
  /** `postgres://…` or `mysql://…`: opened (and migrated) with `openStore`. */
  databaseURL?: string;
  /** Table prefix (default `latchkey_`), so tests can share a database. */
  tablePrefix?: string;
  sessionSecret?: string;
  github?: { clientId: string; clientSecret: string; enterpriseURL?: string };
  oidc?: { issuer: string; clientId: string; clientSecret?: string; name?: string };
  /** Demo users the GitHub double knows (development provider only). */
  demoUsers?: string[];
  log?: (line: string) => void;
}

/** A running demo. */
export interface Demo {
  url: string;
  /** The development provider, when no GitHub credentials were configured. */
  double: GitHubDouble | null;
  store: Store;
  close(): Promise<void>;
}

async function openDatabase(config: DemoConfig): Promise<Store> {
  if (config.databaseURL) {
    const { store } = await openStore(
      config.databaseURL,
      config.tablePrefix ? { tablePrefix: config.tablePrefix } : undefined,
    );
    return store;
  }
  return sqliteStore(
    config.databasePath ?? './latchkey.db',
    config.tablePrefix ? { tablePrefix: config.tablePrefix } : undefined,
  );
}

/**
 * The page's CSP. A link form posts to us and is redirected on to the provider, and browsers
 * hold the redirect to `form-action` too: the providers' sign-in origins are listed.
 */
function securityPolicy(formTargets: readonly string[]): string {
  const targets = ["'self'", ...formTargets].join(' ');
  return `default-src 'none'; style-src 'unsafe-inline'; form-action ${targets}; frame-ancestors 'none'; base-uri 'none'`;
}

function send(
  res: ServerResponse,
  status: number,
  html: string,
  formTargets: readonly string[] = [],
): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': securityPolicy(formTargets),
  });
  res.end(html);
}

/**
 * Starts the demo: database (migrated), providers (real GitHub, or the GitHub double as a
 * development provider), the auth routes and the pages.
 */
export async function startDemo(config: DemoConfig): Promise<Demo> {
  const log = config.log ?? ((line: string) => console.log(line));
  const store = await openDatabase(config);
  const auth = createLatchkey<Attributes, Attributes>({
    store,
    cookie: { insecureLocalhost: true },
  });
  let secret = config.sessionSecret;
  if (!secret) {
    secret = randomBytes(32).toString('base64url');
    log(
      'warning: SESSION_SECRET is not set; generated one for this run (sign-ins in progress end on restart)',
    );
  }

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host ?? 'localhost', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;

  let double: GitHubDouble | null = null;
  const providers: AnyProvider[] = [];
  // Where a provider's sign-in page lives (a link form is redirected there).
  const formTargets: string[] = [];
  const users = config.demoUsers ?? ['octocat', 'monalisa', 'hubot'];
  if (config.github) {
    providers.push(
      github({
        clientId: config.github.clientId,
        clientSecret: config.github.clientSecret,
        ...(config.github.enterpriseURL ? { enterpriseURL: config.github.enterpriseURL } : {}),
      }) as AnyProvider,
    );
    formTargets.push(new URL(config.github.enterpriseURL ?? 'https://github.com').origin);
  } else {
    double = await startGitHubDouble();
    const clientSecret = randomBytes(20).toString('hex');
    double.addApp({
      clientId: 'latchkey-demo',
      clientSecret,
      kind: 'oauth-app',
      callbackURLs: [
        `${url}/auth/github/callback`,
        `http://127.0.0.1:${port}/auth/github/callback`,
      ],
    });
    for (const login of users) {
      double.addUser({ login, name: login === 'octocat' ? 'The Octocat' : null });
    }
    // Show the double's sign-in page, so a person types a username.
    double.approveAs(null);
    formTargets.push(new URL(double.url).origin);
    providers.push(
      github({
        clientId: 'latchkey-demo',
        clientSecret,
        endpoints: { web: double.url, api: double.url },
      }) as AnyProvider,
    );
  }
  if (config.oidc) {
    formTargets.push(new URL(config.oidc.issuer).origin);
    const name = config.oidc.name ?? 'OpenID';
    const id =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'oidc';
    providers.push(
      oidc({
        // Route names the handler reserves, and GitHub's own id, fall back to `oidc`.
        id: [
          'github',
          'session',
          'sessions',
          'logout',
          'logout-all',
          'error',
          'token',
          'device',
        ].includes(id)
          ? 'oidc'
          : id.slice(0, 64),
        name,
        issuer: config.oidc.issuer,
        clientId: config.oidc.clientId,
        ...(config.oidc.clientSecret ? { clientSecret: config.oidc.clientSecret } : {}),
      }) as AnyProvider,
    );
  }
  const handler = createAuthHandler(auth, {
    providers,
    secret,
    successURL: '/',
    errorURL: '/',
    // `latchkey login` (loopback) and `latchkey login --device` work against the demo.
    native: { device: true },
    hooks: {
      // `client` is `browser`, `native` (an app that signed in through the browser) or
      // `device` (a device code); the page lists native and device sessions as CLI sessions.
      sessionAttributes: (request, provider, client) => ({
        userAgent: request.headers.get('user-agent')?.slice(0, 256) ?? null,
        provider: provider.id,
        client,
      }),
    },
  });
  const routes = toNodeHandler(handler);
  const pageContext = (error: string | null): PageContext => ({
    providers: providers.map((p) => ({ id: p.id, name: p.name })),
    developmentProvider: double ? { url: double.url, users } : null,
    error,
  });

  const listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === handler.basePath || path.startsWith(`${handler.basePath}/`))
      return routes(req, res);
    if (path !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return send(
        res,
        404,
        '<!doctype html><title>Not found</title><p>Not found. <a href="/">Home</a></p>',
      );
    }
    const query = new URL(req.url ?? '/', url).searchParams;
    // Only a known reason code is shown, never text from the link.
    const error = query.has('error') ? signInErrorCode(query.get('error')) : null;
    const current = await getSession(auth, handler, req, res);
    if (!current) return send(res, 200, signedOutPage(pageContext(error)));
    const [accounts, sessions] = await Promise.all([
      auth.getUserAccounts(current.user.id),
      auth.getUserSessions(current.user.id),
    ]);
    send(
      res,
      200,
      signedInPage(pageContext(error), { ...current, accounts, sessions }),
      formTargets,
    );
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    listener(req, res).catch((err: unknown) => {
      log(
        `error: ${err instanceof Error ? err.name : 'unknown'} while answering ${req.method} ${(req.url ?? '').split('?')[0]}`,
      );
      if (!res.headersSent)
        send(res, 500, '<!doctype html><title>Error</title><p>Something went wrong.</p>');
      else res.end();
    });
  });

  let closed = false;
  return {
    url,
    double,
    store,
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await double?.close();
      await store.close();
    },
  };
}
