// Apple sends the person's name once: in the `user` form field of the first authorization's
// callback, never in the ID token. That field is not signed, so it is read as untrusted input.

/** The name Apple's `user` field carries (`{"name":{"firstName","lastName"},"email"}`). */
export interface AppleName {
  firstName: string | null;
  lastName: string | null;
}

const MAX_USER_FIELD = 2048;
const MAX_NAME_PART = 100;

function part(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // No control characters (a name is shown in UIs and logs); trimmed; bounded.
  const clean = value.replace(/\p{Cc}/gu, '').trim();
  return clean.length > 0 && clean.length <= MAX_NAME_PART ? clean : null;
}

/** The name in a `user` field, or `null` when it is absent, too large or not of Apple's shape. */
export function parseAppleUser(field: string | null): AppleName | null {
  if (field === null || field.length > MAX_USER_FIELD) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(field);
  } catch {
    return null;
  }
  const name = (parsed as { name?: unknown } | null)?.name;
  if (typeof name !== 'object' || name === null || Array.isArray(name)) return null;
  const { firstName, lastName } = name as Record<string, unknown>;
  const result = { firstName: part(firstName), lastName: part(lastName) };
  return result.firstName === null && result.lastName === null ? null : result;
}
