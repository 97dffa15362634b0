// examples/sveltekit as it ships: a production build (`vite build` with @sveltejs/adapter-node),
// then the built server (`node build`) signs in against the GitHub double through the `handle`
// hook; the endpoint and the server-rendered page read `event.locals.user`; and the example
// type-checks (svelte-check, components included) with `locals.user` typed by its app.d.ts.
// The build takes tens of seconds.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GitHubDouble } from '../src/testing/index.ts';
import { runExample, runToEnd, waitFor, type ExampleProcess } from './example-process.ts';
import { freePort } from './helpers.ts';
import { EXAMPLE_ENV, signInRoundTrip, startExamplesDouble } from './framework-example-helpers.ts';
import { typeProofSource } from './type-equal.ts';

const root = join(import.meta.dirname, '..');
const example = join(root, 'examples/sveltekit');

/** Runs a Node script in the example to its end. */
const run = (args: string[]) =>
  // No GitHub settings: building must not need the app's secrets.
  runToEnd(args, { cwd: example, env: { PATH: process.env.PATH, HOME: process.env.HOME } });

describe('examples/sveltekit (vite build, adapter-node)', () => {
  let double: GitHubDouble;
  let server: ExampleProcess;
  let base: string;

  before(
    async () => {
      const started = performance.now();
      const build = await run([join(root, 'node_modules/vite/bin/vite.js'), 'build']);
      assert.equal(build.code, 0, build.output);
      const built = performance.now();
      double = await startExamplesDouble();
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      server = runExample(['build'], {
        cwd: example,
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
      await waitFor(`${base}/me`, server, 120);
      const ready = performance.now();
      console.log(
        `# vite build ${((built - started) / 1000).toFixed(1)} s, ` +
          `server up ${((ready - built) / 1000).toFixed(1)} s`,
      );
    },
    { timeout: 300_000 },
  );

  after(async () => {
    await server?.stop();
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
      typeProofSource([
        `import type { RequestEvent } from '@sveltejs/kit';`,
        `import type { User } from 'latchkey';`,
        `import type { UserAttributes } from '../../shared/auth.ts';`,
        `declare const event: RequestEvent;`,
        `export const proof: Equal<typeof event.locals.user, User<UserAttributes> | null> = true;`,
      ]),
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
