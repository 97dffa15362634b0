// A route handler reading the session (and re-sending a renewed cookie).
import { latchkey } from '../../lib/auth.ts';

export async function GET() {
  const current = await latchkey.getSession();
  if (current) return new Response(`Hi ${current.user.attributes.username}`);
  return new Response('<a href="/auth/github">Sign in</a>', {
    headers: { 'content-type': 'text/html' },
  });
}
