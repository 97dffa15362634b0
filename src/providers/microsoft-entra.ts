import { invalidArgument } from '../core/errors.ts';
import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { OIDCClaims } from '../oauth/oidc-user.ts';
import { UUID as GUID } from '../oauth/profile-fields.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';

/** Entra's ID token claims (v2.0 endpoint). */
export interface MicrosoftEntraUser extends OIDCClaims {
  iss: string;
  /** The directory (tenant) the user signed in through. */
  tid: string;
  /** The user's object id: stable across every app in that tenant. */
  oid: string;
  /** Mutable and not verified by Entra; see `xms_edov`. */
  email?: string;
  /** Optional claim: the email's domain owner was verified. */
  xms_edov?: boolean;
}

/** Configuration of {@link microsoftEntra}. No `clientSecret` for a public client. */
export interface MicrosoftEntraConfig extends ProviderConfig {
  /** `common`, `organizations`, `consumers`, a tenant id (GUID) or one of its verified domains. */
  tenant: string;
  /** With `common`/`organizations`: accept only these tenant ids (the `tid` claim). */
  allowedTenants?: readonly string[];
  /** Cloud authority (a national cloud, or a local double). Default `https://login.microsoftonline.com`. */
  authority?: string;
}

export type MicrosoftEntraProvider = OAuthProvider<MicrosoftEntraUser, 'microsoft-entra'>;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const CONSUMERS = '9188040d-6c67-4c5b-b112-36a304b66dad'; // personal Microsoft accounts' tenant
const AUTHORITY = 'https://login.microsoftonline.com';
const REJECT = 'urn:latchkey:entra:tenant-not-accepted'; // no token carries it: rejects the token

/**
 * Sign in with Microsoft Entra ID (work, school and personal accounts); default scopes `openid
 * profile email offline_access`, PKCE S256.
 * @throws TypeError on a bad configuration (tenant, non-https authority, missing client id)
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference
 */
export function microsoftEntra(config: MicrosoftEntraConfig): MicrosoftEntraProvider {
  return entraProvider(config, 'microsoft-entra');
}

/** Entra under a provider id of its own (the personal-accounts `microsoft` provider). */
export function entraProvider<Id extends string>(
  config: MicrosoftEntraConfig,
  id: Id,
): OAuthProvider<MicrosoftEntraUser, Id> {
  const tenant = typeof config?.tenant === 'string' ? config.tenant.toLowerCase() : '';
  const multi = tenant === 'common' || tenant === 'organizations';
  if (!multi && tenant !== 'consumers' && !GUID.test(tenant) && !DOMAIN.test(tenant))
    invalidArgument('tenant', 'must be common, organizations, consumers, a GUID or a domain');
  const authority = new URL(baseURL('authority', config.authority, AUTHORITY)).origin;
  const at = (tid: string): string => `${authority}/${tid}/v2.0`;
  const allowed = config.allowedTenants?.map((t) => t.toLowerCase());
  // The issuer discovery documents per tenant kind; for a domain, its tenant's GUID.
  const named = multi ? '{tenantid}' : tenant === 'consumers' ? CONSUMERS : tenant;
  return defineProvider(config, {
    id,
    name: 'Microsoft',
    // The configured authority; the token's own tenant is part of `providerUserId`.
    issuer: at(tenant),
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    clientAuthMethod: config.clientSecret ? 'client_secret_post' : 'none', // as Microsoft documents
    acceptIssuer(iss) {
      const tid = iss.slice(authority.length + 1, -'/v2.0'.length);
      return DOMAIN.test(named) ? GUID.test(tid) && iss === at(tid) : iss === at(named);
    },
    // `iss` must be the issuer of the token's own tenant (`tid`), and that tenant one we accept.
    expectedIssuer(claims, as) {
      const tid = typeof claims.tid === 'string' && GUID.test(claims.tid) ? claims.tid : null;
      if (tid === null || (!multi && at(tid) !== as.issuer)) return REJECT;
      if (tenant === 'organizations' && tid === CONSUMERS) return REJECT;
      if (multi && allowed !== undefined && !allowed.includes(tid)) return REJECT;
      return as.issuer.replace('{tenantid}', tid);
    },
    // Claims only: userinfo is a Graph endpoint, unusable when the access token is for your API.
    openid: { userInfo: 'never' },
    profile: {
      // `oid` needs the `profile` scope; `sub` is pairwise per app, so it is not the key.
      required: ['tid', 'oid'],
      id: (user) => `${user.tid}:${user.oid}`, // a guest's `oid` differs per tenant
      // Admins can set `email` freely ("nOAuth"): only `xms_edov` says its domain was verified.
      emailVerified: 'xms_edov',
      avatarURL: () => null, // The photo is a Graph resource behind a token, not a public URL.
    },
  });
}
