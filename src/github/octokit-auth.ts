// An Octokit `authStrategy` over latchkey's tokens, typed against the few members of
// @octokit/core it touches, so Octokit stays an optional peer: pass it as
// `new Octokit({ authStrategy: createLatchkeyAuth, auth: { vault, account } })`.
import type { ProviderTokens } from '../tokens/token-set.ts';
import { createTokenSource, type GitHubClientOptions } from './client.ts';

/** The endpoint options Octokit's `request.endpoint.merge` returns (the part used here). */
export interface OctokitEndpointLike {
  headers: Record<string, string | number | undefined>;
  [key: string]: unknown;
}

/** The part of Octokit's `request` function a hook uses. */
export interface OctokitRequestLike {
  (route: string | OctokitEndpointLike, parameters?: Record<string, unknown>): Promise<unknown>;
  endpoint?: { merge(route: string | object, parameters?: object): OctokitEndpointLike };
}

/** What `octokit.auth()` resolves to (the shape of @octokit/auth-token). */
export interface LatchkeyAuthentication {
  type: 'token';
  tokenType: 'oauth';
  token: string;
  expiresAt: string | null;
}

/** An Octokit auth instance: callable, with the request `hook`. */
export interface LatchkeyAuth {
  (): Promise<LatchkeyAuthentication>;
  hook(
    request: OctokitRequestLike,
    route: string | object,
    parameters?: Record<string, unknown>,
  ): Promise<unknown>;
}

/** Options of {@link createLatchkeyAuth}: the same as `createGitHubClient`'s token options. */
export type LatchkeyAuthOptions = Pick<
  GitHubClientOptions,
  'vault' | 'account' | 'tokens' | 'refreshToken' | 'app' | 'onTokens' | 'refreshMargin' | 'now'
>;

function status(error: unknown): number | null {
  const s = (error as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : null;
}

/**
 * Creates an Octokit auth strategy acting as the user: the token is refreshed before a request
 * when expired, and once after a 401 (then the request is retried once).
 * @throws TypeError when the options name no token source.
 * @see https://github.com/octokit/auth-token.js (the strategy contract)
 */
export function createLatchkeyAuth(options: LatchkeyAuthOptions): LatchkeyAuth {
  const source = createTokenSource(options);
  const describe = (t: ProviderTokens): LatchkeyAuthentication => ({
    type: 'token',
    tokenType: 'oauth',
    token: t.accessToken,
    expiresAt: t.accessTokenExpiresAt?.toISOString() ?? null,
  });
  const send = (
    request: OctokitRequestLike,
    route: string | object,
    parameters: Record<string, unknown> | undefined,
    token: string,
  ): Promise<unknown> => {
    const endpoint: OctokitEndpointLike = request.endpoint
      ? request.endpoint.merge(route, parameters)
      : ({
          ...(typeof route === 'string' ? { route } : route),
          ...parameters,
          headers: {
            ...((parameters?.headers as Record<string, string>) ?? {}),
          },
        } as OctokitEndpointLike);
    endpoint.headers = { ...endpoint.headers, authorization: `token ${token}` };
    return request(endpoint);
  };
  const auth = async (): Promise<LatchkeyAuthentication> => describe(await source.get());
  auth.hook = async (
    request: OctokitRequestLike,
    route: string | object,
    parameters?: Record<string, unknown>,
  ): Promise<unknown> => {
    const before = await source.get();
    try {
      return await send(request, route, parameters, before.accessToken);
    } catch (error) {
      if (status(error) !== 401 || !source.canRefresh(before)) throw error;
      const after = await source.refresh(before);
      return send(request, route, parameters, after.accessToken);
    }
  };
  return auth;
}
