import type { AdapterFactory } from '@oon/server';
import { resolveRedisAdapterOptions, type RedisAdapterOptions } from './options';
import { RedisAdapter } from './redis-adapter';

/**
 * Makes an `OonServer` one node of a cluster on Redis: servers given the same Redis (and
 * `prefix`) share rooms, `server.to(room).send()` and `server.broadcast()` reach the
 * peers of every node once each, `server.in(room).peers()` and `count()` answer for the
 * whole cluster, and `server.serverSideEmit()` reaches the other servers. Options are
 * checked at once (`TypeError`/`RangeError`); Redis is first reached by `listen()`,
 * which rejects with `StartFail` naming it when it cannot be.
 *
 * @example
 * ```ts fragment
 * import { OonServer } from '@oon/server';
 * import { redisAdapter } from '@oon/redis';
 *
 * const server = new OonServer({ port: 9090, adapter: redisAdapter({ url: 'redis://10.0.0.5:6379' }) });
 * await server.listen();
 * await server.to('order:42').send(update); // the room's peers on every node
 * ```
 */
export function redisAdapter(options: RedisAdapterOptions = {}): AdapterFactory {
  const resolved = resolveRedisAdapterOptions(options);
  return (host) => new RedisAdapter(host, resolved);
}
