// Client authentication at the double's token and revocation endpoints: Basic, secret in the
// body, none (public clients) and JWT client assertions checked with jose (RFC 7523 §3).
import type { IncomingMessage } from 'node:http';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { basicCredentials } from './double-http.ts';
import type { ClientAuthMethod, ProviderPreset } from './preset.ts';
import type { DoubleClientOptions, ProviderDoubleState } from './provider-double-state.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Who the client is and how it proved it, or why it could not. */
export type ClientAuthResult =
  | { client: DoubleClientOptions; method: ClientAuthMethod }
  | { failure: 'bad_client' | 'bad_request'; method: ClientAuthMethod | null };

/** The method a request uses, from what it carries; `null` when it mixes several (RFC 6749 §2.3). */
export function clientAuthMethodOf(
  req: IncomingMessage,
  params: Map<string, string>,
): ClientAuthMethod | null {
  const used: ClientAuthMethod[] = [];
  if (/^basic /i.test(req.headers.authorization ?? '')) used.push('client_secret_basic');
  if (params.has('client_secret')) used.push('client_secret_post');
  if (params.has('client_assertion')) used.push('private_key_jwt');
  if (used.length > 1) return null;
  return used[0] ?? 'none';
}

async function verifyAssertion(
  state: ProviderDoubleState,
  client: DoubleClientOptions,
  assertion: string,
  audiences: string[],
): Promise<ClientAuthMethod | null> {
  // The client's keys decide the method: its JWKS (private_key_jwt) or its secret (HMAC).
  const key = client.jwks
    ? createLocalJWKSet(client.jwks)
    : client.clientSecret
      ? new TextEncoder().encode(client.clientSecret)
      : null;
  if (key === null) return null;
  try {
    const { payload } = await jwtVerify(assertion, key as Parameters<typeof jwtVerify>[1], {
      issuer: client.clientId,
      subject: client.clientId,
      audience: audiences,
      currentDate: new Date(state.now()),
      requiredClaims: ['exp', 'jti'],
      algorithms: client.jwks ? undefined : ['HS256', 'HS384', 'HS512'],
    });
    if (state.assertionIds.has(String(payload.jti))) return null;
    state.assertionIds.add(String(payload.jti));
    return client.jwks ? 'private_key_jwt' : 'client_secret_jwt';
  } catch {
    return null;
  }
}

/**
 * Authenticates the client of a token or revocation request with the methods the preset accepts.
 * @param audiences what a client assertion's `aud` may name (token endpoint URL, issuer).
 */
export async function authenticateClient(
  state: ProviderDoubleState,
  preset: ProviderPreset,
  req: IncomingMessage,
  params: Map<string, string>,
  audiences: string[],
): Promise<ClientAuthResult> {
  const method = clientAuthMethodOf(req, params);
  if (method === null) return { failure: 'bad_request', method: null };
  const basic =
    method === 'client_secret_basic' ? basicCredentials(req.headers.authorization) : null;
  if (method === 'client_secret_basic' && basic === null) return { failure: 'bad_client', method };
  const clientId = basic?.clientId ?? params.get(preset.clientIdParam ?? 'client_id') ?? '';
  const client = state.clients.get(clientId);
  const fail = { failure: 'bad_client', method } as const;
  if (!client) {
    // An assertion names its client in `iss`/`sub`; client_id is optional then (RFC 7523 §3).
    if (method !== 'private_key_jwt') return fail;
  }
  if (method === 'private_key_jwt') {
    if (params.get('client_assertion_type') !== JWT_BEARER)
      return { failure: 'bad_request', method };
    const assertion = params.get('client_assertion') ?? '';
    const named = client ?? state.clients.get(unverifiedIssuer(assertion));
    if (!named) return fail;
    const verified = await verifyAssertion(state, named, assertion, audiences);
    if (verified === null || !preset.clientAuth.includes(verified)) return fail;
    return { client: named, method: verified };
  }
  if (!client || !preset.clientAuth.includes(method)) return fail;
  if (method === 'none') return client.clientSecret || client.jwks ? fail : { client, method };
  const secret = basic?.clientSecret ?? params.get('client_secret');
  if (preset.clientSecret) {
    const check = { now: state.now(), audiences };
    return secret !== undefined && (await preset.clientSecret(secret, client, check))
      ? { client, method }
      : fail;
  }
  if (!client.clientSecret || secret !== client.clientSecret) return fail;
  return { client, method };
}

/** The `iss` of a JWT without checking it: only to find whose keys verify it. */
function unverifiedIssuer(jwt: string): string {
  try {
    return decodeJwt(jwt).iss ?? '';
  } catch {
    return '';
  }
}
