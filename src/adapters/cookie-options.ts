// A latchkey cookie as the options object of the frameworks that set cookies through their own
// API (`cookies().set` in Next.js, `event.cookies.set` in SvelteKit, `context.cookies.set` in
// Astro), so that the renewed session cookie keeps every attribute the routes give it.
import type { Cookie } from '../core/cookies.ts';

export interface CookieOptions {
  httpOnly: true;
  secure: boolean;
  sameSite: 'lax' | 'strict';
  path: string;
  expires: Date;
}

export function cookieOptions(cookie: Cookie): CookieOptions {
  const a = cookie.attributes;
  return {
    httpOnly: true,
    secure: a.secure,
    sameSite: a.sameSite,
    path: a.path,
    expires: new Date(a.expires),
  };
}
