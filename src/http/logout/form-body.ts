// Reading a small `application/x-www-form-urlencoded` body from an untrusted sender: the type is
// checked first, the size is capped while reading (a missing or lying Content-Length cannot make
// us buffer more), the bytes must be UTF-8, and a repeated field is refused, never guessed at.
import { oauthError } from '../responses.ts';

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Whether the request declares a form body (parameters after `;` are ignored). */
export function isFormBody(request: Request): boolean {
  const type = request.headers.get('content-type') ?? '';
  return type.split(';')[0]!.trim().toLowerCase() === FORM_TYPE;
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = request.headers.get('content-length');
  if (declared !== null && !(Number(declared) <= maxBytes)) return null;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The fields of a form body, or the error answer: 415 for another content type, 413 over
 * `maxBytes`, 400 for bytes that are not UTF-8 or a field given twice (RFC 6749 style errors).
 */
export async function readFormBody(
  request: Request,
  maxBytes: number,
): Promise<URLSearchParams | Response> {
  if (!isFormBody(request)) {
    return oauthError('invalid_request', `The body must be ${FORM_TYPE}`, 415);
  }
  let bytes: Uint8Array | null;
  try {
    bytes = await readCapped(request, maxBytes);
  } catch {
    return oauthError('invalid_request', 'The body could not be read');
  }
  if (bytes === null) return oauthError('invalid_request', 'The body is too large', 413);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return oauthError('invalid_request', 'The body is not UTF-8');
  }
  const fields = new URLSearchParams(text);
  const seen = new Set<string>();
  for (const key of fields.keys()) {
    if (seen.has(key)) return oauthError('invalid_request', 'A field is repeated');
    seen.add(key);
  }
  return fields;
}
