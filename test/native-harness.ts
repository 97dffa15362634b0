// The server the native tests sign in against: the real `createAuthHandler` with its `native`
// option (loopback, device grant, optionally the token-in-redirect mode), the GitHub provider against the
// local GitHub double, on node:http through the node adapter. Any other path answers a small
// "web sign-in done" page, where an ordinary (non-native) sign-in lands.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLatchkey, type Latchkey } from '../src/core/latchkey.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { github } from '../src/providers/github.ts';
import { toNodeHandler } from '../src/adapters/node.ts';
import { createAuthHandler, escapeHTML, type AuthHandlerOptions } from '../src/http/index.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';
import type { Store } from '../src/store.ts';
import type { Page } from 'playwright-core';

type UA = { username: string };
type SA = Record<string, unknown>;

export interface Harness {
  url: string;
  auth: Latchkey<UA, SA>;
  store: Store;
  double: GitHubDouble;
  /** Requests the server answered, path and status (no query: it may hold codes). */
  log: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  unsafeTokenInLoopbackRedirect?: boolean;
  allowLocalhost?: boolean;
  deviceInterval?: number;
  deviceExpiresIn?: number;
  now?: () => number;
  /** `native.confirmSignIn` (default: on). */
  confirmSignIn?: boolean;
  /** `native.appName`. */
  appName?: string;
  /** The handler's rate limits; off unless given. */
  rateLimit?: AuthHandlerOptions<UA, SA>['rateLimit'];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const store = memoryStore(options.now ? { now: options.now } : undefined);
  const auth = createLatchkey<UA, SA>({
    store,
    ...(options.now ? { now: options.now } : {}),
  });
  const double = await startGitHubDouble();
  const log: Harness['log'] = [];
  const handler = createAuthHandler(auth, {
    providers: [
      github({
        clientId: 'native-test-app',
        clientSecret: 'native-test-secret',
        endpoints: { web: double.url, api: double.url },
      }),
    ],
    secret: 'native-harness-secret-of-at-least-32-bytes',
    rateLimit: options.rateLimit ?? false,
    native: {
      device: true,
      ...(options.allowLocalhost ? { allowLocalhost: true } : {}),
      ...(options.confirmSignIn !== undefined ? { confirmSignIn: options.confirmSignIn } : {}),
      ...(options.appName !== undefined ? { appName: options.appName } : {}),
      ...(options.unsafeTokenInLoopbackRedirect ? { unsafeTokenInLoopbackRedirect: true } : {}),
      ...(options.deviceInterval !== undefined ? { deviceInterval: options.deviceInterval } : {}),
      ...(options.deviceExpiresIn !== undefined
        ? { deviceExpiresIn: options.deviceExpiresIn }
        : {}),
    },
  });
  const routes = toNodeHandler(handler);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0]!;
    res.on('finish', () => log.push({ method: req.method!, path, status: res.statusCode }));
    if (path.startsWith(`${handler.basePath}/`)) {
      void routes(req, res);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    if (path === '/launch') {
      // A page of the app's own origin with a sign-in link (`?to=` names the link's target).
      const to = new URL(req.url!, 'http://x').searchParams.get('to') ?? '/';
      res.end(`<!doctype html><title>launch</title><a id="go" href="${escapeHTML(to)}">go</a>`);
      return;
    }
    res.end('<!doctype html><title>done</title><p>web sign-in done</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  double.addApp({
    clientId: 'native-test-app',
    clientSecret: 'native-test-secret',
    kind: 'oauth-app',
    callbackURLs: [`${base}/auth/github/callback`],
  });
  double.addUser({ login: 'octocat', id: 583231, name: 'The Octocat' });
  double.approveAs(null); // show the sign-in page: the browser types the login and authorizes

  return {
    url: base,
    auth,
    store,
    double,
    log,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await double.close();
    },
  };
}

/** Headless Chromium as the person's browser. */
export { CHROMIUM_OPTIONS } from './chromium.ts';

/**
 * The person answers the page that asks "Sign in to … on this computer?" (a program opened the
 * browser on a native start): Continue, or Cancel.
 */
export async function answerConfirmation(page: Page, answer: 'confirm' | 'cancel' = 'confirm') {
  await page.waitForSelector('h1:text("on this computer?")');
  await page.click(`#${answer}`);
}
