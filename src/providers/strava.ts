import { readJSON } from '../oauth/client.ts';
import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { joinName, profileFrom, type PassThroughFields } from '../oauth/profile-fields.ts';
import { splitScopes } from '../oauth/tokens.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { commaScopes, editAuthorizationURL } from './authorization-url.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';
import { stravaFetch } from './strava-transport.ts';

/** Strava's athlete (`GET /api/v3/athlete`; summary, or detailed with `profile:read_all`). */
export interface StravaAthlete extends PassThroughFields {
  id: number;
  /** Optional on Strava: often `null`. */
  username: string | null;
  firstname?: string | null;
  lastname?: string | null;
  /** Avatar URL (124×124); a relative placeholder path when the athlete has no photo. */
  profile?: string;
}

/** Configuration of {@link strava} (a `clientSecret` is required). */
export interface StravaConfig extends ConfidentialConfig, Pick<HostOverrides, 'baseURL'> {
  /** `force` shows the consent screen every time; `auto` (Strava's default) only once. */
  approvalPrompt?: 'auto' | 'force';
}

export type StravaProvider = OAuthProvider<StravaAthlete, 'strava'>;

/**
 * Sign in with Strava (OAuth 2.0; default scope `read`). Strava shares no email address.
 * `revokeToken` deauthorizes the app for the athlete and takes an **access** token.
 * @see https://developers.strava.com/docs/authentication/
 */
export function strava(config: StravaConfig): StravaProvider {
  const web = baseURL('baseURL', config.baseURL, 'https://www.strava.com');
  const token = `${web}/oauth/token`;
  const provider = defineProvider(config, {
    id: 'strava',
    name: 'Strava',
    issuer: web,
    scopes: ['read'],
    clientAuthMethod: 'client_secret_post', // Strava takes the client id and secret in the body
    endpoints: { authorizationEndpoint: `${web}/oauth/authorize`, tokenEndpoint: token },
    fetch: (base) => stravaFetch(base, token),
    params: config.approvalPrompt ? { approval_prompt: config.approvalPrompt } : undefined,
    async getUser(tokens, c) {
      const athlete = await c.fetchJSON(`${web}/api/v3/athlete`, tokens.accessToken);
      return profileFrom<StravaAthlete>('Strava /api/v3/athlete', athlete, {
        id: 'id',
        idFormat: 'integer',
        username: 'username',
        name: (a) => joinName(a.firstname, a.lastname),
        avatarURL: (a) =>
          typeof a.profile === 'string' && a.profile.startsWith('https://') ? a.profile : null,
      });
    },
    async revokeToken(accessToken, client) {
      // Not RFC 7009: it ends every token of this app for the athlete, given an access token.
      const body = new URLSearchParams({ access_token: accessToken });
      await readJSON(await client.fetch(`${web}/oauth/deauthorize`, { method: 'POST', body }));
    },
  });
  return {
    ...editAuthorizationURL(provider, commaScopes),
    // Athletes can untick requested scopes: only the callback's `scope` says what was granted.
    async validateAuthorizationCode(options) {
      const tokens = await provider.validateAuthorizationCode(options);
      const granted = options.callbackURL.searchParams.get('scope');
      return granted === null
        ? tokens
        : { ...tokens, scopes: splitScopes(granted), scopesReported: true };
    },
  };
}
