import { LatchkeyError } from '../core/errors.ts';
import type { AccountKey } from '../core/types.ts';

/** Why an account needs the person to sign in again. */
export type ReauthorizationReason =
  /** The provider refused the refresh token (`invalid_grant`, GitHub's `bad_refresh_token`). */
  | 'refresh_token_rejected'
  /** The refresh token is past its `refresh_token_expires_in`. */
  | 'refresh_token_expired'
  /** The access token expired and the provider never issued a refresh token. */
  | 'no_refresh_token'
  /** The account holds no provider tokens at all. */
  | 'no_tokens'
  /** An earlier refresh was refused; nothing is sent to the provider until new tokens are saved. */
  | 'marked';

/**
 * The provider account's tokens can no longer be refreshed: the person must authorise the app
 * again (sign in or link the provider). The account is marked `needsReauth` and later calls fail
 * fast, without contacting the provider, until new tokens are saved.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 (`invalid_grant`)
 */
export class ReauthorizationRequiredError extends LatchkeyError {
  readonly providerId: string;
  readonly reason: ReauthorizationReason;

  constructor(providerId: string, reason: ReauthorizationReason, options?: { cause?: unknown }) {
    super(
      'reauthorization_required',
      `The "${providerId}" account must be authorised again (${reason})`,
      options,
    );
    this.name = 'ReauthorizationRequiredError';
    this.providerId = providerId;
    this.reason = reason;
  }
}

/**
 * A refresh failed for a reason that may pass (network error, lost response, provider 5xx,
 * waiting for another process's refresh timed out). The stored tokens were not changed; a later
 * call may succeed — or, when the provider had already rotated the refresh token before the
 * response was lost, find it refused and raise {@link ReauthorizationRequiredError}.
 */
export class TokenRefreshError extends LatchkeyError {
  readonly providerId: string;
  /**
   * The refresh may well succeed if the request is simply retried: another process holds the
   * account's refresh and has not finished within `waitTimeout` (typically its store write is
   * waiting out an outage). The routes answer it `503` with `Retry-After`, like a store outage.
   */
  readonly retryable: boolean;

  constructor(
    providerId: string,
    detail: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super('token_refresh', `Refreshing the "${providerId}" token failed: ${detail}`, options);
    this.name = 'TokenRefreshError';
    this.providerId = providerId;
    this.retryable = options?.retryable ?? false;
  }
}

/**
 * Sealed tokens could not be opened: unknown key id, wrong key, tampered ciphertext, or a
 * ciphertext copied from another account (the account identity is authenticated data).
 */
export class TokenDecryptionError extends LatchkeyError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super('token_decryption', `Stored provider tokens could not be decrypted: ${detail}`, options);
    this.name = 'TokenDecryptionError';
  }
}

/** The canonical `(providerId, issuer, providerUserId)` triple of an account key. */
export function accountTriple(key: AccountKey): [string, string, string] {
  return [key.providerId, key.issuer ?? '', key.providerUserId];
}

/** The account key with its issuer filled in (`''` when none), as stores take it. */
export function fullKey(key: AccountKey): Required<AccountKey> {
  return {
    providerId: key.providerId,
    issuer: key.issuer ?? '',
    providerUserId: key.providerUserId,
  };
}
