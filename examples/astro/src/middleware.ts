// Every request meets latchkey first: it answers /auth/* (sign-in, the callback, the session,
// sign-out) and sets `locals.user` / `locals.session` for every page and endpoint. Typing it as
// Astro's MiddlewareHandler checks the adapter against Astro's own context type.
import type { MiddlewareHandler } from 'astro';
import { latchkeyAstro } from 'latchkey/astro';
import { createAuth } from '../../shared/auth.ts';

const { auth, handler } = createAuth();

export const onRequest: MiddlewareHandler = latchkeyAstro(auth, handler);
