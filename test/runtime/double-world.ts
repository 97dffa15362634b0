// The GitHub double as the runtime suite expects it: one OAuth App for the web sign-in and one
// GitHub App with expiring tokens for the vault. Set up wherever node:http runs (in-process on
// Node, Bun and Deno; in a Node host process for workerd).
import type { GitHubDouble } from '../../src/testing/github-double.ts';

export const ORIGIN = 'https://app.test';
export const APP_CALLBACK = `${ORIGIN}/auth/github/callback`;
export const WEB_APP = { clientId: 'rt-client', clientSecret: 'rt-client-secret' };
/** The first user: the double approves as this login without a page. */
export const WEB_USER = 'octocat';

export function setUpDouble(double: GitHubDouble): void {
  double.addApp({ ...WEB_APP, kind: 'oauth-app', callbackURLs: [APP_CALLBACK] });
  double.addApp({
    clientId: 'Iv1.app',
    clientSecret: 'app-secret',
    kind: 'github-app',
    expiringTokens: true,
    callbackURLs: ['http://127.0.0.1:9/callback'],
  });
  double.addUser({ login: WEB_USER, name: 'The Octocat' });
}
