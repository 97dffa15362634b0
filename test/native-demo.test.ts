// Issue 5's "done when": the real `latchkey` CLI, run as a child process, signs in against the
// demo server (`npm start`'s app, in-process, on a temporary SQLite file with the GitHub double
// as its development provider) in a real headless Chromium — by loopback, with `$BROWSER`
// handing the URL to Chromium, and by device code, with Chromium entering the user code. Then
// `whoami` names the user, the demo's session list shows the CLI session, and `logout` ends it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemo, type Demo } from '../demo/app.ts';
import { answerConfirmation, CHROMIUM_OPTIONS } from './native-harness.ts';

const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');

let demo: Demo;
let browser: Browser;
let dir: string;
let opener: Server;
let openerURL: string;
/** What the `$BROWSER` script was asked to open, and what Chromium then did with it. */
const opened: Array<{ url: string; done: Promise<void> }> = [];
const children = new Set<ChildProcess>();

/** Signs in at the GitHub double's own page as `login` (the page is on the double's origin). */
async function authorizeAtDouble(page: Page, login: string): Promise<void> {
  await page.waitForSelector('#login');
  assert.ok(page.url().startsWith(demo.double!.url), 'on the double’s sign-in page');
  await page.fill('#login', login);
  await page.click('button[value="authorize"]');
}

/** The person's browser, as `$BROWSER`: open the URL and sign in at the double. */
async function browse(url: string): Promise<void> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await answerConfirmation(page);
    await authorizeAtDouble(page, 'octocat');
    // The CLI's loopback listener answers the redirect with its own page.
    await page.waitForSelector('h1:text("Signed in")', { timeout: 15_000 });
    assert.match(page.url(), /^http:\/\/127\.0\.0\.1:\d+\/callback\?code=lkc_/);
  } finally {
    await page.close();
  }
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node src/cli/main.ts ...args` with a private config directory and `$BROWSER`. */
function cli(args: string[], onStderr?: (line: string) => void): Promise<Run> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: join(dir, 'home'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    // Split on whitespace by the CLI: the absolute node binary, the script, then the URL.
    BROWSER: `${process.execPath} ${join(dir, 'open-in-chromium.mjs')}`,
    LATCHKEY_TEST_OPENER: openerURL,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: 'pipe' });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      pending += chunk.toString();
      let end: number;
      while ((end = pending.indexOf('\n')) !== -1) {
        onStderr?.(pending.slice(0, end));
        pending = pending.slice(end + 1);
      }
    });
    child.once('error', reject);
    child.once('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The demo's session list for octocat, as a signed-in browser sees it. */
async function sessionList(): Promise<Array<{ client: string; text: string }>> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${demo.url}/`);
    await page.click('#sign-in-github');
    await authorizeAtDouble(page, 'octocat');
    await page.waitForSelector('#sessions');
    assert.equal(await page.textContent('#signed-in-as'), 'Signed in as The Octocat');
    return await page.$$eval('#sessions li.session', (items) =>
      items.map((li) => ({
        client: li.getAttribute('data-client') ?? '',
        text: (li.textContent ?? '').replace(/\s+/g, ' '),
      })),
    );
  } finally {
    await context.close();
  }
}

before(async () => {
  assert.ok(existsSync(CHROMIUM_OPTIONS.executablePath), 'Chromium is installed');
  assert.ok(!/\s/.test(process.execPath), 'the node path has no spaces ($BROWSER is split)');
  dir = mkdtempSync(join(tmpdir(), 'latchkey-native-demo-'));
  demo = await startDemo({
    port: 0,
    host: '127.0.0.1',
    databasePath: join(dir, 'demo.db'),
    sessionSecret: 'native-demo-test-secret-0123456789',
    log: () => {},
  });
  browser = await chromium.launch(CHROMIUM_OPTIONS);
  // `$BROWSER` is this script: it hands the URL to the test process, which drives Chromium.
  writeFileSync(
    join(dir, 'open-in-chromium.mjs'),
    `const response = await fetch(process.env.LATCHKEY_TEST_OPENER, { method: 'POST', body: process.argv[2] });\n` +
      `process.exit(response.ok ? 0 : 1);\n`,
  );
  opener = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const done = browse(body);
      done.catch(() => {}); // reported by the test that awaits it
      opened.push({ url: body, done });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => opener.listen(0, '127.0.0.1', resolve));
  openerURL = `http://127.0.0.1:${(opener.address() as AddressInfo).port}/open`;
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await browser?.close();
  await new Promise<void>((resolve) => (opener ? opener.close(() => resolve()) : resolve()));
  await demo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('latchkey CLI against the demo server', () => {
  it('login (loopback, $BROWSER → Chromium) → whoami → session list → logout', async () => {
    const login = await cli(['login', '--server', demo.url, '--timeout', '60']);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stderr, /Opening your browser/);
    assert.match(login.stdout, new RegExp(`Signed in to ${demo.url} as octocat`));
    assert.equal(opened.length, 1, 'the browser was opened once');
    await opened[0]!.done;
    const url = new URL(opened[0]!.url);
    assert.equal(`${url.origin}${url.pathname}`, `${demo.url}/auth/github`);
    assert.match(url.searchParams.get('redirect_uri')!, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    const tokenFile = join(dir, 'config', 'latchkey', 'tokens.json');
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    assert.ok(!`${login.stdout}${login.stderr}`.includes('lks_'), 'the token is never printed');

    const whoami = await cli(['whoami']);
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.match(whoami.stdout, new RegExp(`octocat \\(user \\w+\\) on ${demo.url}`));

    const listed = await sessionList();
    const cliSessions = listed.filter((s) => s.client === 'native');
    assert.equal(cliSessions.length, 1, JSON.stringify(listed));
    assert.match(cliSessions[0]!.text, /CLI session \(browser sign-in\)/);

    const logout = await cli(['logout']);
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stdout, new RegExp(`Signed out of ${demo.url}`));
    assert.ok(!existsSync(tokenFile), 'the local copy is gone');
    const afterLogout = await sessionList();
    assert.equal(afterLogout.filter((s) => s.client === 'native').length, 0, 'revoked');
    const whoamiAgain = await cli(['whoami', '--server', demo.url]);
    assert.equal(whoamiAgain.code, 1);
    assert.match(whoamiAgain.stderr, /Not signed in/);
  });

  it('login --device: Chromium enters the user code → whoami → session list → logout', async () => {
    const page = await browser.newPage();
    let browsing: Promise<void> | null = null;
    let shown: string | null = null;
    const login = await cli(['login', '--device', '--server', demo.url], (line) => {
      const match = /enter the code:\s+([A-Z]{4}-[A-Z]{4})/.exec(line);
      if (!match || browsing) return;
      shown = match[1]!;
      browsing = (async () => {
        await page.goto(`${demo.url}/auth/device`);
        await page.fill('#user_code', shown!);
        await page.click('button[type="submit"]');
        assert.equal(await page.textContent('#shown-code'), shown);
        await page.click('text=Continue with GitHub');
        await authorizeAtDouble(page, 'octocat');
        await page.waitForSelector('text=Your device is signed in');
      })();
      browsing.catch(() => {}); // awaited below
    });
    assert.equal(login.code, 0, login.stderr);
    assert.ok(shown, 'the CLI showed a user code');
    await browsing;
    await page.close();
    assert.match(login.stderr, new RegExp(`visit ${demo.url}/auth/device`));
    assert.match(login.stdout, new RegExp(`Signed in to ${demo.url} as octocat`));
    assert.equal(opened.length, 1, 'no browser was opened by the CLI');

    const whoami = await cli(['whoami', '--server', demo.url]);
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.match(whoami.stdout, /octocat/);
    const listed = await sessionList();
    assert.equal(listed.filter((s) => s.client === 'device').length, 1, JSON.stringify(listed));
    assert.ok(listed.some((s) => /CLI session \(device code\)/.test(s.text)));

    const logout = await cli(['logout', '--server', demo.url]);
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stdout, /Signed out/);
    assert.equal((await sessionList()).filter((s) => s.client === 'device').length, 0);
  });

  it('`latchkey help` lists login, whoami and logout; --base-path is checked', async () => {
    const help = await cli(['help']);
    assert.equal(help.code, 0);
    for (const command of ['migrate', 'login', 'whoami', 'logout']) {
      assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'), command);
    }
    assert.equal((await cli(['whoami', '--server', demo.url, '--base-path', 'auth/'])).code, 2);
    const prefixed = await cli([
      'login',
      '--server',
      demo.url,
      '--base-path',
      '/other',
      '--device',
    ]);
    assert.equal(prefixed.code, 1, 'the demo has no routes under /other');
    assert.match(prefixed.stderr, /Sign-in failed|Could not reach/);
  });
});
