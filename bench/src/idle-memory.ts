/**
 * What an idle connection costs, with a session (the default) and without
 * (`reconnect: false` on the client), on one node and on a node of a Redis cluster
 * (`@oon/redis`). A forked server process and a forked process of `--clients` clients
 * (default 1,000), both run with `--expose-gc`, report their memory after a full GC
 * before and after the clients connect and go idle (each put in a room); the figures are
 * the difference per connection: the JS heap, the memory outside it that V8 accounts for
 * (`external`: ArrayBuffers such as a writer's slab), and the whole process (RSS, which
 * also holds socket buffers and varies from run to run).
 *
 * `pnpm bench:memory` runs all four cases; `pnpm bench` reports one node's two
 * ({@link measureIdleMemory}, {@link idleMemoryTable}). Never part of `pnpm test`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { OonClient } from '@oon/client';
import { redisAdapter } from '@oon/redis';
import { OonServer } from '@oon/server';
import { startRedis } from './redis-server';
// Both sides register the bench's classes, as a service's do: a hello lists them.
import './model';

/** Bytes per idle connection, after a full GC. */
export interface Memory {
  readonly heap: number;
  readonly external: number;
  readonly rss: number;
}

/** One case: the server's memory per idle connection, and the clients' per client. */
export interface IdleMemoryResult {
  /** Where the server runs: `one node`, or `a node on Redis`. */
  readonly server: string;
  readonly sessions: boolean;
  readonly clients: number;
  readonly serverSide: Memory;
  readonly clientSide: Memory;
}

/** The clients each case measures unless told otherwise: enough that a few KiB of noise is a few bytes per connection. */
export const IDLE_CLIENTS = 1000;
/** Clients connected before the first measure, so the code they make V8 compile is in both. */
export const WARM_CLIENTS = 100;

async function settledMemory(): Promise<Memory> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('idle-memory measures after a full GC: run it with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heap: heapUsed, external, rss };
}

function perConnection(before: Memory, after: Memory, count: number): Memory {
  return { heap: (after.heap - before.heap) / count, external: (after.external - before.external) / count, rss: (after.rss - before.rss) / count };
}

/** Answers each `measure` message from the parent with this process's settled memory (and `extra`). */
function answerMeasures(extra: () => object): void {
  process.on('message', (m: { measure?: boolean }) => {
    if (m.measure === true) void settledMemory().then((memory) => process.send?.({ memory, ...extra() }));
  });
}

/** The server process: listens, then answers each `measure` message with its memory. */
async function serve(redisUrl: string, clients: number): Promise<void> {
  const adapter = redisUrl === 'none' ? {} : { adapter: redisAdapter({ url: redisUrl }) };
  const server = new OonServer({ port: 0, maxConnections: clients + 10, maxConnectionsPerAddress: clients + 10, ...adapter });
  server.on('connection', (peer) => peer.join('room'));
  const { port } = await server.listen();
  answerMeasures(() => ({ peers: server.peers.size }));
  process.send?.({ port });
}

/**
 * The clients' process: `warm` idle clients of `port`, then (on `go`) `count` more, with
 * sessions or not; its memory is taken between the two.
 */
async function hold(port: number, warm: number, count: number, sessions: boolean): Promise<void> {
  const all: OonClient[] = [];
  const connect = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, () => {
          const client = new OonClient({ host: '127.0.0.1', port, ...(sessions ? {} : { reconnect: false }) });
          all.push(client);
          return client.connect();
        }),
      );
    }
  };
  process.once('disconnect', () => process.exit(0));
  await connect(warm);
  const before = await settledMemory();
  answerMeasures(() => ({ before }));
  process.on('message', (m: { go?: boolean }) => {
    if (m.go === true) void connect(count).then(() => process.send?.({ ready: true }));
  });
  process.send?.({ warm: true });
}

/** Sends `child` a measure request and returns its answer. */
async function ask<T>(child: ChildProcess): Promise<T & { memory: Memory }> {
  const reply = once(child, 'message') as Promise<[T & { memory: Memory }]>;
  child.send({ measure: true });
  return (await reply)[0];
}

/**
 * Measures one case: `clients` idle clients of a fresh server process, on one node
 * (`redisUrl` undefined) or on the Redis at `redisUrl`. {@link WARM_CLIENTS} connect
 * first, and the figures are taken from there: what the first connections cost once
 * (code compiled, modules loaded) is not counted against every connection.
 */
export async function measureIdleMemory(clients: number, sessions: boolean, redisUrl?: string): Promise<IdleMemoryResult> {
  const withGc = { stdio: 'inherit' as const, execArgv: ['--expose-gc'] };
  const server = fork(__filename, ['--serve', redisUrl ?? 'none', String(WARM_CLIENTS + clients)], withGc);
  let holder: ChildProcess | undefined;
  try {
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    holder = fork(__filename, ['--hold', String(port), String(WARM_CLIENTS), String(clients), String(sessions)], withGc);
    await once(holder, 'message');
    const serverBefore = await ask<{ peers: number }>(server);
    const ready = once(holder, 'message');
    holder.send({ go: true });
    await ready;
    // The last hellos' replies and timers settle before the server measures.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const serverAfter = await ask<{ peers: number }>(server);
    const clientSide = await ask<{ before: Memory }>(holder);
    const peers = serverAfter.peers - serverBefore.peers;
    if (peers !== clients) throw new Error(`expected ${clients} more peers, the server has ${peers}`);
    return {
      server: redisUrl === undefined ? 'one node' : 'a node on Redis',
      sessions,
      clients,
      serverSide: perConnection(serverBefore.memory, serverAfter.memory, clients),
      clientSide: perConnection(clientSide.before, clientSide.memory, clients),
    };
  } finally {
    holder?.kill('SIGKILL');
    server.kill('SIGKILL');
  }
}

const kib = (bytes: number): string => (bytes / 1024).toFixed(1);

/** The results as a Markdown table, KiB per connection. */
export function idleMemoryTable(results: readonly IdleMemoryResult[]): string {
  return [
    '| server | sessions | server JS heap (KiB) | server external (KiB) | server RSS (KiB) | client JS heap (KiB) | client external (KiB) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.server} | ${r.sessions ? 'on' : 'off'} | ${kib(r.serverSide.heap)} | ${kib(r.serverSide.external)} | ${kib(r.serverSide.rss)} | ${kib(r.clientSide.heap)} | ${kib(r.clientSide.external)} |`,
    ),
  ].join('\n');
}

/** `pnpm bench:memory`: all four cases, `--clients=N` idle clients each. */
async function main(): Promise<void> {
  const clients = Number(process.argv.find((arg) => arg.startsWith('--clients='))?.slice('--clients='.length) ?? IDLE_CLIENTS);
  const redis = await startRedis();
  console.log(`${clients} idle clients; per connection, after a full GC\n`);
  const results: IdleMemoryResult[] = [];
  try {
    for (const url of [undefined, redis.url]) {
      for (const sessions of [true, false]) results.push(await measureIdleMemory(clients, sessions, url));
    }
  } finally {
    await redis.stop();
  }
  console.log(idleMemoryTable(results));
}

// Run as a script: the bench itself, or one of the processes it forks. Imported (by
// main.ts), it only exports.
if (require.main === module) {
  const [role, ...args] = process.argv.slice(2);
  const task =
    role === '--serve'
      ? serve(args[0] as string, Number(args[1]))
      : role === '--hold'
        ? hold(Number(args[0]), Number(args[1]), Number(args[2]), args[3] === 'true')
        : main().then(() => process.exit(0));
  task.catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
