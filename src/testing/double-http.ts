// Small node:http helpers shared by the provider doubles: bounded body reading, content
// negotiation on OAuth endpoints, and credential header parsing that never throws.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request bodies above this are refused with 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Thrown by `readBody` and turned into an HTTP status by the router. */
export class BodyError extends Error {
  readonly status: 400 | 413;

  constructor(status: 400 | 413, message: string) {
    super(message);
    this.name = 'BodyError';
    this.status = status;
  }
}

/** Reads a request body, at most {@link MAX_BODY_BYTES}. */
export async function readRawBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Past the limit, keep draining (so the client can read the 413) but store nothing; give
    // up on the connection only for bodies no test should ever send.
    if (size > 16 * 1024 * 1024) {
      req.destroy();
      break;
    }
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) throw new BodyError(413, 'Request body too large');
  const bytes = Buffer.concat(chunks);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BodyError(400, 'Request body is not UTF-8');
  }
}

/**
 * Parses a form or JSON body into string parameters (non-string JSON values are dropped).
 * Query parameters count too: GitHub's docs send them on the token endpoint's URL.
 */
export async function readParams(
  req: IncomingMessage,
  query: URLSearchParams,
): Promise<Map<string, string>> {
  const params = new Map<string, string>();
  for (const [key, value] of query) if (!params.has(key)) params.set(key, value);
  const text = await readRawBody(req);
  if (text.trim() === '') return params;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    for (const [key, value] of Object.entries(parseJSONObject(text))) {
      if (typeof value === 'string') params.set(key, value);
      else if (typeof value === 'number' || typeof value === 'boolean')
        params.set(key, String(value));
    }
    return params;
  }
  if (type === '' || type.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(text)) params.set(key, value);
    return params;
  }
  throw new BodyError(400, 'Unsupported content type');
}

/** Parses a JSON object body (REST endpoints); an empty body is `{}`. */
export async function readJSONObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readRawBody(req);
  return text.trim() === '' ? {} : parseJSONObject(text);
}

/** A JSON object, or a 400 `BodyError` (GitHub's wording). */
function parseJSONObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BodyError(400, 'Problems parsing JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BodyError(400, 'Problems parsing JSON');
  }
  return parsed as Record<string, unknown>;
}

/** `client_id:client_secret` from `Authorization: Basic`, or `null` when absent or malformed. */
export function basicCredentials(
  header: string | undefined,
): { clientId: string; clientSecret: string } | null {
  const match = /^Basic ([A-Za-z0-9+/=]{1,4096})$/i.exec(header?.trim() ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  // RFC 6749 §2.3.1 form-encodes both parts before base64; oauth4webapi does, so decode them.
  const formDecode = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return {
    clientId: formDecode(decoded.slice(0, colon)),
    clientSecret: formDecode(decoded.slice(colon + 1)),
  };
}

/** The token of `Authorization: Bearer …` or `Authorization: token …` (GitHub takes both). */
export function bearerToken(header: string | undefined): string | null {
  const match = /^(?:bearer|token) +([\x21-\x7e]{1,1024})$/i.exec(header?.trim() ?? '');
  return match ? match[1]! : null;
}

/** Which format the OAuth endpoints answer in: JSON only when asked, form by default. */
export function wantsJSON(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes('application/json');
}

/** Sends a body with the double's `Date` header. */
export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
  now: number,
): void {
  res.writeHead(status, {
    Date: new Date(now).toUTCString(),
    'Cache-Control': 'no-store',
    'Content-Length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

/** Sends JSON. */
export function sendJSON(
  res: ServerResponse,
  status: number,
  body: unknown,
  now: number,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  send(res, status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }, text, now);
}

/**
 * Sends an OAuth endpoint answer: JSON when the `Accept` header asks for it, otherwise
 * `application/x-www-form-urlencoded`, GitHub's default.
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#2-users-are-redirected-back-to-your-site-by-github
 */
export function sendOAuth(
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, string | number>,
  now: number,
): void {
  if (wantsJSON(req)) {
    sendJSON(res, 200, body, now);
    return;
  }
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) form.set(key, String(value));
  send(
    res,
    200,
    { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    form.toString(),
    now,
  );
}

/** Sends a redirect. */
export function redirect(res: ServerResponse, location: string, now: number): void {
  send(res, 302, { Location: location, 'Content-Type': 'text/html; charset=utf-8' }, '', now);
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Sends a test-scripted answer: a string as plain text, anything else as JSON. */
export function sendAnswer(
  res: ServerResponse,
  answer: { status: number; body?: unknown; headers?: Record<string, string> },
  now: number,
): void {
  if (typeof answer.body === 'string') {
    const headers = { 'Content-Type': 'text/plain; charset=utf-8', ...answer.headers };
    send(res, answer.status, headers, answer.body, now);
  } else {
    sendJSON(res, answer.status, answer.body, now, answer.headers);
  }
}

/** Sends and consumes the pending one-shot answer for `key`; `true` when one was sent. */
export function sendPendingFault<K>(
  faults: Map<K, { status: number; body?: unknown; headers?: Record<string, string> }>,
  key: K,
  res: ServerResponse,
  now: number,
): boolean {
  const fault = faults.get(key);
  if (!fault) return false;
  faults.delete(key);
  sendAnswer(res, fault, now);
  return true;
}
