// The session channel on Redis: PUBLISH on the store's connection, SUBSCRIBE on a duplicate of
// it (reopened by the channel when it breaks, so no message is lost unnoticed).
import { Cluster, type Redis } from 'ioredis';
import { StoreError } from '../core/errors.ts';
import { encodeInvalidation, type SessionInvalidation } from '../store/channel.ts';
import { StoreChannel, type OpenListener } from './store-channel.ts';

/**
 * Session invalidations over Redis pub/sub on channel `name`. Holds one duplicated connection
 * while listening.
 * @see https://redis.io/docs/latest/develop/interact/pubsub/
 */
export class RedisSessionChannel extends StoreChannel {
  readonly #redis: Redis | Cluster;
  readonly name: string;

  constructor(redis: Redis | Cluster, name: string) {
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
    // On a cluster, PUBLISH reaches every node: listen on one node the cluster knows now (a
    // replica will do), picked afresh at each reconnection so a failed node is left behind.
    const source = this.#redis instanceof Cluster ? pickNode(this.#redis) : this.#redis;
    const subscriber = source.duplicate({
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

/** A node of the cluster to subscribe on. @throws Error when the cluster knows no node yet */
function pickNode(cluster: Cluster): Redis {
  const nodes = cluster.nodes('all');
  const node = nodes[Math.floor(Math.random() * nodes.length)];
  if (node === undefined) throw new Error('the cluster has no known node');
  return node;
}
