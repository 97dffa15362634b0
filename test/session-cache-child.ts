// Process A of test/session-cache-channel.test.ts: validates the given session tokens once (so
// they are cached), says "cached", then validates them over and over from the cache and reports
// when each first came back null. Settings come from the environment.
import { setTimeout as sleep } from 'node:timers/promises';
import { createLatchkey } from '../src/index.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { redisStore } from '../src/stores/redis-store.ts';
import { POSTGRES_URL, REDIS_URL } from './helpers.ts';

const env = process.env;
const tokens = (env.TOKENS ?? '').split(',');
const base = postgresStore(POSTGRES_URL, { tablePrefix: env.PREFIX });
const store =
  env.STORE === 'redis' ? redisStore({ redis: REDIS_URL, base, keyPrefix: env.KEY_PREFIX }) : base;
const auth = createLatchkey({
  store,
  sessionCache: { ttl: 60_000, ...(env.CHANNEL === 'off' ? { channel: null } : {}) },
});
await auth.sessionCache!.ready();
for (const token of tokens) {
  if ((await auth.validateSession(token)) === null) throw new Error('a token did not validate');
}
const cachedMisses = auth.sessionCache!.misses;
process.stdout.write('cached\n');

const nullAt: (number | null)[] = tokens.map(() => null);
let stale = 0;
const deadline = Date.now() + Number(env.WATCH_MS ?? 5_000);
while (nullAt.includes(null) && Date.now() < deadline) {
  for (let i = 0; i < tokens.length; i++) {
    if (nullAt[i] !== null) continue;
    if ((await auth.validateSession(tokens[i])) === null) nullAt[i] = Date.now();
    else stale++;
  }
  // Poll, never sleep long: the event loop must be free to hear the channel.
  await sleep(1);
}
process.stdout.write(
  `${JSON.stringify({ nullAt, stale, hits: auth.sessionCache!.hits, storeReadsAfterCaching: auth.sessionCache!.misses - cachedMisses })}\n`,
);
await store.close();
if (store !== base) await base.close();
