// Shared by the token vault and GitHub client tests: a GitHub double with an expiring GitHub
// App and a non-expiring OAuth App, one clock shared by the double, the app client and the
// vault, and a headless web flow that yields real tokens from the double.
import { createGitHubApp, type GitHubApp } from '../src/github/index.ts';
import type { OAuthTokens } from '../src/oauth/provider.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';

export const CALLBACK = 'http://127.0.0.1:9/callback';

export interface GitHubWorld {
  double: GitHubDouble;
  /** Expiring user tokens (8 h access, ~6 months refresh, rotation). */
  app: GitHubApp;
  /** Non-expiring tokens, no refresh token. */
  oauthApp: GitHubApp;
  now: () => number;
  /** Moves the double's clock and ours together. */
  advance(ms: number): void;
  /** Signs `login` in through the web flow and returns the tokens. */
  signIn(login: string, app?: GitHubApp): Promise<OAuthTokens>;
  close(): Promise<void>;
}

export async function startGitHubWorld(): Promise<GitHubWorld> {
  let offset = 0;
  const now = (): number => Date.now() + offset;
  const double = await startGitHubDouble();
  double.addApp({
    clientId: 'Iv1.app',
    clientSecret: 'app-secret',
    kind: 'github-app',
    expiringTokens: true,
    callbackURLs: [CALLBACK],
  });
  double.addApp({
    clientId: 'oauth-app',
    clientSecret: 'oauth-secret',
    kind: 'oauth-app',
    callbackURLs: [CALLBACK],
  });
  for (const login of ['ada', 'bob', 'cy', 'dee', 'eve']) double.addUser({ login });
  const common = { baseURL: double.url, apiURL: double.url, now };
  const app = createGitHubApp({ clientId: 'Iv1.app', clientSecret: 'app-secret', ...common });
  const oauthApp = createGitHubApp({
    clientId: 'oauth-app',
    clientSecret: 'oauth-secret',
    ...common,
  });
  return {
    double,
    app,
    oauthApp,
    now,
    advance(ms) {
      offset += ms;
      double.advance(ms);
    },
    async signIn(login, which = app) {
      double.approveAs(login);
      const url = new URL('/login/oauth/authorize', double.url);
      url.searchParams.set('client_id', which.clientId);
      url.searchParams.set('redirect_uri', CALLBACK);
      url.searchParams.set('state', 'st');
      const response = await fetch(url, { redirect: 'manual' });
      const location = new URL(response.headers.get('location') ?? 'http://x/');
      const code = location.searchParams.get('code');
      if (!code) throw new Error(`no code (${response.status} ${location.search})`);
      return which.exchangeWebCode(code, { redirectURI: CALLBACK });
    },
    close: () => double.close(),
  };
}
