// Every framework example under examples/ signs in against the GitHub double through real HTTP:
// signed-out page → /auth/github → the double → the callback → the signed-in page (the user's
// typed attributes) → /auth/session → sign-out → signed out again.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { toNodeHandler } from 'h3/node';
import { createAuth, type Auth } from '../examples/shared/auth.ts';
import type { GitHubDouble } from '../src/testing/index.ts';
import { EXAMPLE_ENV, signInRoundTrip, startExamplesDouble } from './framework-example-helpers.ts';

interface Running {
  url: string;
  close(): Promise<void>;
}

const EXAMPLES: Record<string, (setup: Auth) => Promise<Running>> = {
  fastify: async (setup) => {
    const { createApp } = await import('../examples/fastify/server.ts');
    const app = createApp(setup);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
  koa: async (setup) => {
    const { createApp } = await import('../examples/koa/server.ts');
    return listen(createServer(createApp(setup).callback()));
  },
  h3: async (setup) => {
    const { createApp } = await import('../examples/h3/server.ts');
    return listen(createServer(toNodeHandler(createApp(setup))));
  },
};

/** A node:http server on a free loopback port. */
async function listen(server: Server): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let double: GitHubDouble;
before(async () => {
  double = await startExamplesDouble();
});
after(() => double.close());

for (const [name, start] of Object.entries(EXAMPLES)) {
  describe(`examples/${name}`, () => {
    let running: Running;
    before(async () => {
      running = await start(
        createAuth({ ...EXAMPLE_ENV, GITHUB_WEB_URL: double.url, GITHUB_API_URL: double.url }),
      );
    });
    after(() => running.close());

    it('signs in against the GitHub double, shows the user, signs out', async () => {
      await signInRoundTrip(running.url, double);
    });
  });
}
