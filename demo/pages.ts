// The demo's server-rendered pages. Every value that came from a user, a provider or a
// database goes through `escapeHTML`; forms are POSTs that the handler checks for Origin.
import type { Account, Session, User } from 'latchkey';
import { escapeHTML as e } from 'latchkey/http';

export interface ProviderButton {
  id: string;
  name: string;
}

export interface PageContext {
  providers: ProviderButton[];
  /** The development provider's URL when the GitHub double stands in for GitHub. */
  developmentProvider: { url: string; users: string[] } | null;
  error: string | null;
}

const STYLE = `
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
header{background:#24292f;color:#fff;padding:.8rem 1.5rem;font-weight:600}main{max-width:46rem;margin:2rem auto;padding:0 1rem}
section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem 1.25rem;margin-bottom:1rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.05rem;margin:0 0 .6rem}
.banner{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:.7rem 1rem;margin-bottom:1rem}
.error{background:#ffebe9;border:1px solid #ff8182;border-radius:8px;padding:.7rem 1rem;margin-bottom:1rem}
.button,button{display:inline-block;font:inherit;background:#1f883d;color:#fff;border:0;border-radius:6px;padding:.45rem .9rem;text-decoration:none;cursor:pointer}
button.secondary{background:#eaeef2;color:#1f2328;border:1px solid #d0d7de}button.danger{background:#cf222e}
ul{list-style:none;padding:0;margin:0}li{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.5rem 0;border-top:1px solid #eaeef2}
li:first-child{border-top:0}.muted{color:#59636e;font-size:.9em}.tag{background:#ddf4ff;border-radius:1em;padding:0 .5em;font-size:.8em;margin-left:.4em}
.user{display:flex;gap:1rem;align-items:center}.avatar{width:56px;height:56px;border-radius:50%;background:#8250df;color:#fff;font-size:1.6rem;display:flex;align-items:center;justify-content:center;flex:none}
form{display:inline;margin:0}.actions{display:flex;gap:.5rem;flex-wrap:wrap}code{background:#eaeef2;border-radius:4px;padding:0 .3em}`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)}</title><style>${STYLE}</style></head>
<body><header>latchkey demo</header><main>
${body}
</main></body></html>`;
}

function banners(ctx: PageContext): string {
  let out = '';
  if (ctx.developmentProvider) {
    const users = ctx.developmentProvider.users.map((u) => `<code>${e(u)}</code>`).join(', ');
    out += `<div class="banner" role="note"><strong>Development provider.</strong> "Sign in with GitHub" uses a local GitHub double at <code>${e(ctx.developmentProvider.url)}</code>, not github.com. Type one of ${users} on its sign-in page. Set <code>GITHUB_CLIENT_ID</code> and <code>GITHUB_CLIENT_SECRET</code> to use real GitHub.</div>`;
  }
  if (ctx.error) {
    out += `<div class="error" role="alert">Sign-in failed: <code>${e(ctx.error)}</code></div>`;
  }
  return out;
}

/** The signed-out page: one button per provider. */
export function signedOutPage(ctx: PageContext): string {
  const buttons = ctx.providers
    .map(
      (p) =>
        `<a class="button" id="sign-in-${e(p.id)}" href="/auth/${e(p.id)}">Sign in with ${e(p.name)}</a>`,
    )
    .join(' ');
  return layout(
    'Sign in — latchkey demo',
    `${banners(ctx)}<section><h1>Sign in</h1><p>OAuth sign-in with server-side sessions, stored in this server's database.</p><div class="actions">${buttons}</div></section>`,
  );
}

export interface SignedInView {
  user: User<Record<string, unknown>>;
  session: Session<Record<string, unknown>>;
  accounts: Account[];
  sessions: Session<Record<string, unknown>>[];
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Where a session was made: this browser, another browser, or a command-line client. */
export function sessionKind(session: Session<Record<string, unknown>>, currentId: string): string {
  if (session.id === currentId) return 'This browser';
  const client = session.attributes.client;
  // `native` and `device` sessions are bearer sessions held by an app (the latchkey CLI).
  if (client === 'native') return 'CLI session (browser sign-in)';
  if (client === 'device') return 'CLI session (device code)';
  const ua = text(session.attributes.userAgent) ?? '';
  if (client === 'cli' || /^(latchkey|curl|node|undici)/i.test(ua)) return 'CLI session';
  return 'Other browser';
}

function time(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** The signed-in page: the user, linked accounts, active sessions and sign-out forms. */
export function signedInPage(ctx: PageContext, view: SignedInView): string {
  const a = view.user.attributes;
  const name = text(a.name) ?? text(a.username) ?? view.user.id;
  // An initial, not the provider's avatar image: the demo loads nothing from other hosts.
  const initial = name.slice(0, 1).toUpperCase();
  const linked = new Set(view.accounts.map((x) => x.providerId));
  const accounts = view.accounts
    .map((acc) => {
      const provider = ctx.providers.find((p) => p.id === acc.providerId);
      const unlink =
        view.accounts.length > 1
          ? `<form method="post" action="/auth/${e(acc.providerId)}/unlink"><button class="secondary">Unlink</button></form>`
          : '';
      return `<li><span>${e(provider?.name ?? acc.providerId)} <span class="muted">#${e(acc.providerUserId)}</span></span>${unlink}</li>`;
    })
    .join('');
  const linkable = ctx.providers
    .filter((p) => !linked.has(p.id))
    // A link changes the account, so it is a CSRF-checked POST like sign-out, never a link.
    .map(
      (p) =>
        `<form method="post" action="/auth/${e(p.id)}/link"><button id="link-${e(p.id)}">Link ${e(p.name)}</button></form>`,
    )
    .join(' ');
  const sessions = view.sessions
    .map((s) => {
      const kind = sessionKind(s, view.session.id);
      const agent = text(s.attributes.userAgent) ?? 'unknown client';
      // For an app's session the user agent is the browser that approved it.
      const isApp = s.attributes.client === 'native' || s.attributes.client === 'device';
      const ua = isApp ? `approved in ${agent}` : agent;
      const current = s.id === view.session.id ? '<span class="tag">current</span>' : '';
      return `<li class="session" data-session-id="${e(s.id)}" data-client="${e(text(s.attributes.client) ?? 'browser')}"><span><strong>${e(kind)}</strong>${current}<br><span class="muted">${e(ua.slice(0, 120))}<br>signed in ${e(time(s.createdAt))}, last seen ${e(time(s.lastSeenAt))}</span></span>
<form method="post" action="/auth/sessions/${e(s.id)}"><button class="secondary" aria-label="Revoke session ${e(s.id)}">Revoke</button></form></li>`;
    })
    .join('');
  return layout(
    `${name} — latchkey demo`,
    `${banners(ctx)}<section><div class="user"><div class="avatar" aria-hidden="true">${e(initial)}</div><div><h1 id="signed-in-as">Signed in as ${e(name)}</h1>
<div class="muted">${text(a.username) ? `@${e(text(a.username)!)}` : ''} ${text(a.email) ? e(text(a.email)!) : ''}</div></div></div></section>
<section><h2>Linked accounts</h2><ul>${accounts}</ul>${linkable ? `<p>${linkable}</p>` : ''}</section>
<section><h2>Active sessions</h2><ul id="sessions">${sessions}</ul></section>
<section class="actions"><form method="post" action="/auth/logout"><button id="sign-out">Sign out</button></form>
<form method="post" action="/auth/logout-all"><button class="danger" id="sign-out-everywhere">Sign out everywhere</button></form></section>`,
  );
}
