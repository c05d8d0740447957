import { createClient, createCluster, RESP_TYPES, type RedisArgument } from '@redis/client';
import type { ResolvedRedisAdapterOptions } from './options';

/** Command options that make node-redis give bulk strings as Buffers (stream entries hold binary envelopes). */
const BUFFERS = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } };

/** A listener for one channel's messages, as raw bytes. */
export type ChannelListener = (message: Buffer) => void;

/** The commands the adapter sends, which a plain client and a cluster client both have. */
interface Commands {
  publish(channel: RedisArgument, message: RedisArgument): Promise<unknown>;
  sPublish(channel: RedisArgument, message: RedisArgument): Promise<unknown>;
  subscribe(channel: string, listener: (message: Buffer) => void, bufferMode: true): Promise<void>;
  sSubscribe(channel: string, listener: (message: Buffer) => void, bufferMode: true): Promise<void>;
  set(key: RedisArgument, value: RedisArgument, options: { expiration: { type: 'PX'; value: number } }): Promise<unknown>;
  sAdd(key: RedisArgument, member: RedisArgument): Promise<unknown>;
  sRem(key: RedisArgument, members: RedisArgument[]): Promise<unknown>;
  sMembers(key: RedisArgument): Promise<string[]>;
  mGet(keys: RedisArgument[]): Promise<Array<string | null>>;
  del(keys: RedisArgument[]): Promise<unknown>;
  connect(): Promise<unknown>;
  destroy(): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** What the link tells the adapter about its connection to Redis. */
export interface LinkEvents {
  /** The link to Redis broke (once per outage), with the error that broke it. */
  lost(error: Error): void;
  /** The link is back after an outage (subscriptions restored by the client). */
  back(): void;
}

/**
 * The adapter's connection to Redis: node-redis clients for a plain server (one to
 * publish and run commands, one to subscribe) or one cluster client for Redis Cluster,
 * with plain or sharded pub/sub. Commands fail at once while Redis is unreachable (no
 * offline queue): a broadcast is reported as not published rather than sent late.
 */
export class RedisLink {
  /** Where Redis is, for messages: `redis://127.0.0.1:6379` or the cluster's first node. */
  readonly where: string;
  readonly #commands: Commands;
  readonly #subscriber: Commands;
  readonly #clients: Commands[];
  readonly #sharded: boolean;
  /** Runs any command, routed by its first key on Redis Cluster; bulk strings as Buffers when asked. */
  readonly #run: (key: string, args: RedisArgument[], buffers: boolean) => Promise<unknown>;
  #started = false;
  /** The clients whose link is broken now: the link is back when none is. */
  readonly #down = new Set<Commands>();

  constructor(options: ResolvedRedisAdapterOptions, events: LinkEvents) {
    this.#sharded = options.sharded;
    // Before start() resolves, a failed connect fails start(); after, the client retries (up to 1 s apart).
    // A new Error, not `cause`: node-redis checks `instanceof Error`, and `cause` may come from
    // another realm (a test runner's sandbox), where the check fails and it retries for ever.
    const reconnectStrategy = (retries: number, cause: Error): number | Error =>
      this.#started ? Math.min(50 * 2 ** Math.min(retries, 5), 1_000) : new Error(cause.message || cause.name, { cause });
    const socket = { connectTimeout: options.connectTimeout, reconnectStrategy };
    if (options.clusterNodes.length > 0) {
      this.where = `Redis Cluster at ${options.clusterNodes.join(', ')}`;
      const cluster = createCluster({
        rootNodes: options.clusterNodes.map((url) => ({ url })),
        defaults: { socket, disableOfflineQueue: true },
      }) as unknown as Commands;
      this.#commands = cluster;
      this.#subscriber = cluster;
      this.#clients = [cluster];
      const raw = cluster as unknown as { sendCommand(key: string, readonly: boolean, args: RedisArgument[], options?: object): Promise<unknown> };
      this.#run = (key, args, buffers) => raw.sendCommand(key, false, args, buffers ? BUFFERS : undefined);
    } else {
      this.where = `Redis at ${options.url}`;
      const commands = createClient({ url: options.url, socket, disableOfflineQueue: true });
      this.#commands = commands as unknown as Commands;
      this.#subscriber = commands.duplicate() as unknown as Commands;
      this.#clients = [this.#commands, this.#subscriber];
      this.#run = (_key, args, buffers) => commands.sendCommand(args, buffers ? BUFFERS : undefined);
    }
    for (const client of this.#clients) {
      client.on('error', (err) => this.#lost(client, err instanceof Error ? err : new Error(String(err)), events));
      client.on('ready', () => this.#ready(client, events));
    }
  }

  /** Connects every client; rejects with the client's error when Redis cannot be reached. */
  async connect(): Promise<void> {
    try {
      await Promise.all(this.#clients.map((client) => client.connect()));
      this.#started = true;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Drops the connections at once (what is in flight fails). */
  close(): void {
    this.#started = false;
    for (const client of this.#clients) {
      try {
        client.destroy();
      } catch {
        // Already closed or never opened: nothing to drop.
      }
    }
  }

  publish(channel: string, message: Buffer): Promise<unknown> {
    return this.#sharded ? this.#commands.sPublish(channel, message) : this.#commands.publish(channel, message);
  }

  subscribe(channel: string, listener: ChannelListener): Promise<void> {
    return this.#sharded ? this.#subscriber.sSubscribe(channel, listener, true) : this.#subscriber.subscribe(channel, listener, true);
  }

  /** Runs a command (`key`: its first key, which routes it on Redis Cluster); with `buffers`, bulk strings come back as Buffers. */
  command<T>(key: string, args: RedisArgument[], buffers = false): Promise<T> {
    return this.#run(key, args, buffers) as Promise<T>;
  }

  /** Marks `node` alive for `ttl` ms: its heartbeat key, and its name in the set of nodes. */
  async beat(nodesKey: string, beatKey: string, node: string, ttl: number): Promise<void> {
    await Promise.all([this.#commands.set(beatKey, '1', { expiration: { type: 'PX', value: ttl } }), this.#commands.sAdd(nodesKey, node)]);
  }

  /** The nodes named in `nodesKey`, split by whether their heartbeat key (`beatKey(node)`) is there. */
  async nodes(nodesKey: string, beatKey: (node: string) => string): Promise<{ live: string[]; dead: string[] }> {
    const names = await this.#commands.sMembers(nodesKey);
    if (names.length === 0) return { live: [], dead: [] };
    const beats = await this.#commands.mGet(names.map(beatKey));
    const live: string[] = [];
    const dead: string[] = [];
    names.forEach((name, i) => (beats[i] === null ? dead : live).push(name));
    return { live, dead };
  }

  /** Forgets nodes: out of the set, their heartbeat keys deleted. */
  async forget(nodesKey: string, beatKeys: string[], nodes: string[]): Promise<void> {
    if (nodes.length === 0) return;
    await Promise.all([this.#commands.sRem(nodesKey, nodes), this.#commands.del(beatKeys)]);
  }

  #lost(client: Commands, error: Error, events: LinkEvents): void {
    if (!this.#started) return;
    const first = this.#down.size === 0;
    this.#down.add(client);
    if (first) events.lost(error);
  }

  #ready(client: Commands, events: LinkEvents): void {
    if (!this.#down.delete(client) || this.#down.size > 0) return;
    events.back();
  }
}
