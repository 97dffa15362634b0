// A server component reading the session (written without JSX so that the repository's
// TypeScript settings check it as they are), with a sign-out form whose action runs on the
// server (app/actions.ts).
import { createElement } from 'react';
import { latchkey } from '../lib/auth.ts';
import { signOut } from './actions.ts';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const current = await latchkey.getSession();
  if (!current) return createElement('a', { href: '/auth/github' }, 'Sign in');
  return createElement(
    'main',
    null,
    createElement('p', null, `Hi ${current.user.attributes.username}`),
    createElement('form', { action: signOut }, createElement('button', null, 'Sign out')),
  );
}
