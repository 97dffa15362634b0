// The GitHub client with DPoP-bound tokens (docs/provider-tokens.md): every API call carries a
// proof from the set's key — bound to the method, URL and token — and is sent again once when the
// server asks for its nonce; a bound token without its key is never sent, not even as Bearer.
// GitHub itself issues only bearer tokens today: the API here is a local server checking proofs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose';
import { LatchkeyError } from '../src/core/errors.ts';
import { createGitHubClient } from '../src/github/index.ts';
import { generateDPoPKey } from '../src/oauth/dpop.ts';

describe('GitHub client with DPoP-bound tokens', () => {
  let server: Server;
  let api: string;
  const seen: { authorization?: string; dpop?: string; url?: string; method?: string }[] = [];
  const proofs: { htm: unknown; htu: unknown; ath: unknown; nonce: unknown; typ: unknown }[] = [];

  before(async () => {
    server = createServer(async (req, res) => {
      seen.push({
        authorization: req.headers.authorization,
        dpop: req.headers.dpop as string | undefined,
        url: req.url,
        method: req.method,
      });
      const proof = req.headers.dpop as string | undefined;
      if (proof === undefined || !req.headers.authorization?.startsWith('DPoP ')) {
        res.writeHead(401, { 'www-authenticate': 'DPoP error="invalid_token"' }).end();
        return;
      }
      const { payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' });
      proofs.push({ ...payload, typ: decodeProtectedHeader(proof).typ } as never);
      if (payload.nonce !== 'n-1') {
        res
          .writeHead(401, {
            'www-authenticate': 'DPoP error="use_dpop_nonce"',
            'dpop-nonce': 'n-1',
          })
          .end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"login":"octocat"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends a bound proof, never Bearer, with one retry for the nonce', async () => {
    const { key } = await generateDPoPKey();
    const token = 'gho_bound_token';
    const client = createGitHubClient({
      apiURL: api,
      tokens: { accessToken: token, tokenType: 'DPoP', dpopKey: key },
    });
    seen.length = 0;
    proofs.length = 0;
    const response = await client.fetch('/user?x=1', { method: 'GET' });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { login: 'octocat' });
    assert.equal(seen.length, 2, 'use_dpop_nonce: exactly one retry');
    for (const request of seen) assert.equal(request.authorization, `DPoP ${token}`);
    const ath = createHash('sha256').update(token).digest('base64url');
    for (const proof of proofs) {
      assert.equal(proof.typ, 'dpop+jwt');
      assert.equal(proof.htm, 'GET');
      assert.equal(proof.htu, `${api}/user`, 'the URL without its query');
      assert.equal(proof.ath, ath);
    }
    assert.equal(proofs[1]!.nonce, 'n-1');
    assert.notEqual(seen[0]!.dpop, seen[1]!.dpop, 'a fresh proof per request');
  });

  it('a bound token without its key is never sent', async () => {
    const client = createGitHubClient({
      apiURL: api,
      tokens: { accessToken: 'gho_keyless', tokenType: 'DPoP', dpopKey: null },
    });
    seen.length = 0;
    await assert.rejects(client.fetch('/user'), LatchkeyError);
    assert.equal(seen.length, 0);
  });

  it('bearer tokens stay bearer tokens', async () => {
    const client = createGitHubClient({ apiURL: api, tokens: { accessToken: 'gho_plain' } });
    seen.length = 0;
    const response = await client.fetch('/user');
    assert.equal(response.status, 401);
    assert.equal(seen[0]!.authorization, 'Bearer gho_plain');
    assert.equal(seen[0]!.dpop, undefined);
  });
});
