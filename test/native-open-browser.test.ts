// The default browser opener: $BROWSER is honoured, the URL is one argument (never parsed by a
// shell), and a missing program rejects without the URL in the error.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { browserCommands, openSystemBrowser } from '../src/native/open-browser.ts';

let dir: string;
const saved = process.env.BROWSER;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latchkey-browser-'));
});
after(async () => {
  if (saved === undefined) delete process.env.BROWSER;
  else process.env.BROWSER = saved;
  await rm(dir, { recursive: true, force: true });
});

test('$BROWSER receives the URL verbatim as one argument', async () => {
  const script = join(dir, 'fake-browser.sh');
  const record = join(dir, 'opened.txt');
  await writeFile(script, `#!/bin/sh\nprintf '%s|%s' "$#" "$1" > '${record}'\n`);
  await chmod(script, 0o755);
  process.env.BROWSER = `/nonexistent/browser:${script}`;
  const url = 'http://127.0.0.1:9/auth/github?redirect_uri=x&state=a;b$(touch pwned)`c`';
  await openSystemBrowser(url);
  assert.equal(await readFile(record, 'utf8'), `1|${url}`);
});

test('a browser that cannot be launched rejects without leaking the URL', async () => {
  process.env.BROWSER = '/nonexistent/browser';
  const url = 'http://127.0.0.1:9/auth/github?state=SECRET-STATE';
  await assert.rejects(openSystemBrowser(url), (error: Error) => {
    const cause = error.cause as Error;
    return !error.message.includes('SECRET') && !cause.message.includes('SECRET');
  });
});

test('platform defaults and %s substitution', () => {
  const url = 'http://x/?a=1&b=2';
  assert.deepEqual(browserCommands(url, {}, 'linux'), [['xdg-open', [url]]]);
  assert.deepEqual(browserCommands(url, {}, 'darwin'), [['open', [url]]]);
  assert.deepEqual(browserCommands(url, {}, 'win32'), [
    ['rundll32', ['url.dll,FileProtocolHandler', url]],
  ]);
  assert.deepEqual(browserCommands(url, { BROWSER: 'firefox --new-tab %s' }, 'linux'), [
    ['firefox', ['--new-tab', url]],
  ]);
  // `$&` and friends in a URL are text, not replacement patterns.
  const tricky = "http://x/?a=$&b=$'c=$`";
  assert.deepEqual(browserCommands(tricky, { BROWSER: 'b %s' }, 'linux'), [['b', [tricky]]]);
});
