// Sign-in benchmark (npm run bench:signin [-- --quick]): complete start → provider → callback
// sign-ins against the GitHub double on loopback (no added latency), latchkey's routes called in
// this process over a SQLite store. Two phases:
// - one at a time, each a new user (the heavier path: user, account and session are created):
//   the callback's time split into the provider's share (token exchange, /user, /user/emails,
//   timed around the provider's fetch) and latchkey's own (everything else), p50 and p99;
// - 16 at a time, a returning user: complete sign-ins per second.
// Prints one JSON line. The double runs in this process too, so its time is the provider's share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLatchkey } from '../src/index.ts';
import { createAuthHandler } from '../src/http/index.ts';
import { github } from '../src/providers/index.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import { startGitHubDouble } from '../src/testing/index.ts';
import { median } from './load.ts';

const quick = process.argv.includes('--quick');
const ORIGIN = 'https://app.bench';
const sequential = quick ? 30 : 1_000;
const concurrentSeconds = quick ? 1 : 8;
const concurrency = 16;

const double = await startGitHubDouble();
const app = double.addApp({
  clientId: 'bench-client',
  clientSecret: 'bench-secret',
  kind: 'oauth-app',
  callbackURLs: [`${ORIGIN}/auth/github/callback`],
});
double.addUser({ login: 'returning' });

/** Time spent inside the provider's fetch during the callback being measured. */
let upstream = 0;
const timedFetch: typeof fetch = async (input, init) => {
  const started = performance.now();
  try {
    const response = await fetch(input, init);
    // The body is read by the caller; buffering it here keeps its transfer in this share.
    const body = await response.arrayBuffer();
    return new Response(body, response);
  } finally {
    upstream += performance.now() - started;
  }
};

const dir = mkdtempSync(join(tmpdir(), 'latchkey-signin-'));
const store = sqliteStore(join(dir, 'signin.db'));
await store.migrate();
const auth = createLatchkey({ store });
const handler = createAuthHandler(auth, {
  providers: [
    github({
      clientId: app.clientId,
      clientSecret: 'bench-secret',
      endpoints: { web: double.url, api: double.url },
      fetch: timedFetch,
    }),
  ],
  secret: 'b'.repeat(32),
  rateLimit: false,
  logger: { error: (message) => process.stderr.write(`${message}\n`) },
});

/** One complete sign-in; returns the callback's total and provider time in ms. */
async function signIn(): Promise<{ total: number; provider: number }> {
  const start = await handler.fetch(new Request(`${ORIGIN}/auth/github`));
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const atDouble = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const callback = atDouble.headers.get('location');
  if (!callback) throw new Error(`the double answered ${atDouble.status}`);
  upstream = 0;
  const began = performance.now();
  const done = await handler.fetch(new Request(callback, { headers: { cookie } }));
  const total = performance.now() - began;
  if (done.status !== 302 || done.headers.get('location') !== `${ORIGIN}/`) {
    throw new Error(`callback answered ${done.status} ${done.headers.get('location')}`);
  }
  return { total, provider: upstream };
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

try {
  // Warm-up (JIT, statement cache), then new users one at a time.
  double.approveAs('returning');
  for (let i = 0; i < 20; i++) await signIn();
  const own: number[] = [];
  const totals: number[] = [];
  const providers: number[] = [];
  for (let i = 0; i < sequential; i++) {
    double.addUser({ login: `user-${i}` });
    double.approveAs(`user-${i}`);
    const { total, provider } = await signIn();
    totals.push(total);
    providers.push(provider);
    own.push(total - provider);
  }

  // Returning user, 16 sign-ins in flight: the provider's share no longer separates cleanly.
  double.approveAs('returning');
  let completed = 0;
  const until = performance.now() + concurrentSeconds * 1_000;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await signIn();
        completed++;
      }
    }),
  );
  const elapsed = (performance.now() - began) / 1_000;

  const ms = (n: number) => Number(n.toFixed(2));
  console.log(
    JSON.stringify({
      benchmark: 'sign-in',
      store: 'sqlite',
      sequential_sign_ins: sequential,
      callback_p50_ms: ms(median(totals)),
      provider_p50_ms: ms(median(providers)),
      latchkey_p50_ms: ms(median(own)),
      latchkey_p99_ms: ms(percentile(own, 0.99)),
      concurrency,
      sign_ins_per_s: Math.round(completed / elapsed),
      target_latchkey_p50_ms: 5,
    }),
  );
} finally {
  await double.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
