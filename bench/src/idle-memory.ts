/**
 * `pnpm bench:memory`: what an idle connection costs a server, with a session (the
 * default) and without (`reconnect: false` on the client), on one node and on a node of
 * a Redis cluster (`@oon/redis`). A forked server process (run with `--expose-gc`)
 * reports its memory after a full GC before and after `--clients` clients (default
 * 1,000, in another process) connect and go idle; the figure is the difference per
 * connection, for the JS heap and for the whole process (RSS). Never part of `pnpm test`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { OonClient } from '@oon/client';
import { redisAdapter } from '@oon/redis';
import { OonServer } from '@oon/server';
import { startRedis } from './redis-server';

interface Memory {
  readonly heap: number;
  readonly rss: number;
}

function flag(name: string, fallback: string): string {
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
}

async function settledMemory(): Promise<Memory> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

/** The server process: listens, then answers each `measure` message with its memory. */
async function serve(redisUrl: string, clients: number): Promise<void> {
  const adapter = redisUrl === 'none' ? {} : { adapter: redisAdapter({ url: redisUrl }) };
  const server = new OonServer({ port: 0, maxConnections: clients + 10, maxConnectionsPerAddress: clients + 10, ...adapter });
  server.on('connection', (peer) => peer.join('room'));
  const { port } = await server.listen();
  process.on('message', () => void settledMemory().then((memory) => process.send?.({ memory, peers: server.peers.size })));
  process.send?.({ port });
}

/** The clients' process: `count` idle clients of `port`, with sessions or not. */
async function hold(port: number, count: number, sessions: boolean): Promise<void> {
  const all: OonClient[] = [];
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, () => {
        const client = new OonClient({ host: '127.0.0.1', port, ...(sessions ? {} : { reconnect: false }) });
        all.push(client);
        return client.connect();
      }),
    );
  }
  process.send?.({ ready: true });
  process.once('disconnect', () => process.exit(0));
}

async function measure(redisUrl: string, clients: number, sessions: boolean): Promise<Memory> {
  const server: ChildProcess = fork(__filename, ['--serve', redisUrl, String(clients)], { stdio: 'inherit', execArgv: ['--expose-gc'] });
  try {
    const [{ port }] = (await once(server, 'message')) as [{ port: number }];
    const ask = async (): Promise<{ memory: Memory; peers: number }> => {
      const reply = once(server, 'message') as Promise<[{ memory: Memory; peers: number }]>;
      server.send({ measure: true });
      return (await reply)[0];
    };
    const before = await ask();
    const holder = fork(__filename, ['--hold', String(port), String(clients), String(sessions)], { stdio: 'inherit' });
    await once(holder, 'message');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await ask();
    holder.kill('SIGKILL');
    if (after.peers !== clients) throw new Error(`expected ${clients} peers, the server has ${after.peers}`);
    return { heap: (after.memory.heap - before.memory.heap) / clients, rss: (after.memory.rss - before.memory.rss) / clients };
  } finally {
    server.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const clients = Number(flag('clients', '1000'));
  const redis = await startRedis();
  console.log(`${clients} idle clients; per connection, after a full GC\n\n| server | sessions | JS heap (KiB) | RSS (KiB) |\n| --- | --- | ---: | ---: |`);
  try {
    for (const [label, url] of [
      ['one node', 'none'],
      ['a node on Redis', redis.url],
    ] as const) {
      for (const sessions of [true, false]) {
        const { heap, rss } = await measure(url, clients, sessions);
        console.log(`| ${label} | ${sessions ? 'on' : 'off'} | ${(heap / 1024).toFixed(1)} | ${(rss / 1024).toFixed(1)} |`);
      }
    }
  } finally {
    await redis.stop();
  }
}

const role = process.argv[2];
const args = process.argv.slice(3);
const task =
  role === '--serve'
    ? serve(args[0] as string, Number(args[1]))
    : role === '--hold'
      ? hold(Number(args[0]), Number(args[1]), args[2] === 'true')
      : main().then(() => process.exit(0));
task.catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
