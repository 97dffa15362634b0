// latchkey as a Nitro server middleware (it runs before every server route and page): it
// answers /auth/* (sign-in, callback, session, sign-out) and sets `event.context.user` /
// `event.context.session` for every other request. Nuxt's Nitro mounts it on h3 v1.
import { defineEventHandler } from 'h3';
import { latchkeyH3 } from 'latchkey/h3';
import { createAuth } from '../../../shared/auth.ts';

// Read once, when the built server first loads this file: `process.env` of `node .output/…`.
const { auth, handler } = createAuth();

export default defineEventHandler(latchkeyH3(auth, handler));
