// The handler's provider sign-out options, resolved once when the handler is made.
import type { OAuthProvider } from '../../oauth/provider.ts';
import { createSealer, type Sealer, type SealSecret } from '../seal.ts';

/** When `POST {base}/logout` also ends the session at the provider. */
export type EndProviderSession = 'always' | 'when-asked' | 'never';

/**
 * Options of the handler's `providerLogout`: sign-out at OpenID Connect providers, both ways.
 * @see docs/enterprise-oidc.md
 */
export interface ProviderLogoutOptions {
  /**
   * Which providers take part, by id. Default: every provider with sign-out support (the
   * OpenID Connect ones). Naming a provider without it is a `TypeError`.
   */
  providers?: readonly string[];
  /**
   * `when-asked` (default): only when the sign-out request says `end_provider_session=1` (form
   * field or query); `always`; or `never`.
   */
  endSession?: EndProviderSession;
  /** Accept the providers' logout tokens at `POST {base}/{provider}/backchannel-logout`. Default true. */
  backChannel?: boolean;
}

/** The resolved options (internal). */
export interface ProviderLogoutSettings {
  providers: ReadonlySet<string>;
  endSession: EndProviderSession;
  backChannel: boolean;
  /** Seals the per-session record (it holds the sign-in's ID token) at rest in the store. */
  sealer: Sealer;
}

/**
 * Resolves `providerLogout`; `null` when absent (nothing is recorded at sign-in then).
 * @throws TypeError for an unknown provider id, one without sign-out support, or a bad option.
 */
export function resolveProviderLogout(
  options: ProviderLogoutOptions | undefined,
  providers: ReadonlyMap<string, OAuthProvider>,
  secret: SealSecret,
): ProviderLogoutSettings | null {
  if (options === undefined) return null;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('latchkey: "providerLogout" must be an object');
  }
  const endSession = options.endSession ?? 'when-asked';
  if (!['always', 'when-asked', 'never'].includes(endSession)) {
    throw new TypeError(
      'latchkey: "providerLogout.endSession" must be always, when-asked or never',
    );
  }
  const capable = [...providers.values()].filter((p) => p.logout !== undefined).map((p) => p.id);
  const ids = options.providers ?? capable;
  for (const id of ids) {
    if (!capable.includes(id)) {
      throw new TypeError(`latchkey: provider "${id}" has no OpenID Connect sign-out support`);
    }
  }
  return {
    providers: new Set(ids),
    endSession,
    backChannel: options.backChannel ?? true,
    sealer: createSealer(secret, 'latchkey provider session v1'),
  };
}
