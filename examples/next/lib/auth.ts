// The app's latchkey, once per server process: Next may evaluate this module once per route
// bundle in development, and a memory store must be shared by all of them (a database store
// would not care).
import { latchkeyNext } from 'latchkey/next';
import { createAuth, type Auth } from '../../shared/auth.ts';

const shared = globalThis as { latchkeyExample?: Auth };
export const { auth, handler } = (shared.latchkeyExample ??= createAuth());
export const latchkey = latchkeyNext(auth, handler);
