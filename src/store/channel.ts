// The optional invalidation part of the store contract: a broadcast between the processes that
// share one store, so a session cache in each of them drops a revoked session at once. Engines
// with a native broadcast implement it (PostgreSQL LISTEN/NOTIFY, Redis pub/sub); the others
// leave it out and a cache there is bounded by its TTL alone.

/**
 * What a process revoked or changed: one session, or every session of a user (all but
 * `exceptSessionId` when given — "sign out everywhere else").
 */
export type SessionInvalidation =
  { sessionId: string } | { userId: string; exceptSessionId?: string };

/** Receives a channel's messages and its listening state. */
export interface SessionChannelListener {
  /** A message from any process sharing the store, this one included. */
  message(message: SessionInvalidation): void;
  /**
   * `false` as soon as the channel stops listening (messages may be lost from then on), `true`
   * once it listens again. A cache must hold nothing while the channel is not listening.
   */
  state(listening: boolean): void;
}

/**
 * A broadcast of session invalidations between processes. Delivery is at most once: a listener
 * that was not listening (see {@link SessionChannelListener.state}) may have missed messages.
 */
export interface SessionChannel {
  /**
   * Sends a message to every listener in every process.
   * @throws StoreError when the message could not be sent.
   */
  publish(message: SessionInvalidation): Promise<void>;
  /**
   * Adds a listener and starts listening when it is the first; the listener hears
   * `state(true)` once the channel listens. Returns a function that removes the listener.
   */
  subscribe(listener: SessionChannelListener): () => void;
  /** Stops listening and releases the channel's connection. */
  close(): Promise<void>;
}

/** The invalidation part: a store that can broadcast between processes exposes its channel. */
export interface SessionChannelPart {
  /** This store's broadcast between processes; absent when the engine has none. */
  readonly sessionChannel?: SessionChannel;
}

/** The wire form of a message: short keys, JSON. */
export function encodeInvalidation(message: SessionInvalidation): string {
  if ('sessionId' in message) return JSON.stringify({ s: message.sessionId });
  return JSON.stringify(
    message.exceptSessionId === undefined
      ? { u: message.userId }
      : { u: message.userId, x: message.exceptSessionId },
  );
}

/** A message from the wire, or `null` for anything malformed (never thrown: it is foreign input). */
export function decodeInvalidation(text: string): SessionInvalidation | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { s, u, x } = value as { s?: unknown; u?: unknown; x?: unknown };
  if (typeof s === 'string') return { sessionId: s };
  if (typeof u !== 'string') return null;
  return typeof x === 'string' ? { userId: u, exceptSessionId: x } : { userId: u };
}
