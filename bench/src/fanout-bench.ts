/**
 * `pnpm bench:fanout`: one publisher, a room of 1,000 clients spread over 3 server
 * nodes on one Redis, small objects: delivered messages per second and delivery latency
 * (p50, p99), OON (`@oon/redis`) beside socket.io with `@socket.io/redis-adapter` doing
 * the same work in the same run. This process starts a `redis-server` on a free port and
 * forks every other process: 3 nodes, and one client process per node holding its share
 * of the clients. Node 0 publishes rounds of `--burst` messages to the room; a round ends
 * when every client has all of them (so no one is flooded), and the rate is deliveries
 * over the timed rounds' wall time. Latency is receive time less the send time carried
 * in the message (one machine, one clock). Never part of `pnpm test`.
 *
 * Flags: `--clients=N` (default 1,000), `--rounds=N` timed (default 100) of `--burst=N`
 * messages (default 10), `--runs=N` per contender (default 3).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from '@redis/client';
import { NetClass, NetField } from '@oon/core';
import { OonClient } from '@oon/client';
import { redisAdapter } from '@oon/redis';
import { OonServer } from '@oon/server';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { startRedis } from './redis-server';

/** The small object every client gets. */
@NetClass('fanout.Tick')
class Tick {
  @NetField() n: number = 0;
  /** Epoch milliseconds (fractional) when the publisher sent it. */
  @NetField() sentAt: number = 0;
}

type Contender = 'oon' | 'socket.io';
const NODES = 3;
const WARMUP_ROUNDS = 10;
const ROOM = 'room';
const now = (): number => performance.timeOrigin + performance.now();

function flag(name: string, fallback: string): string {
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
}

/** A node: a server in the room's cluster; node 0 also publishes when told. */
async function node(contender: Contender, redisUrl: string, clients: number): Promise<void> {
  const send = process.send?.bind(process) as (message: object) => void;
  if (contender === 'oon') {
    const server = new OonServer({ port: 0, maxConnectionsPerAddress: clients + 10, maxConnections: clients + 10, adapter: redisAdapter({ url: redisUrl }) });
    server.on('connection', (peer) => peer.join(ROOM));
    const { port } = await server.listen();
    process.on('message', (m: { publish: number; from: number }) => {
      for (let i = 0; i < m.publish; i++) void server.to(ROOM).send(Object.assign(new Tick(), { n: m.from + i, sentAt: now() }));
    });
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
  send({ port: (http.address() as AddressInfo).port });
}

/** A client process: `count` clients of `port`; reports each round's end and its latencies. */
async function clientProcess(contender: Contender, port: number, count: number, burst: number): Promise<void> {
  const send = process.send?.bind(process) as (message: object) => void;
  let received = 0;
  let latencies: number[] = [];
  const onTick = (tick: { sentAt: number }): void => {
    latencies.push(now() - tick.sentAt);
    received += 1;
    if (received % (count * burst) === 0) {
      send({ round: received / (count * burst), latencies });
      latencies = [];
    }
  };
  const closers: Array<() => void> = [];
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, async () => {
        if (contender === 'oon') {
          const client = new OonClient<Tick>({ host: '127.0.0.1', port });
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
}

async function run(contender: Contender, options: { clients: number; rounds: number; burst: number }): Promise<Figures> {
  const redis = await startRedis();
  const children: ChildProcess[] = [];
  const fork_ = (args: string[]): ChildProcess => {
    const child = fork(__filename, args, { stdio: 'inherit' });
    children.push(child);
    return child;
  };
  try {
    const nodes = Array.from({ length: NODES }, () => fork_(['--node', contender, redis.url, String(options.clients)]));
    const ports = await Promise.all(nodes.map(async (n) => ((await once(n, 'message')) as [{ port: number }])[0].port));
    const share = (i: number): number => Math.floor(options.clients / NODES) + (i < options.clients % NODES ? 1 : 0);
    const holders = ports.map((port, i) => fork_(['--clients', contender, String(port), String(share(i)), String(options.burst)]));
    await Promise.all(holders.map((h) => once(h, 'message')));
    await new Promise((resolve) => setTimeout(resolve, 500)); // every node's joins settled
    const latencies: number[] = [];
    let started = 0;
    let sent = 0;
    for (let round = 1; round <= WARMUP_ROUNDS + options.rounds; round++) {
      if (round === WARMUP_ROUNDS + 1) started = performance.now();
      const done = holders.map((h) => once(h, 'message') as Promise<[{ round: number; latencies: number[] }]>);
      (nodes[0] as ChildProcess).send({ publish: options.burst, from: sent });
      sent += options.burst;
      for (const [report] of await Promise.all(done)) {
        if (report.round !== round) throw new Error(`round ${round} reported as ${report.round}`);
        if (round > WARMUP_ROUNDS) latencies.push(...report.latencies);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;
    return { rate: (options.rounds * options.burst * options.clients) / seconds, p50: at(0.5), p99: at(0.99) };
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined)));
    await redis.stop();
  }
}

async function main(): Promise<void> {
  const options = { clients: Number(flag('clients', '1000')), rounds: Number(flag('rounds', '100')), burst: Number(flag('burst', '10')) };
  const runs = Number(flag('runs', '3'));
  console.log(`${options.clients} clients over ${NODES} nodes on one Redis, ${options.rounds} rounds of ${options.burst} small objects to the room, ${runs} runs each`);
  const figures = new Map<Contender, Figures[]>();
  for (let r = 0; r < runs; r++) {
    for (const contender of ['oon', 'socket.io'] as const) {
      const result = await run(contender, options);
      figures.set(contender, [...(figures.get(contender) ?? []), result]);
      console.log(`${contender}: ${result.rate.toFixed(0)} delivered/s, latency p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`);
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  console.log('\n| contender | delivered/s | p50 latency (ms) | p99 latency (ms) |\n| --- | ---: | ---: | ---: |');
  for (const [contender, results] of figures) {
    console.log(`| ${contender} | ${median(results.map((f) => f.rate)).toFixed(0)} | ${median(results.map((f) => f.p50)).toFixed(1)} | ${median(results.map((f) => f.p99)).toFixed(1)} |`);
  }
}

const role = process.argv[2];
const args = process.argv.slice(3);
const task =
  role === '--node'
    ? node(args[0] as Contender, args[1] as string, Number(args[2]))
    : role === '--clients'
      ? clientProcess(args[0] as Contender, Number(args[1]), Number(args[2]), Number(args[3]))
      : main().then(() => process.exit(0));
task.catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
