// The runtime suite's entry on workerd (bundled by scripts/test-runtimes.ts, run by Miniflare):
// `GET /` runs the suite against the GitHub double at DOUBLE_URL (a Node process on 127.0.0.1)
// and answers the report as JSON.
import { memoryStore } from '../../src/stores/memory-store.ts';
import type { RuntimeSuiteOptions } from './suite.ts';
import { runtimeSuite } from './suite.ts';

interface Env {
  DOUBLE_URL: string;
}

export default {
  async fetch(_request: Request, env: Env): Promise<Response> {
    const stores: RuntimeSuiteOptions['stores'] = [
      { name: 'memory', open: async () => memoryStore() },
    ];
    const report = await runtimeSuite({ doubleURL: env.DOUBLE_URL, stores }).run('workerd');
    return Response.json(report);
  },
};
