// The home page's data: the signed-in user's name from `locals` (typed through app.d.ts).
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({
  username: locals.user?.attributes.username ?? null,
});
