// Amortised purging of expired short-lived records, so a store stays bounded without the app
// scheduling anything. Writes that add records (set, add, a counter's first increment) tick the
// sweeper; every `every` writes, or on the first write after `interval`, one bounded batch of
// expired records is deleted. Reads — the session lookup above all — never tick it. The sweep runs
// inline after the write that made it due (so its cost is bounded and no timer outlives the
// store), and a failed sweep is dropped: the write itself already succeeded, and the next one
// retries.

/** When and how much a store sweeps. */
export interface SweepSchedule {
  /** Sweep after this many record-adding writes. */
  every: number;
  /** …or on the first such write this many milliseconds after the last sweep. */
  interval: number;
  /** Delete at most this many expired records per sweep. */
  batch: number;
}

/**
 * The schedule every store uses: at most 1,000 deletions per 100 writes, i.e. purging runs ten
 * times faster than a flood can add records, and a quiet store still sweeps once a minute.
 */
export const SWEEP_SCHEDULE: Readonly<SweepSchedule> = Object.freeze({
  every: 100,
  interval: 60_000,
  batch: 1_000,
});

/** Deletes up to `limit` records that expired at or before `now`; returns how many went. */
export type SweepBatch = (now: number, limit: number) => number | Promise<number>;

/** Counts writes and runs a {@link SweepBatch} when one is due. */
export class ExpirySweeper {
  readonly #sweep: SweepBatch;
  readonly #now: () => number;
  readonly #schedule: SweepSchedule;
  #writes = 0;
  #last: number;
  #running = false;

  constructor(sweep: SweepBatch, now: () => number, schedule: SweepSchedule = SWEEP_SCHEDULE) {
    this.#sweep = sweep;
    this.#now = now;
    this.#schedule = schedule;
    this.#last = now();
  }

  /** Call after a write that added a record; sweeps one batch when due. Never throws. */
  async afterWrite(): Promise<void> {
    this.#writes++;
    const now = this.#now();
    const due = this.#writes >= this.#schedule.every || now - this.#last >= this.#schedule.interval;
    // One sweep at a time per store: concurrent writers do not pile batches on the engine.
    if (!due || this.#running) return;
    this.#running = true;
    this.#last = now;
    // A sweep pays for `every` writes; writes that arrive while it runs stay owed, so under a
    // concurrent flood sweeps follow each other until the backlog is gone.
    this.#writes = Math.max(0, this.#writes - this.#schedule.every);
    try {
      const deleted = await this.#sweep(now, this.#schedule.batch);
      // Less than a batch: nothing expired is left, so nothing is owed.
      if (deleted < this.#schedule.batch) this.#writes = 0;
    } catch {
      // Dropped on purpose: the next due write sweeps again.
    } finally {
      this.#running = false;
    }
  }
}
