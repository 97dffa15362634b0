// What the PostgreSQL and Redis session channels share: the listeners, the listening state and
// reconnection. An engine supplies only how to open one listening connection and how to publish.
import { unrefTimer } from '../core/unref-timer.ts';
import {
  decodeInvalidation,
  type SessionChannel,
  type SessionChannelListener,
  type SessionInvalidation,
} from '../store/channel.ts';

const FIRST_RETRY_MS = 50;
const LAST_RETRY_MS = 2_000;

/** One listening connection: `deliver` each message's text, call `lost` when it breaks. */
export type OpenListener = (
  deliver: (text: string) => void,
  lost: () => void,
) => Promise<{ close(): void }>;

interface Attempt {
  over: boolean;
  connection?: { close(): void };
}

/**
 * A {@link SessionChannel} over one dedicated listening connection, opened on the first
 * subscription and reopened (50 ms, doubling to 2 s) whenever it breaks. Listeners hear
 * `state(false)` the moment it breaks and `state(true)` once it listens again.
 */
export abstract class StoreChannel implements SessionChannel {
  readonly #listeners = new Set<SessionChannelListener>();
  #listening = false;
  #started = false;
  #closed = false;
  #current: Attempt | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #delay = FIRST_RETRY_MS;

  abstract publish(message: SessionInvalidation): Promise<void>;
  protected abstract readonly open: OpenListener;

  /** Whether the channel listens now. */
  get listening(): boolean {
    return this.#listening;
  }

  subscribe(listener: SessionChannelListener): () => void {
    this.#listeners.add(listener);
    if (this.#listening) listener.state(true);
    if (!this.#started && !this.#closed) {
      this.#started = true;
      void this.#connect();
    }
    return () => void this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const current = this.#current;
    this.#current = undefined;
    if (current !== undefined) {
      current.over = true;
      current.connection?.close();
    }
    this.#setListening(false);
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const attempt: Attempt = { over: false };
    const lost = (): void => {
      if (attempt.over) return;
      attempt.over = true;
      attempt.connection?.close();
      if (this.#current === attempt) this.#current = undefined;
      this.#setListening(false);
      if (this.#closed) return;
      // Retrying alone must not keep a process alive that has nothing else to do.
      this.#retry = unrefTimer(setTimeout(() => void this.#connect(), this.#delay));
      this.#delay = Math.min(this.#delay * 2, LAST_RETRY_MS);
    };
    const deliver = (text: string): void => {
      if (attempt.over) return;
      const message = decodeInvalidation(text);
      if (message !== null) for (const listener of this.#listeners) listener.message(message);
    };
    try {
      attempt.connection = await this.open(deliver, lost);
    } catch {
      lost();
      return;
    }
    if (attempt.over || this.#closed) {
      attempt.over = true;
      attempt.connection.close();
      return;
    }
    this.#current = attempt;
    this.#delay = FIRST_RETRY_MS;
    this.#setListening(true);
  }

  #setListening(listening: boolean): void {
    if (this.#listening === listening) return;
    this.#listening = listening;
    for (const listener of this.#listeners) listener.state(listening);
  }
}
