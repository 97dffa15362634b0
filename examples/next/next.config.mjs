// In an app, `latchkey/next` resolves from node_modules. This example lives inside latchkey's
// own repository, so its imports point at the sources instead.
import { realpathSync } from 'node:fs';
import { sep } from 'node:path';

const repository = realpathSync(new URL('../..', import.meta.url));
// Turbopack compiles nothing outside its root. node_modules may be a link out of the repository
// (a git worktree sharing another checkout's install): the root is then the directory holding
// both.
const modules = realpathSync(new URL('../../node_modules', import.meta.url));
let root = repository;
while (!(modules + sep).startsWith(root.endsWith(sep) ? root : root + sep)) {
  root = root.slice(0, root.lastIndexOf(sep)) || sep;
}

export default {
  // The repository's own `tsc` checks this example against the sources; Next's check in
  // `next build` would look for the package's built types instead.
  typescript: { ignoreBuildErrors: true },
  turbopack: {
    root,
    resolveAlias: {
      latchkey: '../../src/index.ts',
      'latchkey/http': '../../src/http/index.ts',
      'latchkey/memory': '../../src/stores/memory-store.ts',
      'latchkey/providers': '../../src/providers/index.ts',
      'latchkey/next': '../../src/adapters/next.ts',
    },
  },
};
