// `event.locals` as the latchkey hook fills it, typed with this app's user attributes: every
// load function, action and endpoint reads `locals.user.attributes.username` as a string.
import type { LatchkeyLocals } from 'latchkey/sveltekit';
import type { UserAttributes } from '../../shared/auth.ts';

declare global {
  namespace App {
    interface Locals extends LatchkeyLocals<UserAttributes> {}
  }
}

export {};
