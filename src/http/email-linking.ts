// Opt-in linking of a first sign-in to an existing user by email address. Off by default: an
// email is only as good as the provider's promise that the person controls it, and a provider that
// lets anyone (or any tenant admin) set an address would hand an account to whoever types it. So
// only a verified email from a provider on the trusted list links, and only to a user who has no
// account at that provider yet.
import type { Latchkey } from '../core/latchkey.ts';
import type { AccountKey, User } from '../core/types.ts';
import type { OAuthProvider, ProviderProfile } from '../oauth/provider.ts';

/**
 * Providers whose "verified" means the provider itself proved that the person receives mail at
 * the address, for every account it has — the table in docs/providers/README.md says why each is
 * here, and why the others are not (an admin-set or unconfirmed address, or no verification).
 */
export const EMAIL_TRUSTED_PROVIDERS: readonly string[] = Object.freeze([
  'apple',
  'github',
  'google',
]);

/** Options of `linkByEmail` on {@link createAuthHandler}. */
export interface EmailLinkingOptions {
  /**
   * The id of the existing user with this email address (lowercased), or `null`. The app owns the
   * lookup because the address lives in its user attributes.
   */
  findUserIdByEmail(email: string): string | null | Promise<string | null>;
  /**
   * Provider ids whose verified emails may link. Default {@link EMAIL_TRUSTED_PROVIDERS}; name
   * your own OpenID Connect provider here only when it verifies every address it reports.
   */
  trustedProviders?: readonly string[];
}

/**
 * The user a first sign-in links to, or `null` (then a new user is made). Only a verified email
 * from a trusted provider counts, and never for a user who already has an account at the same
 * provider and issuer (that would be a second, different person there claiming the address).
 */
export async function userForVerifiedEmail<UA extends object>(
  auth: Latchkey<UA, object>,
  options: EmailLinkingOptions | null,
  provider: OAuthProvider,
  key: AccountKey,
  profile: ProviderProfile,
): Promise<User<UA> | null> {
  if (options === null) return null;
  const trusted = options.trustedProviders ?? EMAIL_TRUSTED_PROVIDERS;
  if (!trusted.includes(provider.id)) return null;
  if (profile.emailVerified !== true || typeof profile.email !== 'string') return null;
  const email = profile.email.trim().toLowerCase();
  if (email === '' || !email.includes('@')) return null;
  const userId = await options.findUserIdByEmail(email);
  if (userId === null) return null;
  const user = await auth.getUser(userId);
  if (user === null) return null;
  const accounts = await auth.getUserAccounts(user.id);
  const taken = accounts.some((a) => a.providerId === key.providerId && a.issuer === key.issuer);
  return taken ? null : user;
}

/** @throws TypeError on a `linkByEmail` option without its lookup or with a bad provider list */
export function checkEmailLinking(
  options: EmailLinkingOptions | undefined,
): EmailLinkingOptions | null {
  if (options === undefined) return null;
  if (typeof options?.findUserIdByEmail !== 'function') {
    throw new TypeError('latchkey: "linkByEmail.findUserIdByEmail" must be a function');
  }
  const trusted = options.trustedProviders;
  if (
    trusted !== undefined &&
    !(Array.isArray(trusted) && trusted.every((id) => typeof id === 'string'))
  ) {
    throw new TypeError(
      'latchkey: "linkByEmail.trustedProviders" must be an array of provider ids',
    );
  }
  return options;
}
