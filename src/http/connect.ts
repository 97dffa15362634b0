// Providers connected for their API rather than for signing in, and more scopes later. A
// connect-only provider (a signed-in user connects Dropbox) is reached only through the link
// route: it never starts a sign-in, never makes a user, and never counts as a way to sign in when
// another account is unlinked. A link of a provider the user already has asks for the scopes
// already granted plus the new ones, so the new token set replaces the old one without losing any.
import type { Account } from '../core/types.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import type { ResolvedOptions } from './options.ts';

type H = ResolvedOptions<object, object>;

/**
 * The provider ids of the `connectOnly` option, each checked against `providers`.
 * @throws TypeError on an id that is not a configured provider
 */
export function checkConnectOnly(
  ids: readonly string[] | undefined,
  providers: ReadonlyMap<string, OAuthProvider>,
): ReadonlySet<string> {
  if (ids === undefined) return new Set();
  if (!Array.isArray(ids)) throw new TypeError('latchkey: "connectOnly" must be an array of ids');
  for (const id of ids) {
    if (typeof id !== 'string' || !providers.has(id)) {
      throw new TypeError(`latchkey: "connectOnly" names "${String(id)}", not a provider here`);
    }
  }
  return new Set(ids);
}

/** Whether the account is one a person can sign in with (not a connect-only provider's). */
export function canSignInWith(h: H, account: Pick<Account, 'providerId'>): boolean {
  return !h.connectOnly.has(account.providerId);
}

/**
 * The scopes a link asks for: with a token vault that can read the user's existing account at
 * this provider, the scopes it was granted (those still allowed) plus the asked ones — the
 * provider's answer then covers both. Without one, the asked scopes (or the defaults) alone.
 */
export async function linkScopes(
  h: H,
  userId: string,
  provider: OAuthProvider,
  asked: string[] | undefined,
): Promise<string[] | undefined> {
  if (asked === undefined || h.tokenVault?.getTokens === undefined) return asked;
  const accounts = (await h.auth.getUserAccounts(userId)).filter(
    (a) => a.providerId === provider.id && a.issuer === provider.issuer,
  );
  // Two accounts at one provider: which one the person will pick is unknown until the callback.
  if (accounts.length !== 1) return asked;
  // Unreadable tokens (a retired key) only mean nothing is known to be granted.
  const tokens = await h.tokenVault.getTokens(accounts[0]!).catch(() => null);
  const granted = (tokens?.scopes ?? []).filter((s) => provider.allowedScopes.includes(s));
  return [...new Set([...granted, ...asked])];
}
