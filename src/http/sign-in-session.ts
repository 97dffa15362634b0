// The end of a sign-in callback once the provider has named the person: find or create the
// user, make the session, keep the provider tokens, run the hooks, then answer — this browser
// gets its session cookie and the flow's target, unless the sign-in extension took the start
// over (a native app or a device), which then gives the answer instead.
import type { Cookie } from '../core/cookies.ts';
import { AccountExistsError } from '../core/errors.ts';
import type { CreatedSession } from '../core/latchkey.ts';
import type { AccountKey, Session, User } from '../core/types.ts';
import type { OAuthProvider, OAuthTokens, ProviderProfile } from '../oauth/provider.ts';
import type { FlowState } from './flow-cookie.ts';
import { userForVerifiedEmail } from './email-linking.ts';
import { rememberProviderSession } from './logout/provider-session.ts';
import type { RequestContext, ResolvedOptions, SessionClient } from './options.ts';
import { redirect, withCookies } from './responses.ts';
import { currentSession } from './session-routes.ts';

/** What the provider said about the person who signs in. */
export interface ProviderSignIn {
  provider: OAuthProvider;
  key: AccountKey;
  profile: ProviderProfile;
  tokens: OAuthTokens;
}

/** How a callback ends: `fail` answers with an error code; `clear` deletes the flow cookie. */
export interface CallbackEnd {
  fail(code: string): Promise<Response>;
  clear: Cookie;
}

/** Completes a sign-in flow (not a link) for the person the provider named. */
export async function completeSignIn(
  h: ResolvedOptions<object, object>,
  ctx: RequestContext,
  flow: FlowState,
  signIn: ProviderSignIn,
  end: CallbackEnd,
): Promise<Response> {
  const { provider, key, profile, tokens } = signIn;
  const { fail, clear } = end;
  // Starts refuse a connect-only provider already; a flow sealed before the app said so too.
  if (h.connectOnly.has(provider.id)) return fail('connect_only');
  // The flow cookie only opens with an extension state when the handler has the extension.
  const extension = flow.ext === null ? null : h.extension;
  const client: SessionClient = extension === null ? 'browser' : extension.client(flow.ext);
  // Whatever session this browser had before (planted or real) is never upgraded: it ends here.
  // An app's or device's sign-in hands its session over and leaves the browser's own alone.
  const previous = client === 'browser' ? await currentSession(h, ctx, { cookieOnly: true }) : null;
  const sessionAttributes = h.hooks.sessionAttributes
    ? await h.hooks.sessionAttributes(ctx.request, provider, client)
    : defaultSessionAttributes(ctx.request, provider, client);
  // A device gets its session when it next polls; every other client gets one now.
  const wantsSession = client !== 'device';
  let user: User<object> | null = await h.auth.getUserByAccount(key);
  let created: CreatedSession<object> | null = null;
  let isNewUser = false;
  const byEmail =
    user === null
      ? await userForVerifiedEmail(h.auth, h.linkByEmail, provider, key, profile)
      : null;
  if (byEmail !== null) {
    // Opt-in: the existing user with this verified email gains the account (a race with another
    // first sign-in of the same account fails on the account key and is answered as one).
    await h.auth.linkAccount(byEmail.id, key);
    user = byEmail;
    if (wantsSession) {
      created = await h.auth.createSession({ userId: user.id, attributes: sessionAttributes });
    }
  } else if (user !== null) {
    if (wantsSession) {
      created = await h.auth.createSession({ userId: user.id, attributes: sessionAttributes });
    }
  } else {
    const allowed = h.hooks.allowSignIn ? await h.hooks.allowSignIn(profile, provider) : true;
    if (!allowed) return fail('sign_in_denied');
    const attributes = h.hooks.mapProfile
      ? await h.hooks.mapProfile(profile, provider)
      : defaultUserAttributes(profile);
    try {
      if (wantsSession) {
        const result = await h.auth.createUserWithSession({
          attributes,
          account: key,
          sessionAttributes,
        });
        user = result.user;
        created = { session: result.session, token: result.token };
      } else {
        user = await h.auth.createUser({ attributes, account: key });
      }
      isNewUser = true;
    } catch (error) {
      // The loser of two concurrent first sign-ins of the same person signs in as the winner.
      if (!(error instanceof AccountExistsError)) throw error;
      user = await h.auth.getUserByAccount(key);
      if (user === null) throw error;
      if (wantsSession) {
        created = await h.auth.createSession({ userId: user.id, attributes: sessionAttributes });
      }
    }
  }
  if (h.tokenVault !== null) {
    try {
      await h.tokenVault.saveTokens(key, tokens);
    } catch (error) {
      // No session without its tokens: the account exists now, so a retry of the sign-in works.
      if (created !== null) await h.auth.invalidateSession(created.session.id);
      throw error;
    }
  }
  if (previous !== null) await h.auth.invalidateSession(previous.result.session.id);
  if (created !== null) await rememberProviderSession(h, provider, tokens, created.session);
  await h.hooks.onSignIn?.({
    user,
    session: created === null ? null : (created.session as Session<object>),
    client,
    provider,
    profile,
    tokens,
    isNewUser,
  });
  if (extension !== null) {
    // `success_url` does not apply: the browser goes to the app's listener or a result page.
    const response = await extension.complete(flow.ext, {
      userId: user.id,
      created,
      sessionAttributes,
    });
    return withCookies(response, [clear]);
  }
  const cookie = h.auth.createSessionCookie(created!.token, created!.session, ctx.origin);
  return redirect(flow.target, [clear, cookie], ctx.request.method === 'POST' ? 303 : 302);
}

function defaultUserAttributes(profile: ProviderProfile): object {
  return {
    username: profile.username,
    name: profile.name,
    email: profile.email,
    avatarURL: profile.avatarURL,
  };
}

function defaultSessionAttributes(
  request: Request,
  provider: OAuthProvider,
  client: SessionClient,
): object {
  const userAgent = request.headers.get('user-agent');
  return {
    userAgent: userAgent === null ? null : userAgent.slice(0, 256),
    provider: provider.id,
    // Browser sessions keep their historical shape; app and device sessions say what they are.
    ...(client === 'browser' ? {} : { client }),
  };
}
