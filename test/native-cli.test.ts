// The reference native app: `latchkey login`, `whoami` and `logout` against the test server,
// with Chromium as the browser and the token file in a temporary config directory.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { run as login } from '../src/cli/login.ts';
import { run as logout } from '../src/cli/logout.ts';
import { run as whoami } from '../src/cli/whoami.ts';
import type { CliDeps } from '../src/cli/session-options.ts';
import { defaultConfigDir, fileTokenStore } from '../src/native/token-store.ts';
import {
  answerConfirmation,
  CHROMIUM_OPTIONS,
  startHarness,
  type Harness,
} from './native-harness.ts';

let harness: Harness;
let browser: Browser;
let dir: string;

before(async () => {
  harness = await startHarness({ deviceInterval: 1 });
  browser = await chromium.launch(CHROMIUM_OPTIONS);
  dir = await mkdtemp(join(tmpdir(), 'latchkey-cli-'));
});
after(async () => {
  await browser?.close();
  await harness?.close();
  await rm(dir, { recursive: true, force: true });
});

function io(tokenPath: string, extra: Partial<CliDeps> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const deps: CliDeps = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    tokenStore: fileTokenStore({ path: tokenPath }),
    signal: new AbortController().signal,
    openBrowser: async (url) => {
      const page = await browser.newPage();
      await page.goto(url);
      await answerConfirmation(page);
      await page.fill('#login', 'octocat');
      await page.click('button[value="authorize"]');
    },
    ...extra,
  };
  return { out, err, deps };
}

describe('latchkey CLI', () => {
  test('login → whoami → logout, with a private token file', async () => {
    const tokenPath = join(dir, 'config', 'latchkey', 'tokens.json');
    const first = io(tokenPath);
    assert.equal(await login(['--server', harness.url, '--provider', 'github'], first.deps), 0);
    assert.match(first.err.join('\n'), /Opening your browser/);
    assert.match(first.out.join('\n'), /Signed in to .* as octocat/);
    const file = await stat(tokenPath);
    assert.equal(file.mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'config', 'latchkey'))).mode & 0o777, 0o700);
    const saved = JSON.parse(await readFile(tokenPath, 'utf8')) as {
      sessions: Record<string, { token: string }>;
    };
    const token = saved.sessions[harness.url]!.token;
    assert.ok(await harness.auth.validateSession(token));
    for (const line of [...first.out, ...first.err]) assert.ok(!line.includes(token));

    const me = io(tokenPath);
    assert.equal(await whoami([], me.deps), 0, me.err.join('\n'));
    assert.match(me.out.join('\n'), /octocat/);

    const bye = io(tokenPath);
    assert.equal(await logout([], bye.deps), 0);
    assert.match(bye.out.join('\n'), /Signed out/);
    assert.equal(await harness.auth.validateSession(token), null, 'revoked on the server');
    await assert.rejects(stat(tokenPath), /ENOENT/);
    const after = io(tokenPath);
    assert.equal(await whoami(['--server', harness.url], after.deps), 1);
    assert.match(after.err.join('\n'), /Not signed in/);
  });

  test('login --device shows the code and signs in when the browser enters it', async () => {
    const tokenPath = join(dir, 'device', 'tokens.json');
    const page = await browser.newPage();
    const cli = io(tokenPath, {
      env: { LATCHKEY_SERVER: harness.url },
      stderr: (line) => {
        const match = /enter the code:\s+(\S+)/.exec(line);
        if (!match) return;
        void (async () => {
          await page.goto(`${harness.url}/auth/device`);
          await page.fill('#user_code', match[1]!);
          await page.click('button[type="submit"]');
          await page.click('text=Continue with GitHub');
          await page.fill('#login', 'octocat');
          await page.click('button[value="authorize"]');
        })();
      },
    });
    assert.equal(await login(['--device'], cli.deps), 0);
    assert.match(cli.out.join('\n'), /Signed in/);
    assert.equal((await stat(tokenPath)).mode & 0o777, 0o600);
    await page.close();
  });

  test('no browser: prints the URL to open; then times out with a clear message', async () => {
    const cli = io(join(dir, 'none', 'tokens.json'), {
      openBrowser: async () => {
        throw new Error('no display');
      },
    });
    const code = await login(['--server', harness.url, '--timeout', '0.5'], cli.deps);
    assert.equal(code, 1);
    const text = cli.err.join('\n');
    assert.match(text, /Could not open a browser/);
    assert.match(text, new RegExp(`${harness.url}/auth/github\\?redirect_uri=`));
    assert.match(text, /Timed out/);
  });

  test('usage errors exit 2', async () => {
    const cli = io(join(dir, 'x.json'));
    assert.equal(await login([], cli.deps), 2);
    assert.match(cli.err.join('\n'), /--server/);
    assert.equal(await login(['--bogus'], cli.deps), 2);
  });

  test('the config directory follows XDG_CONFIG_HOME and APPDATA', () => {
    assert.equal(defaultConfigDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux'), '/x/cfg/latchkey');
    assert.match(defaultConfigDir({}, 'linux'), /\.config\/latchkey$/);
    assert.match(
      defaultConfigDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32'),
      /latchkey$/,
    );
  });
});
