// Where GitHub lives and the one client that speaks to it: GitHub sign-in (./github.ts) and
// GitHub as the user (latchkey/github) both go through it, so they share the timeout, the
// https-only endpoints, the HTTP-200 error quirk and the app's Basic credentials.
import type { ClientAuthMethod } from '../oauth/client.ts';
import { baseURL } from '../oauth/define-provider.ts';
import { endpointClient } from '../oauth/endpoints.ts';
import type { ProviderConfig } from '../oauth/provider.ts';
import { httpBasic } from '../oauth/transport.ts';

/** Where GitHub lives: github.com unless an Enterprise Server or explicit URLs are given. */
export interface GitHubHostsConfig extends ProviderConfig {
  /** GitHub Enterprise Server base URL, e.g. `https://github.example.com`. */
  enterpriseURL?: string;
  /** Explicit web and API base URLs (a local GitHub double); overrides `enterpriseURL`. */
  endpoints?: { web: string; api: string };
}

/**
 * GitHub's hosts (github.com, GHES, or a local double) and the one client speaking to them, for
 * sign-in and `latchkey/github`.
 * @throws TypeError on a missing client id or secret, or an endpoint that is not https
 */
export function gitHubHosts(
  config: GitHubHostsConfig & { now?: () => number },
  clientAuthMethod: ClientAuthMethod,
) {
  const base = config.enterpriseURL?.replace(/\/+$/, '');
  const web = new URL(baseURL('web', config.endpoints?.web ?? base, 'https://github.com')).origin;
  // GHES serves its REST API under /api/v3 on the same host; github.com uses api.github.com.
  const ghesAPI = base ? `${base}/api/v3` : undefined;
  const api = baseURL('api', config.endpoints?.api ?? ghesAPI, 'https://api.github.com');
  const client = endpointClient(
    `${web}/login/oauth`,
    {
      authorizationEndpoint: `${web}/login/oauth/authorize`,
      tokenEndpoint: `${web}/login/oauth/access_token`,
      deviceAuthorizationEndpoint: `${web}/login/device/code`,
      // github.com always sends `iss` on the callback (RFC 9207); older GHES releases do not.
      issParameterSupported: !base || config.endpoints !== undefined,
      http200Errors: true, // token and device code errors come as HTTP 200 with an `error` body
    },
    { ...config, clientAuthMethod },
  );
  const headers = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  const appURL = `${api}/applications/${encodeURIComponent(config.clientId)}`;
  // GitHub's REST API takes the app's credentials as plain HTTP Basic (see httpBasic).
  const authorization = httpBasic(config.clientId, config.clientSecret ?? '');
  return {
    web,
    api,
    client,
    /** GitHub's REST media type and a pinned API version, so answers keep their shape. */
    headers,
    /** `/applications/{client_id}/{token|grant}`, authenticated with the app's credentials. */
    appRequest: (method: string, what: 'token' | 'grant', token: string) =>
      client.fetch(`${appURL}/${what}`, {
        method,
        headers: { ...headers, authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ access_token: token }),
      }),
  };
}
