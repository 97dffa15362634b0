// What the middleware puts on `Astro.locals`, with this app's user attributes: pages and
// endpoints see `locals.user` as `User<UserAttributes> | null`. The type imports make this file a
// module, hence `declare global`.
import type { LatchkeyLocals } from 'latchkey/astro';
import type { UserAttributes } from '../../shared/auth.ts';

declare global {
  namespace App {
    interface Locals extends LatchkeyLocals<UserAttributes> {}
  }
}
