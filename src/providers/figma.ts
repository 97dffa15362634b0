import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { OAuthRequestError } from '../oauth/errors.ts';
import type { PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { peekJSON } from '../oauth/transport.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';

/** Figma's `GET /v1/me` (the fields latchkey reads; the rest is passed through). */
export interface FigmaUser extends PassThroughFields {
  /** Numeric, sent as a string. */
  id: string;
  handle: string;
  img_url?: string;
  /** Figma documents no verification for this address. */
  email?: string;
}

/** Configuration of {@link figma} (an OAuth app's client id and secret). */
export interface FigmaConfig
  extends ConfidentialConfig, Pick<HostOverrides, 'baseURL' | 'apiURL'> {}

export type FigmaProvider = OAuthProvider<FigmaUser, 'figma'>;

/**
 * Sign in with Figma (OAuth 2.0; default scope `current_user:read`, HTTP Basic client
 * authentication). Refreshes go to Figma's own `/v1/oauth/refresh`. No revocation endpoint.
 * @see https://developers.figma.com/docs/rest-api/authentication/
 */
export function figma(config: FigmaConfig): FigmaProvider {
  const web = baseURL('baseURL', config.baseURL, 'https://www.figma.com');
  const api = baseURL('apiURL', config.apiURL, 'https://api.figma.com');
  const [token, refresh] = [`${api}/v1/oauth/token`, `${api}/v1/oauth/refresh`];
  return defineProvider(config, {
    id: 'figma',
    name: 'Figma',
    issuer: web,
    scopes: ['current_user:read'],
    clientAuthMethod: 'client_secret_basic',
    endpoints: {
      authorizationEndpoint: `${web}/oauth`,
      tokenEndpoint: token,
      userInfoEndpoint: `${api}/v1/me`,
    },
    fetch: (base) => async (input, init) => {
      // The refresh grant has its own path at Figma; the form is the same.
      const body = init?.body instanceof URLSearchParams ? init.body : null;
      const isRefresh = String(input) === token && body?.get('grant_type') === 'refresh_token';
      const url = isRefresh ? refresh : String(input);
      const response = await base(url, init);
      if (response.ok || (url !== token && url !== refresh)) return response;
      // Figma's errors are {error: true, status, message}, not RFC 6749: raise them typed here.
      const error = (await peekJSON(response)) as { error?: unknown; message?: unknown } | null;
      if (error?.error !== true) return response;
      throw new OAuthRequestError(`http_${response.status}`, error.message, response.status);
    },
    profile: {
      id: 'id',
      idFormat: /^[A-Za-z0-9_-]{1,64}$/, // numeric today; documented only as a stable id
      required: ['handle'],
      username: 'handle',
      name: 'handle',
      avatarURL: 'img_url',
    },
  });
}
