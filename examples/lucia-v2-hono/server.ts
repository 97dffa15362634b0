// A Hono server for a Tauri desktop app's GitHub sign-in, in the Lucia v2 style: the app
// listens on a loopback port and opens /login/github?port=N; after the callback the server
// redirects to http://localhost:N with a session token (the Tauri loopback style). Where it
// differs from a Lucia v2 server, latchkey's API asks for it:
// - PKCE: the verifier from getAuthorizationUrl() is kept in an HttpOnly cookie like the state
//   and handed back to validateCallback() with the state (latchkey re-checks it; never fails open);
// - users have `id` (not `userId`) and createSession() returns the token beside the session.
import { auth, githubAuth } from './auth.ts';
import { OAuthRequestError } from 'latchkey/oauth';

import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

export const app = new Hono();

app.get('/user', async (c) => {
  const authRequest = auth.handleRequest(c);
  const session = await authRequest.validateBearerToken();
  if (!session) {
    return c.newResponse(null, 401);
  }
  return c.json(session.user);
});

app.get('/login/github', async (c) => {
  const url = new URL(c.req.url);
  const port = url.searchParams.get('port');
  if (!port) return c.newResponse(null, 400);
  const [authorizationUrl, state, codeVerifier] = await githubAuth.getAuthorizationUrl();
  setCookie(c, 'github_oauth_state', state, {
    path: '/',
    maxAge: 60 * 10, // 10 min
    httpOnly: true,
    secure: process.env.NODE_ENV === 'production',
  });
  setCookie(c, 'github_oauth_code_verifier', codeVerifier ?? '', {
    path: '/',
    maxAge: 60 * 10, // 10 min
    httpOnly: true,
    secure: process.env.NODE_ENV === 'production',
  });
  setCookie(c, 'redirect_port', port, {
    path: '/',
    maxAge: 60 * 10, // 10 min
    httpOnly: true,
    secure: process.env.NODE_ENV === 'production',
  });
  return c.redirect(authorizationUrl.toString());
});

app.get('/login/github/callback', async (c) => {
  const url = new URL(c.req.url);
  const code = url.searchParams.get('code');
  if (!code) return c.newResponse(null, 400);
  const state = url.searchParams.get('state');
  const storedState = getCookie(c, 'github_oauth_state');
  if (!state || !storedState || state !== storedState) {
    return c.newResponse(null, 400);
  }
  const codeVerifier = getCookie(c, 'github_oauth_code_verifier') ?? null;
  const redirectPort = getCookie(c, 'redirect_port'); // get port we set in /login/github
  if (!redirectPort) return c.newResponse(null, 400);
  try {
    const { getExistingUser, githubUser, createUser } = await githubAuth.validateCallback(code, {
      codeVerifier,
      state,
      expectedState: storedState,
      iss: url.searchParams.get('iss'),
    });
    let user = await getExistingUser();
    if (!user) {
      user = await createUser({
        attributes: {
          username: githubUser.login,
        },
      });
    }
    const { token } = await auth.createSession({
      userId: user.id,
      attributes: {},
    });
    return c.redirect(`http://localhost:${redirectPort}?session_token=${token}`);
  } catch (e) {
    console.log(e);
    if (e instanceof OAuthRequestError) {
      // invalid code
      return c.newResponse(null, 400);
    }
    return c.newResponse(null, 500);
  }
});

app.post('/logout', async (c) => {
  const authRequest = auth.handleRequest(c);
  const session = await authRequest.validateBearerToken();
  if (!session) return c.newResponse(null, 401);
  await auth.invalidateSession(session.session.id);
  return c.newResponse(null, 200);
});

if (import.meta.main) serve(app);
