// Comparisons of secrets an attacker may probe one character at a time (a flow's `state`, a
// PKCE challenge): the time taken must not tell how much of a guess was right.

/** Compares two strings without an early exit on the first difference. */
export function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
