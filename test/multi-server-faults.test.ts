// Several servers under faults: 3 app processes (test/multi-server-app.ts) behind a real HAProxy,
// on PostgreSQL (users, accounts, provider tokens) + a 6-node Redis Cluster (sessions), with the
// GitHub double in this process. A bounded load of sign-ins, session checks, sign-outs and
// provider-token refreshes runs (LATCHKEY_FAULT_SECONDS, default 24) while, one after another,
// an app process is SIGKILLed and restarted, PostgreSQL restarts and a Redis primary fails over
// to its replica (LATCHKEY_FAULT_REDIS=kill: it is SIGKILLed instead). Pass: no issued session lost or resurrected, one user per GitHub
// account, one upstream refresh per account per expiry, every failure a 503 that succeeds when
// retried after recovery. Prints its figures as one JSON line.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { dropTablesSql, tableNames } from '../src/stores/migrations.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';
import { generateTokenKey } from '../src/tokens/index.ts';
import { freePort, POSTGRES_URL, uniqueSuffix } from './helpers.ts';
import { Jar, Recorder, startApps, startHAProxy, type Apps, type HAProxy } from './multi-server.ts';
import { ask, startRedisCluster, type LocalRedisCluster } from './redis-cluster-fixture.ts';

const SECONDS = Number(process.env.LATCHKEY_FAULT_SECONDS ?? 24);
/** `failover` (default: CLUSTER FAILOVER, lossless) or `kill` (SIGKILL the primary). */
const REDIS_FAULT = process.env.LATCHKEY_FAULT_REDIS === 'kill' ? 'kill' : 'failover';
const HOUR = 3_600_000;
const run = promisify(execFile);
const PG_VERSION = readdirSync('/etc/postgresql')[0] ?? 'missing';
const pgctl = (action: string) =>
  run('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION, 'main', action]);
const pgReady = async () =>
  await run('pg_isready', ['-h', '127.0.0.1', '-p', '5432']).then(
    () => true,
    () => false,
  );

async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Session {
  jar: Jar;
  login: string;
  userId: string;
  state: 'active' | 'signing-out' | 'revoked';
}

describe('several servers behind HAProxy under faults', () => {
  const tablePrefix = `lk_${uniqueSuffix()}_`;
  let cluster: LocalRedisCluster | undefined;
  let double: GitHubDouble | undefined;
  let apps: Apps | undefined;
  let proxy: HAProxy | undefined;

  before(async () => {
    const store = postgresStore(POSTGRES_URL, { tablePrefix });
    await store.migrate();
    await store.close();
  });
  after(async () => {
    await proxy?.stop();
    await apps?.stop();
    await cluster?.stop();
    await double?.close();
    // The shared PostgreSQL must be up for whoever runs next, whatever happened here.
    if (!(await pgReady())) await pgctl('start').catch(() => undefined);
    await until('PostgreSQL', 30_000, pgReady).catch(() => undefined);
    const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    admin.on('error', () => undefined);
    for (const sql of dropTablesSql('postgres', tablePrefix)) await admin.query(sql);
    await admin.end();
  });

  it(
    'loses no session, duplicates no user, refreshes once per expiry, fails only with 503',
    { timeout: (SECONDS + 100) * 1000 },
    async (t) => {
      cluster = await startRedisCluster(7401);
      double = await startGitHubDouble();
      const gh = double;
      const redisCluster = cluster;
      const lbPort = await freePort();
      const LB = `http://127.0.0.1:${lbPort}`;
      gh.addApp({
        clientId: 'Iv1.faults',
        clientSecret: 'faults-secret',
        kind: 'github-app',
        expiringTokens: true,
        callbackURLs: [`${LB}/auth/github/callback`],
      });
      const logins = Array.from({ length: 10 }, (_, i) => `user${i}`);
      const refreshLogins = ['ref0', 'ref1', 'ref2'];
      const raceLogins = ['race0', 'race1', 'race2'];
      for (const login of [...logins, ...refreshLogins, ...raceLogins]) gh.addUser({ login });
      apps = await startApps(3, {
        POSTGRES_URL,
        TABLE_PREFIX: tablePrefix,
        REDIS_NODES: cluster.ports.join(','),
        KEY_PREFIX: `lkf:${uniqueSuffix()}:`,
        DOUBLE_URL: gh.url,
        CLIENT_ID: 'Iv1.faults',
        CLIENT_SECRET: 'faults-secret',
        VAULT_KEY: generateTokenKey(),
        SEAL_SECRET: 's'.repeat(40),
      });
      proxy = await startHAProxy(lbPort, apps.ports);
      const appSet = apps;
      const rec = new Recorder();
      const violations: string[] = [];
      const retries: { what: string; redo: () => Promise<void> }[] = [];
      const later = (what: string, redo: () => Promise<void>) => retries.push({ what, redo });

      // GitHub's clock jumps 8 h per token expiry, which would also expire the codes of sign-ins
      // under way: a jump waits for them, and new ones wait for the jump.
      let offset = 0;
      let signInsUnderWay = 0;
      let jumping: Promise<void> | null = null;
      async function jumpClock(ms: number): Promise<void> {
        jumping = (async () => {
          while (signInsUnderWay > 0) await sleep(5);
          offset += ms;
          gh.advance(ms);
        })();
        await jumping;
        jumping = null;
      }
      // The double approves as one login at a time: hold this while a browser is at /authorize.
      let authorizing = Promise.resolve();
      async function authorize(url: string, login: string): Promise<string> {
        const previous = authorizing;
        let release!: () => void;
        authorizing = new Promise((r) => (release = r));
        await previous;
        try {
          gh.approveAs(login);
          const r = await fetch(url, { redirect: 'manual' });
          const location = r.headers.get('location');
          if (r.status !== 302 || !location) throw new Error(`the double answered ${r.status}`);
          return location;
        } finally {
          release();
        }
      }

      const sessions: Session[] = [];
      const aborted: number[] = [];
      const usersByLogin = new Map<string, Set<string>>();
      /** One complete sign-in through HAProxy; `null` when a step hit a fault (503). */
      async function signIn(login: string): Promise<Session | null> {
        const jar = new Jar();
        const start = await rec.call('sign-in', `${LB}/auth/github`, { jar });
        if (start.status !== 302) return null;
        while (jumping) await jumping;
        signInsUnderWay++;
        let done: Response;
        try {
          const callback = await authorize(start.headers.get('location')!, login);
          done = await rec.call('sign-in', callback, { jar });
        } finally {
          signInsUnderWay--;
        }
        if (done.status !== 302) return null;
        if (done.headers.get('location') !== `${LB}/`) {
          // A callback HAProxy re-sent after its process died: the code was spent. Not a 5xx.
          rec.count('sign-in-aborted');
          aborted.push(Date.now());
          return null;
        }
        const me = await rec.call('session', `${LB}/auth/session`, { jar });
        if (me.status !== 200) {
          if (me.status !== 503) violations.push(`new session of ${login} answered ${me.status}`);
          return null;
        }
        const userId = ((await me.json()) as { user: { id: string } }).user.id;
        const ids = usersByLogin.get(login) ?? new Set();
        usersByLogin.set(login, ids.add(userId));
        const session: Session = { jar, login, userId, state: 'active' };
        sessions.push(session);
        return session;
      }
      async function signInUntilDone(login: string): Promise<Session> {
        for (let i = 0; i < 20; i++) {
          const s = await signIn(login);
          if (s) return s;
          await sleep(500);
        }
        throw new Error(`sign-in of ${login} never succeeded`);
      }

      /** Checks a session against what we know; `false` when it hit a fault. */
      async function validate(s: Session): Promise<boolean> {
        const r = await rec.call('session', `${LB}/auth/session`, { jar: s.jar, keep: true });
        if (r.status === 503) return false;
        if (s.state === 'active') {
          if (r.status !== 200)
            violations.push(`lost: a session of ${s.login} answered ${r.status}`);
          else if (((await r.json()) as { user: { id: string } }).user.id !== s.userId) {
            violations.push(`a session of ${s.login} changed user`);
          }
        } else if (s.state === 'revoked' && r.status !== 401) {
          violations.push(`resurrected: a revoked session of ${s.login} answered ${r.status}`);
        }
        return true;
      }
      async function signOut(s: Session): Promise<boolean> {
        s.state = 'signing-out';
        const r = await rec.call('sign-out', `${LB}/auth/logout`, {
          jar: s.jar,
          method: 'POST',
          headers: { origin: LB },
          keep: true,
        });
        if (r.status === 503) return false;
        if (r.status >= 300) violations.push(`sign-out answered ${r.status}`);
        s.state = 'revoked';
        return true;
      }

      // Provider tokens: three accounts signed in before the load; each "expiry" moves GitHub's
      // clock past the 8 h token life and asks for each token 3 times at once through HAProxy.
      const refreshUsers: string[] = [];
      for (const login of refreshLogins) refreshUsers.push((await signInUntilDone(login)).userId);
      // First sign-ins of one GitHub account on several servers at once: still one user.
      await Promise.all(raceLogins.flatMap((login) => [1, 2, 3].map(() => signInUntilDone(login))));
      let expiries = 0;
      const refreshesBefore = gh.stats.refreshes;
      async function getToken(userId: string): Promise<string> {
        const deadline = Date.now() + 45_000;
        for (;;) {
          const r = await rec.call('token', `${LB}/api/token?user=${userId}`, {
            headers: { 'x-clock-offset': String(offset) },
          });
          if (r.status === 200) return ((await r.json()) as { token: string }).token;
          if (r.status !== 503) {
            violations.push(`the token route answered ${r.status}`);
            return `failed:${r.status}`;
          }
          // Retried after recovery, within the same expiry.
          if (Date.now() > deadline) throw new Error('token route stayed unavailable');
          await sleep(300);
        }
      }

      const loadEnd = Date.now() + SECONDS * 1000;
      // The load lasts SECONDS, and at least 2 s past the last fault's recovery (a slow machine
      // must not see its last fault with no load on).
      let loadOver = false;
      const users = Array.from({ length: 4 }, async (_, w) => {
        const mine: Session[] = [];
        while (!loadOver) {
          const r = Math.random();
          const active = mine.filter((s) => s.state === 'active');
          if (active.length < 2 || r < 0.12) {
            const login = logins[Math.floor(Math.random() * logins.length)]!;
            const s = await signIn(login);
            if (s) mine.push(s);
            else
              later(`sign-in ${login}`, async () => void mine.push(await signInUntilDone(login)));
          } else if (r < 0.2) {
            const s = active[Math.floor(Math.random() * active.length)]!;
            if (!(await signOut(s))) {
              later('sign-out', async () => assert.ok(await signOut(s), 'sign-out after recovery'));
            }
          } else {
            const s = mine[Math.floor(Math.random() * mine.length)]!;
            if (s.state !== 'signing-out' && !(await validate(s))) {
              later('validate', async () => assert.ok(await validate(s), 'check after recovery'));
            }
          }
          await sleep(20 + w);
        }
      });
      const refresher = (async () => {
        const tokenViolations: string[] = [];
        while (!loadOver) {
          await jumpClock(8 * HOUR + 60_000);
          expiries++;
          await Promise.all(
            refreshUsers.map(async (userId) => {
              const got = await Promise.all([1, 2, 3].map(() => getToken(userId)));
              if (new Set(got).size !== 1)
                tokenViolations.push(`expiry ${expiries}: tokens differ`);
              if (!gh.isTokenActive(got[0]!))
                tokenViolations.push(`expiry ${expiries}: dead token`);
            }),
          );
          await sleep(1_500);
        }
        violations.push(...tokenViolations);
      })();

      // The faults, one after another, spread over the load.
      const faults: { name: string; start: number; recovered: number }[] = [];
      // One round of the three faults per ~24 s of load (LATCHKEY_FAULT_SECONDS=120: five rounds),
      // each fault a quarter of its round after the previous one's recovery.
      const rounds = Math.max(1, Math.floor(SECONDS / 24));
      const gap = (SECONDS * 1000) / rounds / 4;
      const injector = (async () => {
        for (let round = 0; round < rounds; round++) {
          await sleep(gap * 0.7);
          let start = Date.now();
          await appSet.kill(round % 3);
          await sleep(1_000);
          await appSet.restart(round % 3);
          faults.push({ name: 'app-process-sigkill', start, recovered: Date.now() });

          await sleep(gap * 0.8);
          start = Date.now();
          await pgctl('restart');
          await until('PostgreSQL after restart', 30_000, pgReady);
          faults.push({ name: 'postgres-restart', start, recovered: Date.now() });

          await sleep(gap * 0.8);
          start = Date.now();
          // A primary whose replica is in sync: a replica still loading its first full copy (the
          // node restarted in the round before) would be promoted with part of the data, which
          // is a fault of the test's timing, not of the store.
          const roles = await Promise.all(redisCluster.ports.map((p) => ask(p, 'ROLE')));
          const synced = (port: number) => (r: string) =>
            r.startsWith('slave') && r.includes(`,${port},connected,`);
          const primary = redisCluster.ports.find(
            (port, i) => roles[i]!.startsWith('master') && roles.some(synced(port)),
          )!;
          const replica = redisCluster.ports[roles.findIndex(synced(primary))]!;
          if (REDIS_FAULT === 'kill') {
            // A crash: Redis replicates asynchronously, so the primary's last writes (a session
            // made in its final milliseconds) may die with it. Opt-in for that reason.
            await redisCluster.kill(primary);
          } else {
            // A failover of the primary to its replica, as an operator or a rolling upgrade does
            // it: the replica catches up first, so no acknowledged write is lost.
            await ask(replica, 'CLUSTER', 'FAILOVER');
          }
          await until('the replica to take over', 20_000, async () =>
            (await ask(replica, 'ROLE')).startsWith('master'),
          );
          await until('cluster_state:ok', 20_000, async () =>
            (await ask(replica, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
          );
          faults.push({ name: `redis-primary-${REDIS_FAULT}`, start, recovered: Date.now() });
          if (REDIS_FAULT === 'kill') redisCluster.restart(primary);
          await until('the old primary to rejoin as an in-sync replica', 30_000, async () =>
            /^slave,.*,connected,/.test(await ask(primary, 'ROLE')),
          );
          if (Date.now() + gap * 3 > loadEnd) break;
        }
      })();

      const stopper = Promise.all([sleep(SECONDS * 1000), injector.then(() => sleep(2_000))]);
      await stopper.finally(() => (loadOver = true));
      await Promise.all([refresher, ...users]);
      const loadStopped = Date.now();

      // After recovery: every operation that hit a fault, again; then the whole picture.
      const retried = retries.length;
      for (const { what, redo } of retries) {
        await redo().catch((error: Error) => violations.push(`${what} after recovery: ${error}`));
      }
      for (const s of sessions) {
        if (!(await validate(s))) violations.push(`a final check of ${s.login} answered 503`);
      }
      // Only a callback in flight when its process was killed may fail (HAProxy re-sends it).
      const kills = faults.filter((f) => f.name === 'app-process-sigkill');
      for (const at of aborted) {
        if (!kills.some((kill) => at >= kill.start && at <= kill.recovered + 2_000)) {
          violations.push(`a sign-in failed at ${at}, outside the process kill`);
        }
      }
      for (const [login, ids] of usersByLogin) {
        if (ids.size !== 1) violations.push(`${login} became ${ids.size} users`);
      }
      const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
      admin.on('error', () => undefined);
      const t0 = tableNames('postgres', tablePrefix);
      const userRows = Number(
        (await admin.query(`SELECT count(*) AS n FROM ${t0.user}`)).rows[0].n,
      );
      const accountRows = Number(
        (await admin.query(`SELECT count(*) AS n FROM ${t0.account}`)).rows[0].n,
      );
      await admin.end();
      const refreshes = gh.stats.refreshes - refreshesBefore;

      const figures = {
        test: 'multi-server-faults',
        seconds: SECONDS,
        apps: 3,
        requests: rec.outcomes(),
        median_request_ms: rec.median(),
        sessions_issued: sessions.length,
        sessions_revoked: sessions.filter((s) => s.state === 'revoked').length,
        retried_after_recovery: retried,
        users: userRows,
        accounts: accountRows,
        token_expiries: expiries,
        refresh_accounts: refreshUsers.length,
        upstream_refreshes: refreshes,
        faults: faults.map((f, i) => {
          const to = faults[i + 1]?.start ?? loadStopped;
          return {
            fault: f.name,
            recovery_ms: f.recovered - f.start,
            longest_unavailability_ms: rec.unavailability(f.start, to),
            slowest_request_ms: rec.slowest(f.start, to),
          };
        }),
        violations: violations.length,
      };
      console.log(JSON.stringify(figures));
      // On a failure, what the apps logged says why (the error's name and code, never secrets).
      if (violations.length > 0 || rec.other5xx > 0) {
        console.log(appSet.logs().join('\n---\n'));
      }
      if (process.env.LATCHKEY_FAULT_DEBUG) {
        for (const f of faults) {
          console.log(f.name, f.start, f.recovered);
        }
        for (const f of rec.failures) console.log(f.kind, f.status, f.server, f.start, f.end);
        console.log(appSet.logs().join('\n---\n'));
      }
      t.diagnostic(JSON.stringify(figures));

      assert.deepEqual(violations, []);
      assert.equal(rec.other5xx, 0, `non-503 failures: ${JSON.stringify(rec.outcomes())}`);
      assert.ok(faults.length >= 3 && faults.length % 3 === 0, 'every fault was injected');
      assert.equal(userRows, usersByLogin.size, 'one user per GitHub account');
      assert.equal(accountRows, usersByLogin.size);
      assert.equal(refreshes, expiries * refreshUsers.length, 'one refresh per account per expiry');
      assert.ok(await pgReady(), 'PostgreSQL is back up');
    },
  );
});
