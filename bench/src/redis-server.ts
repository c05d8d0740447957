/**
 * A throwaway `redis-server` for the cluster benchmarks: a free port, a temporary
 * directory, nothing saved; killed and removed by `stop()`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts `redis-server` and resolves once it accepts connections; exits the process naming it if it is not installed. */
export async function startRedis(): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'oon-bench-redis-'));
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  redis.once('error', (err) => {
    console.error(`cannot start redis-server (${err.message}): install it (Debian: apt-get install redis-server)`);
    process.exit(1);
  });
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = new Socket().once('connect', () => (socket.destroy(), resolve(true))).once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: redis.pid,
    async stop() {
      redis.kill('SIGKILL');
      await once(redis, 'exit');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
