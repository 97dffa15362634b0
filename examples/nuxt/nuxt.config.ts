// A Nuxt app whose whole part in sign-in is its server: `server/middleware/latchkey.ts` answers
// /auth/* and sets `event.context.user`; `server/routes/me.ts` reads it. `nuxt build` writes a
// Node server to .output (Nitro's node-server preset), run with `node .output/server/index.mjs`
// on the HOST and PORT (or NITRO_HOST / NITRO_PORT) it finds in the environment.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { defineNuxtConfig } from 'nuxt/config';

// In an app, `latchkey/*` resolves from node_modules. This example lives inside latchkey's own
// repository, so its imports point at the sources instead. Nitro bundles the server with these
// (longest name first, so `latchkey` alone does not swallow `latchkey/h3`), and Nuxt writes them
// into the tsconfig paths it generates under .nuxt (so tsc reads the same files).
const source = (path: string) => new URL(`../../src/${path}`, import.meta.url).pathname;

// latchkey's root node_modules hoists h3 v2 (for its own h3 tests); Nitro 2 runs h3 v1 (nested
// under nitropack/). 'h3' imported from this folder, and Nitro's auto-imports of
// `defineEventHandler`, `setResponseHeader`…, would find v2: a v2 helper on Nitro's v1 event
// fails at run time. So 'h3' points at the one Nitro itself imports, in the bundle and in the
// generated tsconfig. An app whose node_modules holds only Nuxt's own h3 can leave this out.
const fromNitro = createRequire(createRequire(import.meta.url).resolve('nitropack/package.json'));
const h3 = dirname(fromNitro.resolve('h3/package.json'));

export default defineNuxtConfig({
  compatibilityDate: '2026-12-01',
  telemetry: false,
  // Where `nuxt build` writes the generated types (tsconfig.server.json) the test type-checks
  // the server with; named, since Nuxt otherwise picks .nuxt or node_modules/.cache/nuxt/.nuxt.
  buildDir: '.nuxt',
  alias: {
    h3,
    latchkey: source('index.ts'),
    'latchkey/http': source('http/index.ts'),
    'latchkey/memory': source('stores/memory-store.ts'),
    'latchkey/providers': source('providers/index.ts'),
    'latchkey/h3': source('adapters/h3.ts'),
  },
  nitro: {
    // Nuxt writes the 'h3' it finds from this folder into the server's generated tsconfig,
    // unless Nitro's own options name one.
    typescript: { tsConfig: { compilerOptions: { paths: { h3: [h3] } } } },
    // latchkey's sources use BigInt literals (Discord ids); Nitro's default target is es2019.
    esbuild: { options: { target: 'es2023' } },
  },
});
