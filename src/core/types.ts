/**
 * Declaration-merging hook for the app's own types, declared once:
 *
 * ```ts
 * declare module 'latchkey' {
 *   interface Register {
 *     UserAttributes: { username: string; email: string | null };
 *     SessionAttributes: { userAgent?: string };
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Register {}

export type RegisteredUserAttributes = Register extends { UserAttributes: infer U extends object }
  ? U
  : Record<string, unknown>;

export type RegisteredSessionAttributes = Register extends {
  SessionAttributes: infer S extends object;
}
  ? S
  : Record<string, unknown>;

/** A user with the app's attributes. */
export interface User<UA extends object = RegisteredUserAttributes> {
  id: string;
  attributes: UA;
  createdAt: Date;
}

/** A server-side session. `fresh` is `true` when this validation renewed it (re-send the cookie). */
export interface Session<SA extends object = RegisteredSessionAttributes> {
  id: string;
  userId: string;
  attributes: SA;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  fresh: boolean;
}

/** A provider account linked to a user. */
export interface Account {
  userId: string;
  providerId: string;
  issuer: string;
  providerUserId: string;
  createdAt: Date;
  needsReauth: boolean;
}

/** Identifies a provider account: provider, its issuer (`''` when none) and the provider's user id. */
export interface AccountKey {
  providerId: string;
  providerUserId: string;
  issuer?: string;
}

export interface SessionValidationResult<
  UA extends object = RegisteredUserAttributes,
  SA extends object = RegisteredSessionAttributes,
> {
  session: Session<SA>;
  user: User<UA>;
}
