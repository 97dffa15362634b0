// One app process of test/multi-server-faults.test.ts: latchkey's routes over node:http on
// PostgreSQL (users, accounts, provider tokens) + a Redis Cluster (sessions, short-lived
// records), with a GitHub App whose expiring tokens the vault refreshes on `GET /api/token`.
// HAProxy checks `GET /healthz`. Settings come from the environment; says "ready" when listening.
import { createServer } from 'node:http';
import { Cluster } from 'ioredis';
import { toNodeHandler } from '../src/adapters/node.ts';
import { createGitHubApp } from '../src/github/index.ts';
import { answerError } from '../src/http/error-policy.ts';
import { createAuthHandler } from '../src/http/index.ts';
import { createLatchkey } from '../src/index.ts';
import { github } from '../src/providers/index.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { redisStore } from '../src/stores/redis-store.ts';
import { createTokenVault } from '../src/tokens/index.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`missing ${name}`);
  return value;
};
const name = env('APP_NAME');
// The parent moves GitHub's clock by hours to expire tokens; each token request carries the
// offset (`x-clock-offset`), and this process's vault clock follows it (never backwards).
let offset = 0;
const now = (): number => Date.now() + offset;

const base = postgresStore(env('POSTGRES_URL'), { tablePrefix: env('TABLE_PREFIX') });
const redis = new Cluster(
  env('REDIS_NODES')
    .split(',')
    .map((port) => ({ host: '127.0.0.1', port: Number(port) })),
  {
    // Commands wait out a failover instead of failing at once (as in redis-cluster-store.test.ts).
    clusterRetryStrategy: (times) => Math.min(100 * times, 1_000),
    redisOptions: { maxRetriesPerRequest: 20 },
  },
);
redis.on('error', () => undefined);
const store = redisStore({ redis, base, keyPrefix: env('KEY_PREFIX') });
const auth = createLatchkey({ store });
const double = env('DOUBLE_URL');
const clientId = env('CLIENT_ID');
const clientSecret = env('CLIENT_SECRET');
const app = createGitHubApp({ clientId, clientSecret, baseURL: double, apiURL: double, now });
const vault = createTokenVault({
  store,
  providers: [app],
  keys: [{ id: 'k1', key: env('VAULT_KEY') }],
  now,
});
const logger = {
  error: (message: string, details: Record<string, string>) =>
    process.stderr.write(`[${name}] ${message} ${JSON.stringify(details)}\n`),
};
const handler = createAuthHandler(auth, {
  providers: [github({ clientId, clientSecret, endpoints: { web: double, api: double } })],
  secret: env('SEAL_SECRET'),
  rateLimit: false,
  tokenVault: vault,
  logger,
});
const authRoutes = toNodeHandler(handler);

/** `GET /api/token?user=<id>`: the user's GitHub access token, refreshed when it has expired. */
async function token(url: URL, header: string | undefined): Promise<Response> {
  offset = Math.max(offset, Number(header ?? 0));
  try {
    const accounts = await auth.getUserAccounts(url.searchParams.get('user') ?? '');
    const account = accounts.find((a) => a.providerId === 'github');
    if (!account) return Response.json({ error: 'no_account' }, { status: 404 });
    return Response.json({ token: await vault.getAccessTokenForAccount(account) });
  } catch (error) {
    // The handler's own policy: a store outage is a 503, anything else a logged 500.
    return answerError(logger, error);
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://app');
  if (url.pathname === '/healthz') return void res.end('ok');
  if (url.pathname === '/api/token') {
    void token(url, req.headers['x-clock-offset'] as string | undefined).then(async (r) => {
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(await r.text());
    });
    return;
  }
  if (handler.matches(new Request(`http://app${url.pathname}`))) return void authRoutes(req, res);
  res.statusCode = 404;
  res.end();
});
server.listen(Number(env('PORT')), '127.0.0.1', () => process.stdout.write('ready\n'));
// The parent holds our stdin open: when it dies, however it dies, so do we.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
