// Strava's token endpoint answers errors as its API "Fault" (`{message, errors: [{resource,
// field, code}]}`), not RFC 6749 §5.2. This reads them into the OAuth error they mean, before
// oauth4webapi (which only knows `error`) sees the body.
import { OAuthRequestError } from '../oauth/errors.ts';
import { peekJSON } from '../oauth/transport.ts';

interface Fault {
  message?: unknown;
  errors?: { resource?: unknown; field?: unknown; code?: unknown }[];
}

// The RFC 6749 §5.2 error each faulty resource amounts to.
const ERRORS: Record<string, string> = {
  Application: 'invalid_client',
  AuthorizationCode: 'invalid_grant',
  RefreshToken: 'invalid_grant',
};

/**
 * `fetch` raising Strava's token endpoint faults (at `tokenURL`) as {@link OAuthRequestError}s.
 * @see https://developers.strava.com/docs/reference/#api-models-Fault
 */
export function stravaFetch(fetchFn: typeof fetch, tokenURL: string): typeof fetch {
  return async (input, init) => {
    const response = await fetchFn(input, init);
    if (response.ok || String(input) !== tokenURL) return response;
    const fault = (await peekJSON(response)) as Fault | null;
    const first = Array.isArray(fault?.errors) ? fault.errors[0] : undefined;
    if (first === undefined || typeof fault?.message !== 'string') return response;
    const error = ERRORS[String(first.resource)] ?? 'invalid_request';
    const detail = `${fault.message}: ${String(first.resource)}.${String(first.field)} ${String(first.code)}`;
    throw new OAuthRequestError(error, detail, response.status);
  };
}
