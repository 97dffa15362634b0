// The profile mapping most providers need, stated as data: which field of the provider's user is
// the id, the username, the name, the avatar and the email, and what says the email is verified.
// One reading of those fields for every provider, so "" and null mean "not set" everywhere and an
// unverified address never reaches the profile.
import { OAuthResponseError } from './errors.ts';
import type { ProviderProfile } from './provider.ts';

/** A provider's user and the profile mapped from it. */
export interface MappedUser<User> {
  profile: ProviderProfile;
  user: User;
}

/**
 * A field of the provider's user; fields in order of preference (the first set one counts: a
 * display name, else the legal name); or a function of the user for anything else.
 */
export type ProfileField<User> =
  (keyof User & string) | readonly (keyof User & string)[] | ((user: User) => unknown);

/** The fields of a provider's user that latchkey does not read, passed through as sent. */
export interface PassThroughFields {
  [field: string]: unknown;
}

/** Where a provider's user keeps each profile field (absent: the profile has none). */
export interface ProfileFields<User> {
  /**
   * The stable, unique user id: a non-empty string (matching `idFormat` when it is a pattern),
   * or with `idFormat: 'integer'` a safe integer, stringified (account keys are strings).
   */
  id: ProfileField<User>;
  idFormat?: RegExp | 'integer';
  /** Fields the user must carry as strings, or it is not a user (GitHub's `login`). */
  required?: readonly (keyof User & string)[];
  username?: ProfileField<User>;
  name?: ProfileField<User>;
  avatarURL?: ProfileField<User>;
  email?: ProfileField<User>;
  /**
   * What says the provider verified the email: a field or function that must be `true`, or
   * `true` for a provider that only ever returns verified addresses. Absent: never verified.
   */
  emailVerified?: ProfileField<User> | true;
}

/** A UUID in lowercase hex, as an `idFormat` (and to check tenant ids). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A non-empty string, or `null`: providers send `""` and `null` for "not set". */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * The profile's email fields: an address only when the provider says it verified it (a
 * provider-supplied but unverified address must never link or create an account).
 */
export function verifiedEmail(
  email: unknown,
  verified: boolean,
): Pick<ProviderProfile, 'email' | 'emailVerified'> {
  const address = text(email);
  return verified && address !== null
    ? { email: address, emailVerified: true }
    : { email: null, emailVerified: false };
}

/**
 * The mapped user with the address of the provider's email list whose `marks` (primary,
 * verified) are all `true`: for a provider that tells verification only there (GitHub).
 */
export function withListedEmail<User>(
  mapped: MappedUser<User>,
  list: unknown,
  marks: readonly string[],
): MappedUser<User> {
  const entries = (Array.isArray(list) ? list : []) as (Record<string, unknown> | null)[];
  const entry = entries.find((e) => marks.every((mark) => e?.[mark] === true));
  return { ...mapped, profile: { ...mapped.profile, ...verifiedEmail(entry?.email, true) } };
}

/** A name from its parts (first, last...): the set ones joined with spaces, or `null`. */
export function joinName(...parts: unknown[]): string | null {
  return parts.map(text).filter(Boolean).join(' ') || null;
}

/** A boolean some providers send as a string: only `true` or `"true"` is true. */
export function isTrueFlag(value: unknown): boolean {
  return value === true || value === 'true';
}

/** The URL of the widest image in a list of `{url, width}` (width unknown counts as 0). */
export function widestImage(images: unknown): string | null {
  if (!Array.isArray(images)) return null;
  type Image = { url: string; width?: number | null };
  const usable = images.filter((i): i is Image => typeof i?.url === 'string');
  usable.sort((a, b) => (b.width ?? 0) - (a.width ?? 0));
  return usable[0]?.url ?? null;
}

function read<User>(user: User, field: ProfileField<User> | undefined): unknown {
  if (typeof field === 'function') return field(user);
  if (Array.isArray(field)) return field.map((f) => text(user[f as keyof User])).find(Boolean);
  return field === undefined ? null : user[field as keyof User];
}

function userId<User>(user: User, fields: ProfileFields<User>): string | null {
  const id = read(user, fields.id);
  if (fields.idFormat === 'integer') return Number.isSafeInteger(id) ? String(id) : null;
  const value = text(id);
  return value !== null && (fields.idFormat?.test(value) ?? true) ? value : null;
}

/**
 * Maps a provider's user (a JSON answer, or ID token claims) to a profile by its fields.
 * @param who names the answer in the error ("Discord /users/@me")
 * @throws OAuthResponseError when it is not an object, or lacks a valid id or a required field
 */
export function profileFrom<User>(
  who: string,
  answer: unknown,
  fields: ProfileFields<User>,
): MappedUser<User> {
  const user = answer as User;
  const required = fields.required ?? [];
  const complete =
    typeof answer === 'object' &&
    answer !== null &&
    required.every((f) => typeof user[f] === 'string');
  const id = complete ? userId(user, fields) : null;
  if (id === null) {
    throw new OAuthResponseError(
      `${who} answered without a valid ${['id', ...required].join(', ')}`,
    );
  }
  const verified = fields.emailVerified === true || read(user, fields.emailVerified) === true;
  const profile = {
    providerUserId: id,
    ...verifiedEmail(read(user, fields.email), verified),
    name: text(read(user, fields.name)),
    username: text(read(user, fields.username)),
    avatarURL: text(read(user, fields.avatarURL)),
  };
  return { profile, user };
}
