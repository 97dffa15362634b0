// VK ID's token endpoint needs the `device_id` the callback carried on every later refresh, but
// a refresh gets only the refresh token. So the refresh token latchkey hands out (and the token
// vault stores) carries the device id with it: `vkid.<base64url(device_id)>.<refresh token>`.
import { OAuthResponseError } from '../oauth/errors.ts';
import type { OAuthTokens } from '../oauth/provider.ts';
import { peekJSON } from '../oauth/transport.ts';

const PREFIX = 'vkid.';

/** The tokens with their refresh token bound to the device id. */
export function bindDevice(tokens: OAuthTokens, deviceId: string): OAuthTokens {
  if (tokens.refreshToken === null) return tokens;
  const device = Buffer.from(deviceId, 'utf8').toString('base64url');
  return { ...tokens, refreshToken: `${PREFIX}${device}.${tokens.refreshToken}` };
}

/**
 * The device id and VK's own refresh token from a refresh token made by {@link bindDevice}.
 * @throws TypeError for any other string (not a refresh token of this provider)
 */
export function splitDevice(refreshToken: string): { deviceId: string; refreshToken: string } {
  const dot = refreshToken.indexOf('.', PREFIX.length);
  const device = refreshToken.slice(PREFIX.length, dot);
  const token = refreshToken.slice(dot + 1);
  if (!refreshToken.startsWith(PREFIX) || dot < 0 || !/^[\w-]+$/.test(device) || token === '')
    throw new TypeError('latchkey: not a VK ID refresh token issued through latchkey');
  return { deviceId: Buffer.from(device, 'base64url').toString('utf8'), refreshToken: token };
}

/**
 * Wraps `fetch` so the token endpoint's answers lose their `id_token`: VK ID's is not an OpenID
 * Connect ID token for this client (its claims are VK's own), and the user comes from
 * `user_info` anyway. Everything else passes through untouched.
 */
export function withoutIdToken(fetchFn: typeof fetch, tokenURL: string): typeof fetch {
  return async (input, init) => {
    const response = await fetchFn(input, init);
    if (String(input) !== tokenURL || !response.ok) return response;
    const body = (await peekJSON(response)) as Record<string, unknown> | null;
    if (body === null || typeof body !== 'object' || !('id_token' in body)) return response;
    const { id_token: _, ...rest } = body;
    const headers = new Headers({ 'content-type': 'application/json' });
    const date = response.headers.get('date');
    if (date) headers.set('date', date);
    return new Response(JSON.stringify(rest), { status: response.status, headers });
  };
}

/** A device id as VK sends it: printable, bounded. */
export function checkDeviceId(value: string | null): string {
  if (value === null || !/^[\x21-\x7e]{1,256}$/.test(value))
    throw new OAuthResponseError('The VK ID callback has no valid device_id', {
      reason: 'missing_device_id',
    });
  return value;
}
