// What the identity-platform provider tests share: a sign-in through a provider double, and
// the one way an ID token with the wrong issuer must fail.
import assert from 'node:assert/strict';
import { OAuthResponseError } from '../src/oauth/errors.ts';
import type { OAuthProvider, OAuthTokens } from '../src/oauth/provider.ts';
import type { ProviderDouble } from '../src/testing/provider-double.ts';

export const redirectURI = 'https://app.example/auth/callback';

/** Authorizes at the double (as whoever `signInAs` named) and exchanges the code. */
export async function signIn(
  provider: OAuthProvider<unknown>,
  double: ProviderDouble,
  params?: Record<string, string>,
): Promise<OAuthTokens> {
  const request = await provider.createAuthorizationURL({ redirectURI, params });
  return provider.validateAuthorizationCode({
    callbackURL: await double.authorize(request.url),
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  });
}

/** The promise fails as an ID token `iss` mismatch. */
export function rejectsIssuer(promise: Promise<unknown>): Promise<void> {
  return assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof OAuthResponseError, String(e));
    assert.equal(e.reason, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
    return true;
  });
}

/** The promise fails because discovery named another issuer. */
export function rejectsDiscovery(promise: Promise<unknown>): Promise<void> {
  return assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof OAuthResponseError, String(e));
    return true;
  });
}

/** No secret or token appears anywhere in an error. */
export function assertNoSecrets(e: unknown, ...secrets: string[]): void {
  const err = e as { message?: string; errorDescription?: string };
  const dump = `${err.message} ${err.errorDescription} ${JSON.stringify(e)}`;
  for (const secret of secrets) assert.ok(!dump.includes(secret), 'a secret leaked into an error');
}
