// signOutThroughHandler, what latchkey/next's signOut() runs for a server action: the request's
// own headers go through the handler's logout route, so its origin check and hooks apply as to
// the browser's form post; the framework then deletes the cookie itself.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signOutThroughHandler } from '../src/adapters/sign-out.ts';
import { LatchkeyError, StoreError } from '../src/core/errors.ts';
import { Browser, createHarness, ORIGIN, type Harness } from './http-harness.ts';
import {
  HandBrowser,
  signInThroughApp,
  startLogoutWorld,
  type LogoutWorld,
} from './logout-fixtures.ts';

const COOKIE = '__Host-latchkey_session';

/** The headers of a server action's post: its own multipart body, the browser's Origin. */
function actionHeaders(b: Browser, extra: Record<string, string> = {}): Headers {
  return new Headers({
    cookie: b.cookieHeader(),
    origin: ORIGIN,
    'next-action': '7f00aa',
    'content-type': 'multipart/form-data; boundary=----x',
    'content-length': '180',
    ...extra,
  });
}

describe('signOutThroughHandler', () => {
  let h: Harness;
  const signOuts: { all: boolean }[] = [];
  before(async () => {
    h = await createHarness({ hooks: { onSignOut: ({ all }) => void signOuts.push({ all }) } });
  });
  after(() => h.close());

  it('ends the session the cookie carries and runs the onSignOut hook', async () => {
    const b = new Browser();
    await h.signIn(b);
    const token = b.cookies.get(COOKIE)!;
    assert.ok(await h.auth.validateSession(token));
    signOuts.length = 0;
    // The action's multipart body headers describe a body the route never gets: left behind.
    assert.equal(await signOutThroughHandler(h.handler, actionHeaders(b), ORIGIN), null);
    assert.equal(await h.auth.validateSession(token), null);
    assert.deepEqual(signOuts, [{ all: false }]);
  });

  it('refuses a cross-site Origin with a config error and keeps the session', async () => {
    const b = new Browser();
    await h.signIn(b);
    const token = b.cookies.get(COOKIE)!;
    for (const origin of ['https://evil.test', 'http://app.test']) {
      await assert.rejects(
        signOutThroughHandler(h.handler, actionHeaders(b, { origin }), ORIGIN),
        (error) => error instanceof LatchkeyError && error.code === 'config',
      );
    }
    const none = actionHeaders(b);
    none.delete('origin');
    await assert.rejects(signOutThroughHandler(h.handler, none, ORIGIN), LatchkeyError);
    assert.ok(await h.auth.validateSession(token), 'still signed in');
  });

  it('everywhere: ends every session of the user', async () => {
    const [a, b] = [new Browser('A'), new Browser('B')];
    await h.signIn(a);
    await h.signIn(b);
    signOuts.length = 0;
    await signOutThroughHandler(h.handler, actionHeaders(a), ORIGIN, { everywhere: true });
    assert.equal(await h.auth.validateSession(b.cookies.get(COOKIE)!), null);
    assert.deepEqual(signOuts, [{ all: true }]);
  });

  it('is no error when signed out already, and a bearer token needs no Origin', async () => {
    const nobody = new Headers({ origin: ORIGIN });
    assert.equal(await signOutThroughHandler(h.handler, nobody, ORIGIN), null);
    const b = new Browser();
    await h.signIn(b);
    const token = b.cookies.get(COOKIE)!;
    const bearer = new Headers({ authorization: `Bearer ${token}` });
    assert.equal(await signOutThroughHandler(h.handler, bearer, ORIGIN), null);
    assert.equal(await h.auth.validateSession(token), null);
  });

  it('a failing store is a StoreError, the session untouched', async () => {
    const b = new Browser();
    await h.signIn(b);
    h.counting.failNext('deleteSession');
    await assert.rejects(signOutThroughHandler(h.handler, actionHeaders(b), ORIGIN), StoreError);
    assert.ok(await h.auth.validateSession(b.cookies.get(COOKIE)!));
  });
});

describe('signOutThroughHandler with provider logout', () => {
  let world: LogoutWorld;
  before(async () => {
    world = await startLogoutWorld(() => ({ providerLogout: {} }));
  });
  after(() => world.close());

  it('returns the provider end-session URL when asked, after ending the session here', async () => {
    const browser = new HandBrowser();
    const token = await signInThroughApp(world, browser);
    const headers = new Headers({ cookie: browser.jar(world.rp).header(), origin: world.rp });
    const local = await signOutThroughHandler(world.handler, headers, world.rp);
    assert.equal(local, null, 'not asked: signed out here only');
    assert.equal(await world.auth.validateSession(token), null);

    const again = new HandBrowser(browser.jars);
    const next = await signInThroughApp(world, again);
    const asked = new Headers({ cookie: again.jar(world.rp).header(), origin: world.rp });
    const location =
      (await signOutThroughHandler(world.handler, asked, world.rp, {
        endProviderSession: true,
      })) ?? '';
    assert.ok(location.startsWith(`${world.issuer}/session/end?`), location);
    assert.equal(new URL(location).searchParams.get('client_id'), world.clientId);
    assert.equal(await world.auth.validateSession(next), null);
  });
});
