// GitHub's API refusals that a caller can act on, as typed errors: an organisation that wants
// SAML single sign-on for this token, a token without the permissions the endpoint needs, and
// the primary and secondary rate limits. Only headers GitHub documents are read; the messages
// carry no token and no response body.
import { LatchkeyError } from '../core/errors.ts';

/**
 * An organisation enforces SAML single sign-on and this token is not authorised for it (403 with
 * `X-GitHub-SSO: required; url=…`). Send the person to `ssoURL` to authorise it, then retry.
 * @see https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api#accessing-resources-protected-by-saml-sso
 */
export class GitHubSSORequiredError extends LatchkeyError {
  /** The organisation's SSO authorisation URL (https on GitHub's host), or `null` if none was given. */
  readonly ssoURL: string | null;

  constructor(ssoURL: string | null) {
    super('github_sso_required', 'GitHub: an organisation requires SAML SSO for this token');
    this.name = 'GitHubSSORequiredError';
    this.ssoURL = ssoURL;
  }
}

/**
 * The token lacks the permissions the endpoint needs (403, or 404 for a resource the token may
 * not see, with `X-Accepted-GitHub-Permissions`). `acceptedPermissions` lists every set that
 * would do: any one set, all of its entries (`[{ contents: 'read', issues: 'write' }]`).
 * @see https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#insufficient-permission-errors
 */
export class GitHubPermissionsError extends LatchkeyError {
  readonly status: number;
  readonly acceptedPermissions: Record<string, string>[];

  constructor(status: number, acceptedPermissions: Record<string, string>[]) {
    const names = acceptedPermissions.map((set) =>
      Object.entries(set)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    );
    super('github_permissions', `GitHub: the token needs one of: ${names.join(' or ') || '?'}`);
    this.name = 'GitHubPermissionsError';
    this.status = status;
    this.acceptedPermissions = acceptedPermissions;
  }
}

/**
 * A GitHub rate limit stopped the request: `primary` (`x-ratelimit-remaining: 0`, until
 * `x-ratelimit-reset`) or `secondary` (`retry-after`, or GitHub's one-minute minimum).
 * @see https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 */
export class GitHubRateLimitError extends LatchkeyError {
  readonly kind: 'primary' | 'secondary';
  readonly status: number;
  /** When a retry may succeed. */
  readonly resetAt: Date;

  constructor(kind: 'primary' | 'secondary', status: number, resetAt: Date) {
    super(
      'github_rate_limited',
      `GitHub: ${kind} rate limit exceeded until ${resetAt.toISOString()}`,
    );
    this.name = 'GitHubRateLimitError';
    this.kind = kind;
    this.status = status;
    this.resetAt = resetAt;
  }
}

const PERMISSION = /^[a-z_]{1,64}=[a-z_]{1,16}$/;
const MAX_HEADER = 2048;

/** Parses `X-Accepted-GitHub-Permissions` (`a=read,b=write; c=admin`); malformed entries are skipped. */
export function parseAcceptedPermissions(header: string): Record<string, string>[] {
  if (header.length > MAX_HEADER) return [];
  const sets: Record<string, string>[] = [];
  for (const part of header.split(';')) {
    const set: Record<string, string> = {};
    for (const entry of part.split(',')) {
      const text = entry.trim();
      if (!PERMISSION.test(text)) continue;
      const [name, level] = text.split('=') as [string, string];
      set[name] = level;
    }
    if (Object.keys(set).length > 0) sets.push(set);
  }
  return sets;
}

/** The `url=` of `X-GitHub-SSO: required; url=…`, when it is an https URL; else `null`. */
export function parseSSOURL(header: string): string | null {
  if (header.length > MAX_HEADER) return null;
  const parts = header.split(';').map((p) => p.trim());
  if (parts[0]?.toLowerCase() !== 'required') return null;
  const raw = parts.find((p) => p.startsWith('url='))?.slice(4) ?? '';
  const url = URL.parse(raw);
  return url !== null && url.protocol === 'https:' ? url.href : null;
}

// GitHub: "If you receive a secondary rate limit error … wait for at least one minute".
const SECONDARY_DEFAULT_WAIT = 60_000;

/**
 * The typed error a GitHub answer stands for, or `null` for an answer to hand back as it is.
 * Reads a clone of the body only for a 403/429 without rate-limit headers (the secondary limit's
 * message is the only sign of it then).
 */
export async function gitHubError(response: Response, now: number): Promise<LatchkeyError | null> {
  const { status, headers } = response;
  if (status !== 403 && status !== 404 && status !== 429) return null;
  const sso = headers.get('x-github-sso');
  if (status === 403 && sso !== null && sso.trim().toLowerCase().startsWith('required')) {
    return new GitHubSSORequiredError(parseSSOURL(sso));
  }
  if (status === 404) return permissionsError(response);
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && /^\d{1,6}$/.test(retryAfter.trim())) {
    return new GitHubRateLimitError('secondary', status, new Date(now + Number(retryAfter) * 1000));
  }
  const reset = headers.get('x-ratelimit-reset');
  if (headers.get('x-ratelimit-remaining') === '0' && reset !== null && /^\d{1,12}$/.test(reset)) {
    return new GitHubRateLimitError('primary', status, new Date(Number(reset) * 1000));
  }
  if (
    status === 429 ||
    /secondary rate limit/i.test((await response.clone().text()).slice(0, 4096))
  ) {
    return new GitHubRateLimitError('secondary', status, new Date(now + SECONDARY_DEFAULT_WAIT));
  }
  return permissionsError(response);
}

function permissionsError(response: Response): GitHubPermissionsError | null {
  const header = response.headers.get('x-accepted-github-permissions');
  if (header === null) return null;
  const sets = parseAcceptedPermissions(header);
  return sets.length === 0 ? null : new GitHubPermissionsError(response.status, sets);
}
