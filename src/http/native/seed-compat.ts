// Compatibility with seed 000 (the Lucia "GitHub OAuth in Tauri" guide): `GET /auth/{provider}
// ?port=N` and, after sign-in, a redirect to `http://localhost:N?session_token=<token>` caught
// by the app's throwaway listener. Kept only so apps built on that guide keep working while
// they move to the loopback + PKCE protocol; it is off unless explicitly enabled.
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
import { NO_STORE_HEADERS } from './responses.ts';

/** Options of the seed-compatible mode. */
export interface SeedCompatOptions {
  /**
   * Accept seed 000's `?port=N` start and redirect to `http://localhost:N?session_token=...`.
   * Puts a bearer token in a URL and lets any local listener or web page take a session; use
   * only during a migration to the loopback protocol. Default false.
   */
  unsafeSeedCompatibleLoopback?: boolean;
}

/** A validated seed-compatible start: only the app's port. */
export interface SeedCompatStart {
  port: number;
}

const PORT = /^[1-9][0-9]{3,4}$/;

/**
 * Recognises seed 000's `?port=N` start.
 * @returns the start; `{ error }` for a bad port; `null` when the mode is off or no `port`.
 */
export function parseSeedCompatStart(
  url: URL,
  options: SeedCompatOptions | undefined,
): SeedCompatStart | { error: 'invalid_request'; errorDescription: string } | null {
  if (options?.unsafeSeedCompatibleLoopback !== true) return null;
  const ports = url.searchParams.getAll('port');
  if (ports.length === 0) return null;
  const text = ports[0]!;
  if (ports.length > 1 || !PORT.test(text) || Number(text) < 1024 || Number(text) > 65535) {
    return { error: 'invalid_request', errorDescription: 'port must be one number 1024-65535' };
  }
  return { port: Number(text) };
}

/**
 * Finishes a seed-compatible sign-in: creates a session (or takes the one given as `created`)
 * and redirects the browser to `http://localhost:{port}?session_token={token}`, exactly as seed
 * 000's server did. Only for apps started with {@link parseSeedCompatStart}; see the module
 * comment for the risks.
 * @throws LatchkeyError `user_not_found` or StoreError from session creation.
 */
export async function completeSeedCompatSignIn<UA extends object, SA extends object>(
  input: {
    auth: Latchkey<UA, SA>;
    start: SeedCompatStart;
  } & ({ userId: string; sessionAttributes?: SA } | { created: CreatedSession<SA> }),
): Promise<Response> {
  const created =
    'created' in input
      ? input.created
      : await input.auth.createSession({
          userId: input.userId,
          ...(input.sessionAttributes !== undefined ? { attributes: input.sessionAttributes } : {}),
        });
  const location = `http://localhost:${input.start.port}?session_token=${encodeURIComponent(created.token)}`;
  // no-store and no-referrer limit (but cannot remove) the token's spread from the URL.
  return new Response(null, { status: 302, headers: { ...NO_STORE_HEADERS, location } });
}
