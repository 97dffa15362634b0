// The demo as `npm start` runs it (a child process on a free port, SQLite file in a temp
// directory, clean stop on SIGTERM), and its pages (escaping, sessions, CSRF-checked forms).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startDemo, type Demo } from '../demo/app.ts';
import { dropTablesSql } from '../src/stores/migrations.ts';
import { MYSQL_URL, POSTGRES_URL, uniqueSuffix } from './helpers.ts';

// Exactly what `npm start` runs (`node <flags> demo/main.ts`), with this Node and absolute paths.
const START = (
  JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }
).scripts.start
  .split(' ')
  .slice(1)
  .map((arg) => (arg.endsWith('.ts') ? resolve(arg) : arg));

function run(env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, START, {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, exited, output: () => output };
}

describe('npm start', () => {
  it('serves on the printed URL with a migrated SQLite file and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-demo-'));
    try {
      const demo = run({ PORT: '0' }, dir);
      const deadline = Date.now() + 15_000;
      let url: string | undefined;
      while (!url && Date.now() < deadline) {
        url = /listening on (http:\/\/localhost:\d+)/.exec(demo.output())?.[1];
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(url, `no URL printed: ${demo.output()}`);
      assert.match(demo.output(), /SESSION_SECRET is not set/);
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /Development provider/);
      assert.match(html, /Sign in with GitHub/);
      assert.ok(existsSync(join(dir, 'latchkey.db')));
      demo.child.kill('SIGTERM');
      assert.equal(await demo.exited, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a SESSION_SECRET shorter than 32 bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-demo-'));
    try {
      const demo = run({ PORT: '0', SESSION_SECRET: 'short' }, dir);
      assert.equal(await demo.exited, 1);
      assert.match(demo.output(), /SESSION_SECRET must be at least 32 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('demo pages', () => {
  let demo: Demo;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-demo-'));
    demo = await startDemo({
      port: 0,
      host: '127.0.0.1',
      databasePath: join(dir, 'demo.db'),
      sessionSecret: 'demo-test-secret-0123456789abcdefghij',
      log: () => {},
    });
  });
  after(async () => {
    await demo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(login: string, userAgent: string): Promise<string> {
    demo.double!.approveAs(login);
    const start = await fetch(`${demo.url}/auth/github`, {
      redirect: 'manual',
      headers: { 'user-agent': userAgent },
    });
    const flow = start.headers.getSetCookie()[0]!.split(';')[0]!;
    const atDouble = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const callback = await fetch(atDouble.headers.get('location')!, {
      redirect: 'manual',
      headers: { cookie: flow, 'user-agent': userAgent },
    });
    assert.equal(callback.status, 302);
    // The development cookie's name carries the demo's port.
    const name = `latchkey_session_${new URL(demo.url).port}=`;
    const session = callback.headers.getSetCookie().find((c) => c.startsWith(name))!;
    return session.split(';')[0]!;
  }

  it('escapes every value on the page and lists browser and CLI sessions', async () => {
    demo.double!.addUser({ login: 'mallory', name: '<img src=x onerror=alert(1)>' });
    const cookie = await signIn('mallory', 'Mozilla/5.0 <script>alert(2)</script>');
    await signIn('mallory', 'latchkey-cli/0.1');
    const html = await (await fetch(`${demo.url}/`, { headers: { cookie } })).text();
    assert.ok(!html.includes('<img src=x'));
    assert.ok(!html.includes('<script>alert(2)'));
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(html, /This browser/);
    assert.match(html, /CLI session/);
    assert.match(
      html,
      /action="\/auth\/logout" method="post"|method="post" action="\/auth\/logout"/,
    );
  });

  it('shows only known sign-in error codes, never the text of the link', async () => {
    const known = await (await fetch(`${demo.url}/?error=access_denied`)).text();
    assert.match(known, /Sign-in failed: <code>access_denied<\/code>/);
    for (const crafted of ['%3Cb%3Eaccess_denied', 'call_support_at_evil_example', 'toString']) {
      const html = await (await fetch(`${demo.url}/?error=${crafted}`)).text();
      assert.match(html, /Sign-in failed: <code>oauth_error<\/code>/, crafted);
      assert.ok(!html.includes('evil_example') && !html.includes('access_denied'), crafted);
    }
  });

  it('its forms are CSRF-checked: a cross-site sign-out is refused', async () => {
    const cookie = await signIn('octocat', 'Browser');
    const forged = await fetch(`${demo.url}/auth/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: 'http://evil.test', accept: 'text/html' },
    });
    assert.equal(forged.status, 403);
    assert.match(
      await (await fetch(`${demo.url}/`, { headers: { cookie } })).text(),
      /Signed in as/,
    );
    const real = await fetch(`${demo.url}/auth/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: demo.url, accept: 'text/html' },
    });
    assert.equal(real.status, 303);
    assert.equal(real.headers.get('location'), `${demo.url}/`);
    assert.match(
      await (await fetch(`${demo.url}/`, { headers: { cookie } })).text(),
      /Sign in with GitHub/,
    );
  });
});

describe('demo on DATABASE_URL', () => {
  for (const [engine, url] of [
    ['postgres', POSTGRES_URL],
    ['mysql', MYSQL_URL],
  ] as const) {
    it(`signs in on ${engine} through openStore`, async () => {
      const tablePrefix = `lkdemo_${uniqueSuffix()}_`;
      const demo = await startDemo({
        port: 0,
        host: '127.0.0.1',
        databaseURL: url,
        tablePrefix,
        sessionSecret: 'demo-test-secret-0123456789abcdefghij',
        log: () => {},
      });
      try {
        demo.double!.approveAs('hubot');
        const start = await fetch(`${demo.url}/auth/github`, { redirect: 'manual' });
        const flow = start.headers.getSetCookie()[0]!.split(';')[0]!;
        const atDouble = await fetch(start.headers.get('location')!, { redirect: 'manual' });
        const callback = await fetch(atDouble.headers.get('location')!, {
          redirect: 'manual',
          headers: { cookie: flow },
        });
        assert.equal(callback.status, 302);
        const cookie = callback.headers
          .getSetCookie()
          .find((c) => c.startsWith(`latchkey_session_${new URL(demo.url).port}=`))!;
        const html = await (
          await fetch(`${demo.url}/`, { headers: { cookie: cookie.split(';')[0]! } })
        ).text();
        assert.match(html, /Signed in as hubot/);
      } finally {
        await demo.close();
        await dropTables(engine, url, tablePrefix);
      }
    });
  }
});

async function dropTables(
  engine: 'postgres' | 'mysql',
  url: string,
  prefix: string,
): Promise<void> {
  if (engine === 'postgres') {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    for (const sql of dropTablesSql('postgres', prefix)) await pool.query(sql);
    await pool.end();
  } else {
    const pool = mysql.createPool({ uri: url, connectionLimit: 1 });
    for (const sql of dropTablesSql('mysql', prefix)) await pool.query(sql);
    await pool.end();
  }
}
