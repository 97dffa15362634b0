// A tiny auth server for the native tests, composed from latchkey's native functions around a
// real provider flow (the GitHub provider against the local GitHub double) — a stand-in for the
// main route handler's start/callback until it wires these pieces in. Flow state is kept in
// memory, bound to the browser by an HttpOnly cookie, as the real handler does with its sealed
// cookie. Every other `/auth/*` route (session, logout, ...) is the real `createAuthHandler`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLatchkey, type Latchkey } from '../src/core/latchkey.ts';
import { readCookie } from '../src/core/cookies.ts';
import { randomString } from '../src/core/random.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { github } from '../src/providers/github.ts';
import { createAuthHandler, type AuthHandler } from '../src/http/index.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';
import {
  approveDevice,
  completeNativeSignIn,
  completeSeedCompatSignIn,
  createNativeRoutes,
  denyDevice,
  deviceResultPage,
  isNativeStartError,
  nativeErrorRedirect,
  parseDeviceStart,
  parseNativeStart,
  parseSeedCompatStart,
  type NativeStart,
  type SeedCompatStart,
} from '../src/http/native/index.ts';
import type { Store } from '../src/store.ts';

type Flow = {
  state: string;
  codeVerifier: string | null;
  native: NativeStart | null;
  seed: SeedCompatStart | null;
  deviceUserCode: string | null;
};

export interface Harness {
  url: string;
  auth: Latchkey<{ username: string }, Record<string, unknown>>;
  store: Store;
  double: GitHubDouble;
  /** Requests the server answered, path and status (no query: it may hold codes). */
  log: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  unsafeSeedCompatibleLoopback?: boolean;
  allowLocalhost?: boolean;
  deviceInterval?: number;
  deviceExpiresIn?: number;
  now?: () => number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const store = memoryStore(options.now ? { now: options.now } : undefined);
  const auth = createLatchkey<{ username: string }, Record<string, unknown>>({
    store,
    ...(options.now ? { now: options.now } : {}),
  });
  const double = await startGitHubDouble();
  const flows = new Map<string, Flow>();
  const log: Harness['log'] = [];
  let base = '';
  const nativeRoutes = createNativeRoutes(auth, {
    providers: [{ id: 'github', name: 'GitHub' }],
    ...(options.allowLocalhost ? { allowLocalhost: true } : {}),
    ...(options.deviceInterval !== undefined ? { deviceInterval: options.deviceInterval } : {}),
    ...(options.deviceExpiresIn !== undefined ? { deviceExpiresIn: options.deviceExpiresIn } : {}),
  });
  let githubAuth: ReturnType<typeof makeGitHub>;
  let handler: AuthHandler;
  function makeGitHub() {
    return github(auth, {
      clientId: 'native-test-app',
      clientSecret: 'native-test-secret',
      redirectURI: `${base}/auth/github/callback`,
      endpoints: { web: double.url, api: double.url },
    });
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const native = await nativeRoutes.match(request, url, '/auth');
    if (native) return native;
    if (request.method === 'GET' && url.pathname === '/auth/github') {
      const nativeStart = parseNativeStart(
        url,
        options.allowLocalhost ? { allowLocalhost: true } : {},
      );
      if (isNativeStartError(nativeStart)) {
        return Response.json({ error: nativeStart.error }, { status: 400 });
      }
      const seed = parseSeedCompatStart(url, options);
      if (seed && 'error' in seed) return Response.json({ error: seed.error }, { status: 400 });
      const device = parseDeviceStart(request, url);
      if (device && 'error' in device)
        return new Response(device.errorDescription, { status: 400 });
      const [authorizationURL, state, codeVerifier] = await githubAuth.getAuthorizationUrl();
      const flowId = randomString(20);
      flows.set(flowId, {
        state,
        codeVerifier,
        native: nativeStart,
        seed,
        deviceUserCode: device ? device.userCode : null,
      });
      return new Response(null, {
        status: 302,
        headers: {
          location: authorizationURL.toString(),
          'set-cookie': `flow=${flowId}; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=600`,
        },
      });
    }
    if (request.method === 'GET' && url.pathname === '/auth/github/callback') {
      const flowId = readCookie(request.headers.get('cookie'), 'flow');
      const flow = flowId ? flows.get(flowId) : undefined;
      if (!flowId || !flow) return new Response('no flow', { status: 400 });
      flows.delete(flowId);
      let userId: string;
      try {
        const callback = await githubAuth.validateCallback(url, {
          codeVerifier: flow.codeVerifier,
          expectedState: flow.state,
        });
        const user =
          callback.existingUser ??
          (await callback.createUser({ attributes: { username: callback.githubUser.login } }));
        userId = user.id;
      } catch {
        if (flow.native) return nativeErrorRedirect(flow.native, 'access_denied');
        if (flow.deviceUserCode) {
          await denyDevice(store, flow.deviceUserCode);
          return deviceResultPage('denied');
        }
        return new Response('sign-in failed', { status: 400 });
      }
      if (flow.native) return completeNativeSignIn({ auth, start: flow.native, userId });
      if (flow.seed) return completeSeedCompatSignIn({ auth, start: flow.seed, userId });
      if (flow.deviceUserCode) {
        const approved = await approveDevice(store, flow.deviceUserCode, userId);
        return deviceResultPage(approved ? 'approved' : 'invalid');
      }
      return new Response('web sign-in done', { status: 200 });
    }
    return handler.fetch(request);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void bridge(req, res);
  });
  async function bridge(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    }
    const body = chunks.length > 0 && req.method !== 'GET' ? Buffer.concat(chunks) : null;
    let response: Response;
    try {
      response = await handle(
        new Request(`${base}${req.url}`, { method: req.method!, headers, body }),
      );
    } catch (error) {
      console.error('harness error', error);
      response = new Response('internal error', { status: 500 });
    }
    log.push({
      method: req.method!,
      path: (req.url ?? '').split('?')[0]!,
      status: response.status,
    });
    res.statusCode = response.status;
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') res.setHeader(name, value);
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) res.setHeader('set-cookie', cookies);
    res.end(Buffer.from(await response.arrayBuffer()));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  githubAuth = makeGitHub();
  handler = createAuthHandler(auth, {
    providers: [githubAuth.provider],
    secret: 'native-harness-secret-of-at-least-32-bytes',
    rateLimit: false,
  });
  double.addApp({
    clientId: 'native-test-app',
    clientSecret: 'native-test-secret',
    kind: 'oauth-app',
    callbackURLs: [`${base}/auth/github/callback`],
  });
  double.addUser({ login: 'octocat', id: 583231, name: 'The Octocat' });
  double.approveAs(null); // show the sign-in page: the browser types the login and authorizes

  return {
    url: base,
    auth,
    store,
    double,
    log,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await double.close();
    },
  };
}

/** Headless Chromium as the person's browser. */
export const CHROMIUM_OPTIONS = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
  ],
};
