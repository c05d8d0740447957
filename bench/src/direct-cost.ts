/**
 * `pnpm bench:direct`: what keeping direct sends in Redis costs (docs/scaling.md,
 * "Resuming on another node"). This process serves and streams the small graph to one
 * client with `peer.send()`, in bursts (awaiting the last send of each); the client runs
 * in a child process, with a session. Three servers in turns: no adapter (one node), the
 * Redis adapter with `maxLogEntries: 0` (sessions die with their node: nothing kept), and
 * the Redis adapter as deployed (each direct send kept in its session's list in Redis,
 * trimmed as the client acknowledges). Per message: CPU (user + system) of this process
 * and of redis-server, read from `/proc`, and the rate. Never part of `pnpm test`.
 *
 * Flags: `--messages=N` timed per run (default 200,000), `--runs=N` per mode (default 3).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { OonClient } from '@oon/client';
import { redisAdapter } from '@oon/redis';
import { OonServer } from '@oon/server';
import { smallGraph } from './model';
import { cpuTimeOf } from './process-cpu';
import { startRedis } from './redis-server';

const BURST = 1000;
const WARMUP = 50_000;
const MODES = ['one node', 'redis, nothing kept', 'redis, direct sends kept'] as const;
type Mode = (typeof MODES)[number];

interface Figures {
  /** CPU of the serving process per message, µs. */
  readonly server: number;
  /** CPU of redis-server per message, µs. */
  readonly redis: number;
  /** Messages per second over the timed part. */
  readonly rate: number;
}

function flag(name: string, fallback: number): number {
  const value = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  return value === undefined ? fallback : Number(value);
}

/** The child: a client with a session that reads and acknowledges everything, and says when it has all. */
async function receive(port: number, total: number): Promise<void> {
  const client = new OonClient({ host: '127.0.0.1', port });
  let received = 0;
  client.on('message', () => {
    received += 1;
    if (received === total) (process.send as (message: string) => void)('done');
  });
  await client.connect();
  process.once('disconnect', () => void client.close());
}

async function run(mode: Mode, timed: number, redis: { url: string; pid: number | undefined }): Promise<Figures> {
  const adapter = mode === 'one node' ? undefined : redisAdapter({ url: redis.url, ...(mode === 'redis, nothing kept' ? { maxLogEntries: 0 } : {}) });
  const server = new OonServer({ host: '127.0.0.1', port: 0, ...(adapter === undefined ? {} : { adapter }) });
  const { port } = await server.listen();
  const total = WARMUP + timed;
  const child = fork(__filename, ['--receiver', String(port), String(total)], { stdio: 'inherit' });
  const peer = await server.accept();
  const done = once(child, 'message');
  const message = smallGraph();
  let start: { cpu: NodeJS.CpuUsage; redis: number; at: number } | undefined;
  const redisCpu = (): number => {
    const time = cpuTimeOf(redis.pid);
    return time === undefined ? NaN : time.user + time.system;
  };
  for (let sent = 0; sent < total; sent += BURST) {
    if (sent === WARMUP) start = { cpu: process.cpuUsage(), redis: redisCpu(), at: performance.now() };
    let last: Promise<void> = Promise.resolve();
    for (let i = 0; i < BURST; i++) last = peer.send(message);
    await last;
  }
  await done;
  const begun = start as NonNullable<typeof start>;
  const used = process.cpuUsage(begun.cpu);
  const rate = timed / ((performance.now() - begun.at) / 1000);
  child.disconnect();
  await once(child, 'exit');
  await server.close();
  // Redis may still be working through what the node wrote: its CPU is read once it is idle.
  let [before, after] = [NaN, redisCpu()];
  while (before !== after) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    [before, after] = [after, redisCpu()];
  }
  return { server: (used.user + used.system) / timed, redis: ((after - begun.redis) * 1000) / timed, rate };
}

async function main(): Promise<void> {
  const timed = flag('messages', 200_000);
  const runs = flag('runs', 3);
  const redis = await startRedis();
  const figures = new Map<Mode, Figures[]>(MODES.map((mode) => [mode, []]));
  try {
    for (let r = 0; r < runs; r++) {
      for (const mode of MODES) {
        const result = await run(mode, timed, redis);
        figures.get(mode)?.push(result);
        console.log(`${mode}: server ${result.server.toFixed(2)} µs, redis-server ${result.redis.toFixed(2)} µs per message, ${Math.round(result.rate)} messages/s`);
      }
    }
  } finally {
    await redis.stop();
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  for (const mode of MODES) {
    const all = figures.get(mode) ?? [];
    const [server, redisCpu, rate] = [median(all.map((f) => f.server)), median(all.map((f) => f.redis)), median(all.map((f) => f.rate))];
    console.log(`median, ${mode}: server ${server.toFixed(2)} µs, redis-server ${redisCpu.toFixed(2)} µs per message, ${Math.round(rate)} messages/s`);
  }
}

const receiverAt = process.argv.indexOf('--receiver');
(receiverAt >= 0 ? receive(Number(process.argv[receiverAt + 1]), Number(process.argv[receiverAt + 2])) : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
