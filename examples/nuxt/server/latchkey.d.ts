// Gives `event.context.user` and `event.context.session` the app's attributes in every server
// handler. 'h3' is the h3 v1 that Nuxt's Nitro runs (Nuxt's generated tsconfig maps it there).
import type { LatchkeyContext } from 'latchkey/h3';
import type { UserAttributes } from '../../shared/auth.ts';

declare module 'h3' {
  interface H3EventContext extends LatchkeyContext<UserAttributes> {}
}
