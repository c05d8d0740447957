/**
 * `pnpm bench:fanout`: one publisher, a room of 1,000 clients spread over 3 server
 * nodes on one Redis, small objects: delivered messages per second and delivery latency
 * (p50, p99), OON (`@oon/redis`) beside socket.io with `@socket.io/redis-adapter` doing
 * the same work in the same run. This process starts a `redis-server` on a free port and
 * forks every other process: 3 nodes, and one client process per node holding its share
 * of the clients. Node 0 publishes rounds of `--burst` messages to the room; a round ends
 * when every client has all of them, and the rate is deliveries over the timed rounds'
 * wall time. Latency is receive time less the send time carried in the message (one
 * machine, one clock). Never part of `pnpm test`.
 *
 * Two modes, run by run: `rounds` publishes a round once the last has ended (no one is
 * flooded; this measures a round's path through the processes, its latency, more than a
 * rate), `stream` keeps `--window` rounds in flight (the next is published once the one
 * `--window` back has ended), so each process has several messages per tick to batch and
 * the rate is bound by CPU rather than by round trips; its latency includes the time a
 * message waits behind the window.
 *
 * Contenders, interleaved run by run: `oon` (sessions on, the default), `oon-nosession`
 * (clients with `reconnect: false`: no acks and no resume, as socket.io without
 * connection state recovery), `socket.io`, and `floor` (fanout-floor.ts: the same
 * topology with the least work any library could do). Each run also reports the CPU time
 * (user + system, from /proc) the publisher, the other nodes, the client processes and
 * Redis spent per delivered message, and the load average: on a shared machine the rate
 * follows the load, the CPU per message much less.
 *
 * Flags: `--clients=N` (default 1,000), `--rounds=N` timed (default 100) of `--burst=N`
 * messages (default 10), `--runs=N` per contender and mode (default 3), `--only=a,b`
 * (contenders), `--modes=rounds,stream` (default both), `--window=N` (rounds in flight in
 * `stream`, default 8), `--cpu-prof=DIR` (every forked process writes a CPU profile there).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from '@redis/client';
import { NetClass, NetField } from '@oon/core';
import { OonClient } from '@oon/client';
import { redisAdapter } from '@oon/redis';
import { OonServer } from '@oon/server';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { cpuBetween, cpuTimeOf, type CpuTime } from './process-cpu';
import { floorClient, floorNode } from './fanout-floor';
import { startRedis } from './redis-server';

/** The small object every client gets. */
@NetClass('fanout.Tick')
class Tick {
  @NetField() n: number = 0;
  /** Epoch milliseconds (fractional) when the publisher sent it. */
  @NetField() sentAt: number = 0;
}

/** `oon-nosession`: OON's clients without a session (`reconnect: false`), which socket.io's (without connection state recovery) do not have either. */
type Contender = 'oon' | 'oon-nosession' | 'socket.io' | 'floor';
const CONTENDERS: readonly Contender[] = ['oon', 'oon-nosession', 'socket.io', 'floor'];
/** `rounds`: one round in flight; `stream`: `--window` rounds in flight. */
type Mode = 'rounds' | 'stream';
const MODES: readonly Mode[] = ['rounds', 'stream'];
const NODES = 3;
/** `--cpu-prof=DIR`: every forked process writes a CPU profile there (`--cpu-prof` of Node). */
const profileDir = process.argv.find((arg) => arg.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
const WARMUP_ROUNDS = 10;
const ROOM = 'room';
const now = (): number => performance.timeOrigin + performance.now();

function flag(name: string, fallback: string): string {
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
}

/** A node: a server in the room's cluster; node 0 also publishes when told. */
async function node(contender: Contender, redisUrl: string, clients: number, index: number): Promise<void> {
  const send = process.send?.bind(process) as (message: object) => void;
  if (contender === 'floor') {
    const floor = await floorNode(redisUrl, index === 0);
    process.on('message', (m: { publish: number; from: number }) => floor.publish(m.publish, m.from, now));
    process.once('disconnect', () => process.exit(0));
    send({ port: floor.port });
    return;
  }
  if (contender !== 'socket.io') {
    const server = new OonServer({ port: 0, maxConnectionsPerAddress: clients + 10, maxConnections: clients + 10, adapter: redisAdapter({ url: redisUrl }) });
    server.on('connection', (peer) => peer.join(ROOM));
    const { port } = await server.listen();
    process.on('message', (m: { publish: number; from: number }) => {
      for (let i = 0; i < m.publish; i++) void server.to(ROOM).send(Object.assign(new Tick(), { n: m.from + i, sentAt: now() }));
    });
    process.once('disconnect', () => void server.close().finally(() => process.exit(0)));
    send({ port });
    return;
  }
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  const http = createHttpServer();
  const server = new Server(http, { transports: ['websocket'], adapter: createAdapter(pub, sub) });
  server.on('connection', (socket) => void socket.join(ROOM));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  process.on('message', (m: { publish: number; from: number }) => {
    for (let i = 0; i < m.publish; i++) server.to(ROOM).emit('tick', { n: m.from + i, sentAt: now() });
  });
  process.once('disconnect', () => process.exit(0));
  send({ port: (http.address() as AddressInfo).port });
}

/**
 * A client process: `count` clients of `port`. It tells the parent when a round is in
 * (a message of a few bytes), and sends the latencies of the timed rounds once, when
 * asked after the last: per round they would cost this process and the parent an IPC
 * message of thousands of numbers, time the contenders' clients should have.
 */
async function clientProcess(contender: Contender, port: number, count: number, burst: number): Promise<void> {
  const send = process.send?.bind(process) as (message: object) => void;
  const perRound = count * burst;
  let received = 0;
  const latencies: number[] = [];
  const onTick = (tick: { sentAt: number }): void => {
    const latency = now() - tick.sentAt;
    received += 1;
    if (received > WARMUP_ROUNDS * perRound) latencies.push(latency);
    if (received % perRound === 0) send({ round: received / perRound });
  };
  process.on('message', (m: { collect?: boolean }) => {
    if (m.collect === true) send({ latencies });
  });
  const closers: Array<() => void> = [];
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, async () => {
        if (contender === 'floor') {
          closers.push(await floorClient(port, onTick));
        } else if (contender !== 'socket.io') {
          const client = new OonClient<Tick>({ host: '127.0.0.1', port, ...(contender === 'oon' ? {} : { reconnect: false }) });
          client.on('message', onTick);
          await client.connect();
          closers.push(() => void client.close());
        } else {
          const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
          socket.on('tick', onTick);
          await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
          closers.push(() => void socket.close());
        }
      }),
    );
  }
  process.once('disconnect', () => {
    closers.forEach((close) => close());
    setTimeout(() => process.exit(0), 200);
  });
  send({ ready: true });
}

interface Figures {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU microseconds per delivered message, by role, over the timed rounds (Linux only). */
  readonly cpu: Partial<Record<Role, CpuTime>>;
  /** The 1-minute load average at the end of the timed rounds. */
  readonly load: number;
}

/** The processes a run's CPU time is split by. */
type Role = 'publisher' | 'other nodes' | 'clients' | 'redis';
const ROLES: readonly Role[] = ['publisher', 'other nodes', 'clients', 'redis'];

/** What one run does: `inFlight` rounds may be published and not yet ended at once. */
interface RunOptions {
  readonly clients: number;
  readonly rounds: number;
  readonly burst: number;
  readonly inFlight: number;
}

/**
 * Follows the client processes' reports: `until(round)` resolves once every one of them
 * has all of `round` rounds.
 */
function roundsEnded(holders: readonly ChildProcess[]): (round: number) => Promise<void> {
  const progress = holders.map(() => 0);
  let waiting: { round: number; resolve: () => void } | undefined;
  const ended = (): number => Math.min(...progress);
  holders.forEach((holder, i) =>
    holder.on('message', (m: { round?: number }) => {
      if (m.round === undefined) return;
      if (m.round !== (progress[i] as number) + 1) throw new Error(`client process ${i} reported round ${m.round} after ${progress[i]}`);
      progress[i] = m.round;
      if (waiting !== undefined && ended() >= waiting.round) {
        const { resolve } = waiting;
        waiting = undefined;
        resolve();
      }
    }),
  );
  return (round) => (ended() >= round ? Promise.resolve() : new Promise((resolve) => (waiting = { round, resolve })));
}

async function run(contender: Contender, options: RunOptions): Promise<Figures> {
  const redis = await startRedis();
  const children: ChildProcess[] = [];
  const fork_ = (args: string[]): ChildProcess => {
    const execArgv = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${contender}-${args[0]?.slice(2)}-${children.length}.cpuprofile`];
    const child = fork(__filename, args, { stdio: 'inherit', execArgv });
    children.push(child);
    return child;
  };
  try {
    const nodes = Array.from({ length: NODES }, (_, i) => fork_(['--node', contender, redis.url, String(options.clients), String(i)]));
    const ports = await Promise.all(nodes.map(async (n) => ((await once(n, 'message')) as [{ port: number }])[0].port));
    const share = (i: number): number => Math.floor(options.clients / NODES) + (i < options.clients % NODES ? 1 : 0);
    const holders = ports.map((port, i) => fork_(['--clients', contender, String(port), String(share(i)), String(options.burst)]));
    await Promise.all(holders.map((h) => once(h, 'message')));
    await new Promise((resolve) => setTimeout(resolve, 500)); // every node's joins settled
    const latencies: number[] = [];
    const pids: Record<Role, (number | undefined)[]> = {
      publisher: [nodes[0]?.pid],
      'other nodes': nodes.slice(1).map((n) => n.pid),
      clients: holders.map((h) => h.pid),
      redis: [redis.pid],
    };
    const readCpu = (): Map<Role, (CpuTime | undefined)[]> => new Map(ROLES.map((role) => [role, pids[role].map(cpuTimeOf)]));
    let cpuBefore = readCpu();
    let started = 0;
    let sent = 0;
    const until = roundsEnded(holders);
    const lastRound = WARMUP_ROUNDS + options.rounds;
    for (let round = 1; round <= lastRound; round++) {
      if (round === WARMUP_ROUNDS + 1) {
        await until(WARMUP_ROUNDS); // the timed rounds start from empty pipes
        started = performance.now();
        cpuBefore = readCpu();
      }
      await until(round - options.inFlight);
      (nodes[0] as ChildProcess).send({ publish: options.burst, from: sent });
      sent += options.burst;
    }
    await until(lastRound);
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = readCpu();
    for (const h of holders) {
      const collected = once(h, 'message') as Promise<[{ latencies: number[] }]>;
      h.send({ collect: true });
      for (const latency of (await collected)[0].latencies) latencies.push(latency);
    }
    const deliveries = options.rounds * options.burst * options.clients;
    const cpu: Partial<Record<Role, CpuTime>> = {};
    for (const role of ROLES) {
      const used = cpuBetween(cpuBefore.get(role) ?? [], cpuAfter.get(role) ?? []);
      if (used !== undefined) cpu[role] = { user: (used.user * 1000) / deliveries, system: (used.system * 1000) / deliveries };
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;
    return { rate: deliveries / seconds, p50: at(0.5), p99: at(0.99), cpu, load: loadavg()[0] as number };
  } finally {
    if (profileDir !== undefined) {
      // A profile is written when its process exits on its own: ask each to, before killing what is left.
      for (const child of children) if (child.connected) child.disconnect();
      await Promise.race([Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined))), new Promise((r) => setTimeout(r, 5_000))]);
    }
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined)));
    await redis.stop();
  }
}

function describeCpu(cpu: Partial<Record<Role, CpuTime>>): string {
  const parts = ROLES.flatMap((role) => {
    const used = cpu[role];
    return used === undefined ? [] : [`${role} ${used.user.toFixed(2)}+${used.system.toFixed(2)}`];
  });
  const total = Object.values(cpu).reduce((sum, used) => sum + used.user + used.system, 0);
  return parts.length === 0 ? 'not measured (no /proc)' : `${parts.join(', ')}; total ${total.toFixed(2)}`;
}

async function main(): Promise<void> {
  const options = { clients: Number(flag('clients', '1000')), rounds: Number(flag('rounds', '100')), burst: Number(flag('burst', '10')) };
  const streamWindow = Number(flag('window', '8'));
  const runs = Number(flag('runs', '3'));
  const contenders = flag('only', CONTENDERS.join(',')).split(',') as Contender[];
  const unknown = contenders.filter((c) => !CONTENDERS.includes(c));
  if (unknown.length > 0) throw new RangeError(`--only: unknown contender ${unknown.join(', ')} (known: ${CONTENDERS.join(', ')})`);
  const modes = flag('modes', MODES.join(',')).split(',') as Mode[];
  if (modes.some((m) => !MODES.includes(m))) throw new RangeError(`--modes: known modes are ${MODES.join(', ')}`);
  console.log(
    `${options.clients} clients over ${NODES} nodes on one Redis, ${options.rounds} rounds of ${options.burst} small objects to the room, ${runs} runs each; modes ${modes.join(', ')} (stream: ${streamWindow} rounds in flight)`,
  );
  const figures = new Map<string, Figures[]>();
  for (let r = 0; r < runs; r++) {
    for (const mode of modes) {
      for (const contender of contenders) {
        const result = await run(contender, { ...options, inFlight: mode === 'stream' ? streamWindow : 1 });
        const key = `${mode} ${contender}`;
        figures.set(key, [...(figures.get(key) ?? []), result]);
        console.log(`${key}: ${result.rate.toFixed(0)} delivered/s, latency p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, load ${result.load.toFixed(2)}`);
        console.log(`  CPU µs per delivery (user+system): ${describeCpu(result.cpu)}`);
      }
    }
  }
  summarize(figures, modes);
}

/** Prints the medians per mode and contender as Markdown tables: rates and latency, then CPU per delivery by role. */
function summarize(figures: ReadonlyMap<string, Figures[]>, modes: readonly Mode[]): void {
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  const totalCpu = (f: Figures): number => Object.values(f.cpu).reduce((sum, used) => sum + used.user + used.system, 0);
  const range = (values: number[], digits: number, unit = ''): string => `${Math.min(...values).toFixed(digits)}${unit} to ${Math.max(...values).toFixed(digits)}${unit}`;
  console.log('\n| mode | contender | delivered/s | vs socket.io | run by run | p50 latency (ms) | p99 latency (ms) | CPU µs per delivery | load average |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const [key, results] of figures) {
    const base = figures.get(`${key.split(' ')[0] as string} socket.io`);
    const rate = median(results.map((f) => f.rate));
    const vs = base === undefined ? '' : `${(rate / median(base.map((f) => f.rate))).toFixed(1)}x`;
    // Runs are interleaved: run i of each contender ran beside run i of socket.io.
    const byRun = base === undefined ? '' : range(results.map((f, i) => f.rate / (base[i] as Figures).rate), 1, 'x');
    const [mode, contender] = key.split(' ');
    console.log(
      `| ${mode} | ${contender} | ${rate.toFixed(0)} | ${vs} | ${byRun} | ${median(results.map((f) => f.p50)).toFixed(1)} | ${median(results.map((f) => f.p99)).toFixed(1)} | ${median(results.map(totalCpu)).toFixed(2)} | ${range(results.map((f) => f.load), 1)} |`,
    );
  }
  console.log(`\n| CPU µs per delivery, user+system (median run) | ${ROLES.join(' | ')} |\n| --- |${ROLES.map(() => ' ---: |').join('')}`);
  for (const mode of modes) {
    for (const [key, results] of figures) {
      if (!key.startsWith(`${mode} `)) continue;
      const middle = [...results].sort((a, b) => totalCpu(a) - totalCpu(b))[Math.floor(results.length / 2)] as Figures;
      const cells = ROLES.map((role) => {
        const used = middle.cpu[role];
        return used === undefined ? '' : role === 'redis' ? (used.user + used.system).toFixed(2) : `${used.user.toFixed(2)}+${used.system.toFixed(2)}`;
      });
      console.log(`| ${key} | ${cells.join(' | ')} |`);
    }
  }
}

const role = process.argv[2];
const args = process.argv.slice(3);
const task =
  role === '--node'
    ? node(args[0] as Contender, args[1] as string, Number(args[2]), Number(args[3]))
    : role === '--clients'
      ? clientProcess(args[0] as Contender, Number(args[1]), Number(args[2]), Number(args[3]))
      : main().then(() => process.exit(0));
task.catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
