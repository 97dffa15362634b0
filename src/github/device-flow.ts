// GitHub's device flow as a client (a CLI signing a person in). GitHub delivers every polling
// answer — pending, slow_down, expired, denied — with HTTP 200 and an `error` field.
import { invalidArgument } from '../core/errors.ts';
import { OAuthRequestError, OAuthResponseError } from '../oauth/errors.ts';
import type { OAuthTokens } from '../oauth/provider.ts';
import { readGitHubTokenResponse } from './github-app.ts';

/** What to show the person. */
export interface DeviceCode {
  userCode: string;
  verificationURI: string;
  expiresAt: Date;
}

/** Options of {@link githubDeviceFlow}. */
export interface GitHubDeviceFlowOptions {
  clientId: string;
  /** Shows the code to the person (print it, open the browser...). */
  onCode: (code: DeviceCode) => void | Promise<void>;
  scopes?: readonly string[];
  /** Default `https://github.com`. */
  baseURL?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Waits between polls; replaceable so tests need not sleep for real. Default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * Runs GitHub's device flow: requests a code, hands it to `onCode`, polls at `interval`
 * (5 s more after each `slow_down`) until the person approves.
 * @throws OAuthRequestError `expired_token` / `access_denied` (and any other provider error).
 * @throws OAuthResponseError on a malformed answer or a network failure.
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export async function githubDeviceFlow(options: GitHubDeviceFlowOptions): Promise<OAuthTokens> {
  if (typeof options?.clientId !== 'string' || options.clientId === '') {
    invalidArgument('clientId', 'must be a non-empty string');
  }
  if (typeof options.onCode !== 'function') invalidArgument('onCode', 'must be a function');
  const base = (options.baseURL ?? 'https://github.com').replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const post = async (path: string, params: Record<string, string>): Promise<Response> => {
    try {
      return await doFetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(params),
        signal: options.signal ?? null,
      });
    } catch (cause) {
      throw new OAuthResponseError('The request to GitHub failed', { cause });
    }
  };

  const codeParams: Record<string, string> = { client_id: options.clientId };
  if (options.scopes?.length) codeParams.scope = options.scopes.join(' ');
  const response = await post('/login/device/code', codeParams);
  let body: Record<string, unknown>;
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch (cause) {
    throw new OAuthResponseError('GitHub sent no JSON for the device code', { cause });
  }
  if (typeof body?.error === 'string') {
    throw new OAuthRequestError(body.error, body.error_description, response.status);
  }
  const deviceCode = body?.device_code;
  const userCode = body?.user_code;
  const verificationURI = body?.verification_uri;
  const expiresIn = Number(body?.expires_in);
  if (
    typeof deviceCode !== 'string' ||
    typeof userCode !== 'string' ||
    typeof verificationURI !== 'string' ||
    !(expiresIn > 0)
  ) {
    throw new OAuthResponseError('GitHub sent an incomplete device code response');
  }
  let interval = Number(body.interval) > 0 ? Number(body.interval) : 5;
  const expiresAt = now() + expiresIn * 1000;
  await options.onCode({ userCode, verificationURI, expiresAt: new Date(expiresAt) });

  for (;;) {
    await sleep(interval * 1000);
    if (now() >= expiresAt) throw new OAuthRequestError('expired_token', null, null);
    const poll = await post('/login/oauth/access_token', {
      client_id: options.clientId,
      device_code: deviceCode,
      grant_type: GRANT,
    });
    try {
      return await readGitHubTokenResponse(poll, now());
    } catch (error) {
      if (!(error instanceof OAuthRequestError)) throw error;
      if (error.error === 'authorization_pending') continue;
      if (error.error === 'slow_down') {
        // RFC 8628 §3.5: add 5 seconds to this and every later interval.
        interval += 5;
        continue;
      }
      throw error;
    }
  }
}
