// Shared by the HTTP route tests: latchkey over a memory store wrapped in a counting proxy, the
// real GitHub provider against the local GitHub double, and a tiny cookie-jar "browser" that
// follows the sign-in redirects by hand.
export { countingStore, type CountingStore } from './counting-store.ts';
import { LatchkeyError } from '../src/core/errors.ts';
import { createLatchkey, type Latchkey } from '../src/core/latchkey.ts';
import { createAuthHandler, type AuthHandler } from '../src/http/index.ts';
import type { AuthHandlerOptions } from '../src/http/options.ts';
import type { OAuthProvider } from '../src/oauth/provider.ts';
import { github } from '../src/providers/github.ts';
import type { Store } from '../src/store.ts';
import { countingStore, type CountingStore } from './counting-store.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';

export const ORIGIN = 'https://app.test';
export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';

/** A cookie jar over the handler and the double: just enough of a browser. */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly userAgent: string;
  constructor(userAgent = 'TestBrowser/1.0') {
    this.userAgent = userAgent;
  }
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  absorb(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (attrs.some((a) => a.trim() === 'Max-Age=0')) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
  request(url: string, init: RequestInit = {}): Request {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader());
    headers.set('user-agent', this.userAgent);
    return new Request(url, { ...init, headers });
  }
}

export interface Harness {
  double: GitHubDouble;
  provider: OAuthProvider;
  auth: Latchkey<Record<string, unknown>, Record<string, unknown>>;
  counting: CountingStore;
  handler: AuthHandler;
  logs: { message: string; details: Record<string, string> }[];
  now: { value: number };
  /** Runs GET {base}/github (+query), the double's authorize and returns the callback URL. */
  authorize(browser: Browser, query?: string, providerId?: string): Promise<string>;
  /** A full sign-in; returns the callback response. */
  signIn(browser: Browser, query?: string): Promise<Response>;
  close(): Promise<void>;
}

export async function createHarness(
  options: Partial<AuthHandlerOptions<Record<string, unknown>, Record<string, unknown>>> = {},
  extraProviders: (p: OAuthProvider) => OAuthProvider[] = () => [],
  makeStore: (now: () => number) => Store | Promise<Store> = (now) => memoryStore({ now }),
): Promise<Harness> {
  const double = await startGitHubDouble();
  double.addApp({
    clientId: 'client-1',
    clientSecret: 'client-secret-1',
    kind: 'oauth-app',
    callbackURLs: [
      `${ORIGIN}/auth/github/callback`,
      `${ORIGIN}/auth/github2/callback`,
      `${ORIGIN}/auth/github3/callback`,
    ],
  });
  double.addUser({ login: 'octocat', name: 'The Octocat' });
  double.addUser({ login: 'hubot' });
  const now = { value: Date.now() };
  const counting = countingStore(await makeStore(() => now.value));
  const auth = createLatchkey<Record<string, unknown>, Record<string, unknown>>({
    store: counting.store,
    now: () => now.value,
  });
  const provider = github({
    clientId: 'client-1',
    clientSecret: 'client-secret-1',
    endpoints: { web: double.url, api: double.url },
  }) as unknown as OAuthProvider;
  const logs: Harness['logs'] = [];
  const handler = createAuthHandler(auth, {
    providers: [provider, ...extraProviders(provider)],
    secret: SECRET,
    rateLimit: false,
    logger: { error: (message, details) => logs.push({ message, details }) },
    ...options,
  });
  /** Clicks Continue on the page that asks to confirm a native start, as the person would. */
  const confirmStart = async (browser: Browser, providerId: string): Promise<Response> =>
    browser.absorb(
      await handler.fetch(
        browser.request(`${ORIGIN}/auth/${providerId}/confirm`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'sec-fetch-site': 'same-origin',
            origin: 'null',
          },
          body: 'decision=confirm',
        }),
      ),
    );
  const h: Harness = {
    double,
    provider,
    auth,
    counting,
    handler,
    logs,
    now,
    async authorize(browser, query = '', providerId = 'github') {
      let start = browser.absorb(
        await handler.fetch(browser.request(`${ORIGIN}/auth/${providerId}${query}`)),
      );
      if (start.status === 200) start = await confirmStart(browser, providerId);
      if (start.status !== 302 && start.status !== 303) {
        throw new Error(`start answered ${start.status}`);
      }
      const atDouble = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      const callback = atDouble.headers.get('location');
      if (atDouble.status !== 302 || !callback)
        throw new Error(`double answered ${atDouble.status}`);
      return callback;
    },
    async signIn(browser, query = '') {
      const callback = await h.authorize(browser, query);
      return browser.absorb(await handler.fetch(browser.request(callback)));
    },
    async close() {
      await double.close();
      await counting.store.close();
    },
  };
  return h;
}

export { LatchkeyError };
