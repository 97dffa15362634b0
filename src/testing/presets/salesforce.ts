// Salesforce (login.salesforce.com, test.salesforce.com or an org's My Domain), OpenID Connect
// with discovery, as Salesforce documents it.
import type { ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const HELP = 'https://help.salesforce.com/s/articleView?type=5&language=en_US&id=xcloud.';

/** Salesforce: instance_url and id in token answers, no expires_in, non-rotating refresh. */
export const salesforcePreset: ProviderPreset = {
  ...oidcPreset,
  id: 'salesforce',
  name: 'Salesforce',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/services/oauth2/authorize',
    token: '/services/oauth2/token',
    userinfo: '/services/oauth2/userinfo',
    revoke: '/services/oauth2/revoke',
    jwks: '/id/keys',
  },
  clientAuth: ['client_secret_post', 'client_secret_basic', 'none'],
  pkce: 'optional',
  // Session lifetime is the org's setting; token answers carry no expires_in.
  accessTokenLifetime: null,
  refresh: {
    issue: (_authorize, scopes) =>
      scopes.includes('refresh_token') || scopes.includes('offline_access'),
    rotate: false,
    idToken: true,
  },
  callbackIss: false,
  responseModes: [],
  tokenExtras: (user) => ({
    instance_url: 'https://acme.my.salesforce.example',
    id: user.id,
    issued_at: '1764640000000',
    signature: 'dGVzdC1zaWduYXR1cmUtb2YtaWQtYW5kLWlzc3VlZF9hdA==',
  }),
  errorDescriptions: {
    bad_code: 'expired authorization code',
    bad_refresh_token: 'expired access/refresh token',
  },
  unauthorized: { status: 403, body: 'Bad_OAuth_Token' },
  quirks: [
    {
      why: "Three login hosts: login.salesforce.com (production), test.salesforce.com (sandbox) and each org's My Domain, each with its own discovery document and issuer.",
      source: `${HELP}remoteaccess_using_openid_discovery_endpoint.htm`,
    },
    {
      why: "Token answers add instance_url (the org's API base), id (the identity URL), issued_at and signature, and no expires_in.",
      source: `${HELP}remoteaccess_oauth_web_server_flow.htm`,
    },
    {
      why: 'sub is the identity URL https://{host}/id/{orgId}/{userId}; userinfo adds organization_id, user_id, email_verified and photos.',
      source: `${HELP}remoteaccess_using_userinfo_endpoint.htm`,
    },
    {
      why: 'A refresh token only with the refresh_token (or offline_access) scope; refresh does not rotate it unless the app enables rotation.',
      source: `${HELP}remoteaccess_oauth_refresh_token_flow.htm`,
    },
    {
      why: 'Revocation at /services/oauth2/revoke: a refresh token revokes its access tokens too; errors are 400 invalid_token.',
      source: `${HELP}remoteaccess_revoke_token.htm`,
    },
    {
      why: 'Userinfo with a dead token answers 403 Bad_OAuth_Token (a plain string body).',
      source: `${HELP}remoteaccess_using_userinfo_endpoint.htm`,
    },
  ],
};
