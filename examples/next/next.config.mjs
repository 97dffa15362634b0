// In an app, `latchkey/next` resolves from node_modules. This example lives inside latchkey's
// own repository, so its imports point at the sources instead.
export default {
  turbopack: {
    root: new URL('../..', import.meta.url).pathname,
    resolveAlias: {
      latchkey: '../../src/index.ts',
      'latchkey/http': '../../src/http/index.ts',
      'latchkey/memory': '../../src/stores/memory-store.ts',
      'latchkey/providers': '../../src/providers/index.ts',
      'latchkey/next': '../../src/adapters/next.ts',
    },
  },
};
