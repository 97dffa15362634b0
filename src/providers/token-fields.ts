// Some providers answer the token request with more than OAuth 2.0 defines (Notion's owner,
// Salesforce's instance_url), and OAuthTokens has no place for it. This keeps those fields from
// the raw answer, by access token, until the provider's `checkTokens` attaches them.
import type { OAuthTokens } from '../oauth/provider.ts';

/** Entries kept at most: answers whose tokens never reach `checkTokens` (a failed check). */
const MAX_PENDING = 100;

/** The wrapped `fetch`, and `attach` for `checkTokens`. */
export interface TokenFields<Extra> {
  fetch: typeof fetch;
  /** The tokens with `extra`: the kept fields of the answer that issued them (`{}` if none). */
  attach(tokens: OAuthTokens): OAuthTokens & { extra: Partial<Extra> };
}

/**
 * Wraps `fetchFn` so that successful JSON answers from `tokenURLs` leave `fields` behind.
 * The secrets (`access_token`, `refresh_token`, `id_token`) are never among the kept fields.
 */
export function tokenFields<Extra extends object>(
  fetchFn: typeof fetch,
  tokenURLs: readonly string[],
  fields: readonly (keyof Extra & string)[],
): TokenFields<Extra> {
  const pending = new Map<string, Partial<Extra>>();
  const wrapped: typeof fetch = async (input, init) => {
    const response = await fetchFn(input, init);
    if (!response.ok || !tokenURLs.includes(String(input))) return response;
    const body = (await response
      .clone()
      .json()
      .catch(() => null)) as Record<string, unknown> | null;
    if (typeof body?.access_token !== 'string') return response;
    const kept = Object.fromEntries(fields.filter((f) => f in body).map((f) => [f, body[f]]));
    if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);
    pending.set(body.access_token, kept as Partial<Extra>);
    return response;
  };
  return {
    fetch: wrapped,
    attach(tokens) {
      const extra = pending.get(tokens.accessToken) ?? {};
      pending.delete(tokens.accessToken);
      return { ...tokens, extra };
    },
  };
}
