// The token-in-redirect compatibility mode (Tauri loopback style, as in the Lucia "GitHub OAuth
// in Tauri" guide): `GET /auth/{provider}?port=N` and, after sign-in, a redirect to
// `http://localhost:N?session_token=<token>` caught by the app's throwaway listener. Kept only
// so apps built that way keep working while they move to the loopback + PKCE protocol; it is
// off unless explicitly enabled.
//
// Why it is unsafe (see docs/native-apps.md):
// - the session token travels in a URL: it lands in browser history, session restore and sync,
//   and in anything that logs URLs on the way;
// - nothing binds the redirect to the app that started it: any local process that wins the
//   port, or any web page that can make the browser start a sign-in with its own port, receives
//   a live bearer session (token theft), and any page can send the app's listener a session of
//   the attacker's choosing (login CSRF) because the listener checks no state;
// - `localhost` may resolve to something other than the loopback interface.
import type { CreatedSession, Latchkey } from '../../core/latchkey.ts';
import { redirect } from '../responses.ts';

/** Options of the token-in-redirect mode. */
export interface TokenInRedirectOptions {
  /**
   * Accept `?port=N` starts and redirect to `http://localhost:N?session_token=...`: this puts a
   * bearer session token in a loopback URL and lets any local listener or web page take a
   * session; use only during a migration to the loopback protocol. Default false.
   */
  unsafeTokenInLoopbackRedirect?: boolean;
}

/** A validated token-in-redirect start: only the app's port. */
export interface TokenInRedirectStart {
  port: number;
}

const PORT = /^[1-9][0-9]{3,4}$/;

/** Whether `value` is a port a token-in-redirect app may listen on. */
export function isAppPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1024 && value <= 65535;
}

/**
 * Recognises a token-in-redirect `?port=N` start.
 * @returns the start; `{ error }` for a bad port; `null` when the mode is off or no `port`.
 */
export function parseTokenInRedirectStart(
  url: URL,
  options: TokenInRedirectOptions | undefined,
): TokenInRedirectStart | { error: 'invalid_request'; errorDescription: string } | null {
  if (options?.unsafeTokenInLoopbackRedirect !== true) return null;
  const ports = url.searchParams.getAll('port');
  if (ports.length === 0) return null;
  const text = ports[0]!;
  if (ports.length > 1 || !PORT.test(text) || !isAppPort(Number(text))) {
    return { error: 'invalid_request', errorDescription: 'port must be one number 1024-65535' };
  }
  return { port: Number(text) };
}

/**
 * Finishes a token-in-redirect sign-in: creates a session (or takes the one given as `created`)
 * and redirects the browser to `http://localhost:{port}?session_token={token}`, the URL shape
 * such apps listen for. Only for apps started with {@link parseTokenInRedirectStart}; see the
 * module comment for the risks.
 * @throws LatchkeyError `user_not_found` or StoreError from session creation.
 */
export async function completeTokenInRedirectSignIn<UA extends object, SA extends object>(
  input: {
    auth: Latchkey<UA, SA>;
    start: TokenInRedirectStart;
  } & ({ userId: string; sessionAttributes?: SA } | { created: CreatedSession<SA> }),
): Promise<Response> {
  const created =
    'created' in input
      ? input.created
      : await input.auth.createSession({
          userId: input.userId,
          ...(input.sessionAttributes !== undefined ? { attributes: input.sessionAttributes } : {}),
        });
  // no-store and no-referrer limit (but cannot remove) the token's spread from the URL.
  return redirect(
    `http://localhost:${input.start.port}?session_token=${encodeURIComponent(created.token)}`,
  );
}
