// The first hour: a missing or short secret, client id, client secret or token key fails at
// start-up with a message that names the option, says what is wrong and how to fix it — and
// never echoes the value it refused.
import assert from 'node:assert/strict';
import * as providers from '../src/providers/index.ts';
import { describe, it } from 'node:test';
import { createLatchkey } from '../src/core/latchkey.ts';
import { createAuthHandler } from '../src/http/index.ts';
import { defineProvider } from '../src/oauth/define-provider.ts';
import type { ProviderConfig } from '../src/oauth/provider.ts';
import { github } from '../src/providers/github.ts';
import { google } from '../src/providers/google.ts';
import { microsoftEntra } from '../src/providers/microsoft-entra.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { createTokenSealer } from '../src/tokens/seal.ts';

const MAKE = `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;

/** Asserts that `run` throws a TypeError whose message is exactly `message`. */
function throwsExactly(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof TypeError);
    assert.equal(error.message, message);
    return true;
  });
}

describe('createAuthHandler "secret"', () => {
  const handler = (secret: unknown) =>
    createAuthHandler(createLatchkey({ store: memoryStore() }), {
      providers: [],
      secret: secret as string,
    });
  const advice =
    `. Make one with ${MAKE} (or \`openssl rand -base64 32\`), keep it out of the code ` +
    '(an environment variable such as SESSION_SECRET) and keep it stable across restarts.';

  it('missing: names the option and how to make one', () => {
    for (const secret of [undefined, '']) {
      throwsExactly(
        () => handler(secret),
        `latchkey: the "secret" option of createAuthHandler is missing${advice}`,
      );
    }
  });

  it('too short: says how long it is and must be, never the value', () => {
    throwsExactly(
      () => handler('hunter2-hunter2'),
      'latchkey: the "secret" option of createAuthHandler is 15 bytes long; it must be at ' +
        `least 32 bytes${advice}`,
    );
    throwsExactly(
      () => handler(42),
      'latchkey: the "secret" option of createAuthHandler must be a string or a Uint8Array of ' +
        `at least 32 bytes${advice}`,
    );
  });

  it('the command it suggests makes a secret it accepts', () => {
    const made = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
    assert.equal(made.length, 43);
    handler(made);
  });
});

describe('provider "clientId" and "clientSecret"', () => {
  it('names the provider, the option and the environment variable', () => {
    throwsExactly(
      () => github({} as never),
      'latchkey: GitHub ("github") needs "clientId", the client id of your OAuth app registered ' +
        'with GitHub; it is missing. Pass it from the environment, e.g. ' +
        'clientId: process.env.GITHUB_CLIENT_ID (and, when the app has one, ' +
        'clientSecret: process.env.GITHUB_CLIENT_SECRET).',
    );
    throwsExactly(
      () => google({ clientId: '' } as never),
      'latchkey: Google ("google") needs "clientId", the client id of your OAuth app registered ' +
        'with Google; it is empty. Pass it from the environment, e.g. ' +
        'clientId: process.env.GOOGLE_CLIENT_ID (and, when the app has one, ' +
        'clientSecret: process.env.GOOGLE_CLIENT_SECRET).',
    );
    assert.throws(
      () => microsoftEntra({ tenant: 'common' } as never),
      /process\.env\.MICROSOFT_ENTRA_CLIENT_ID/,
    );
  });

  it('every built-in provider refuses an empty configuration by naming what is missing', () => {
    const helpers = new Set(['oidcPlatform', 'appleClientSecret']);
    let named = 0;
    for (const [name, make] of Object.entries(providers)) {
      if (typeof make !== 'function' || helpers.has(name)) continue;
      assert.throws(
        () => (make as (config: unknown) => unknown)({}),
        (error: unknown) =>
          error instanceof TypeError && /^latchkey: .*"[A-Za-z]+"/.test(error.message),
        name,
      );
      named++;
    }
    assert.ok(named >= 42, `${named} providers`);
    for (const [make, env] of [
      [providers.dropbox, 'DROPBOX'],
      [providers.linkedin, 'LINKEDIN'],
      [providers.strava, 'STRAVA'],
      [providers.vk, 'VK'],
    ] as const) {
      assert.throws(() => make({} as never), new RegExp(`process\\.env\\.${env}_CLIENT_ID`));
    }
  });

  it('a missing client secret names the provider and its variable', () => {
    throwsExactly(
      () => github({ clientId: 'Iv1.abc' } as never),
      'latchkey: GitHub ("github") needs "clientSecret" for client_secret_post. Pass it from ' +
        'the environment, e.g. clientSecret: process.env.GITHUB_CLIENT_SECRET.',
    );
    const acme = (config: ProviderConfig) =>
      defineProvider(config, {
        id: 'acme-id',
        name: 'Acme',
        issuer: 'https://id.acme.example',
        endpoints: {
          authorizationEndpoint: 'https://id.acme.example/authorize',
          tokenEndpoint: 'https://id.acme.example/token',
          userInfoEndpoint: 'https://id.acme.example/me',
        },
        clientAuthMethod: 'client_secret_basic',
        scopes: [],
        profile: { id: 'sub' },
      });
    throwsExactly(
      () => acme({ clientId: 'c' }),
      'latchkey: Acme ("acme-id") needs "clientSecret" for client_secret_basic. Pass it from ' +
        'the environment, e.g. clientSecret: process.env.ACME_ID_CLIENT_SECRET.',
    );
    acme({ clientId: 'c', clientSecret: 's' });
  });
});

describe('token vault keys', () => {
  const advice = `; it must be exactly 32 bytes (a Uint8Array, or 43 base64url characters). Make one with ${MAKE} and keep it out of the code (an environment variable)`;
  it('say which key, what is wrong and how to make one', () => {
    throwsExactly(
      () => createTokenSealer([{ id: 'k1', key: undefined as never }]),
      `latchkey: "keys[0].key" is missing${advice}`,
    );
    throwsExactly(
      () =>
        createTokenSealer([
          { id: 'k1', key: new Uint8Array(32) },
          { id: 'k0', key: 'c2hvcnQ' },
        ]),
      `latchkey: "keys[1].key" is 5 bytes long${advice}`,
    );
    throwsExactly(
      () => createTokenSealer([{ id: 'k1', key: 'not base64url!' }]),
      `latchkey: "keys[0].key" is not base64url${advice}`,
    );
    const made = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
    createTokenSealer([{ id: 'k1', key: made }]);
  });
});
