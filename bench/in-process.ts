// In-process validation cost on SQLite: latchkey's `validateSession` against the raw prepared
// JOIN the benchmark server's `/raw` route runs, one call after another in this process, in
// alternating (ABBA) rounds; the ratio is the median of the per-round ratios.
import { DatabaseSync } from 'node:sqlite';
import { createLatchkey } from '../src/index.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import { median } from './load.ts';

/** The raw floor's statement, shared with bench/server.ts. */
export const RAW_JOIN =
  // The columns any correct validation needs (hash, both expiries, the user); no hashing, no
  // expiry logic, no objects beyond the row: a floor no library can go under.
  'SELECT s.id, s.user_id, s.secret_hash, s.expires_at, s.absolute_expires_at, u.attributes FROM "latchkey_session" s JOIN "latchkey_user" u ON u.id = s.user_id WHERE s.id = ?';

export interface InProcessResult {
  inprocess_raw_us: number;
  inprocess_latchkey_us: number;
  inprocess_ratio: number;
}

/** µs per validation, raw and latchkey, over `tokens` of the SQLite file at `path`. */
export async function measureInProcess(
  path: string,
  tokens: readonly string[],
  rounds: number,
  perRound: number,
): Promise<InProcessResult> {
  const store = sqliteStore(path);
  const auth = createLatchkey({ store });
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode=WAL; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456');
  const raw = db.prepare(RAW_JOIN);
  const pick = () => tokens[(Math.random() * tokens.length) | 0]!;
  const rawRound = (): number => {
    const start = performance.now();
    for (let i = 0; i < perRound; i++) {
      const row = raw.get(pick().slice(4, 28)) as { attributes: string } | undefined;
      if (!row) throw new Error('raw lookup missed');
      JSON.parse(row.attributes);
    }
    return ((performance.now() - start) * 1_000) / perRound;
  };
  const latchkeyRound = async (): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < perRound; i++) {
      if ((await auth.validateSession(pick())) === null) throw new Error('latchkey missed');
    }
    return ((performance.now() - start) * 1_000) / perRound;
  };
  rawRound(); // warm-up: JIT and page cache
  await latchkeyRound();
  const us = { raw: [] as number[], latchkey: [] as number[] };
  const ratios: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) us.raw.push(rawRound());
      us.latchkey.push(await latchkeyRound());
      if (r % 2 === 1) us.raw.push(rawRound());
      // Rates, not times: raw µs over latchkey µs is latchkey's speed relative to the floor.
      ratios.push(us.raw[r]! / us.latchkey[r]!);
    }
  } finally {
    db.close();
    await store.close();
  }
  return {
    inprocess_raw_us: Number(median(us.raw).toFixed(2)),
    inprocess_latchkey_us: Number(median(us.latchkey).toFixed(2)),
    inprocess_ratio: Number(median(ratios).toFixed(3)),
  };
}
