// The GitHub double's device flow (RFC 8628 with GitHub's error codes), driven with plain fetch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getUser, setup, signIn, tokenJSON } from './github-double-helpers.ts';

test('device flow: pending, slow_down (+5 s), approval, single use', async (t) => {
  const gh = await setup(t);
  const res = await fetch(`${gh.url}/login/device/code`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'client_id=ghapp-id&scope=',
  });
  const start = (await res.json()) as Record<string, unknown>;
  assert.match(String(start.device_code), /^[0-9a-f]{40}$/);
  assert.match(String(start.user_code), /^[A-Z]{4}-[A-Z]{4}$/);
  assert.equal(start.verification_uri, `${gh.url}/login/device`);
  assert.equal(start.expires_in, 900);
  assert.equal(start.interval, 5);
  const poll = (): Promise<Record<string, unknown>> =>
    tokenJSON(gh, {
      client_id: 'ghapp-id',
      device_code: String(start.device_code),
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    });
  assert.equal((await poll()).error, 'authorization_pending');
  const slow = await poll();
  assert.equal(slow.error, 'slow_down');
  assert.equal(slow.interval, 10);
  gh.advance(5_000);
  assert.equal((await poll()).error, 'slow_down');
  gh.advance(15_000);
  assert.equal((await poll()).error, 'authorization_pending');
  gh.approveDevice(String(start.user_code).toLowerCase(), 'hubot');
  gh.advance(15_000);
  const token = await poll();
  assert.match(String(token.access_token), /^ghu_/);
  assert.match(String(token.refresh_token), /^ghr_/);
  gh.advance(15_000);
  assert.equal((await poll()).error, 'incorrect_device_code');
  assert.equal(gh.stats.deviceTokenPolls, 6);
  // Device-flow tokens refresh without the client secret.
  const refreshed = await tokenJSON(gh, {
    client_id: 'ghapp-id',
    grant_type: 'refresh_token',
    refresh_token: String(token.refresh_token),
  });
  assert.match(String(refreshed.access_token), /^ghu_/);
  // A web-flow token does need it.
  const web = await signIn(gh, 'ghapp-id');
  const noSecret = await tokenJSON(gh, {
    client_id: 'ghapp-id',
    grant_type: 'refresh_token',
    refresh_token: String(web.refresh_token),
  });
  assert.equal(noSecret.error, 'incorrect_client_credentials');
});

test('device flow: denied, expired, unknown codes and unknown clients', async (t) => {
  const gh = await setup(t);
  const start = async (): Promise<{ device_code: string; user_code: string }> => {
    const res = await fetch(`${gh.url}/login/device/code`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: 'oauth-id', scope: 'read:user' }),
    });
    return (await res.json()) as { device_code: string; user_code: string };
  };
  const poll = (device_code: string, client_id = 'oauth-id'): Promise<Record<string, unknown>> =>
    tokenJSON(gh, {
      client_id,
      device_code,
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    });
  const denied = await start();
  gh.denyDevice(denied.user_code);
  assert.equal((await poll(denied.device_code)).error, 'access_denied');
  assert.throws(() => gh.approveDevice(denied.user_code, 'octocat'), TypeError);
  const expired = await start();
  gh.advance(900_000);
  assert.equal((await poll(expired.device_code)).error, 'expired_token');
  assert.throws(() => gh.approveDevice(expired.user_code, 'octocat'), TypeError);
  assert.equal((await poll('0'.repeat(40))).error, 'incorrect_device_code');
  const other = await start();
  assert.equal((await poll(other.device_code, 'ghapp-id')).error, 'incorrect_device_code');
  assert.equal((await poll(other.device_code, 'nope')).error, 'incorrect_client_credentials');
  gh.approveDevice(other.user_code, 'octocat');
  const token = await poll(other.device_code);
  assert.match(String(token.access_token), /^gho_/);
  assert.equal(token.scope, 'read:user');
  // Form answer by default, as on the token endpoint.
  const formRes = await fetch(`${gh.url}/login/device/code`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: 'oauth-id' }),
  });
  assert.match(new URLSearchParams(await formRes.text()).get('user_code')!, /^[A-Z]{4}-[A-Z]{4}$/);
});

test('the /login/device page approves a code as the signed-in user', async (t) => {
  const gh = await setup(t);
  const start = new URLSearchParams(
    await (
      await fetch(`${gh.url}/login/device/code`, {
        method: 'POST',
        body: new URLSearchParams({ client_id: 'oauth-id' }),
      })
    ).text(),
  );
  const page = await fetch(`${gh.url}/login/device`);
  const html = await page.text();
  assert.match(html, /GitHub <small>\(local double\)<\/small>/);
  assert.match(html, /name="user_code"/);
  assert.match(html, /value="octocat"/);
  const wrong = await fetch(`${gh.url}/login/device`, {
    method: 'POST',
    body: new URLSearchParams({ user_code: 'BBBB-BBBB', authorize: 'authorize' }),
  });
  assert.match(await wrong.text(), /invalid or has expired/);
  const ok = await fetch(`${gh.url}/login/device`, {
    method: 'POST',
    body: new URLSearchParams({
      user_code: start.get('user_code')!,
      login: 'hubot',
      authorize: 'authorize',
    }),
  });
  assert.match(await ok.text(), /all set/);
  const token = await tokenJSON(gh, {
    client_id: 'oauth-id',
    device_code: start.get('device_code')!,
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
  });
  const user = (await (await getUser(gh, String(token.access_token))).json()) as { login: string };
  assert.equal(user.login, 'hubot');
});
