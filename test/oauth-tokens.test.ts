// OAuthTokens from token responses: expiry from the Date header, scope splitting,
// refresh_token_expires_in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issuedAt, splitScopes, tokensFromResponse } from '../src/oauth/index.ts';

const NOW = Date.UTC(2025, 0, 1, 12, 0, 30);

test('expires_in counts from the Date header, never from a later arrival', () => {
  const date = new Date(NOW - 20_000).toUTCString(); // sent 20 s ago (slow response)
  const tokens = tokensFromResponse(
    {
      access_token: 'a',
      token_type: 'bearer',
      expires_in: 28800,
      refresh_token: 'r',
      refresh_token_expires_in: '15897600',
    },
    date,
    NOW,
    null,
  );
  assert.equal(tokens.accessTokenExpiresAt?.getTime(), NOW - 20_000 + 28800_000);
  assert.equal(tokens.refreshTokenExpiresAt?.getTime(), NOW - 20_000 + 15897600_000);
});

test('a missing, broken, future or far-off Date header falls back to our clock', () => {
  assert.equal(issuedAt(null, NOW), NOW);
  assert.equal(issuedAt('not a date', NOW), NOW);
  assert.equal(issuedAt(new Date(NOW + 60_000).toUTCString(), NOW), NOW);
  assert.equal(issuedAt(new Date(NOW - 3600_000).toUTCString(), NOW), NOW);
});

test('no expires_in, no refresh token: null expiries', () => {
  const tokens = tokensFromResponse(
    { access_token: 'a', token_type: 'bearer', refresh_token_expires_in: 10 },
    null,
    NOW,
    null,
  );
  assert.equal(tokens.accessTokenExpiresAt, null);
  assert.equal(tokens.refreshTokenExpiresAt, null);
  assert.equal(tokens.refreshToken, null);
  assert.deepEqual(tokens.scopes, []);
});

test('scopes split on spaces and commas (GitHub)', () => {
  assert.deepEqual(splitScopes('repo,gist'), ['repo', 'gist']);
  assert.deepEqual(splitScopes('openid profile  email'), ['openid', 'profile', 'email']);
  assert.deepEqual(splitScopes('read:user, user:email'), ['read:user', 'user:email']);
  assert.deepEqual(splitScopes(''), []);
  assert.deepEqual(splitScopes(undefined), []);
});
