/**
 * OON on several server processes: every `OonServer` given `redisAdapter()` with the same
 * Redis shares rooms, broadcasts, counts and server-side messages (docs/scaling.md).
 *
 * @packageDocumentation
 */
export { redisAdapter } from './redis-adapter-factory';
export {
  DEFAULT_REDIS_URL,
  DEFAULT_REDIS_PREFIX,
  DEFAULT_REDIS_HEARTBEAT_INTERVAL,
  DEFAULT_REDIS_HEARTBEAT_TIMEOUT,
  DEFAULT_REDIS_REQUEST_TIMEOUT,
  DEFAULT_REDIS_CONNECT_TIMEOUT,
  DEFAULT_REDIS_MAX_LOG_ENTRIES,
  DEFAULT_REDIS_CHECKPOINT_INTERVAL,
  DEFAULT_REDIS_MAX_DIRECT_ENTRIES,
  resolveRedisAdapterOptions,
} from './options';
export type { RedisAdapterOptions, ResolvedRedisAdapterOptions } from './options';
