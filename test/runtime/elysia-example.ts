// examples/elysia on Bun: the browser round trip every framework example passes (signed-out page →
// /auth/github → the GitHub double → the callback → "Hi octocat" → /auth/session → sign-out), over
// a real Bun server. Run by scripts/test-runtimes.ts (`elysia`), after `npm run build` (the example
// imports latchkey by its package name). Prints "[elysia] N passed, M failed".
import { createApp } from '../../examples/elysia/server.ts';
import { createAuth } from '../../examples/shared/auth.ts';
import { EXAMPLE_ENV, signInRoundTrip, startExamplesDouble } from '../framework-example-helpers.ts';

const double = await startExamplesDouble();
const env = { ...EXAMPLE_ENV, GITHUB_WEB_URL: double.url, GITHUB_API_URL: double.url };
const app = createApp(createAuth(env)).listen({ port: 0, hostname: '127.0.0.1' });
let passed = 0;
let failed = 0;
try {
  await signInRoundTrip(`http://127.0.0.1:${app.server!.port}`, double);
  console.log('ok   examples/elysia: sign-in round trip on Bun');
  passed++;
} catch (error) {
  console.log('FAIL examples/elysia: sign-in round trip on Bun');
  console.error(error);
  failed++;
} finally {
  await app.stop();
  await double.close();
}
console.log(`[elysia] ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
