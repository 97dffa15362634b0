// The runtime suite's entry on workerd (bundled by scripts/test-runtimes.ts, run by Miniflare):
// `GET /` runs the suite against the GitHub double at DOUBLE_URL (a Node process on 127.0.0.1),
// on the memory store and on the D1 store over the local D1 binding, and answers the report as
// JSON.
import { d1Store, type D1DatabaseLike } from '../../src/stores/d1-store.ts';
import { memoryStore } from '../../src/stores/memory-store.ts';
import type { RuntimeSuiteOptions } from './suite.ts';
import { runtimeSuite } from './suite.ts';

interface Env {
  DOUBLE_URL: string;
  DB: D1DatabaseLike;
}

let prefixes = 0;

export default {
  async fetch(_request: Request, env: Env): Promise<Response> {
    const stores: RuntimeSuiteOptions['stores'] = [
      { name: 'memory', open: async () => memoryStore() },
      {
        name: 'd1',
        open: async () => {
          const store = d1Store(env.DB, { tablePrefix: `rt${++prefixes}_` });
          await store.migrate();
          return store;
        },
      },
    ];
    const report = await runtimeSuite({ doubleURL: env.DOUBLE_URL, stores }).run('workerd');
    return Response.json(report);
  },
};
