/**
 * A real `redis-server` (Debian's package) for the cluster tests: started on a free port
 * in a temporary directory with nothing saved, stopped (and its directory removed) after.
 * Missing from PATH, the tests fail naming it: they never skip.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './free-port';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running Redis: its port and URL, and how to stop it (or stop and start it again on the same port). */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops it (SIGKILL with `kill`, else a clean shutdown); resolves once it has exited. */
  stop(kill?: boolean): Promise<void>;
  /** Starts it again on the same port, empty (nothing is saved). */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

/** Throws, naming the program and how to get it, when `redis-server` is not on PATH. */
export function requireRedisServer(): void {
  for (const program of ['redis-server', 'redis-cli']) {
    const found = spawnSync(program, ['--version'], { stdio: 'ignore' });
    if (found.error !== undefined || found.status !== 0) {
      throw new Error(`${program} is not on PATH: the Redis tests need it (Debian: apt-get install redis-server, which brings redis-cli; .ci/run installs it, the README lists it)`);
    }
  }
}

/** Redis's port: one the kernel does not hand out to another socket meanwhile (free-port.ts); it is started again there after a stop. */
export { freePort };

/** Resolves once something accepts connections on `port`; rejects after `ms`. */
async function accepting(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not accept connections on port ${port} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Tracks the Redis servers a test file starts; `stopAll()` in `afterAll`. */
export function redisServers(): { start(): Promise<RedisServer>; startCluster(shards: number): Promise<RedisServer[]>; stopAll(): Promise<void> } {
  const running: RedisServer[] = [];
  return {
    async start() {
      requireRedisServer();
      const redis = await startRedis(await freePort());
      running.push(redis);
      return redis;
    },
    /** A Redis Cluster of `shards` masters (no replicas), every slot covered, ready. */
    async startCluster(shards) {
      requireRedisServer();
      const nodes = await Promise.all(Array.from({ length: shards }, async () => startRedis(await freePort([10_000]), ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'])));
      running.push(...nodes);
      const run = promisify(execFile);
      await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
      const deadline = Date.now() + 10_000;
      for (const node of nodes) {
        while (!(await run('redis-cli', ['-p', String(node.port), 'cluster', 'info'])).stdout.includes('cluster_state:ok')) {
          if (Date.now() > deadline) throw new Error(`the Redis Cluster on ports ${nodes.map((n) => n.port).join(', ')} did not become ready within 10 s`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      return nodes;
    },
    async stopAll() {
      await Promise.all(running.splice(0).map((redis) => redis.dispose()));
    },
  };
}

async function startRedis(port: number, extra: readonly string[] = []): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'oon-redis-'));
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--loglevel', 'warning', ...extra];
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    child = started;
    const exited = new Promise<never>((_, reject) => started.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited (${String(code)}) at start`))));
    exited.catch(() => {});
    await Promise.race([accepting(port, 5_000), exited]);
  };
  await launch();
  const redis: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop(kill = false) {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill(kill ? 'SIGKILL' : 'SIGTERM');
      await exited;
    },
    async dispose() {
      await redis.stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
    start: launch,
  };
  return redis;
}
