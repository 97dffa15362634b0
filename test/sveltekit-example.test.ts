// examples/sveltekit as it ships: a production build (`vite build` with @sveltejs/adapter-node),
// then the built server (`node build`) signs in against the GitHub double through the `handle`
// hook; the endpoint and the server-rendered page read `event.locals.user`; and the example
// type-checks (svelte-check, components included) with `locals.user` typed by its app.d.ts.
// The build takes tens of seconds.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GitHubDouble } from '../src/testing/index.ts';
import { EXAMPLE_ENV, signInRoundTrip, startExamplesDouble } from './framework-example-helpers.ts';

const root = join(import.meta.dirname, '..');
const example = join(root, 'examples/sveltekit');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs a Node script in the example to its end; its exit code and output. */
async function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, args, {
    cwd: example,
    stdio: ['ignore', 'pipe', 'pipe'],
    // No GitHub settings: building must not need the app's secrets.
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

describe('examples/sveltekit (vite build, adapter-node)', () => {
  let double: GitHubDouble;
  let server: ChildProcess;
  let base: string;
  let output = '';

  before(
    async () => {
      const started = performance.now();
      const build = await run([join(root, 'node_modules/vite/bin/vite.js'), 'build']);
      assert.equal(build.code, 0, build.output);
      const built = performance.now();
      double = await startExamplesDouble();
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      server = spawn(process.execPath, ['build'], {
        cwd: example,
        // Its own process group, so that `after` ends whatever it starts.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH,
          ...EXAMPLE_ENV,
          GITHUB_WEB_URL: double.url,
          GITHUB_API_URL: double.url,
          HOST: '127.0.0.1',
          PORT: String(port),
          // adapter-node takes the request's origin from ORIGIN; without it (and without
          // PROTOCOL_HEADER) it assumes https.
          ORIGIN: base,
        },
      });
      server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      for (let i = 0; i < 120; i++) {
        const answer = await fetch(`${base}/me`).catch(() => null);
        if (answer?.status === 200) {
          await answer.arrayBuffer();
          const ready = performance.now();
          console.log(
            `# vite build ${((built - started) / 1000).toFixed(1)} s, ` +
              `server up ${((ready - built) / 1000).toFixed(1)} s`,
          );
          return;
        }
        await answer?.arrayBuffer();
        if (server.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(`the built SvelteKit server did not answer:\n${output}`);
    },
    { timeout: 300_000 },
  );

  after(async () => {
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      process.kill(-server.pid, 'SIGTERM');
      await exited;
    }
    await double?.close();
  });

  it('signs in through the hook; an endpoint reads locals.user', async () => {
    await signInRoundTrip(base, double, '/me');
  });

  it('the server-rendered page reads locals.user through its load function', async () => {
    const jar = await signInRoundTrip(base, double, '/me');
    // signInRoundTrip signed out at its end: sign in again and render the page.
    const start = await jar.fetch(`${base}/auth/github`);
    const atDouble = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const callback = await jar.fetch(atDouble.headers.get('location')!);
    assert.equal(callback.headers.get('location'), `${base}/`);
    const page = await (await jar.fetch(`${base}/`)).text();
    assert.match(page, /<p>Hi octocat<\/p>/);
    const signedOut = await (await fetch(`${base}/`)).text();
    assert.doesNotMatch(signedOut, /Hi octocat/);
    assert.match(signedOut, /<a href="\/auth\/github"[^>]*>Sign in<\/a>/);
  });

  it('type-checks, with locals.user typed by app.d.ts', { timeout: 120_000 }, async () => {
    // The build wrote .svelte-kit/ (./$types, the aliases). A proof file there compiles only
    // while `locals.user` is exactly the app's user type: not `any`, not missing.
    const generated = join(example, '.svelte-kit');
    await writeFile(
      join(generated, 'latchkey-locals-proof.ts'),
      [
        `import type { RequestEvent } from '@sveltejs/kit';`,
        `import type { User } from 'latchkey';`,
        `import type { UserAttributes } from '../../shared/auth.ts';`,
        `type Equal<A, B> =`,
        `  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;`,
        `declare const event: RequestEvent;`,
        `export const proof: Equal<typeof event.locals.user, User<UserAttributes> | null> = true;`,
        '',
      ].join('\n'),
    );
    // What SvelteKit's tsconfig includes (the example's sources, generated types), and the proof.
    const { include } = JSON.parse(await readFile(join(generated, 'tsconfig.json'), 'utf8')) as {
      include: string[];
    };
    await writeFile(
      join(generated, 'tsconfig.latchkey-proof.json'),
      JSON.stringify({
        extends: '../tsconfig.json',
        include: [...include, 'latchkey-locals-proof.ts'],
      }),
    );
    // svelte-check: tsc over the .ts files and the proof, and the .svelte components as well.
    const check = await run([
      join(root, 'node_modules/svelte-check/bin/svelte-check'),
      '--tsconfig',
      join(generated, 'tsconfig.latchkey-proof.json'),
      '--output',
      'machine',
      '--fail-on-warnings',
    ]);
    assert.equal(check.code, 0, check.output);
    assert.match(check.output, /COMPLETED \d+ FILES 0 ERRORS 0 WARNINGS/, check.output);
  });
});
