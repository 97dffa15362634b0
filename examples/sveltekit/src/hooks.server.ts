// latchkey as SvelteKit's `handle` hook: it answers /auth/* (sign-in, callback, session,
// sign-out) and sets `event.locals.user` / `event.locals.session` for every other request.
import { env } from '$env/dynamic/private';
import type { Handle } from '@sveltejs/kit';
import { latchkeySvelteKit } from 'latchkey/sveltekit';
import { createAuth } from '../../shared/auth.ts';

const { auth, handler } = createAuth(env);

export const handle: Handle = latchkeySvelteKit(auth, handler);
