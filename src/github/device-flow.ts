// GitHub's device flow as a client (a CLI signing a person in). GitHub delivers every polling
// answer — pending, slow_down, expired, denied — with HTTP 200 and an `error` field.
import { invalidArgument } from '../core/errors.ts';
import { readJSON } from '../oauth/client.ts';
import { OAuthRequestError, OAuthResponseError } from '../oauth/errors.ts';
import type { OAuthTokens } from '../oauth/provider.ts';
import { configuredFetch } from '../oauth/transport.ts';
import { gitHubHosts } from '../providers/github-hosts.ts';

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
  /** GitHub's web origin. Default `https://github.com`. */
  baseURL?: string;
  fetch?: typeof fetch;
  /** Per-request timeout in milliseconds. Default 10 000. */
  timeout?: number;
  signal?: AbortSignal;
  /** Waits between polls; replaceable so tests need not sleep for real. Default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * Runs GitHub's device flow: requests a code, hands it to `onCode`, polls at `interval`
 * (5 s more after each `slow_down`) until the person approves. Every request goes through the
 * same client as GitHub sign-in (timeout, https only, GitHub's HTTP-200 errors).
 * @throws OAuthRequestError `expired_token` / `access_denied` (and any other provider error).
 * @throws OAuthResponseError on a malformed answer, a network failure or a timeout.
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export async function githubDeviceFlow(options: GitHubDeviceFlowOptions): Promise<OAuthTokens> {
  if (typeof options?.clientId !== 'string' || options.clientId === '') {
    invalidArgument('clientId', 'must be a non-empty string');
  }
  if (typeof options.onCode !== 'function') invalidArgument('onCode', 'must be a function');
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const baseFetch = configuredFetch(options);
  const signal = options.signal;
  // The caller's abort signal joins the client's timeout on every request.
  const withSignal: typeof fetch = (input, init) =>
    baseFetch(
      input,
      signal ? { ...init, signal: AbortSignal.any([init?.signal ?? signal, signal]) } : init,
    );
  const base = options.baseURL ?? 'https://github.com';
  // A device has no client secret: the client id alone identifies the app.
  const { client, web } = gitHubHosts(
    { ...options, fetch: withSignal, endpoints: { web: base, api: 'https://api.github.com' } },
    'none',
  );

  const codeParams: Record<string, string> = { client_id: options.clientId };
  if (options.scopes?.length) codeParams.scope = options.scopes.join(' ');
  const response = await client.fetch(`${web}/login/device/code`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(codeParams),
  });
  const body = (await readJSON(response)) as Record<string, unknown> | null;
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
  let interval = Number(body?.interval) > 0 ? Number(body?.interval) : 5;
  const expiresAt = now() + expiresIn * 1000;
  await options.onCode({ userCode, verificationURI, expiresAt: new Date(expiresAt) });

  for (;;) {
    await sleep(interval * 1000);
    if (now() >= expiresAt) throw new OAuthRequestError('expired_token', null, null);
    try {
      return await client.grant(GRANT, { device_code: deviceCode });
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
