// Reading the body of a native token request (`POST {base}/token`, `POST {base}/device/token`).
// The body is untrusted and small: anything odd is refused rather than guessed at.

const MAX_BODY = 8 * 1024;

/**
 * Reads a token-endpoint body: `application/x-www-form-urlencoded` (RFC 6749 §4.1.3) or JSON.
 * Returns `null` for anything else, an oversized body, duplicated or non-string fields.
 */
export async function readParams(request: Request): Promise<Map<string, string> | null> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let text: string;
  try {
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > MAX_BODY) return null;
    text = await request.text();
  } catch {
    return null;
  }
  if (text.length > MAX_BODY) return null;
  const params = new Map<string, string>();
  if (type === 'application/x-www-form-urlencoded') {
    for (const [key, value] of new URLSearchParams(text)) {
      if (params.has(key)) return null; // RFC 6749 §3.2: parameters must not be repeated
      params.set(key, value);
    }
    return params;
  }
  if (type === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return null;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
    for (const [key, value] of Object.entries(body)) {
      if (typeof value !== 'string') return null;
      params.set(key, value);
    }
    // `JSON.parse` keeps the last of two equal keys; a repeated form field is refused, so is this.
    if (hasDuplicateKey(text)) return null;
    return params;
  }
  return null;
}

/**
 * Whether a flat JSON object of strings names a key twice, read on the text: its string tokens
 * alternate key, value, so every other one is a key. One linear pass, no regular expression.
 * Only for text `JSON.parse` accepted as such an object.
 */
function hasDuplicateKey(text: string): boolean {
  const keys = new Set<string>();
  let tokens = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '"') continue;
    const start = i;
    for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    // Every other string token is a key; decode it so `"a"` and `"\u0061"` are one key.
    if (tokens++ % 2 === 0) keys.add(JSON.parse(text.slice(start, i + 1)) as string);
  }
  return keys.size !== tokens / 2;
}
