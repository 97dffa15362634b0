// docs/testing.md's app-level example, as a test: an app signs a user in with Google through
// its own routes, against the Google preset of the provider double. Keep the two in sync.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createLatchkey } from 'latchkey';
import { createAuthHandler } from 'latchkey/http';
import { memoryStore } from 'latchkey/memory';
import { google } from 'latchkey/providers';
import { googlePreset, startProviderDouble } from 'latchkey/testing';

test('signs in with Google through the app’s routes', async () => {
  await using idp = await startProviderDouble(googlePreset, {
    clients: [{ clientId: 'app.apps.googleusercontent.com', clientSecret: 'test-secret' }],
    users: [{ id: '1234567890', email: 'ada@example.com', emailVerified: true, name: 'Ada' }],
  });
  const auth = createLatchkey({ store: memoryStore() });
  const app = createAuthHandler(auth, {
    providers: [
      google({
        clientId: 'app.apps.googleusercontent.com',
        clientSecret: 'test-secret',
        issuer: idp.url, // discovery, token, userinfo and JWKS all come from the double
      }),
    ],
    secret: 'a-test-secret-of-at-least-32-bytes!!',
  });

  // A minimal browser: keeps the cookies the app sets, follows the redirects by hand.
  const cookies = new Map<string, string>();
  const visit = async (url: string): Promise<Response> => {
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await app.fetch(new Request(url, { headers: { cookie } }));
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  };

  const start = await visit('https://app.example/auth/google');
  const callback = await idp.authorize(start.headers.get('location')!); // Ada approves
  const signedIn = await visit(callback.href);
  assert.equal(signedIn.status, 302);

  const session = await (await visit('https://app.example/auth/session')).json();
  assert.equal(session.user.attributes.email, 'ada@example.com');
  assert.equal(session.session.attributes.provider, 'google');
  assert.equal(idp.requests.filter((r) => r.path === '/token').length, 1);
});

test('docs/testing.md shows this very test', () => {
  const docs = readFileSync(new URL('../docs/testing.md', import.meta.url), 'utf8');
  const block = /## An app test \(node:test\)[\s\S]*?```ts\n([\s\S]*?)```/.exec(docs)?.[1];
  const self = readFileSync(new URL(import.meta.url), 'utf8');
  const body = self.slice(self.indexOf("test('signs in"), self.indexOf("test('docs/testing.md"));
  assert.ok(block?.includes(body.trim()), 'the docs example matches the test');
});
