// Provider-local edits of the authorization URL, for providers that spell standard parameters
// their own way (TikTok's `client_key`, comma-separated scopes). The flow state (state, PKCE
// verifier, nonce) is untouched: only how the browser's URL spells it changes.
import type { AuthorizationRequest, OAuthProvider } from '../oauth/provider.ts';

/** Returns `provider` with each authorization URL passed through `edit` first. */
export function editAuthorizationURL<P extends OAuthProvider<unknown, string>>(
  provider: P,
  edit: (url: URL, request: AuthorizationRequest) => void | Promise<void>,
): P {
  return {
    ...provider,
    async createAuthorizationURL(options) {
      const request = await provider.createAuthorizationURL(options);
      await edit(request.url, request);
      return request;
    },
  };
}

/** Joins the `scope` parameter with commas (RFC 6749 §3.3 uses spaces; some providers do not). */
export function commaScopes(url: URL): void {
  const scope = url.searchParams.get('scope');
  if (scope !== null) url.searchParams.set('scope', scope.split(' ').join(','));
}
