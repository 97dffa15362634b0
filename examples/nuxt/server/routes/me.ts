// A server route reading what the middleware set (plain text, for the sign-in round trip).
// Nitro auto-imports these too; named here because in latchkey's repository the declarations
// Nuxt generates for auto-imports point at the hoisted h3 v2 (see nuxt.config.ts).
import { defineEventHandler, setResponseHeader } from 'h3';

export default defineEventHandler((event) => {
  const user = event.context.user;
  if (user) return `Hi ${user.attributes.username}`;
  setResponseHeader(event, 'content-type', 'text/html');
  return '<a href="/auth/github">Sign in</a>';
});
