// An endpoint reading the same locals (plain text when signed in, a sign-in link when not).
import type { APIRoute } from 'astro';

export const GET: APIRoute = ({ locals }) => {
  const { user } = locals;
  if (user) return new Response(`Hi ${user.attributes.username}`);
  return new Response('<a href="/auth/github">Sign in</a>', {
    headers: { 'content-type': 'text/html' },
  });
};
