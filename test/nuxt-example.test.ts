// examples/nuxt built by the real toolchain (`nuxt build`, Nitro's node-server preset) and run
// as its own Node server (`node .output/server/index.mjs`): a Nitro server middleware
// (`latchkeyH3` on Nitro's h3 v1) answers /auth/* against the GitHub double and a server route
// reads `event.context.user`; the server sources type-check against the tsconfig Nuxt generates,
// with `event.context.user` typed by the example's `H3EventContext` declaration. The build takes
// most of this file's time (about twenty seconds; more on a busy machine).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GitHubDouble } from '../src/testing/index.ts';
import { EXAMPLE_ENV, signInRoundTrip, startExamplesDouble } from './framework-example-helpers.ts';

const root = join(import.meta.dirname, '..');
const example = join(root, 'examples/nuxt');
const generated = join(example, '.nuxt');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs a command to its end; rejects with its output unless it exits 0. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(process.execPath, args, { cwd: example, env, stdio: 'pipe' });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${args.join(' ')}: ${code}\n${output}`)),
    );
  });
}

describe('examples/nuxt (nuxt build, Nitro node-server)', () => {
  let double: GitHubDouble;
  let child: ChildProcess;
  let base: string;
  let output = '';
  const env = { ...process.env, NUXT_TELEMETRY_DISABLED: '1' };

  before(
    async () => {
      double = await startExamplesDouble();
      await run([join(root, 'node_modules/nuxt/bin/nuxt.mjs'), 'build'], env);
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      child = spawn(process.execPath, [join(example, '.output/server/index.mjs')], {
        cwd: example,
        // Its own process group, so that closing ends whatever it started too.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
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
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      for (let i = 0; i < 120; i++) {
        const answer = await fetch(`${base}/me`).catch(() => null);
        if (answer?.status === 200) return void (await answer.arrayBuffer());
        await answer?.arrayBuffer();
        if (child.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(`the built Nuxt server did not answer:\n${output}`);
    },
    { timeout: 300_000 },
  );

  after(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    await double?.close();
  });

  it('signs in through the server middleware; a server route reads event.context.user', async () => {
    const jar = await signInRoundTrip(base, double, '/me');
    assert.ok(jar, output);
    assert.doesNotMatch(output, /\[request error\]/, output);
  });

  it('type-checks the server (event.context.user typed by H3EventContext) and the config', async () => {
    // The build wrote .nuxt/tsconfig.server.json (Nitro's auto-imports, the aliases, 'h3' as
    // Nitro's v1). A proof file there compiles only while `event.context.user` is exactly the
    // app's user type: h3 v1's context has an `any` index signature, which the declaration in
    // examples/nuxt/server/latchkey.d.ts must override.
    await writeFile(
      join(generated, 'latchkey-context-proof.ts'),
      [
        `import type { H3Event } from 'h3';`,
        `import type { User } from 'latchkey';`,
        `import type { UserAttributes } from '../../shared/auth.ts';`,
        `type Equal<A, B> =`,
        `  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;`,
        `type ContextUser = H3Event['context']['user'];`,
        `export const proof: Equal<ContextUser, User<UserAttributes> | null | undefined> = true;`,
        '',
      ].join('\n'),
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
