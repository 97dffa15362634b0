// What latchkey's core adds to a store read (npm run bench:core [-- --quick]): `validateSession`
// over a store that answers synchronously from memory with a fixed row, so no engine time is in
// the figure, and its parts one by one — token parsing, the SHA-256 of the secret with the
// constant-time compare, the public session and user objects. Nanoseconds per call, the median of
// several rounds of a million calls in this process. Every store's validation costs its own read
// plus this; the store benchmarks (bench/stores.ts) compare that read with a raw query.
import { createLatchkey, type Store } from '../src/index.ts';
import { toSession, toUser } from '../src/core/rows.ts';
import { generateToken, parseToken, verifySecret } from '../src/core/session-token.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { median } from './load.ts';

const quick = process.argv.includes('--quick');
const calls = quick ? 20_000 : 1_000_000;
const rounds = quick ? 1 : 7;

const { token, id, secretHash } = generateToken('session');
const now = Date.now();
const row = () => ({
  session: {
    id,
    userId: 'u1',
    secretHash,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + 86_400_000,
    absoluteExpiresAt: now + 2 * 86_400_000,
    attributes: '{}',
  },
  user: {
    id: 'u1',
    attributes: '{"username":"user-1","email":"user1@example.com"}',
    createdAt: now,
  },
});
// A real store whose hot-path read is replaced by the fixed row: the core, nothing else.
const store: Store = Object.assign(memoryStore(), { getSessionAndUser: row });
const auth = createLatchkey({ store });
const secret = token.slice(token.indexOf('.') + 1);

function ns(f: () => unknown): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) f();
  return ((performance.now() - start) * 1e6) / calls;
}
async function nsAsync(f: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i++) await f();
  return ((performance.now() - start) * 1e6) / calls;
}

const parts = {
  row: () => ns(row),
  parse: () => ns(() => parseToken('session', token)),
  verify: () => ns(() => verifySecret(secret, secretHash)),
  objects: () =>
    ns(() => {
      const r = row();
      return [toSession(r.session, false), toUser(r.user)];
    }),
};
const runs: Record<string, number[]> = {
  validate: [],
  row: [],
  parse: [],
  verify: [],
  objects: [],
};
for (let r = 0; r <= rounds; r++) {
  const validate = await nsAsync(() => auth.validateSession(token));
  const round = {
    validate,
    ...Object.fromEntries(Object.entries(parts).map(([k, f]) => [k, f()])),
  };
  if (r === 0) continue; // warm-up
  for (const [k, v] of Object.entries(round)) runs[k]!.push(v);
}
const m = (k: string) => Math.round(median(runs[k]!));
console.log(
  JSON.stringify({
    benchmark: 'core',
    rounds,
    calls,
    validate_ns: m('validate') - m('row'),
    parse_token_ns: m('parse'),
    sha256_compare_ns: m('verify'),
    public_objects_ns: m('objects') - m('row'),
  }),
);
