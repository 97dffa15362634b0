// examples/nuxt built by the real toolchain (`nuxt build`, Nitro's node-server preset) and run
// as its own Node server (`node .output/server/index.mjs`): a Nitro server middleware
// (`latchkeyH3` on Nitro's h3 v1) answers /auth/* against the GitHub double and a server route
// reads `event.context.user`; the server sources type-check against the tsconfig Nuxt generates,
// with `event.context.user` typed by the example's `H3EventContext` declaration. The build takes
// most of this file's time (about twenty seconds; more on a busy machine).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GitHubDouble } from '../src/testing/index.ts';
import { runExample, runToEnd, waitFor, type ExampleProcess } from './example-process.ts';
import { EXAMPLE_ENV, signInRoundTrip, startExamplesDouble } from './framework-example-helpers.ts';
import { freePort } from './helpers.ts';
import { typeProofSource } from './type-equal.ts';

const root = join(import.meta.dirname, '..');
const example = join(root, 'examples/nuxt');
const generated = join(example, '.nuxt');

/** Runs a command to its end; rejects with its output unless it exits 0. */
async function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { code, output } = await runToEnd(args, { cwd: example, env });
  if (code !== 0) throw new Error(`${args.join(' ')}: ${code}\n${output}`);
  return output;
}

describe('examples/nuxt (nuxt build, Nitro node-server)', () => {
  let double: GitHubDouble;
  let server: ExampleProcess;
  let base: string;
  const env = { ...process.env, NUXT_TELEMETRY_DISABLED: '1' };

  before(
    async () => {
      double = await startExamplesDouble();
      await run([join(root, 'node_modules/nuxt/bin/nuxt.mjs'), 'build'], env);
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      // Its own process group, so that stopping it ends whatever it started too.
      server = runExample([join(example, '.output/server/index.mjs')], {
        cwd: example,
        env: {
          ...env,
          ...EXAMPLE_ENV,
          GITHUB_WEB_URL: double.url,
          GITHUB_API_URL: double.url,
          // The production build on plain http://127.0.0.1 keeps the development cookie name.
          INSECURE_LOCALHOST_COOKIES: '1',
          NITRO_HOST: '127.0.0.1',
          NITRO_PORT: String(port),
        },
      });
      await waitFor(`${base}/me`, server, 120);
    },
    { timeout: 300_000 },
  );

  after(async () => {
    await server?.stop();
    await double?.close();
  });

  it('signs in through the server middleware; a server route reads event.context.user', async () => {
    const jar = await signInRoundTrip(base, double, '/me');
    assert.ok(jar, server.output());
    assert.doesNotMatch(server.output(), /\[request error\]/, server.output());
  });

  it('type-checks the server (event.context.user typed by H3EventContext) and the config', async () => {
    // The build wrote .nuxt/tsconfig.server.json (Nitro's auto-imports, the aliases, 'h3' as
    // Nitro's v1). A proof file there compiles only while `event.context.user` is exactly the
    // app's user type: h3 v1's context has an `any` index signature, which the declaration in
    // examples/nuxt/server/latchkey.d.ts must override.
    await writeFile(
      join(generated, 'latchkey-context-proof.ts'),
      typeProofSource([
        `import type { H3Event } from 'h3';`,
        `import type { User } from 'latchkey';`,
        `import type { UserAttributes } from '../../shared/auth.ts';`,
        `type ContextUser = H3Event['context']['user'];`,
        `export const proof: Equal<ContextUser, User<UserAttributes> | null | undefined> = true;`,
      ]),
    );
    await writeFile(
      join(generated, 'tsconfig.latchkey-proof.json'),
      JSON.stringify({
        extends: './tsconfig.server.json',
        // latchkey's sources (and examples/shared) import with `.ts` extensions.
        compilerOptions: { noEmit: true, allowImportingTsExtensions: true },
        files: ['latchkey-context-proof.ts'],
      }),
    );
    const tsc = (project: string) =>
      run([join(root, 'node_modules/typescript/bin/tsc'), '-p', join(generated, project)], env);
    // `files` adds the proof to what tsconfig.server.json includes (the server/ sources).
    await tsc('tsconfig.latchkey-proof.json').catch((error: Error) => assert.fail(error.message));
    // nuxt.config.ts, with the `nitro` options Nuxt's generated types add to its config.
    await tsc('tsconfig.node.json').catch((error: Error) => assert.fail(error.message));
  });
});
