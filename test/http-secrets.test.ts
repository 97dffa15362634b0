// Secrets that must never leave where they belong: the PKCE verifier stays in the sealed,
// HttpOnly flow cookie (never in a URL, a log line or a readable cookie), and a copy of every
// row of the store cannot be turned into a working session token.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { FLOW_SEAL_PURPOSE } from '../src/http/handler.ts';
import { createSealer } from '../src/http/seal.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import { Browser, createHarness, ORIGIN, SECRET } from './http-harness.ts';

describe('the PKCE verifier', () => {
  it('never appears in a URL, a log line or a cookie a script can read', async () => {
    const h = await createHarness();
    try {
      const sealer = createSealer(SECRET, FLOW_SEAL_PURPOSE);
      const seen: string[] = []; // every URL and Set-Cookie the browser got
      const verifiers: string[] = [];
      for (const tamper of [false, true]) {
        const b = new Browser();
        const start = b.absorb(await h.handler.fetch(b.request(`${ORIGIN}/auth/github`)));
        const authorizationURL = start.headers.get('location')!;
        const setCookie = start.headers.getSetCookie()[0]!;
        assert.match(setCookie, /; HttpOnly/i);
        const flow = (await sealer.open(
          setCookie.split(';')[0]!.split('=')[1]!,
          'flow:github',
        )) as {
          codeVerifier: string;
        };
        assert.match(flow.codeVerifier, /^[A-Za-z0-9_-]{43,128}$/);
        verifiers.push(flow.codeVerifier);
        assert.ok(new URL(authorizationURL).searchParams.get('code_challenge'));
        const atDouble = await fetch(authorizationURL, { redirect: 'manual' });
        const callback = new URL(atDouble.headers.get('location')!);
        // A code the provider refuses: the failure is logged.
        if (tamper) callback.searchParams.set('code', 'not-a-code');
        const done = b.absorb(await h.handler.fetch(b.request(callback.href)));
        seen.push(authorizationURL, callback.href, setCookie, done.headers.get('location') ?? '');
        seen.push(...done.headers.getSetCookie());
      }
      assert.ok(h.logs.length > 0, 'the failed sign-in was logged');
      const logged = JSON.stringify(h.logs);
      for (const verifier of verifiers) {
        for (const text of seen)
          assert.ok(!text.includes(verifier), `verifier in ${text.slice(0, 60)}`);
        assert.ok(!logged.includes(verifier), 'verifier in a log line');
      }
    } finally {
      await h.close();
    }
  });
});

describe('a dump of the store', () => {
  it('cannot sign anyone in: no stored value or id forms a session token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-dump-'));
    const file = join(dir, 'dump.db');
    const h = await createHarness(
      {},
      () => [],
      (now) => sqliteStore(file, { now }),
    );
    try {
      const tokens: string[] = [];
      for (const login of ['octocat', 'hubot', 'octocat']) {
        h.double.approveAs(login);
        const b = new Browser();
        await h.signIn(b);
        tokens.push(b.cookies.get('__Host-latchkey_session')!);
      }
      for (const token of tokens) assert.ok(await h.auth.validateSession(token), 'live sessions');

      // Every row of every table, every column as text (blobs as hex, base64url and base32).
      const db = new DatabaseSync(file, { readOnly: true });
      const values = new Set<string>();
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
        name: string;
      }[];
      for (const { name } of tables) {
        for (const row of db.prepare(`SELECT * FROM "${name}"`).all()) {
          for (const value of Object.values(row as Record<string, unknown>)) {
            if (value instanceof Uint8Array) {
              const bytes = Buffer.from(value);
              values.add(bytes.toString('hex'));
              values.add(bytes.toString('base64url'));
              values.add(bytes.toString('utf8'));
            } else if (value !== null) {
              values.add(String(value));
            }
          }
        }
      }
      db.close();
      assert.ok(values.size > 20, `${values.size} stored values`);
      // No stored value is a token or holds one.
      for (const value of values) {
        for (const token of tokens) {
          assert.ok(!value.includes(token.slice(4)), 'a token is stored');
          assert.ok(!value.includes(token.split('.')[1]!), 'a token secret is stored');
        }
      }
      // Every pairing of a stored value as the id with a stored value as the secret.
      let tried = 0;
      for (const id of values) {
        if (id.length > 64) continue;
        for (const secret of values) {
          if (secret.length > 128) continue;
          tried++;
          assert.equal(await h.auth.validateSession(`lks_${id}.${secret}`), null);
        }
        assert.equal(await h.auth.validateSession(id), null);
      }
      assert.ok(tried > 400, `${tried} candidates tried`);
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
