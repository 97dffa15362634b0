// README's twenty-line example is real code: it must match examples/readme/server.ts line for
// line (imports included), type-check with the rest of the repo, start, and begin a GitHub sign-in.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from './helpers.ts';

const root = join(import.meta.dirname, '..');
const code = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => !line.startsWith('//'))
    .map((line) => line.trimEnd())
    .filter(Boolean);

describe('README example', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-readme-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is the same code as examples/readme/server.ts', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /## Twenty lines[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(block, 'README has the example block');
    const example = readFileSync(join(root, 'examples/readme/server.ts'), 'utf8');
    assert.deepEqual(code(block), code(example));
    assert.ok(block.trim().split('\n').length <= 25, 'about twenty lines');
  });

  it('starts, serves the signed-out page and redirects to GitHub with state and PKCE', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      // The example imports `latchkey/...` like an app; this condition resolves them to src/.
      ['--conditions=latchkey-source', join(root, 'examples/readme/server.ts')],
      {
        cwd: dir,
        env: {
          ...process.env,
          PORT: String(port),
          GITHUB_CLIENT_ID: 'Iv1.readme',
          GITHUB_CLIENT_SECRET: 'readme-secret',
          SESSION_SECRET: 'x'.repeat(40),
        },
        stdio: 'inherit',
      },
    );
    try {
      let home: Response | undefined;
      for (let i = 0; i < 100 && !home; i++) {
        home = await fetch(`http://localhost:${port}/`).catch(() => undefined);
        if (!home) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(home, 'server came up');
      assert.match(await home.text(), /href="\/auth\/github"/);
      const start = await fetch(`http://localhost:${port}/auth/github`, { redirect: 'manual' });
      assert.equal(start.status, 302);
      const location = new URL(start.headers.get('location')!);
      assert.equal(location.origin + location.pathname, 'https://github.com/login/oauth/authorize');
      assert.equal(location.searchParams.get('client_id'), 'Iv1.readme');
      assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
      assert.ok((location.searchParams.get('state') ?? '').length >= 22);
      assert.ok(start.headers.get('set-cookie'), 'flow cookie set');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
