/**
 * `pnpm bench:session`: what a resumable session costs per message, as CPU time, which a
 * shared machine's load moves far less than a rate. A child process serves, this one
 * streams the small graph in bursts (like the transport bench: `await` on the last send
 * of each), with sessions on (the default) and off (`reconnect: false`), in turns; each
 * side measures its own CPU (user + system) over the timed messages. Never part of
 * `pnpm test`.
 *
 * Flags: `--messages=N` timed per run (default 400,000), `--runs=N` per mode (default 3),
 * `--mode=on` or `--mode=off` (only that mode, for profiling both processes with `node --cpu-prof`).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { OonClient } from '@oon/client';
import { OonServer } from '@oon/server';
import { smallGraph } from './model';

const BURST = 1000;
const WARMUP = 100_000;

interface Ready {
  port: number;
}
interface Done {
  cpuMicros: number;
}

function flag(name: string, fallback: number): number {
  const value = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  return value === undefined ? fallback : Number(value);
}

/** The child: counts messages, measuring its CPU from the first timed one to the last. */
async function receive(total: number): Promise<void> {
  const server = new OonServer({ host: '127.0.0.1', port: 0 });
  let received = 0;
  let start: NodeJS.CpuUsage | undefined;
  server.on('message', () => {
    received += 1;
    if (received === WARMUP) start = process.cpuUsage();
    if (received === total) {
      const used = process.cpuUsage(start);
      (process.send as (message: Done) => void)({ cpuMicros: used.user + used.system });
    }
  });
  const { port } = await server.listen();
  process.once('disconnect', () => void server.close());
  (process.send as (message: Ready) => void)({ port });
}

/** One run: CPU microseconds per timed message at the sender and at the receiver. */
async function run(sessions: boolean, timed: number): Promise<{ sender: number; receiver: number }> {
  const total = WARMUP + timed;
  const child = fork(__filename, ['--receiver', String(total)], { stdio: 'inherit' });
  const [ready] = (await once(child, 'message')) as [Ready];
  const done = once(child, 'message') as Promise<[Done]>;
  const client = new OonClient({ host: '127.0.0.1', port: ready.port, ...(sessions ? {} : { reconnect: false }) });
  await client.connect();
  const message = smallGraph();
  let start: NodeJS.CpuUsage | undefined;
  for (let sent = 0; sent < total; sent += BURST) {
    if (sent === WARMUP) start = process.cpuUsage();
    let last: Promise<void> = Promise.resolve();
    for (let i = 0; i < BURST; i++) last = client.send(message);
    await last;
  }
  const used = process.cpuUsage(start);
  const [{ cpuMicros }] = await done;
  await client.close();
  child.disconnect();
  await once(child, 'exit');
  return { sender: (used.user + used.system) / timed, receiver: cpuMicros / timed };
}

async function main(): Promise<void> {
  const timed = flag('messages', 400_000);
  const runs = flag('runs', 3);
  const only = process.argv.find((arg) => arg.startsWith('--mode='))?.slice('--mode='.length);
  const modes = (['on', 'off'] as const).filter((mode) => only === undefined || mode === only);
  const figures: Record<'on' | 'off', Array<{ sender: number; receiver: number }>> = { on: [], off: [] };
  for (let r = 0; r < runs; r++) {
    for (const mode of modes) {
      const result = await run(mode === 'on', timed);
      figures[mode].push(result);
      console.log(`sessions ${mode}: sender ${result.sender.toFixed(2)} µs, receiver ${result.receiver.toFixed(2)} µs per message`);
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  for (const mode of modes) {
    const sender = median(figures[mode].map((f) => f.sender));
    const receiver = median(figures[mode].map((f) => f.receiver));
    console.log(`median, sessions ${mode}: sender ${sender.toFixed(2)} µs, receiver ${receiver.toFixed(2)} µs per message`);
  }
}

const receiverAt = process.argv.indexOf('--receiver');
(receiverAt >= 0 ? receive(Number(process.argv[receiverAt + 1])) : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
