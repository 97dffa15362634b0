// Shared by the Apple tests: an app key pair (the `.p8` file and its public JWK, as Apple keeps
// it) and a reader of the double's form_post page, the way a browser would submit it.
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';

export const TEAM_ID = 'TEAM123456';
export const KEY_ID = 'KEY1234567';
export const SERVICES_ID = 'com.example.web';

/** A Sign in with Apple key: the `.p8` text the app holds and the JWKS Apple registered. */
export async function appleKey(kid = KEY_ID) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const pem = await exportPKCS8(privateKey);
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { pem, jwks: { keys: [jwk] } };
}

// Numeric (the double) and named (latchkey) character references.
const NAMED: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>' };
const unescape = (s: string): string =>
  s.replace(/&(#\d+|[a-z]+);/g, (all, ref: string) =>
    ref.startsWith('#') ? String.fromCharCode(Number(ref.slice(1))) : (NAMED[ref] ?? all),
  );

/** The form a form_post page submits: its action and fields. @throws when it is not one */
export function readFormPost(html: string): { action: string; fields: URLSearchParams } {
  const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1];
  if (action === undefined) throw new Error('not a form_post page');
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields.append(unescape(m[1]!), unescape(m[2]!));
  }
  return { action: unescape(action), fields };
}
