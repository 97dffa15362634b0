// A server component reading the session (written without JSX so that the repository's
// TypeScript settings check it as they are).
import { createElement } from 'react';
import { latchkey } from '../lib/auth.ts';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const current = await latchkey.getSession();
  if (current) return createElement('p', null, `Hi ${current.user.attributes.username}`);
  return createElement('a', { href: '/auth/github' }, 'Sign in');
}
