import type * as oauth from 'oauth4webapi';
import { checkEndpoint, readJSON } from '../oauth/client.ts';
import { OAuthResponseError } from '../oauth/errors.ts';
import type { OAuthProvider, ProviderProfile } from '../oauth/provider.ts';
import { providerFactory } from '../oauth/provider-auth.ts';
import { IssuerCheckedOIDCClient } from './oidc-issuer.ts';

/** Entra's ID token claims (v2.0 endpoint). */
export interface MicrosoftEntraUser {
  iss: string;
  sub: string;
  /** The directory (tenant) the user signed in through. */
  tid: string;
  /** The user's object id: stable across every app in that tenant. */
  oid: string;
  name?: string;
  preferred_username?: string;
  /** Mutable and not verified by Entra; see `xms_edov`. */
  email?: string;
  /** Optional claim: the email's domain owner was verified. */
  xms_edov?: boolean;
  [claim: string]: unknown;
}

/** Configuration of {@link microsoftEntra}. */
export interface MicrosoftEntraConfig {
  /** `common`, `organizations`, `consumers`, a tenant id (GUID) or one of its verified domains. */
  tenant: string;
  clientId: string;
  /** Absent for public clients. */
  clientSecret?: string;
  redirectURI?: string;
  /** Default `openid profile email offline_access`. */
  scopes?: readonly string[];
  allowedScopes?: readonly string[];
  /** PKCE S256. Default `true`. */
  pkce?: boolean;
  /** With `common`/`organizations`: accept only these tenant ids (the `tid` claim). */
  allowedTenants?: readonly string[];
  /** Cloud authority (a national cloud, or a local double). Default `https://login.microsoftonline.com`. */
  authority?: string;
  fetch?: typeof fetch;
  timeout?: number;
}

/** The Microsoft Entra ID provider. */
export type MicrosoftEntraProvider = OAuthProvider<MicrosoftEntraUser, 'microsoft-entra'>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// The tenant of personal Microsoft accounts.
const CONSUMERS = '9188040d-6c67-4c5b-b112-36a304b66dad';

function createMicrosoftEntra(config: MicrosoftEntraConfig): MicrosoftEntraProvider {
  const tenant = typeof config?.tenant === 'string' ? config.tenant.toLowerCase() : '';
  const multi = tenant === 'common' || tenant === 'organizations';
  if (
    !multi &&
    tenant !== 'consumers' &&
    !GUID.test(tenant) &&
    !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(tenant)
  ) {
    throw new TypeError(
      'latchkey: "tenant" must be common, organizations, consumers, a GUID or a domain',
    );
  }
  const authority = checkEndpoint(
    'authority',
    config.authority ?? 'https://login.microsoftonline.com',
  ).origin;
  const allowed = config.allowedTenants?.map((t) => t.toLowerCase());
  const tenantIssuer = (tid: string): string => `${authority}/${tid}/v2.0`;
  const fetchFn = config.fetch ?? ((input, init) => fetch(input, init));
  const timeout = config.timeout ?? 10_000;

  // The discovery document does not name the configured URL as its issuer (`common` answers
  // `.../{tenantid}/v2.0`, a domain answers its tenant's GUID), so the generic exact check cannot
  // apply; we check the one shape each tenant kind documents instead.
  async function discover(): Promise<oauth.AuthorizationServer> {
    const url = new URL(`${authority}/${tenant}/v2.0/.well-known/openid-configuration`);
    const answer = await fetchFn(url.href, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeout),
    });
    const as = (await readJSON(answer)) as oauth.AuthorizationServer;
    const segment =
      typeof as?.issuer === 'string' &&
      as.issuer.startsWith(`${authority}/`) &&
      as.issuer.endsWith('/v2.0')
        ? as.issuer.slice(authority.length + 1, -'/v2.0'.length)
        : null;
    const ok = multi
      ? segment === '{tenantid}'
      : tenant === 'consumers'
        ? segment === CONSUMERS
        : GUID.test(tenant)
          ? segment === tenant
          : segment !== null && GUID.test(segment);
    if (!ok)
      throw new OAuthResponseError('The Entra discovery document names an unexpected issuer');
    return as;
  }

  const client = new IssuerCheckedOIDCClient(`${authority}/${tenant}/v2.0`, {
    // Microsoft documents the client secret in the request body.
    clientAuthMethod: config.clientSecret ? 'client_secret_post' : 'none',
    ...config,
    discover,
    // The `iss` must be the tenant issuer of the token's own `tid` — for `common` that is the
    // template with `tid` substituted; for a fixed tenant, that tenant. A missing or malformed
    // `tid`, a personal account under `organizations`, or a tenant outside `allowedTenants`
    // yields an issuer no token carries, so the token is rejected; the check is never skipped.
    expectedIssuer(claims, as) {
      const tid = typeof claims.tid === 'string' && GUID.test(claims.tid) ? claims.tid : null;
      const reject = 'urn:latchkey:entra:tenant-not-accepted';
      if (tid === null) return reject;
      if (!multi) return tenantIssuer(tid) === as.issuer ? as.issuer : reject;
      if (tenant === 'organizations' && tid === CONSUMERS) return reject;
      if (allowed !== undefined && !allowed.includes(tid)) return reject;
      return as.issuer.replace('{tenantid}', tid);
    },
  });
  const defaultScopes = config.scopes ?? ['openid', 'profile', 'email', 'offline_access'];
  return {
    id: 'microsoft-entra',
    name: 'Microsoft',
    // The configured authority; the token's own tenant is part of `providerUserId`.
    issuer: `${authority}/${tenant}/v2.0`,
    defaultScopes,
    allowedScopes: config.allowedScopes ?? defaultScopes,
    pkce: client.pkce,
    createAuthorizationURL: (o) =>
      client.createAuthorizationURL({ ...o, scopes: o.scopes ?? defaultScopes, nonce: true }),
    validateAuthorizationCode: (o) => client.validateAuthorizationCode({ ...o, openid: true }),
    refreshAccessToken: (token) => client.refreshAccessToken(token),
    // Entra has no RFC 7009 endpoint (discovery lists none): this throws a `config` error.
    revokeToken: (token) => client.revokeToken(token),
    async getUser(tokens) {
      const user = tokens.idTokenClaims as MicrosoftEntraUser | null;
      // `oid` needs the `profile` scope; `sub` is pairwise per app, so it is not used as the key.
      if (typeof user?.oid !== 'string' || typeof user.tid !== 'string') {
        throw new OAuthResponseError(
          'The Entra ID token has no oid/tid (request the profile scope)',
        );
      }
      // No userinfo call: it is a Graph endpoint, unusable when the access token is for your API.
      const email = typeof user.email === 'string' && user.email.length > 0 ? user.email : null;
      // `email` is editable by tenant admins for users without a mailbox (the "nOAuth" takeover):
      // only the optional `xms_edov` claim says its domain owner was verified.
      const verified = email !== null && user.xms_edov === true;
      const profile: ProviderProfile = {
        // (tid, oid): `oid` alone differs per tenant for guests, and the key must name the tenant.
        providerUserId: `${user.tid}:${user.oid}`,
        email: verified ? email : null,
        emailVerified: verified,
        name: typeof user.name === 'string' ? user.name : null,
        username: typeof user.preferred_username === 'string' ? user.preferred_username : null,
        avatarURL: null, // The photo is a Graph resource behind a token, not a public URL.
      };
      return { profile, user };
    },
  };
}

/**
 * Sign in with Microsoft Entra ID (work, school and personal Microsoft accounts).
 * `microsoftEntra(config)` returns the provider; `microsoftEntra(auth, config)` the seeds'
 * `ProviderAuth`.
 * @throws TypeError on a bad configuration (tenant, non-https authority, missing client id)
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference
 */
export const microsoftEntra = providerFactory(createMicrosoftEntra);
