// The GitHub double's HTML pages: the sign-in/authorize page, the device-code page and error
// pages. Real forms (POST to the same path), so browser tests can click through them.
import { escapeHTML } from './double-http.ts';

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHTML(title)} · GitHub (local double)</title>
<style>
  body { font: 14px/1.5 system-ui, sans-serif; background: #f6f8fa; color: #1f2328; margin: 0; }
  header { background: #24292f; color: #fff; padding: 12px 24px; font-weight: 600; }
  header small { font-weight: 400; opacity: .75; margin-left: 8px; }
  main { max-width: 360px; margin: 40px auto; background: #fff; border: 1px solid #d0d7de;
         border-radius: 6px; padding: 20px 24px; }
  h1 { font-size: 20px; font-weight: 400; margin: 0 0 16px; }
  label { display: block; font-weight: 600; margin: 12px 0 6px; }
  input[type=text] { width: 100%; box-sizing: border-box; padding: 6px 10px; font-size: 14px;
         border: 1px solid #d0d7de; border-radius: 6px; }
  .buttons { display: flex; gap: 8px; margin-top: 20px; }
  button { flex: 1; padding: 6px 16px; font-size: 14px; border-radius: 6px; cursor: pointer;
           border: 1px solid rgba(31,35,40,.15); background: #f6f8fa; }
  button[value=authorize] { background: #1f883d; color: #fff; }
  .error { background: #ffebe9; border: 1px solid #ff8182; border-radius: 6px; padding: 8px 12px; }
  .scopes { color: #59636e; }
</style>
</head>
<body>
<header>GitHub <small>(local double)</small></header>
<main>
${body}
</main>
</body>
</html>`;
}

/** The page shown by `GET /login/oauth/authorize` when no user is signed in to the double. */
export function authorizePage(options: {
  action: string;
  clientId: string;
  params: Record<string, string>;
  scopes: string[];
  login: string;
  error: string | null;
}): string {
  const hidden = Object.entries(options.params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHTML(k)}" value="${escapeHTML(v)}">`)
    .join('\n');
  const scopes =
    options.scopes.length > 0
      ? options.scopes.map(escapeHTML).join(', ')
      : '(no scopes: public data only)';
  return layout(
    'Authorize application',
    `<h1>Sign in to authorize <strong>${escapeHTML(options.clientId)}</strong></h1>
${options.error ? `<p class="error" role="alert">${escapeHTML(options.error)}</p>` : ''}
<p class="scopes">Requested scopes: ${scopes}</p>
<form method="post" action="${escapeHTML(options.action)}">
${hidden}
<label for="login">Username</label>
<input type="text" id="login" name="login" autocomplete="username" value="${escapeHTML(options.login)}" autofocus>
<div class="buttons">
<button type="submit" name="authorize" value="cancel">Cancel</button>
<button type="submit" name="authorize" value="authorize">Authorize</button>
</div>
</form>`,
  );
}

/** The page of `GET /login/device`: enter the user code and approve as a user. */
export function devicePage(options: {
  action: string;
  login: string;
  error: string | null;
}): string {
  return layout(
    'Device activation',
    `<h1>Device activation</h1>
${options.error ? `<p class="error" role="alert">${escapeHTML(options.error)}</p>` : ''}
<form method="post" action="${escapeHTML(options.action)}">
<label for="user_code">Enter the code displayed on your device</label>
<input type="text" id="user_code" name="user_code" placeholder="XXXX-XXXX" autocomplete="off" autofocus>
<label for="login">Username</label>
<input type="text" id="login" name="login" autocomplete="username" value="${escapeHTML(options.login)}">
<div class="buttons">
<button type="submit" name="authorize" value="cancel">Cancel</button>
<button type="submit" name="authorize" value="authorize">Authorize</button>
</div>
</form>`,
  );
}

/** A page with one message (device flow results, unknown client...). */
export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHTML(title)}</h1>\n<p>${escapeHTML(message)}</p>`);
}
