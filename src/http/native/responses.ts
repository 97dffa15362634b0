// Small response builders shared by the native routes. Every native response is personal and
// short-lived, so none of them may be cached or leak a Referer.

/** Headers every native sign-in response carries (RFC 6749 §5.1, RFC 8252 §8.10). */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'referrer-policy': 'no-referrer',
};

/** A JSON response with the no-store headers. */
export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...NO_STORE_HEADERS, 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * An RFC 6749 §5.2 error response (`invalid_grant`, `invalid_request`, ...), status 400 unless
 * given. The description is a fixed sentence chosen by latchkey, never an echo of the request.
 */
export function oauthError(error: string, description: string, status = 400): Response {
  return jsonResponse({ error, error_description: description }, status);
}

/** A small HTML page with a strict CSP and the no-store headers. */
export function htmlResponse(html: string, status = 200): Response {
  return new Response(html, {
    status,
    headers: {
      ...NO_STORE_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    },
  });
}

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHTML(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

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
    return params;
  }
  return null;
}
