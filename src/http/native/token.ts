// `POST /auth/token`: the app trades the one-time code and its PKCE verifier for the session
// token (RFC 6749 §4.1.3 with RFC 7636 §4.5-4.6). Codes are taken atomically, so of two
// concurrent exchanges only one can win; whatever happens the code is then remembered as used.
import type { Latchkey } from '../../core/latchkey.ts';
import { encodeBase64url } from '../../core/random.ts';
import type { Store } from '../../store.ts';
import {
  NATIVE_CODE_KIND,
  NATIVE_CODE_USED_KIND,
  USED_CODE_TTL_MS,
  openSealedToken,
  parseNativeCode,
  parseRecord,
  secretMatches,
  type NativeCodeRecord,
  type UsedCodeRecord,
} from './native-code.ts';
import { sameString } from '../constant-time.ts';
import { json, oauthError } from '../responses.ts';
import { readParams } from './token-request.ts';

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** The S256 code challenge of a verifier (RFC 7636 §4.2). */
export async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return encodeBase64url(new Uint8Array(digest));
}

/** The JSON body of a successful native sign-in. */
export interface NativeTokenResponse {
  token: string;
  user: { id: string; attributes: unknown; createdAt: string };
  expiresAt: string;
}

/**
 * Answers `POST /auth/token` (form or JSON body with `code` and `code_verifier`) with
 * `{ token, user, expiresAt }`. A wrong verifier burns the code and signs its session out; a
 * code presented again revokes the session it issued. Errors are RFC 6749 §5.2 JSON with 400.
 * Never throws for untrusted input.
 * @throws StoreError when the store fails (the handler's error policy answers it with 503).
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.5
 */
export async function handleNativeToken<UA extends object, SA extends object>(
  request: Request,
  options: { auth: Latchkey<UA, SA>; store?: Store },
): Promise<Response> {
  if (request.method !== 'POST') return oauthError('invalid_request', 'Use POST', 405);
  const params = await readParams(request);
  if (params === null) return oauthError('invalid_request', 'Malformed request body');
  const grantType = params.get('grant_type');
  if (grantType !== undefined && grantType !== 'authorization_code') {
    return oauthError('unsupported_grant_type', 'Only authorization_code is supported');
  }
  const code = parseNativeCode(params.get('code'));
  const verifier = params.get('code_verifier');
  if (code === null) return oauthError('invalid_grant', 'Invalid code');
  // A missing or malformed verifier is a wrong verifier: the code is still taken and burnt,
  // so a code stolen from the redirect cannot be probed and then used by its rightful app.
  return exchange(options.auth, options.store ?? options.auth.store, code, verifier);
}

async function exchange<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  store: Store,
  code: { id: string; secret: string },
  verifier: string | undefined,
): Promise<Response> {
  const record = parseRecord<NativeCodeRecord>(await store.takeTemp(NATIVE_CODE_KIND, code.id));
  if (record === null) {
    // Unknown, expired or already used. A used code coming back means it leaked (RFC 6749
    // §4.1.2, §10.5): revoke what it issued. Only the holder of the secret can trigger this.
    const used = parseRecord<UsedCodeRecord>(await store.getTemp(NATIVE_CODE_USED_KIND, code.id));
    if (used !== null && secretMatches(code.secret, used.secretHash)) {
      await auth.invalidateSession(used.sessionId);
    }
    return oauthError('invalid_grant', 'Invalid, expired or used code');
  }
  const used: UsedCodeRecord = { secretHash: record.secretHash, sessionId: record.sessionId };
  await store.setTemp(
    NATIVE_CODE_USED_KIND,
    code.id,
    JSON.stringify(used),
    auth.now() + USED_CODE_TTL_MS,
  );
  const fail = async (): Promise<Response> => {
    // The code is burnt and no one else can ever collect this session's token: drop it.
    await auth.invalidateSession(record.sessionId);
    return oauthError('invalid_grant', 'Invalid, expired or used code');
  };
  if (!secretMatches(code.secret, record.secretHash)) return fail();
  if (!(record.expiresAt > auth.now())) return fail();
  if (verifier === undefined || !VERIFIER.test(verifier)) return fail();
  if (!sameString(await s256(verifier), record.codeChallenge)) return fail();
  const token = await openSealedToken(code.id, code.secret, record.sealedToken);
  if (token === null) return fail();
  const result = await auth.validateSession(token);
  if (result === null) return oauthError('invalid_grant', 'The session has ended');
  const body: NativeTokenResponse = {
    token,
    user: {
      id: result.user.id,
      attributes: result.user.attributes,
      createdAt: result.user.createdAt.toISOString(),
    },
    expiresAt: result.session.expiresAt.toISOString(),
  };
  return json(200, body);
}
