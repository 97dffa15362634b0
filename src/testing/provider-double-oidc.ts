// OpenID Connect parts of the provider double: the discovery document, the JWKS, and ID tokens
// signed with jose (RS256 unless the preset says ES256, one key per double).
import { SignJWT } from 'jose';
import { issuerAt, type ProviderDoubleContext } from './provider-double-context.ts';
import type { Grant } from './provider-double-state.ts';

/** ID tokens live an hour, as most providers document. */
const ID_TOKEN_LIFETIME_S = 3600;

/** The discovery document at a mount prefix (OpenID Connect Discovery 1.0 §3). */
export function discoveryDocument(
  ctx: ProviderDoubleContext,
  prefix: string,
  issuer: string,
): Record<string, unknown> {
  const { preset } = ctx;
  const at = (path: string | undefined): string | undefined =>
    path === undefined ? undefined : `${ctx.origin}${prefix}${path}`;
  const document: Record<string, unknown> = {
    issuer,
    authorization_endpoint: at(preset.paths.authorize),
    token_endpoint: at(preset.paths.token),
    userinfo_endpoint: at(preset.paths.userinfo),
    jwks_uri: at(preset.paths.jwks),
    revocation_endpoint: at(preset.paths.revoke),
    response_types_supported: ['code'],
    response_modes_supported: ['query', ...(preset.responseModes ?? [])],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [ctx.publicJWK.alg],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: preset.clientAuth,
    code_challenge_methods_supported:
      preset.pkce === 'ignored' ? [] : (preset.pkceMethods ?? ['S256']),
    authorization_response_iss_parameter_supported: preset.callbackIss === true,
    ...preset.metadata,
    ...ctx.metadata,
  };
  for (const [standard, theirs] of Object.entries(preset.metadataNames ?? {})) {
    document[theirs] = document[standard];
    delete document[standard];
  }
  // `undefined` removes a field (no revocation endpoint, a provider that omits one).
  for (const [key, value] of Object.entries(document))
    if (value === undefined) delete document[key];
  return document;
}

/** The claims a grant releases: the preset's shape of the user (as approved) for its scopes. */
export function userClaims(ctx: ProviderDoubleContext, grant: Grant): Record<string, unknown> {
  return ctx.preset.user(grant.user, grant.scopes, grant.authorize ?? new Map());
}

/** Signs an ID token for a grant; `nonce` only on the code exchange (OIDC Core §12.2). */
export async function signIDToken(
  ctx: ProviderDoubleContext,
  grant: Grant,
  nonce: string | null,
): Promise<string> {
  const claims = userClaims(ctx, grant);
  const issuer = issuerAt(ctx, grant.prefix) ?? ctx.origin;
  const iss = ctx.idTokenIssuerOverride
    ? ctx.idTokenIssuerOverride(ctx.origin, grant.prefix, claims)
    : (ctx.preset.idTokenIssuer?.(issuer, claims, ctx.origin) ?? issuer);
  const now = Math.floor(ctx.state.now() / 1000);
  const payload: Record<string, unknown> = { ...claims };
  if (nonce !== null) payload.nonce = nonce;
  // HS256: the client's own secret is the key (LINE web login), so only that client can verify.
  const secret = ctx.state.clients.get(grant.clientId)?.clientSecret;
  const hmac = ctx.preset.idTokenAlg === 'HS256' && typeof secret === 'string';
  return new SignJWT(payload)
    .setProtectedHeader(
      hmac
        ? { alg: 'HS256', typ: 'JWT' }
        : { alg: ctx.publicJWK.alg!, kid: ctx.publicJWK.kid!, typ: 'JWT' },
    )
    .setIssuer(iss)
    .setSubject(String(claims.sub ?? grant.user.id))
    .setAudience(grant.clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + ID_TOKEN_LIFETIME_S)
    .sign(hmac ? new TextEncoder().encode(secret) : ctx.signingKey);
}
