// The page at `GET /auth/device` where a person types the code their device shows, checks it,
// and continues to a provider sign-in. Plain server-rendered HTML: no script at all.
import type { Store } from '../../store.ts';
import { findPendingUserCode } from './device-approval.ts';
import { formatUserCode, normalizeUserCode } from './device-codes.ts';
import { escapeHTML, htmlPage } from '../responses.ts';

/** A provider the person may sign in with: its route id and its display name. */
export interface DeviceProviderLink {
  id: string;
  name: string;
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}' +
  'input{font:inherit;letter-spacing:.15em;text-transform:uppercase;padding:.3rem}' +
  '.code{font:700 1.6rem monospace;letter-spacing:.2em}.error{color:#b00}' +
  'a.button,button{display:inline-block;padding:.4rem 1rem;margin:.2rem 0;border:1px solid #333;' +
  'border-radius:.3rem;background:#f4f4f4;color:#000;text-decoration:none;font:inherit}';

function page(title: string, body: string, status = 200): Response {
  return htmlPage(
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width,initial-scale=1">` +
      `<title>${escapeHTML(title)}</title><style>${STYLE}</style></head>` +
      `<body><h1>${escapeHTML(title)}</h1>${body}</body></html>`,
    status,
  );
}

function entryForm(action: string, error: string | null): string {
  return (
    (error ? `<p class="error" role="alert">${escapeHTML(error)}</p>` : '') +
    `<form method="get" action="${escapeHTML(action)}">` +
    `<label>Code shown on your device<br>` +
    `<input name="user_code" id="user_code" autocomplete="off" autocapitalize="characters" ` +
    `spellcheck="false" maxlength="12" required placeholder="XXXX-XXXX"></label> ` +
    `<button type="submit">Continue</button></form>`
  );
}

/**
 * Renders `GET {basePath}/device`: the code entry form, or — with a valid pending
 * `?user_code=` (typed, or prefilled from `verification_uri_complete`) — the code to compare
 * with the device and one link per provider to `GET {basePath}/{provider}?device_user_code=`.
 * Never throws for untrusted input.
 * @throws StoreError when the store fails (the handler's error policy answers it with 503).
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3
 */
export async function deviceVerificationPage(
  url: URL,
  options: { store: Store; basePath: string; providers: readonly DeviceProviderLink[] },
): Promise<Response> {
  const action = `${options.basePath}/device`;
  const typed = url.searchParams.getAll('user_code');
  if (typed.length === 0) return page('Sign in a device', entryForm(action, null));
  const code = typed.length === 1 ? normalizeUserCode(typed[0]) : null;
  if (code === null || !(await findPendingUserCode(options.store, code))) {
    const error = 'That code is not valid or has expired. Check your device and try again.';
    return page('Sign in a device', entryForm(action, error), 400);
  }
  const shown = formatUserCode(code);
  const links = options.providers
    .map((provider) => {
      const href = `${options.basePath}/${encodeURIComponent(provider.id)}?device_user_code=${shown}`;
      return `<p><a class="button" href="${escapeHTML(href)}">Continue with ${escapeHTML(provider.name)}</a></p>`;
    })
    .join('');
  return page(
    'Sign in a device',
    `<p>Your device should show this code:</p><p class="code" id="shown-code">${shown}</p>` +
      `<p><strong>Only continue if you started this sign-in yourself and the code matches.</strong> ` +
      `Whoever holds that device will be signed in as you.</p>${links}`,
  );
}

/** The page shown after the provider callback decided a device request. */
export function deviceResultPage(result: 'approved' | 'denied' | 'invalid'): Response {
  if (result === 'approved') {
    return page('Device signed in', '<p>Your device is signed in. You can close this tab.</p>');
  }
  if (result === 'denied') {
    return page('Device not signed in', '<p>The device was not signed in.</p>');
  }
  return page(
    'Device not signed in',
    '<p class="error">The code has expired or was already used. Start again on your device.</p>',
    400,
  );
}
