// The form_post callback route (Apple): a cross-site POST without the SameSite=Lax flow cookie
// is re-posted same-site by a page of ours; everything else about the post is checked before
// anything is counted or written.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createLatchkey } from '../src/core/latchkey.ts';
import { createAuthHandler, type AuthHandler } from '../src/http/index.ts';
import type { OAuthProvider } from '../src/oauth/provider.ts';
import { apple } from '../src/providers/apple.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { applePreset } from '../src/testing/presets/apple.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import { appleKey, KEY_ID, readFormPost, SERVICES_ID, TEAM_ID } from './apple-helpers.ts';
import { Browser, countingStore, ORIGIN, SECRET, type CountingStore } from './http-harness.ts';

let double: ProviderDouble;
let handler: AuthHandler;
let counting: CountingStore;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

before(async () => {
  const key = await appleKey();
  double = await startProviderDouble(applePreset, {
    clients: [{ clientId: SERVICES_ID, jwks: key.jwks, issuer: TEAM_ID }],
    users: [{ id: '000123.abc.0456', email: 'ada@example.com', name: 'Ada Lovelace' }],
  });
  const config = { clientId: SERVICES_ID, teamId: TEAM_ID, keyId: KEY_ID, privateKey: key.pem };
  const p = apple({ ...config, issuer: double.url });
  // The same provider under another id, without form_post: its callback stays GET-only.
  const plain: OAuthProvider = { ...p, id: 'plain', formPostCallback: false };
  counting = countingStore(memoryStore());
  const auth = createLatchkey({ store: counting.store });
  handler = createAuthHandler(auth, { providers: [p, plain], secret: SECRET, rateLimit: false });
});
after(() => double.close());

let writesBefore = 0;
beforeEach(() => (writesBefore = counting.writes()));
const wrote = () => counting.writes() - writesBefore;

/** Starts a sign-in; returns the fields Apple's page posts back. */
async function start(browser: Browser, query = ''): Promise<URLSearchParams | URL> {
  const res = browser.absorb(await handler.fetch(browser.request(`${ORIGIN}/auth/apple${query}`)));
  assert.equal(res.status, 302);
  const atApple = await fetch(res.headers.get('location')!, { redirect: 'manual' });
  if (atApple.status === 302) return new URL(atApple.headers.get('location')!);
  const { action, fields } = readFormPost(await atApple.text());
  assert.equal(action, `${ORIGIN}/auth/apple/callback`);
  return fields;
}

const post = (browser: Browser, body: BodyInit, init: RequestInit = {}, path = 'apple') =>
  handler.fetch(
    browser.request(`${ORIGIN}/auth/${path}/callback`, {
      method: 'POST',
      headers: FORM,
      body,
      ...init,
    }),
  );

describe('form_post callbacks', () => {
  it('re-posts a cross-site post same-site, then signs in (303) with the name Apple sent once', async () => {
    const browser = new Browser();
    const fields = (await start(browser)) as URLSearchParams;
    // Cross-site: the browser leaves the Lax flow cookie out.
    const crossSite = await handler.fetch(
      new Request(`${ORIGIN}/auth/apple/callback`, { method: 'POST', headers: FORM, body: fields }),
    );
    assert.equal(crossSite.status, 200);
    assert.equal(wrote(), 0, 'the re-post page writes nothing');
    assert.equal(crossSite.headers.get('cache-control'), 'no-store');
    const hash = createHash('sha256').update('document.forms[0].submit()').digest('base64');
    assert.equal(
      crossSite.headers.get('content-security-policy'),
      `default-src 'none'; script-src 'sha256-${hash}'; base-uri 'none'; frame-ancestors 'none'`,
    );
    const page = readFormPost(await crossSite.text());
    assert.equal(page.action, '/auth/apple/callback');
    assert.equal(page.fields.get('latchkey_resubmit'), '1');
    for (const [k, v] of fields) assert.equal(page.fields.get(k), v, k);

    const done = browser.absorb(await post(browser, page.fields));
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), `${ORIGIN}/`);
    const session = await handler.fetch(browser.request(`${ORIGIN}/auth/session`));
    assert.equal(session.status, 200);
    const { user } = (await session.json()) as { user: { id: string; attributes: object } };
    // The name from Apple's first-authorization `user` field became the new user's name.
    assert.equal((user.attributes as { name?: string }).name, 'Ada Lovelace');
  });

  it('escapes what it reflects: a hostile field cannot break out of the page', async () => {
    const hostile = new URLSearchParams({ state: '"><script>alert(1)</script>', code: "x'y" });
    const res = await post(new Browser(), hostile);
    const html = await res.text();
    assert.ok(!html.includes('<script>alert'), html);
    assert.equal((html.match(/<script>/g) ?? []).length, 1);
    assert.equal(readFormPost(html).fields.get('state'), hostile.get('state'));
  });

  it('a re-posted form still without the cookie ends at missing_flow_cookie, writing nothing', async () => {
    const res = await post(new Browser(), 'code=c&state=s&latchkey_resubmit=1');
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<code>missing_flow_cookie<\/code>/);
    assert.equal(wrote(), 0);
  });

  it('refuses a post for a provider without form_post, and bad bodies, writing nothing', async () => {
    const browser = new Browser();
    await start(browser);
    const fine = 'code=c&state=s';
    assert.equal((await post(browser, fine, {}, 'plain')).status, 405);
    const json = { headers: { 'content-type': 'application/json' } };
    assert.equal((await post(browser, '{"code":"c"}', json)).status, 415);
    assert.equal(
      (await post(browser, fine, { headers: { 'content-type': 'text/plain' } })).status,
      415,
    );
    assert.equal((await post(browser, `state=${'s'.repeat(17 * 1024)}`)).status, 413);
    // Without a declared length (a stream): cut off at the limit all the same.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 40; i++) c.enqueue(new TextEncoder().encode('a'.repeat(1024)));
        c.close();
      },
    });
    const streamed = await post(browser, stream, { duplex: 'half' } as RequestInit);
    assert.equal(streamed.status, 413);
    const query = await handler.fetch(
      browser.request(`${ORIGIN}/auth/apple/callback?code=c`, {
        method: 'POST',
        headers: FORM,
        body: fine,
      }),
    );
    assert.equal(query.status, 400);
    assert.equal((await post(browser, 'code=a&code=b&state=s')).status, 400);
    assert.equal(
      (await handler.fetch(browser.request(`${ORIGIN}/auth/apple/callback`, { method: 'PUT' })))
        .status,
      405,
    );
    assert.equal(wrote(), 0);
  });

  it('a form_post flow refuses a GET callback; a query flow refuses a post', async () => {
    const browser = new Browser();
    const fields = (await start(browser)) as URLSearchParams;
    const get = await handler.fetch(browser.request(`${ORIGIN}/auth/apple/callback?${fields}`));
    assert.equal(get.status, 400);
    assert.deepEqual(await get.json(), { error: 'invalid_request' });

    const other = new Browser();
    const callback = (await start(other, '?scope=openid')) as URL;
    assert.ok(callback instanceof URL, 'scope openid alone: the query response mode');
    const res = await post(other, callback.searchParams);
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'invalid_request' });
    assert.equal(wrote(), 0);
  });
});
