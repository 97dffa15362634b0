// An endpoint reading `locals` (the page's answer as plain text, for the sign-in round trip).
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals }) => {
  if (locals.user) return new Response(`Hi ${locals.user.attributes.username}`);
  return new Response('<a href="/auth/github">Sign in</a>', {
    headers: { 'content-type': 'text/html' },
  });
};
