// A Node server build (`vite build`, then `node build`): adapter-node.
import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: adapter(),
    // In an app, `latchkey/...` resolves from node_modules. This example lives inside latchkey's
    // own repository, so its imports point at the sources instead (for Vite and for tsc alike:
    // SvelteKit writes these into .svelte-kit/tsconfig.json). The bare name comes last: an
    // alias also matches what starts with its name and a slash, and the first match wins.
    alias: {
      'latchkey/http': '../../src/http/index.ts',
      'latchkey/memory': '../../src/stores/memory-store.ts',
      'latchkey/providers': '../../src/providers/index.ts',
      'latchkey/sveltekit': '../../src/adapters/sveltekit.ts',
      latchkey: '../../src/index.ts',
    },
  },
};
