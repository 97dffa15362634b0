// GitLab (gitlab.com or a self-managed instance, Doorkeeper underneath), as GitLab documents it.
import type { ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const DOC = 'https://docs.gitlab.com/api/oauth2/';

/** GitLab: the issuer is the instance URL (with any relative URL root); refresh rotates. */
export const gitlabPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'gitlab',
  name: 'GitLab',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/oauth/authorize',
    token: '/oauth/token',
    userinfo: '/oauth/userinfo',
    revoke: '/oauth/revoke',
    jwks: '/oauth/discovery/keys',
  },
  // A self-managed instance may live under a relative URL root (`/gitlab`).
  mount: /^(\/[A-Za-z0-9._-]+)*$/,
  clientAuth: ['client_secret_basic', 'client_secret_post', 'none'],
  pkceMethods: ['S256', 'plain'],
  accessTokenLifetime: 7200,
  refresh: { issue: 'always', rotate: true, retiresAccessTokens: true, idToken: false },
  callbackIss: false,
  responseModes: [],
  errorDescriptions: {
    bad_client:
      'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
    bad_code:
      'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  },
  user: (user, scopes) => {
    const claims = oidcPreset.user(user, scopes);
    // GitLab sends the username as `nickname` too.
    if (user.username != null) claims.nickname ??= user.username;
    return { ...claims, ...user.claims };
  },
  quirks: [
    {
      why: 'A refresh invalidates the existing access token and refresh token.',
      source: `${DOC}#authorization-code-with-proof-key-for-code-exchange-pkce`,
    },
    { why: 'Access tokens expire after two hours.', source: DOC },
    {
      why: 'No refresh token reuse detection (a replayed one is only refused).',
      source: 'https://gitlab.com/gitlab-org/gitlab/-/issues/364111',
    },
    {
      why: 'sub is the numeric user id as a string; groups_direct lists direct groups.',
      source: 'https://docs.gitlab.com/integration/openid_connect_provider/',
    },
    {
      why: 'Docs are silent on whether refresh answers carry an ID token; the double sends none.',
      source: DOC,
    },
  ],
};
