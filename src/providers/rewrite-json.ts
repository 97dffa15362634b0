// Provider-local repairs of a JSON answer before latchkey reads it (a renamed field, a field
// published under a non-standard name). Status and headers are kept, so `Date` still dates it.
import { peekJSON } from '../oauth/transport.ts';

/**
 * The response with its JSON object body replaced by `edit(body)`; unchanged when the status is
 * not 2xx, the body is not a JSON object, or `edit` returns `null`.
 */
export async function rewriteJSON(
  response: Response,
  edit: (body: Record<string, unknown>) => Record<string, unknown> | null,
): Promise<Response> {
  if (!response.ok) return response;
  const json = await peekJSON(response);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return response;
  const edited = edit(json as Record<string, unknown>);
  if (edited === null) return response;
  const headers = new Headers(response.headers);
  headers.delete('content-length'); // the body changes; fetch already decoded any encoding
  headers.delete('content-encoding');
  return new Response(JSON.stringify(edited), { status: response.status, headers });
}

/** `fetch` with every answer from `url` passed through {@link rewriteJSON}. */
export function rewriteAnswers(
  fetchFn: typeof fetch,
  url: string,
  edit: (body: Record<string, unknown>) => Record<string, unknown> | null,
): typeof fetch {
  return async (input, init) => {
    const response = await fetchFn(input, init);
    return String(input) === url ? rewriteJSON(response, edit) : response;
  };
}

/** A token answer's `scope` sent as a JSON array, joined with spaces as RFC 6749 §5.1 has it. */
export function spaceSeparatedScope(body: Record<string, unknown>): Record<string, unknown> | null {
  if (!Array.isArray(body.scope)) return null;
  return { ...body, scope: body.scope.filter((s) => typeof s === 'string').join(' ') };
}
