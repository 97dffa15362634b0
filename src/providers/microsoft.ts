import type { OAuthProvider } from '../oauth/provider.ts';
import {
  entraProvider,
  type MicrosoftEntraConfig,
  type MicrosoftEntraUser,
} from './microsoft-entra.ts';

/** A personal Microsoft account's ID token claims (`tid` is always the consumers tenant). */
export type MicrosoftUser = MicrosoftEntraUser;

/** Configuration of {@link microsoft}: Entra's, without a tenant choice. */
export type MicrosoftConfig = Omit<MicrosoftEntraConfig, 'tenant' | 'allowedTenants'>;

export type MicrosoftProvider = OAuthProvider<MicrosoftUser, 'microsoft'>;

/**
 * Sign in with a personal Microsoft account (Outlook.com, Xbox, Skype…) only: Microsoft Entra's
 * v2.0 endpoint at the `consumers` tenant, whose issuer is
 * `https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0`. Work and school
 * accounts are refused (their `tid` is another tenant). Everything else — PKCE, the `tid:oid`
 * account key, `xms_edov` for the email, no revocation endpoint — is {@link microsoftEntra}'s.
 * @throws TypeError on a bad configuration (non-https authority, missing client id)
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc
 */
export function microsoft(config: MicrosoftConfig): MicrosoftProvider {
  return entraProvider({ ...config, tenant: 'consumers' }, 'microsoft');
}
