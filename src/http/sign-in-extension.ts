// The one seam through which other clients than this browser (native apps, devices) reuse the
// web sign-in flow. The flow keeps doing everything it does for a browser — state, PKCE, the
// provider exchange, users, accounts, hooks, the token vault — and asks the extension only three
// things: does this start belong to you, what do you answer once the person is signed in, and
// what do you answer when the sign-in failed. The extension's part of the flow travels sealed
// in the flow cookie, opaque to the flow itself.
import type { CreatedSession } from '../core/latchkey.ts';
import type { RateLimitGroup } from './rate-limit.ts';

/** What the callback knows once the person is signed in, for the extension to finish with. */
export interface SignedIn {
  userId: string;
  /** The session made for the client; `null` for a `device` client (it gets one when it polls). */
  created: CreatedSession<object> | null;
  /** The attributes the new session got (or that a device's session will get). */
  sessionAttributes: object;
}

/** A route an extension adds under the handler's base path. */
export interface ExtensionRoute {
  /** One or two segments under the base path: `token`, `device/code`. */
  path: string;
  /** The only method answered; any other is a 405. */
  method: 'GET' | 'POST';
  /** The rate-limit group every request counts in (a 405 is not counted). */
  rateLimit: RateLimitGroup;
  /** Answers the request; `url` is the request's URL under the app's public origin. */
  handle(request: Request, url: URL, basePath: string): Promise<Response>;
}

/**
 * A way of signing in someone other than this browser on top of the web flow. `State` is what
 * the extension keeps between start and callback: a small JSON value, sealed with the flow.
 */
export interface SignInExtension<State = unknown> {
  /**
   * Reads the extra parameters of `GET {base}/{provider}`: `null` when there are none (an
   * ordinary web sign-in), a `Response` refusing the start (never a redirect), or the state.
   */
  parseStart(request: Request, url: URL): State | Response | null;
  /**
   * Whether the person must confirm this start in the browser before it goes on to the
   * provider (a program on this computer may have opened the browser: RFC 8252 §8.6). Returns
   * the name of the app to ask about, or `null` to go straight on. `origin` is the app's.
   */
  confirmation(state: State, request: Request, origin: string): string | null;
  /** Re-reads the state from an opened flow cookie; `null` when it has not the right shape. */
  readState(value: unknown): State | null;
  /** Who receives the session: an app now (`native`), or a device when it next polls. */
  client(state: State): 'native' | 'device';
  /** The answer to a signed-in person, instead of the browser's session cookie and redirect. */
  complete(state: State, signedIn: SignedIn): Promise<Response>;
  /**
   * The answer to a failed sign-in (`code` is the error the browser would see), so the waiting
   * app or device stops waiting; `null` to show the browser's error page instead.
   */
  fail(state: State, code: string): Promise<Response | null>;
  /** Routes of the extension's own (code exchange, device endpoints). */
  readonly routes: readonly ExtensionRoute[];
}
