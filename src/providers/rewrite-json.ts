// Provider-local repairs of a JSON answer before latchkey reads it (a renamed field, a field
// published under a non-standard name). Status and headers are kept, so `Date` still dates it.

/**
 * The response with its JSON object body replaced by `edit(body)`; unchanged when the status is
 * not 2xx, the body is not a JSON object, or `edit` returns `null`.
 */
export async function rewriteJSON(
  response: Response,
  edit: (body: Record<string, unknown>) => Record<string, unknown> | null,
): Promise<Response> {
  if (!response.ok) return response;
  const json: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return response;
  const edited = edit(json as Record<string, unknown>);
  if (edited === null) return response;
  const headers = new Headers(response.headers);
  headers.delete('content-length'); // the body changes; fetch already decoded any encoding
  headers.delete('content-encoding');
  return new Response(JSON.stringify(edited), { status: response.status, headers });
}
