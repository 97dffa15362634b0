'use server';
// Server actions. The page's form posts to the page itself: with its JavaScript loaded as a
// fetch carrying a `Next-Action` header, before that as a plain multipart form post; either way
// Next checks that the post comes from the page's own origin, then runs the action here.
import { redirect } from 'next/navigation.js';
import { latchkey } from '../lib/auth.ts';

/** The Sign out button: ends this session (only a signed-in user has one) and goes home. */
export async function signOut(): Promise<void> {
  const current = await latchkey.getSession();
  if (!current) redirect('/auth/github');
  // The provider's end-session URL when the handler has `providerLogout`, else null.
  const providerLogout = await latchkey.signOut();
  redirect(providerLogout ?? '/');
}
