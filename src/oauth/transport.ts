// How latchkey talks to providers: endpoint checks (https, or http to loopback only), the
// oauth4webapi request options (injected fetch, timeouts), and reading provider API answers.
import * as oauth from 'oauth4webapi';
import { OAuthRequestError, OAuthResponseError } from './errors.ts';

/** Whether a URL targets this machine (127.0.0.1, [::1] or localhost). */
export function isLoopbackURL(url: string | URL | undefined): boolean {
  if (url === undefined) return false;
  const parsed = URL.parse(String(url));
  if (parsed === null) return false;
  const host = parsed.hostname;
  return host === '127.0.0.1' || host === '[::1]' || host === 'localhost';
}

/**
 * Checks a configured endpoint: https, or http to loopback only.
 * @throws TypeError for anything else.
 */
export function checkEndpoint(name: string, value: string): URL {
  const url = URL.parse(value);
  if (
    url === null ||
    (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackURL(url)))
  ) {
    throw new TypeError(`latchkey: "${name}" must be an https URL (http only for loopback)`);
  }
  return url;
}

/** The oauth4webapi options latchkey passes on every call. */
export interface RequestOptions {
  signal: () => AbortSignal;
  // `any`: oauth4webapi types the init per method; ours forwards whatever it is given.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [oauth.customFetch]: (url: string, init: any) => Promise<Response>;
  [oauth.allowInsecureRequests]: boolean;
}

/** The oauth4webapi request options for one call: fetch, timeout, and the loopback exception. */
export function requestOptions(
  fetchFn: typeof fetch,
  timeout: number,
  endpoint: string | URL | undefined,
): RequestOptions {
  return {
    [oauth.customFetch]: (url, init) => fetchFn(url, init as RequestInit),
    // oauth4webapi refuses http:// endpoints. We lift that only for a loopback endpoint — a
    // provider running on this machine (tests, a local IdP in development), where TLS protects
    // nothing because the traffic never leaves the host. Anything remote stays https-only.
    [oauth.allowInsecureRequests]: isLoopbackURL(endpoint),
    signal: () => AbortSignal.timeout(timeout),
  };
}

/** The `fetch` a configuration names, else the global one (looked up per call, for tests). */
export function configuredFetch(config: { fetch?: typeof fetch } | undefined): typeof fetch {
  return config?.fetch ?? ((input, init) => fetch(input, init));
}

/** The JSON body of a response without consuming it, or `null` when it is not JSON. */
export async function peekJSON(response: Response): Promise<unknown> {
  return response
    .clone()
    .json()
    .catch(() => null);
}

/**
 * Reads a provider API response as JSON.
 * @throws OAuthRequestError on a non-2xx status; OAuthResponseError on a body that is not JSON
 */
export async function readJSON(response: Response): Promise<unknown> {
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    if (!response.ok) throw new OAuthRequestError(`http_${response.status}`, null, response.status);
    throw new OAuthResponseError('The provider answered with a body that is not JSON', { cause });
  }
  if (!response.ok) {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const error = typeof b.error === 'string' ? b.error : `http_${response.status}`;
    throw new OAuthRequestError(error, b.error_description ?? b.message, response.status);
  }
  return body;
}

/**
 * Wraps `fetch` for a provider that answers OAuth errors at `urls` with HTTP 200 and an `error`
 * body (GitHub does, on its token and device code endpoints): oauth4webapi and {@link readJSON}
 * expect a 4xx there, so the error is raised here, before either reads the body.
 * @throws OAuthRequestError carrying the provider's `error` and status 200
 */
export function raiseErrorBodies(fetchFn: typeof fetch, urls: readonly string[]): typeof fetch {
  return async (input, init) => {
    const response = await fetchFn(input, init);
    if (response.status !== 200 || !urls.includes(String(input))) return response;
    const body = (await peekJSON(response)) as Record<string, unknown> | null;
    if (typeof body?.error === 'string') {
      throw new OAuthRequestError(body.error, body.error_description, 200);
    }
    return response;
  };
}

/**
 * An `Authorization: Basic` value for a REST API that takes client credentials as plain HTTP
 * Basic (RFC 7617: UTF-8 `id:secret`, base64), as GitHub's `/applications/{client_id}/…` does.
 * Token endpoints are not sent here: there oauth4webapi's `client_secret_basic` applies RFC 6749
 * §2.3.1 (form-encode both parts first). For GitHub's credentials — letters, digits, `.` and
 * `_` — the two encodings give the same bytes.
 */
export function httpBasic(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}
