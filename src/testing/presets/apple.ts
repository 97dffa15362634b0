// Sign in with Apple (appleid.apple.com), as Apple documents it: OIDC with a self-signed ES256
// client secret, form_post callbacks carrying the name once, string booleans in the ID token.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { ProviderPreset, TestUser } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const REST = 'https://developer.apple.com/documentation/signinwithapplerestapi';
const JS = 'https://developer.apple.com/documentation/signinwithapplejs';
const TOKENS = `${REST}/generate-and-validate-tokens`;

/** Apple's limit on a client secret's lifetime (`exp - iat`). */
const MAX_LIFETIME_S = 15_777_000;

function nameParts(user: TestUser): { firstName?: string; lastName?: string } {
  const [firstName, ...rest] = (user.name ?? '').split(' ').filter(Boolean);
  return { firstName, lastName: rest.length ? rest.join(' ') : undefined };
}

/** Apple: ES256 client secret JWTs, form_post, `user` on first consent, string booleans. */
export const applePreset: ProviderPreset = {
  ...oidcPreset,
  id: 'apple',
  name: 'Apple',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/auth/authorize',
    token: '/auth/token',
    revoke: '/auth/revoke',
    jwks: '/auth/keys',
  },
  clientAuth: ['client_secret_post'],
  // Apple documents no PKCE parameters; the double takes and ignores them.
  pkce: 'ignored',
  tokenType: 'bearer',
  refresh: { issue: 'always', rotate: false, idToken: true },
  callbackIss: false,
  responseModes: ['form_post'],
  // Apple's ErrorResponse is `{ "error": "..." }` with a 400, invalid_client included.
  tokenError: (error) => ({ status: 400, body: { error } }),
  metadata: {
    subject_types_supported: ['pairwise'],
    scopes_supported: ['openid', 'email', 'name'],
    code_challenge_methods_supported: undefined,
    grant_types_supported: undefined,
    authorization_response_iss_parameter_supported: undefined,
  },
  async clientSecret(secret, client, { now, audiences }) {
    if (!client.jwks || !client.issuer) return false;
    try {
      const { alg, kid } = decodeProtectedHeader(secret);
      if (alg !== 'ES256' || typeof kid !== 'string') return false;
      const { payload } = await jwtVerify(secret, createLocalJWKSet(client.jwks), {
        algorithms: ['ES256'],
        issuer: client.issuer,
        subject: client.clientId,
        audience: audiences.at(-1)!, // the issuer itself, https://appleid.apple.com
        requiredClaims: ['iat', 'exp'],
        currentDate: new Date(now),
      });
      return payload.exp! - payload.iat! <= MAX_LIFETIME_S && payload.iat! <= now / 1000 + 60;
    } catch {
      return false;
    }
  },
  authorizationExtras(user, scopes, first): Record<string, string> {
    if (!first || !(scopes.includes('name') || scopes.includes('email'))) return {};
    const body: Record<string, unknown> = {};
    if (scopes.includes('name')) body.name = nameParts(user);
    if (scopes.includes('email') && user.email != null) body.email = user.email;
    return { user: JSON.stringify(body) };
  },
  user(user, scopes) {
    const claims: Record<string, unknown> = { sub: user.id, nonce_supported: true };
    if (scopes.includes('email') && user.email != null) {
      claims.email = user.email;
      // Apple only releases addresses it verified; it sends the flags as strings.
      claims.email_verified = String(user.emailVerified ?? true);
      claims.is_private_email = String(user.email.endsWith('@privaterelay.appleid.com'));
    }
    return { ...claims, ...user.claims };
  },
  quirks: [
    {
      why: 'client_secret is an ES256 JWT (kid = Key ID; iss = Team ID, sub = client id, aud = https://appleid.apple.com, exp at most 15777000 s after iat) signed with the .p8 key, sent in the body.',
      source: `${TOKENS}#Creating-the-client-secret`,
    },
    {
      why: 'response_mode must be form_post when name or email is requested: the callback is a cross-site POST. The double does not refuse query mode with those scopes.',
      source: `${JS}/incorporating-sign-in-with-apple-into-other-platforms`,
    },
    {
      why: 'The user form field ({"name":{"firstName","lastName"},"email"}) comes only on the first authorization (again after the app revokes); it is unsigned and the name is never in the ID token.',
      source: `${JS}/incorporating-sign-in-with-apple-into-other-platforms#Handle-the-Response`,
    },
    {
      why: 'email_verified and is_private_email may be the strings "true"/"false"; relay addresses end in @privaterelay.appleid.com. Apple only returns verified addresses.',
      source: `${JS}/authorizationi/id_token`,
    },
    {
      why: 'Revocation at /auth/revoke (client_id, client_secret, token, token_type_hint) answers 200 for unknown tokens.',
      source: `${REST}/revoke-tokens`,
    },
    {
      why: 'Refresh answers keep the refresh token (no rotation) and carry a new ID token; Apple documents no refresh token expiry but asks to validate it at most once a day (the double does not limit that).',
      source: TOKENS,
    },
    {
      why: 'Errors are {"error": "..."} with HTTP 400 (invalid_client too), no error_description.',
      source: `${REST}/errorresponse`,
    },
    {
      why: 'Discovery names no PKCE methods and Apple documents none; the double ignores code_challenge.',
      source: 'https://appleid.apple.com/.well-known/openid-configuration',
    },
  ],
};
