// Every page and endpoint is rendered on demand (a request, cookies, `Astro.locals`) by
// @astrojs/node's standalone server: `node dist/server/entry.mjs` after `astro build`, on the
// HOST and PORT it finds in the environment.
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';

// In an app, `latchkey/*` resolves from node_modules. This example lives inside latchkey's own
// repository, so its imports point at the sources instead (exact names: `latchkey` alone must
// not swallow `latchkey/http`).
const source = (path: string) => new URL(`../../src/${path}`, import.meta.url).pathname;
const alias = (name: string, path: string) => ({
  find: new RegExp(`^${name}$`),
  replacement: source(path),
});

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  vite: {
    // The built server carries its dependencies instead of importing them from node_modules:
    // latchkey's root node_modules hoists express's cookie@0.7, and Astro's runtime, which
    // needs cookie@2 (nested under astro/), would get that one by name. An app whose
    // node_modules holds only Astro's own versions can leave this out.
    ssr: { noExternal: true },
    resolve: {
      alias: [
        alias('latchkey', 'index.ts'),
        alias('latchkey/http', 'http/index.ts'),
        alias('latchkey/memory', 'stores/memory-store.ts'),
        alias('latchkey/providers', 'providers/index.ts'),
        alias('latchkey/astro', 'adapters/astro.ts'),
      ],
    },
  },
});
