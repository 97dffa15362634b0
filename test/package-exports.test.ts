// The built package as an app sees it: every subpath of the `exports` map resolves from dist/
// (self-reference by name), carries its declarations, and exposes its main entry points.
// `npm test` builds before it runs the tests. The tests themselves run with the
// `latchkey-source` condition (src/ instead of dist/), so resolution by name is checked in a
// child process without it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { 'latchkey-source': string; types: string; default: string }>;
};

const expected: Record<string, string[]> = {
  '.': ['createLatchkey', 'LatchkeyError', 'AccountExistsError', 'StoreError', 'Cookie'],
  './memory': ['memoryStore'],
  './sqlite': ['sqliteStore'],
  './d1': ['d1Store', 'd1SchemaSql'],
  './postgres': ['postgresStore'],
  './mysql': ['mysqlStore'],
  './redis': ['redisStore'],
  './open-store': ['openStore'],
  './oauth': ['providerAuth', 'OAuthRequestError'],
  './providers': ['github', 'google', 'microsoftEntra', 'gitlab', 'discord', 'oidc', 'oauth2'],
  './testing': ['startGitHubDouble', 'startProviderDouble'],
  './http': ['createAuthHandler'],
  './hono': ['latchkeyHono'],
  './express': ['latchkeyExpress'],
  './node': ['toNodeHandler', 'getSession'],
  './fastify': ['latchkeyFastify'],
  './koa': ['latchkeyKoa'],
  './elysia': ['latchkeyElysia'],
  './h3': ['latchkeyH3'],
  './next': ['latchkeyNext'],
  './sveltekit': ['latchkeySvelteKit'],
  './astro': ['latchkeyAstro'],
  './native': ['signIn', 'deviceSignIn'],
  './tokens': ['createTokenVault'],
  './github': ['createGitHubClient'],
};

describe('package exports', () => {
  it('every subpath resolves by name to dist/, and to src/ only under latchkey-source', () => {
    const subpaths = Object.keys(expected).map((s) => `latchkey${s.slice(1)}`);
    const script = `console.log(JSON.stringify(${JSON.stringify(subpaths)}.map((s) => import.meta.resolve(s))))`;
    const resolveIn = (conditions: string[]): string[] => {
      const child = spawnSync(
        process.execPath,
        [...conditions, '--input-type=module', '-e', script],
        {
          cwd: root,
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '' },
        },
      );
      assert.equal(child.status, 0, child.stderr);
      return JSON.parse(child.stdout) as string[];
    };
    const entries = Object.keys(expected).map(
      (s) => pkg.exports[s] as { 'latchkey-source': string; default: string },
    );
    const url = (path: string) => pathToFileURL(join(root, path)).href;
    assert.deepEqual(
      resolveIn([]),
      entries.map((e) => url(e.default)),
    );
    assert.deepEqual(
      resolveIn(['--conditions=latchkey-source']),
      entries.map((e) => url(e['latchkey-source'])),
    );
    for (const entry of entries) {
      const source = entry['latchkey-source'].replace(/^\.\/src\//, '').replace(/\.ts$/, '');
      assert.equal(entry.default, `./dist/${source}.js`, "the source is the built file's source");
    }
  });

  it('lists exactly the documented subpaths', () => {
    const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
    assert.deepEqual(subpaths.sort(), Object.keys(expected).sort());
  });

  for (const [subpath, names] of Object.entries(expected)) {
    it(`latchkey${subpath.slice(1)} resolves from dist with types and its exports`, async () => {
      const entry = pkg.exports[subpath] as { types: string; default: string };
      assert.ok(existsSync(join(root, entry.default)), `${entry.default} is built`);
      assert.ok(existsSync(join(root, entry.types)), `${entry.types} is built`);
      const mod = (await import(pathToFileURL(join(root, entry.default)).href)) as Record<
        string,
        unknown
      >;
      for (const name of names)
        assert.equal(typeof mod[name], 'function', `${subpath} exports ${name}`);
    });
  }
});

/** Bare (package) specifiers reachable from a built file through static and dynamic imports. */
function reachablePackages(
  file: string,
  seen = new Set<string>(),
  found = new Set<string>(),
): Set<string> {
  if (seen.has(file)) return found;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  for (const spec of specifiers) {
    if (spec.startsWith('.')) reachablePackages(join(file, '..', spec), seen, found);
    else if (!spec.startsWith('node:'))
      found.add(
        spec.split('/')[0]!.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : spec.split('/')[0]!,
      );
  }
  return found;
}

describe('each subpath loads only its own dependencies', () => {
  const allowed: Record<string, string[]> = {
    '.': [],
    './memory': [],
    './sqlite': [],
    './d1': [],
    './postgres': ['pg'],
    './mysql': ['mysql2'],
    './redis': ['ioredis'],
    './open-store': ['pg', 'mysql2'],
    './oauth': ['oauth4webapi', 'jose'],
    './providers': ['oauth4webapi', 'jose'],
    './testing': ['jose'], // ID tokens, JWKS and client assertions of the provider double
    './http': ['oauth4webapi', 'jose'],
    './hono': ['oauth4webapi', 'jose'],
    './express': ['oauth4webapi', 'jose'],
    './node': ['oauth4webapi', 'jose'],
    './fastify': ['oauth4webapi', 'jose'],
    './koa': ['oauth4webapi', 'jose'],
    './elysia': ['oauth4webapi', 'jose', 'elysia'],
    './h3': ['oauth4webapi', 'jose'],
    './next': ['oauth4webapi', 'jose', 'next'],
    './sveltekit': ['oauth4webapi', 'jose'],
    './astro': ['oauth4webapi', 'jose'],
    './native': [],
    './tokens': ['oauth4webapi', 'jose'],
    './github': ['oauth4webapi', 'jose'],
  };
  for (const [subpath, packages] of Object.entries(allowed)) {
    it(`latchkey${subpath.slice(1)}: ${packages.join(', ') || 'no packages'}`, () => {
      const entry = pkg.exports[subpath] as { default: string };
      const found = [...reachablePackages(join(root, entry.default))].sort();
      for (const name of found) assert.ok(packages.includes(name), `${subpath} reaches ${name}`);
    });
  }
});
