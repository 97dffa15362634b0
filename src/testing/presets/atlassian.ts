// Atlassian OAuth 2.0 (3LO): auth.atlassian.com for authorization and tokens, api.atlassian.com
// for the account (both served by one double), as Atlassian documents them.
import type { ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const DOC = 'https://developer.atlassian.com/cloud/oauth/getting-started/implementing-oauth-3lo/';
const REFRESH = 'https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens/';

/** Atlassian 3LO: refresh tokens only with `offline_access`, rotated with reuse detection. */
export const atlassianPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'atlassian',
  name: 'Atlassian',
  paths: { authorize: '/authorize', token: '/oauth/token', userinfo: '/me' },
  clientAuth: ['client_secret_post', 'client_secret_basic'],
  pkce: 'optional',
  accessTokenLifetime: 3600,
  refresh: {
    issue: (_authorize, scopes) => scopes.includes('offline_access'),
    rotate: true,
    reuseDetection: true,
  },
  user(user) {
    const body: Record<string, unknown> = {
      account_type: 'atlassian',
      account_id: user.id,
      name: user.name ?? undefined,
      picture: user.avatarURL ?? undefined,
      account_status: 'active',
      nickname: user.username ?? undefined,
      zoneinfo: 'Europe/Amsterdam',
      locale: 'en-US',
    };
    if (user.email != null) body.email = user.email;
    const present = Object.entries(body).filter(([, value]) => value !== undefined);
    return { ...Object.fromEntries(present), ...user.claims };
  },
  quirks: [
    {
      why: 'Every authorization URL needs audience=api.atlassian.com and prompt=consent (the double does not enforce them; the provider test asserts them).',
      source: DOC,
    },
    {
      why: 'A refresh token only with the offline_access scope; each refresh rotates it.',
      source: REFRESH,
    },
    {
      why: 'Reusing a rotated refresh token outside a 10-minute leeway invalidates every refresh token of the grant; the double has no leeway.',
      source:
        'https://community.developer.atlassian.com/t/updated-31-january-2022-action-required-deprecating-persistent-refresh-tokens/54172',
    },
    {
      why: 'GET api.atlassian.com/me needs the read:me scope; docs show no email_verified field, so the double sends none unless a test adds it.',
      source: DOC,
    },
    {
      why: 'Docs are silent on PKCE and on a revocation endpoint; the double checks PKCE when sent and serves no revocation.',
      source: DOC,
    },
  ],
};
