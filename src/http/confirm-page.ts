// The page that asks the person to confirm a sign-in that a program on this computer started
// (RFC 8252 §8.6: a provider that approves silently would otherwise sign that program in
// without anyone noticing). One form, two buttons, posted back to us with the CSRF check.
import type { Cookie } from '../core/cookies.ts';
import { escapeHTML, htmlPage } from './responses.ts';

// No script, no framing. No `form-action`: the confirmed post is redirected on to the provider
// (or, when declined, to the app's loopback listener), and browsers hold every redirect of a
// form post to `form-action`. The page shows nothing but the two escaped names.
const CONFIRM_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/**
 * The confirmation page for a start of `appName` with `providerName`, posting to `action`;
 * `cookies` carry the pending start.
 */
export function confirmPage(
  action: string,
  appName: string,
  providerName: string,
  cookies: readonly Cookie[],
): Response {
  const app = escapeHTML(appName);
  const body = `<!doctype html><meta charset="utf-8"><title>Sign in to ${app}?</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font:inherit;padding:.4rem .9rem;margin-right:.5rem}</style>
<h1>Sign in to ${app} on this computer?</h1>
<p>A program on this computer asked to sign you in with ${escapeHTML(providerName)}. Continue only if you just started this sign-in yourself, in ${app}.</p>
<form method="post" action="${escapeHTML(action)}"><button id="confirm" name="decision" value="confirm">Continue</button><button id="cancel" name="decision" value="cancel">Cancel</button></form>`;
  return htmlPage(body, 200, { csp: CONFIRM_CSP, cookies });
}
