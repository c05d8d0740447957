/** `redisAdapter()` checks its options at once: a mistake is a TypeError or RangeError naming the option. */
import { redisAdapter, resolveRedisAdapterOptions, DEFAULT_REDIS_CHECKPOINT_INTERVAL, DEFAULT_REDIS_HEARTBEAT_INTERVAL, DEFAULT_REDIS_HEARTBEAT_TIMEOUT, DEFAULT_REDIS_MAX_DIRECT_ENTRIES, DEFAULT_REDIS_MAX_LOG_ENTRIES } from '@oon/redis';

describe('resolveRedisAdapterOptions()', () => {
  it('fills in the defaults: one local Redis, plain pub/sub; sharded with Redis Cluster', () => {
    expect(resolveRedisAdapterOptions()).toMatchObject({
      url: 'redis://127.0.0.1:6379',
      clusterNodes: [],
      sharded: false,
      prefix: 'oon',
      heartbeatInterval: DEFAULT_REDIS_HEARTBEAT_INTERVAL,
      heartbeatTimeout: DEFAULT_REDIS_HEARTBEAT_TIMEOUT,
      maxLogEntries: DEFAULT_REDIS_MAX_LOG_ENTRIES,
      checkpointInterval: DEFAULT_REDIS_CHECKPOINT_INTERVAL,
      maxDirectEntries: DEFAULT_REDIS_MAX_DIRECT_ENTRIES,
    });
    expect(resolveRedisAdapterOptions({ maxLogEntries: 0 }).maxLogEntries).toBe(0);
    expect(resolveRedisAdapterOptions({ clusterNodes: ['redis://10.0.0.1:7000'] }).sharded).toBe(true);
  });

  it('refuses contradictions and bad values, synchronously', () => {
    expect(() => redisAdapter({ url: 'redis://a:1', clusterNodes: ['redis://b:2'] })).toThrow(new TypeError('pass either `url` (one Redis server) or `clusterNodes` (Redis Cluster), not both'));
    expect(() => redisAdapter({ url: 'localhost:6379' })).toThrow(new TypeError('url must be a redis:// or rediss:// URL, got localhost:6379'));
    expect(() => redisAdapter({ prefix: '{x}' })).toThrow(TypeError);
    expect(() => redisAdapter({ heartbeatInterval: 0 })).toThrow(RangeError);
    expect(() => redisAdapter({ maxLogEntries: -1 })).toThrow(new RangeError('maxLogEntries must be a positive integer (milliseconds or bytes), got -1'));
    expect(() => redisAdapter({ checkpointInterval: 0 })).toThrow(RangeError);
    expect(() => redisAdapter({ maxDirectEntries: 0 })).toThrow(new RangeError('maxDirectEntries must be a positive integer (milliseconds or bytes), got 0'));
    expect(() => redisAdapter({ heartbeatInterval: 1_000, heartbeatTimeout: 1_000 })).toThrow(
      new RangeError('heartbeatTimeout (1000 ms) must be more than heartbeatInterval (1000 ms), or live nodes would be taken for dead'),
    );
  });
});
