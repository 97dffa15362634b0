// Sign-in, callback, session and sign-out routes under /auth.
import { latchkey } from '../../../lib/auth.ts';

export const { GET, HEAD, POST, DELETE } = latchkey;
