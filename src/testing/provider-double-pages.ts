// The provider double's HTML: the sign-in page a browser can click (a real form posting back to
// the authorize endpoint), the `form_post` auto-submitting form, and an error page.
import { escapeHTML } from './double-http.ts';
import type { TestUser } from './preset.ts';

function layout(provider: string, title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHTML(title)} · ${escapeHTML(provider)} (local double)</title>
<style>
  body { font: 14px/1.5 system-ui, sans-serif; max-width: 380px; margin: 40px auto; }
  button { display: block; width: 100%; margin: 8px 0; padding: 8px; font-size: 14px; }
</style>
</head>
<body>
<h1>${escapeHTML(title)}</h1>
${body}
${script}
</body>
</html>`;
}

function hiddenInputs(params: Iterable<[string, string]>): string {
  return [...params]
    .map(([k, v]) => `<input type="hidden" name="${escapeHTML(k)}" value="${escapeHTML(v)}">`)
    .join('\n');
}

/** The page of the authorize endpoint when no user is scripted: one button per test user. */
export function signInPage(options: {
  provider: string;
  action: string;
  clientId: string;
  scopes: string[];
  params: Map<string, string>;
  users: TestUser[];
}): string {
  const buttons = options.users
    .map(
      (u) =>
        `<button type="submit" name="user" value="${escapeHTML(u.id)}">Continue as ${escapeHTML(u.name ?? u.username ?? u.email ?? u.id)}</button>`,
    )
    .join('\n');
  return layout(
    options.provider,
    `Sign in to ${options.provider}`,
    `<p><strong>${escapeHTML(options.clientId)}</strong> asks for: ${escapeHTML(options.scopes.join(' ') || '(no scopes)')}</p>
<form method="post" action="${escapeHTML(options.action)}">
${hiddenInputs(options.params)}
${buttons}
<button type="submit" name="deny" value="1">Cancel</button>
</form>`,
  );
}

/** OAuth 2.0 Form Post Response Mode: a form the browser posts to the app at once. */
export function formPostPage(
  provider: string,
  redirectURI: string,
  params: URLSearchParams,
): string {
  return layout(
    provider,
    'Returning to the app',
    `<form method="post" action="${escapeHTML(redirectURI)}">
${hiddenInputs(params)}
<noscript><button type="submit">Continue</button></noscript>
</form>`,
    '<script>document.forms[0].submit()</script>',
  );
}

/** A page with one message (unknown client, bad redirect URI): never a redirect. */
export function errorPage(provider: string, message: string): string {
  return layout(provider, 'Error', `<p role="alert">${escapeHTML(message)}</p>`);
}
