// The session channel on Redis: PUBLISH on the store's connection, SUBSCRIBE on a duplicate of
// it (reopened by the channel when it breaks, so no message is lost unnoticed).
import type { Redis } from 'ioredis';
import { StoreError } from '../core/errors.ts';
import { encodeInvalidation, type SessionInvalidation } from '../store/channel.ts';
import { StoreChannel, type OpenListener } from './store-channel.ts';

/**
 * Session invalidations over Redis pub/sub on channel `name`. Holds one duplicated connection
 * while listening.
 * @see https://redis.io/docs/latest/develop/interact/pubsub/
 */
export class RedisSessionChannel extends StoreChannel {
  readonly #redis: Redis;
  readonly name: string;

  constructor(redis: Redis, name: string) {
    super();
    this.#redis = redis;
    this.name = name;
  }

  async publish(message: SessionInvalidation): Promise<void> {
    try {
      await this.#redis.publish(this.name, encodeInvalidation(message));
    } catch (error) {
      throw new StoreError('publish', { cause: error });
    }
  }

  protected readonly open: OpenListener = async (deliver, lost) => {
    // ioredis's own reconnection would resubscribe silently, after messages may have been
    // missed; the channel reconnects instead, and says it was not listening meanwhile.
    const subscriber = this.#redis.duplicate({
      lazyConnect: true,
      retryStrategy: () => null,
      autoResubscribe: false,
      maxRetriesPerRequest: 0,
    });
    subscriber.on('error', () => undefined);
    subscriber.on('close', lost);
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.name) deliver(text);
    });
    try {
      await subscriber.connect();
      await subscriber.subscribe(this.name);
    } catch (error) {
      subscriber.disconnect();
      throw error;
    }
    return { close: () => subscriber.disconnect() };
  };
}
