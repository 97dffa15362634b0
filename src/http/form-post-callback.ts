// Callbacks answered with `response_mode=form_post` (Apple): the provider's page posts the
// answer to us cross-site, and a browser does not send the SameSite=Lax flow cookie with a
// cross-site POST. Rather than weaken the cookie for every flow, such a post without the cookie
// is answered with a page of ours that posts the same fields to the same URL: that second post
// is same-site, so it carries the cookie, and the callback runs as usual. This grants nothing a
// cross-site GET callback does not: the flow cookie still has to match the state.
import { readCookie } from '../core/cookies.ts';
import { flowCookieName } from './flow-cookie.ts';
import type { RequestContext } from './options.ts';
import { errorResponse, escapeHTML, htmlPage } from './responses.ts';

/** The largest form accepted: Apple's code, state, `user` JSON and an ID token fit easily. */
export const MAX_CALLBACK_FORM = 16 * 1024;
const MAX_FIELDS = 16;

/** Marks the re-posted form: without the cookie even then, the flow is gone (no loop). */
export const RESUBMITTED = 'latchkey_resubmit';

const SCRIPT = 'document.forms[0].submit()';
// sha256 of SCRIPT, base64 (test/http-form-post-callback.test.ts recomputes it). The only script
// allowed; no `form-action`: the re-post is redirected on to the app's pages or a native app's
// loopback listener, and browsers hold every redirect of a form post to `form-action`.
const SCRIPT_HASH = 'sha256-ePniVEkSivX/c7XWBGafqh8tSpiRrKiqYeqbG7N1TOE=';
const RESUBMIT_CSP = `default-src 'none'; script-src '${SCRIPT_HASH}'; base-uri 'none'; frame-ancestors 'none'`;

/** The body as text, or `null` past `max` bytes or when it is not UTF-8. */
async function readBounded(request: Request, max: number): Promise<string | null> {
  const declared = request.headers.get('content-length');
  if (declared !== null && !(Number(declared) <= max)) return null;
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) (bytes.set(chunk, at), (at += chunk.byteLength));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Reads a form-post callback: the fields, or the answer to send instead — 415 for anything but
 * a urlencoded form, 413 past {@link MAX_CALLBACK_FORM}, 400 for a query string, repeated or too
 * many fields, or the re-post page when the flow cookie is missing. Writes nothing anywhere.
 */
export async function readCallbackForm(
  ctx: RequestContext,
  action: string,
): Promise<URLSearchParams | Response> {
  const type = (ctx.request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return errorResponse(415, 'invalid_request');
  // The answer is in the body only: a query string too would be two answers in one.
  if (ctx.url.search !== '') return errorResponse(400, 'invalid_request');
  const text = await readBounded(ctx.request, MAX_CALLBACK_FORM);
  if (text === null) return errorResponse(413, 'invalid_request');
  const form = new URLSearchParams(text);
  const keys = [...form.keys()];
  if (keys.length > MAX_FIELDS) return errorResponse(400, 'invalid_request');
  if (new Set(keys).size !== keys.length) return errorResponse(400, 'duplicate_parameter');
  const resubmitted = form.has(RESUBMITTED);
  form.delete(RESUBMITTED);
  const cookie = readCookie(ctx.request.headers.get('cookie'), flowCookieName(ctx));
  if (cookie !== null || resubmitted) return form;
  return resubmitPage(action, form);
}

/** The page that posts `form` again to `action` (our own callback path), now same-site. */
function resubmitPage(action: string, form: URLSearchParams): Response {
  const inputs = [...form, [RESUBMITTED, '1']]
    .map(([k, v]) => `<input type="hidden" name="${escapeHTML(k!)}" value="${escapeHTML(v!)}">`)
    .join('');
  const body = `<!doctype html><meta charset="utf-8"><title>Signing in…</title>
<form method="post" action="${escapeHTML(action)}">${inputs}<noscript><button>Continue</button></noscript></form>
<script>${SCRIPT}</script>`;
  return htmlPage(body, 200, { csp: RESUBMIT_CSP });
}
