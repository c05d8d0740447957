// ESM entry: re-exports the CommonJS build so `import` and `require` share one module instance.
import redis from './dist/index.js';

export const {
  redisAdapter, resolveRedisAdapterOptions, DEFAULT_REDIS_URL, DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_HEARTBEAT_INTERVAL, DEFAULT_REDIS_HEARTBEAT_TIMEOUT,
  DEFAULT_REDIS_REQUEST_TIMEOUT, DEFAULT_REDIS_CONNECT_TIMEOUT, DEFAULT_REDIS_MAX_LOG_ENTRIES, DEFAULT_REDIS_CHECKPOINT_INTERVAL,
  DEFAULT_REDIS_MAX_DIRECT_ENTRIES,
} = redis;
