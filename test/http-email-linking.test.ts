// docs/security.md, accounts: linking a first sign-in to an existing user by email is opt-in
// (`linkByEmail`), and then only a verified email from a trusted provider links — an unverified
// address, an untrusted provider or a user who already has an account there never does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAuthHandler, EMAIL_TRUSTED_PROVIDERS } from '../src/http/index.ts';
import type { OAuthProvider } from '../src/oauth/provider.ts';
import { Browser, createHarness, ORIGIN, SECRET, type Harness } from './http-harness.ts';

async function userIdOf(h: Harness, b: Browser): Promise<string> {
  const r = await h.handler.fetch(b.request(`${ORIGIN}/auth/session`));
  assert.equal(r.status, 200);
  return ((await r.json()) as { user: { id: string } }).user.id;
}

/** An app's own email index: the address each existing user signed up with. */
const byEmail = new Map<string, string>();
const lookups: string[] = [];

async function existingUser(h: Harness, email: string): Promise<string> {
  const user = await h.auth.createUser({ attributes: { email } });
  byEmail.set(email.toLowerCase(), user.id);
  return user.id;
}

async function signInAt(h: Harness, login: string, providerId = 'github'): Promise<string> {
  const b = new Browser();
  h.double.approveAs(login);
  const callback = await h.authorize(b, '', providerId);
  const response = b.absorb(await h.handler.fetch(b.request(callback)));
  assert.equal(response.status, 302);
  assert.doesNotMatch(response.headers.get('location') ?? '', /error/, JSON.stringify(h.logs));
  return userIdOf(h, b);
}

describe('linking by email (opt-in, verified and trusted only)', () => {
  let h: Harness;
  let off: Harness;
  before(async () => {
    const linkByEmail = {
      findUserIdByEmail(email: string) {
        lookups.push(email);
        return byEmail.get(email) ?? null;
      },
    };
    // `github2` is the same GitHub under an id that is not on the trusted list; `github3` is
    // trusted but reports every address as unverified (GitHub itself refuses a sign-in whose
    // primary address is unverified, so the double cannot send one).
    const unverified = (p: OAuthProvider): OAuthProvider => ({
      ...p,
      id: 'github3',
      getUser: async (tokens) => {
        const { profile, user } = await p.getUser(tokens);
        return { profile: { ...profile, emailVerified: false }, user };
      },
    });
    h = await createHarness(
      {
        linkByEmail: { ...linkByEmail, trustedProviders: [...EMAIL_TRUSTED_PROVIDERS, 'github3'] },
      },
      (p) => [{ ...p, id: 'github2' }, unverified(p)],
    );
    off = await createHarness();
    for (const double of [h.double, off.double]) {
      const verified = (email: string) => [{ email, primary: true, verified: true }];
      double.addUser({ login: 'ada', emails: verified('Ada@Example.com') });
      double.addUser({ login: 'ada-twin', emails: verified('ada@example.com') });
      double.addUser({ login: 'grace', emails: verified('grace@example.com') });
      double.addUser({ login: 'mallory', emails: verified('linus@example.com') });
    }
  });
  after(async () => {
    await h.close();
    await off.close();
  });

  it('the default list holds only providers that verify every address themselves', () => {
    assert.deepEqual([...EMAIL_TRUSTED_PROVIDERS].sort(), ['apple', 'github', 'google']);
    assert.ok(Object.isFrozen(EMAIL_TRUSTED_PROVIDERS));
  });

  it('off by default: the same verified email makes a new user', async () => {
    const existing = await off.auth.createUser({ attributes: { email: 'ada@example.com' } });
    const signedIn = await signInAt(off, 'ada');
    assert.notEqual(signedIn, existing.id);
    assert.equal((await off.auth.getUserAccounts(existing.id)).length, 0);
  });

  it('a verified email from a trusted provider links to the existing user', async () => {
    const ada = await existingUser(h, 'ada@example.com');
    lookups.length = 0;
    assert.equal(await signInAt(h, 'ada'), ada);
    assert.deepEqual(lookups, ['ada@example.com'], 'looked up once, lowercased');
    const accounts = await h.auth.getUserAccounts(ada);
    assert.deepEqual(
      accounts.map((a) => a.providerId),
      ['github'],
    );
    // The next sign-in finds the account by its key, without asking for the email again.
    lookups.length = 0;
    assert.equal(await signInAt(h, 'ada'), ada);
    assert.deepEqual(lookups, []);
  });

  it('an unverified email never links', async () => {
    const linus = await existingUser(h, 'linus@example.com');
    lookups.length = 0;
    const signedIn = await signInAt(h, 'mallory', 'github3');
    assert.notEqual(signedIn, linus);
    assert.deepEqual(lookups, [], 'not even looked up');
    assert.equal((await h.auth.getUserAccounts(linus)).length, 0);
  });

  it('a verified email from an untrusted provider never links', async () => {
    const grace = await existingUser(h, 'grace@example.com');
    lookups.length = 0;
    const signedIn = await signInAt(h, 'grace', 'github2');
    assert.notEqual(signedIn, grace);
    assert.deepEqual(lookups, []);
    assert.equal((await h.auth.getUserAccounts(grace)).length, 0);
  });

  it('a second account at the same provider never links to a user who has one there', async () => {
    const ada = byEmail.get('ada@example.com')!;
    const twin = await signInAt(h, 'ada-twin');
    assert.notEqual(twin, ada, 'another GitHub account claiming the address is another user');
    assert.equal((await h.auth.getUserAccounts(ada)).length, 1);
  });

  it('an app may trust its own provider id', async () => {
    const t = await createHarness(
      {
        linkByEmail: {
          findUserIdByEmail: (email) => (email === 'grace@example.com' ? graceId : null),
          trustedProviders: ['github2'],
        },
      },
      (p) => [{ ...p, id: 'github2' }],
    );
    t.double.addUser({
      login: 'grace',
      emails: [{ email: 'grace@example.com', primary: true, verified: true }],
    });
    const graceId = (await t.auth.createUser({ attributes: { email: 'grace@example.com' } })).id;
    try {
      assert.equal(await signInAt(t, 'grace', 'github2'), graceId);
      assert.notEqual(await signInAt(t, 'grace', 'github'), graceId, 'github is not on the list');
    } finally {
      await t.close();
    }
  });

  it('a bad option fails at start-up', () => {
    const make = (linkByEmail: unknown) =>
      createAuthHandler(h.auth, {
        providers: [],
        secret: SECRET,
        linkByEmail: linkByEmail as never,
      });
    assert.throws(() => make({}), /linkByEmail.findUserIdByEmail/);
    assert.throws(
      () => make({ findUserIdByEmail: () => null, trustedProviders: 'github' }),
      /linkByEmail.trustedProviders/,
    );
  });
});
