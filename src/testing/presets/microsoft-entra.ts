// Microsoft Entra ID (login.microsoftonline.com, v2.0 endpoints), as Microsoft documents it.
import type { ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const DOCS = 'https://learn.microsoft.com/en-us/entra/identity-platform';
/** The tenant of personal Microsoft accounts. */
const CONSUMERS = '9188040d-6c67-4c5b-b112-36a304b66dad';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Entra ID: one authority per tenant path (`/{tenant}/v2.0`), `common`/`organizations` naming
 * the `{tenantid}` issuer template, ID tokens issued by the user's own tenant (`tid`).
 */
export const microsoftEntraPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'microsoft-entra',
  name: 'Microsoft',
  paths: {
    discovery: '/v2.0/.well-known/openid-configuration',
    authorize: '/oauth2/v2.0/authorize',
    token: '/oauth2/v2.0/token',
    jwks: '/discovery/v2.0/keys',
    // Really https://graph.microsoft.com/oidc/userinfo; served under the tenant here.
    userinfo: '/oidc/userinfo',
  },
  mount: /^\/[^/]+$/,
  issuer(origin, prefix) {
    const tenant = prefix.slice(1).toLowerCase();
    if (tenant === 'common' || tenant === 'organizations') return `${origin}/{tenantid}/v2.0`;
    if (tenant === 'consumers') return `${origin}/${CONSUMERS}/v2.0`;
    // A domain names its tenant's GUID, which only the test knows: use `setIssuer` for domains.
    return GUID.test(tenant) ? `${origin}/${tenant}/v2.0` : null;
  },
  idTokenIssuer: (issuer, claims, origin) =>
    typeof claims.tid === 'string' ? `${origin}/${claims.tid}/v2.0` : issuer,
  clientAuth: ['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none'],
  refresh: {
    issue: (_authorize, scopes) => scopes.includes('offline_access'),
    rotate: true,
    idToken: true,
  },
  callbackIss: false,
  tokenError: (error, description) => ({
    status: error === 'invalid_client' ? 401 : 400,
    body: {
      error,
      error_description: description,
      error_codes: [Number(/^AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
      timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z',
      trace_id: '00000000-0000-0000-0000-000000000000',
      correlation_id: '00000000-0000-0000-0000-000000000000',
    },
  }),
  errorDescriptions: {
    bad_client: 'AADSTS7000215: Invalid client secret provided.',
    bad_code:
      'AADSTS70008: The provided authorization code or refresh token has expired or was already redeemed.',
    bad_verifier:
      'AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    bad_refresh_token:
      'AADSTS70008: The provided authorization code or refresh token has expired or was already redeemed.',
  },
  quirks: [
    {
      why: 'No RFC 7009 revocation endpoint: sessions are revoked through Graph, not by the client.',
      source: `${DOCS}/v2-oauth2-auth-code-flow`,
    },
    {
      why: 'common/organizations discovery names iss "https://login.microsoftonline.com/{tenantid}/v2.0".',
      source: `${DOCS}/access-tokens#validate-the-issuer`,
    },
    {
      why: 'Refresh tokens only with offline_access; each refresh answers a new one (the double treats the old one as spent; docs do not say it dies).',
      source: `${DOCS}/refresh-tokens`,
    },
    {
      why: 'email is mutable and unverified; only xms_edov says its domain was verified.',
      source: `${DOCS}/migrate-off-email-claim-authorization`,
    },
    {
      why: 'Errors carry AADSTS codes in error_description and error_codes, plus trace and correlation ids.',
      source: `${DOCS}/reference-error-codes`,
    },
    {
      why: 'sub is pairwise per app; oid (with tid) identifies the user across apps.',
      source: `${DOCS}/id-token-claims-reference`,
    },
  ],
};
