// The provider sign-out routes under `{base}/{provider}/`, in one table so the handler needs a
// single line for them.
import type { OAuthProvider } from '../../oauth/provider.ts';
import type { RequestContext, ResolvedOptions } from '../options.ts';
import { errorResponse } from '../responses.ts';
import { backchannelLogoutRoute } from './backchannel.ts';
import { logoutCallbackRoute } from './end-session.ts';

/**
 * `POST {base}/{provider}/backchannel-logout` and `GET {base}/{provider}/logout-callback`;
 * 404 for any other name, and for both unless `providerLogout` covers the provider.
 */
export function providerLogoutRoute(
  h: ResolvedOptions<object, object>,
  ctx: RequestContext,
  provider: OAuthProvider,
  name: string,
): Promise<Response> | Response {
  const settings = h.providerLogout;
  const method = ctx.request.method;
  if (settings === null || !settings.providers.has(provider.id)) {
    return errorResponse(404, 'not_found');
  }
  switch (name) {
    case 'backchannel-logout':
      if (method !== 'POST') return errorResponse(405, 'method_not_allowed');
      return backchannelLogoutRoute(h, ctx, provider);
    case 'logout-callback':
      if (method !== 'GET') return errorResponse(405, 'method_not_allowed');
      return logoutCallbackRoute(h, ctx, provider.id);
  }
  return errorResponse(404, 'not_found');
}
