// Signing out from server code that cannot answer with a route's response (a Next.js server
// action): the request goes through the handler's own `POST {basePath}/logout`, so its origin
// check, the `onSignOut` hook, sign-out everywhere and provider logout behave exactly as for the
// browser's own form post. The caller then deletes the cookie through its framework's API.
import { LatchkeyError, StoreError } from '../core/errors.ts';
import type { AuthHandler } from '../http/handler.ts';

/** What a server-side sign-out asks of the logout route. */
export interface SignOutOptions {
  /** End every session of the user (`{basePath}/logout-all`), not only the current one. */
  everywhere?: boolean;
  /** Ask the provider to end its session too (with the handler's `providerLogout`). */
  endProviderSession?: boolean;
}

// The incoming request's body belongs to the framework (a server action's form); the sign-out
// request has none, so the headers describing that body must not travel with it.
const BODY_HEADERS = ['content-type', 'content-length', 'transfer-encoding', 'content-encoding'];

/**
 * Signs out the session the incoming headers carry (cookie, else bearer token) through the
 * handler's logout route at `origin` — the app's origin as `handler.requestOrigin` computes it.
 * The browser's own `Origin` (or `Sec-Fetch-Site`) header travels along and is checked as on
 * the route: nothing here vouches for a request the route would refuse. Signed out already is
 * no error.
 * @returns the provider's end-session URL to send the browser to, or `null` when done locally.
 * @throws LatchkeyError `config` when the route refuses the request (its Origin is neither the
 * app's origin nor an allowed one: check the handler's `origin` option); StoreError when the
 * store fails; Error (with the handler's logged error id) for any other failure of the route.
 */
export async function signOutThroughHandler(
  handler: AuthHandler,
  incoming: Headers,
  origin: string,
  options: SignOutOptions = {},
): Promise<string | null> {
  const headers = new Headers(incoming);
  for (const name of BODY_HEADERS) headers.delete(name);
  // The route's API answer: 204, or 200 with the provider's `location` (never an HTML redirect).
  headers.set('accept', 'application/json');
  const url = new URL(
    `${handler.basePath}/${options.everywhere ? 'logout-all' : 'logout'}`,
    origin,
  );
  if (options.endProviderSession) url.searchParams.set('end_provider_session', '1');
  const response = await handler.fetch(new Request(url, { method: 'POST', headers }));
  if (response.status === 204) return null;
  const body = (await response.json().catch(() => null)) as SignOutAnswer | null;
  if (response.status === 200 && typeof body?.location === 'string') return body.location;
  if (response.status === 503) throw new StoreError('sign-out');
  if (response.status === 403) {
    throw new LatchkeyError(
      'config',
      "latchkey: sign-out refused (forbidden_origin): the request's Origin is not the app's " +
        "origin; behind a proxy or under `next dev` set the handler's `origin` option",
    );
  }
  // Anything else is the route's own failure, logged by the handler with this id.
  const id = response.headers.get('x-latchkey-error-id') ?? 'none';
  throw new Error(`latchkey: sign-out failed with ${response.status} (error id ${id})`);
}

/** The logout route's 200 answer: the provider's end-session `location`. */
interface SignOutAnswer {
  location?: unknown;
}
