// The session, core, store, storage, PostgreSQL-scale, session-cache, middleware and sign-in
// benchmarks run end to end in `--quick` mode and print one valid JSON line per benchmark (or
// per store, or per size). Not a measurement: the figures of a quick run mean nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const bench = (name: string) => fileURLToPath(new URL(`../bench/${name}`, import.meta.url));

/** Runs a bench script; resolves its stdout's JSON lines, rejects on a failure or a timeout. */
function runQuick(
  script: string,
  args: string[],
  timeout = 90_000,
): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bench(script), ...args, '--quick'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${script} exited ${code}: ${err.slice(-2000)}`));
      try {
        resolve(
          out
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as Record<string, unknown>),
        );
      } catch (error) {
        reject(error);
      }
    });
  });
}

describe('benchmarks run in --quick mode', () => {
  for (const store of ['postgres', 'mysql', 'redis']) {
    it(`bench/stores.ts --store ${store}`, async () => {
      const [line, ...rest] = await runQuick('stores.ts', ['--store', store]);
      assert.equal(rest.length, 0);
      assert.equal(line!.benchmark, 'store');
      assert.equal(line!.store, store);
      assert.ok((line!.ratio_to_raw as number) > 0);
    });
  }

  it('bench/cache.ts', async () => {
    const lines = await runQuick('cache.ts', []);
    assert.deepEqual(
      lines.map((l) => [l.benchmark, l.store]),
      [
        ['session-cache', 'sqlite'],
        ['session-cache', 'postgres'],
      ],
    );
    for (const line of lines) assert.ok((line.ratio_to_bare as number) > 0);
  });

  it('bench/storage.ts', async () => {
    const lines = await runQuick('storage.ts', []);
    assert.deepEqual(
      lines.map((l) => [l.benchmark, l.store, l.sessions]),
      [
        ['storage', 'postgres', 5_000],
        ['storage', 'mysql', 5_000],
        ['storage', 'sqlite', 5_000],
        ['storage', 'redis', 5_000],
      ],
    );
    for (const line of lines) {
      // Bounds loose enough for any engine version, tight enough to catch a wrong divisor.
      assert.ok((line.bytes_per_session as number) > 50, JSON.stringify(line));
      assert.ok((line.bytes_per_session as number) < 5_000, JSON.stringify(line));
      if (line.store !== 'redis') {
        assert.ok((line.bytes_per_account_and_user as number) > 50, JSON.stringify(line));
      }
    }
  });

  it('bench/pg-scale.ts', async () => {
    const lines = await runQuick('pg-scale.ts', []);
    assert.deepEqual(
      lines.map((l) => [l.benchmark, l.sessions ?? l.largest]),
      [
        ['pg-scale', 500],
        ['pg-scale', 2_000],
        ['pg-scale-summary', 2_000],
      ],
    );
    for (const line of lines.slice(0, 2)) assert.ok((line.ratio_to_raw as number) > 0);
    assert.ok((lines[2]!.latchkey_largest_to_smallest as number) > 0);
  });

  it('bench/session.ts (npm run bench)', async () => {
    const [line, ...rest] = await runQuick('session.ts', [], 180_000);
    assert.equal(rest.length, 0);
    assert.equal(line!.benchmark, 'session');
    for (const field of ['ratio_to_raw', 'flatness', 'inprocess_ratio', 'inprocess_raw_us']) {
      assert.ok((line![field] as number) > 0, `${field}: ${JSON.stringify(line)}`);
    }
  });

  it('bench/core.ts', async () => {
    const [line, ...rest] = await runQuick('core.ts', []);
    assert.equal(rest.length, 0);
    assert.equal(line!.benchmark, 'core');
    for (const field of ['validate_ns', 'parse_token_ns', 'sha256_compare_ns']) {
      assert.ok((line![field] as number) > 0, `${field}: ${JSON.stringify(line)}`);
    }
  });

  it('bench/middleware.ts', async () => {
    const [line, ...rest] = await runQuick('middleware.ts', []);
    assert.equal(rest.length, 0);
    assert.equal(line!.benchmark, 'middleware');
    for (const framework of ['hono', 'express', 'node']) {
      assert.ok((line![`${framework}_ratio`] as number) > 0, JSON.stringify(line));
    }
  });

  it('bench/signin.ts', async () => {
    const [line, ...rest] = await runQuick('signin.ts', []);
    assert.equal(rest.length, 0);
    assert.equal(line!.benchmark, 'sign-in');
    assert.ok((line!.sign_ins_per_s as number) > 0);
    assert.ok((line!.latchkey_p50_ms as number) > 0);
  });
});
