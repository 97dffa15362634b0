import { invalidArgument } from '../core/errors.ts';
import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { text, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';

/** Reddit's `GET /api/v1/me` (the fields latchkey reads; the rest is passed through). */
export interface RedditUser extends PassThroughFields {
  /** The account id in base 36 (its fullname is `t2_` + id). */
  id: string;
  /** The username (`u/name`). */
  name: string;
  /** Avatar URL, HTML-escaped (`&amp;`) by Reddit's legacy encoding. */
  icon_img?: string;
  subreddit?: { title?: string } | null;
}

/** Configuration of {@link reddit} (a "web app"). */
export interface RedditConfig
  extends ConfidentialConfig, Pick<HostOverrides, 'baseURL' | 'apiURL'> {
  /** Sent on every request, as Reddit requires: `<platform>:<app ID>:<version> (by /u/<username>)`. */
  userAgent: string;
  /** `permanent` for a refresh token; `temporary` (default) ends with the one-hour access token. */
  duration?: 'temporary' | 'permanent';
}

export type RedditProvider = OAuthProvider<RedditUser, 'reddit'>;

// Reddit's documented format; generic agents ("node", "python-requests") are throttled or blocked.
const USER_AGENT = /^[^\s:]+:[^\s:]+:[^\s:]+ \(by \/u\/[A-Za-z0-9_-]{3,20}\)$/;

/** `fetch` with the app's User-Agent on every request: token, revocation and API alike. */
function withUserAgent(fetchFn: typeof fetch, userAgent: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('user-agent', userAgent);
    return fetchFn(input, { ...init, headers });
  };
}

/**
 * Sign in with Reddit (OAuth 2.0; default scope `identity`). Reddit has no email at all, so
 * profiles never carry one. Token errors come as HTTP 200 `{"error": …}` and are raised as such.
 * @throws TypeError on a bad configuration (missing client id, User-Agent not in Reddit's format)
 * @see https://github.com/reddit-archive/reddit/wiki/OAuth2
 */
export function reddit(config: RedditConfig): RedditProvider {
  if (typeof config?.userAgent !== 'string' || !USER_AGENT.test(config.userAgent))
    invalidArgument('userAgent', 'must be "<platform>:<app ID>:<version> (by /u/<username>)"');
  const site = baseURL('baseURL', config.baseURL, 'https://www.reddit.com');
  const api = baseURL('apiURL', config.apiURL, 'https://oauth.reddit.com');
  return defineProvider(config, {
    id: 'reddit',
    name: 'Reddit',
    issuer: '', // no issuer: no metadata, no ID token
    scopes: ['identity'],
    endpoints: {
      authorizationEndpoint: `${site}/api/v1/authorize`,
      tokenEndpoint: `${site}/api/v1/access_token`,
      userInfoEndpoint: `${api}/api/v1/me`,
      revocationEndpoint: `${site}/api/v1/revoke_token`,
      http200Errors: true,
    },
    fetch: (base) => withUserAgent(base, config.userAgent),
    params: { duration: config.duration ?? 'temporary' },
    profile: {
      id: 'id',
      idFormat: /^[0-9a-z]{1,13}$/,
      required: ['name'],
      username: 'name',
      name: (user) => text(user.subreddit?.title) ?? user.name,
      avatarURL: (user) => text(user.icon_img)?.replaceAll('&amp;', '&') ?? null,
    },
  });
}
