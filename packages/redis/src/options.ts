import { DEFAULT_MAX_FRAME_BYTES } from '@oon/wire';

/** Where the adapter finds Redis unless told. @default 'redis://127.0.0.1:6379' */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** What the adapter's keys and channels start with. @default 'oon' */
export const DEFAULT_REDIS_PREFIX = 'oon';
/** Milliseconds between a node's heartbeats. @default 2000 */
export const DEFAULT_REDIS_HEARTBEAT_INTERVAL = 2_000;
/** Milliseconds without a heartbeat after which a node is taken to be dead. @default 6000 */
export const DEFAULT_REDIS_HEARTBEAT_TIMEOUT = 6_000;
/** Milliseconds `peers()` and `count()` wait for every live node's answer. @default 5000 */
export const DEFAULT_REDIS_REQUEST_TIMEOUT = 5_000;
/** Milliseconds to connect to Redis, at start and on each reconnect. @default 5000 */
export const DEFAULT_REDIS_CONNECT_TIMEOUT = 5_000;
/** About how many broadcasts the cluster's log keeps for sessions to be resumed on another node. @default 10000 */
export const DEFAULT_REDIS_MAX_LOG_ENTRIES = 10_000;
/** About how many messages the cluster keeps for one session while it is between nodes. @default 10000 */
export const DEFAULT_REDIS_MAX_DIRECT_ENTRIES = 10_000;
/** Milliseconds between a node's checkpoints of its sessions in Redis. @default 100 */
export const DEFAULT_REDIS_CHECKPOINT_INTERVAL = 100;

/** Options of {@link redisAdapter}. */
export interface RedisAdapterOptions {
  /** The Redis server, as a `redis://` (or `rediss://`) URL. Not with `clusterNodes`. @default 'redis://127.0.0.1:6379' */
  url?: string;
  /**
   * Redis Cluster instead of one server: URLs of some of its nodes (the client finds the
   * rest). Pub/sub is then sharded (`SSUBSCRIBE`/`SPUBLISH`, Redis 7) unless `sharded: false`.
   */
  clusterNodes?: readonly string[];
  /**
   * Sharded pub/sub (`SSUBSCRIBE`/`SPUBLISH`, Redis 7 or later): on Redis Cluster, a
   * channel's messages stay within the shard that owns it instead of crossing the whole
   * cluster bus. @default true with `clusterNodes`, false with `url`
   */
  sharded?: boolean;
  /** What keys and channels start with: servers with the same prefix on the same Redis form one cluster. @default 'oon' */
  prefix?: string;
  /** Milliseconds between this node's heartbeats (and its checks of the others'). @default 2000 */
  heartbeatInterval?: number;
  /**
   * Milliseconds a heartbeat lives in Redis: a node not heard from for this long is taken
   * to be dead (`'nodeDown'`), and its peers are counted no more. More than
   * `heartbeatInterval`. @default 6000
   */
  heartbeatTimeout?: number;
  /** Milliseconds `peers()` and `count()` wait for each live node to answer before rejecting with `Timeout`. @default 5000 */
  requestTimeout?: number;
  /** Milliseconds to connect to Redis: `listen()` rejects with `StartFail` past it. @default 5000 */
  connectTimeout?: number;
  /**
   * Largest message accepted from Redis, in bytes; a larger one is dropped with
   * `BadData`. @default 1 MiB (`DEFAULT_MAX_FRAME_BYTES`), as a frame from a client
   */
  maxMessageBytes?: number;
  /**
   * About how many broadcasts the cluster's log (a Redis Stream) keeps, so that a client
   * whose node died resumes its session on another node (docs/scaling.md, "Resuming on
   * another node"); entries older than the resume window go too. A session whose client
   * lacks broadcasts the log no longer holds is not resumed: the client gets a new one.
   * 0 keeps no log: a session then dies with its node. @default 10000
   */
  maxLogEntries?: number;
  /**
   * Milliseconds between a node's checkpoints of its sessions: the longer, the more a
   * client may get twice when its node dies (docs/scaling.md). @default 100
   */
  checkpointInterval?: number;
  /**
   * About how many messages the cluster keeps for one session while it is between nodes
   * (its node died, its client has not resumed it on another yet): past it, a
   * `RemotePeer.send()` to that session rejects with `BadConn` rather than being kept.
   * What a node sends its own sessions is bounded by their send window instead
   * (`maxBufferedBytes`). @default 10000
   */
  maxDirectEntries?: number;
}

/** {@link RedisAdapterOptions} with every default filled in. */
export interface ResolvedRedisAdapterOptions {
  /** The Redis server's URL (unused with `clusterNodes`). */
  readonly url: string;
  /** Redis Cluster nodes; empty for one server. */
  readonly clusterNodes: readonly string[];
  /** True for sharded pub/sub. */
  readonly sharded: boolean;
  /** What keys and channels start with. */
  readonly prefix: string;
  /** Milliseconds between heartbeats. */
  readonly heartbeatInterval: number;
  /** Milliseconds after which a silent node is taken to be dead. */
  readonly heartbeatTimeout: number;
  /** Milliseconds `peers()` and `count()` wait for the other nodes. */
  readonly requestTimeout: number;
  /** Milliseconds to connect to Redis. */
  readonly connectTimeout: number;
  /** Largest message accepted from Redis, in bytes. */
  readonly maxMessageBytes: number;
  /** About how many broadcasts the cluster's log keeps; 0 for none. */
  readonly maxLogEntries: number;
  /** Milliseconds between checkpoints of a node's sessions. */
  readonly checkpointInterval: number;
  /** About how many messages the cluster keeps for one session between nodes. */
  readonly maxDirectEntries: number;
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer (milliseconds or bytes), got ${String(value)}`);
  return value;
}

/** Validates and completes the options; a mistake is a `TypeError` or `RangeError`, thrown at once. */
export function resolveRedisAdapterOptions(options: RedisAdapterOptions = {}): ResolvedRedisAdapterOptions {
  const { url, clusterNodes = [], prefix = DEFAULT_REDIS_PREFIX } = options;
  if (url !== undefined && clusterNodes.length > 0) throw new TypeError('pass either `url` (one Redis server) or `clusterNodes` (Redis Cluster), not both');
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\//.test(url))) throw new TypeError(`url must be a redis:// or rediss:// URL, got ${String(url)}`);
  if (!Array.isArray(clusterNodes) || clusterNodes.some((node) => typeof node !== 'string' || !/^rediss?:\/\//.test(node))) {
    throw new TypeError('clusterNodes must be an array of redis:// URLs');
  }
  if (typeof prefix !== 'string' || prefix === '' || /[{}]/.test(prefix)) throw new TypeError('prefix must be a non-empty string without { or }');
  const heartbeatInterval = positive('heartbeatInterval', options.heartbeatInterval ?? DEFAULT_REDIS_HEARTBEAT_INTERVAL);
  const heartbeatTimeout = positive('heartbeatTimeout', options.heartbeatTimeout ?? DEFAULT_REDIS_HEARTBEAT_TIMEOUT);
  if (heartbeatTimeout <= heartbeatInterval) {
    throw new RangeError(`heartbeatTimeout (${heartbeatTimeout} ms) must be more than heartbeatInterval (${heartbeatInterval} ms), or live nodes would be taken for dead`);
  }
  return Object.freeze({
    url: url ?? DEFAULT_REDIS_URL,
    clusterNodes: Object.freeze([...clusterNodes]),
    sharded: options.sharded ?? clusterNodes.length > 0,
    prefix,
    heartbeatInterval,
    heartbeatTimeout,
    requestTimeout: positive('requestTimeout', options.requestTimeout ?? DEFAULT_REDIS_REQUEST_TIMEOUT),
    connectTimeout: positive('connectTimeout', options.connectTimeout ?? DEFAULT_REDIS_CONNECT_TIMEOUT),
    maxMessageBytes: positive('maxMessageBytes', options.maxMessageBytes ?? DEFAULT_MAX_FRAME_BYTES),
    maxLogEntries: options.maxLogEntries === 0 ? 0 : positive('maxLogEntries', options.maxLogEntries ?? DEFAULT_REDIS_MAX_LOG_ENTRIES),
    checkpointInterval: positive('checkpointInterval', options.checkpointInterval ?? DEFAULT_REDIS_CHECKPOINT_INTERVAL),
    maxDirectEntries: positive('maxDirectEntries', options.maxDirectEntries ?? DEFAULT_REDIS_MAX_DIRECT_ENTRIES),
  });
}
