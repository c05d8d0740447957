/**
 * `pnpm bench:broadcast`: what one broadcast to 1,000 local peers costs the server, with
 * the payload encoded once per codec (`server.broadcast()`, a room's `send()`) against
 * encoded once per peer (a loop of `peer.send()`, the path every broadcast took before
 * rooms). This process serves; a child process holds the clients and says when each has
 * every message of a round, so the server is paced by delivery, never evicting anyone.
 * Figures: the server's CPU (user + system) per broadcast over the timed rounds, and the
 * wall time of the broadcast call itself (encoding and framing for every peer; the
 * socket writes come after, in the same tick). Never part of `pnpm test`.
 *
 * Flags: `--peers=N` (default 1,000), `--rounds=N` timed (default 200) of `--burst=N`
 * broadcasts each (default 10), `--runs=N` per mode (default 3), `--graph=small|medium`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { OonClient } from '@oon/client';
import { OonServer } from '@oon/server';
import { graphOf, type GraphSize } from './model';

const WARMUP_ROUNDS = 20;

interface Ready {
  ready: true;
}
interface RoundDone {
  round: number;
}

function flag(name: string, fallback: string): string {
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
}

/** The child: `peers` clients of `port`; after every `burst` messages to each, it tells the parent. */
async function clients(port: number, peers: number, burst: number, sessions: boolean): Promise<void> {
  const all: OonClient[] = [];
  let received = 0;
  for (let i = 0; i < peers; i += 50) {
    const batch = Array.from({ length: Math.min(50, peers - i) }, () => {
      const client = new OonClient({ host: '127.0.0.1', port, ...(sessions ? {} : { reconnect: false }) });
      client.on('message', () => {
        received += 1;
        if (received % (peers * burst) === 0) (process.send as (m: RoundDone) => void)({ round: received / (peers * burst) });
      });
      all.push(client);
      return client.connect();
    });
    await Promise.all(batch);
  }
  process.once('disconnect', () => void Promise.all(all.map((c) => c.close())).then(() => process.exit(0)));
  (process.send as (m: Ready) => void)({ ready: true });
}

type Mode = 'encode once' | 'encode per peer';

/** One run: server CPU µs per broadcast, and µs inside the broadcast call. */
async function run(mode: Mode, sessions: boolean, options: { peers: number; rounds: number; burst: number; graph: GraphSize }): Promise<{ cpu: number; call: number }> {
  const { peers, rounds, burst } = options;
  const server = new OonServer({ host: '127.0.0.1', port: 0, maxConnectionsPerAddress: peers + 10, maxConnections: peers + 10 });
  const { port } = await server.listen();
  const child: ChildProcess = fork(__filename, ['--clients', String(port), String(peers), String(burst), String(sessions)], { stdio: 'inherit' });
  await once(child, 'message');
  if (server.peers.size !== peers) throw new Error(`expected ${peers} peers, have ${server.peers.size}`);
  const message = graphOf(options.graph);
  const broadcast = (): void => {
    if (mode === 'encode once') void server.broadcast(message);
    else for (const peer of server.peers) void peer.send(message);
  };
  let start: NodeJS.CpuUsage | undefined;
  let callNs = 0n;
  for (let round = 1; round <= WARMUP_ROUNDS + rounds; round++) {
    if (round === WARMUP_ROUNDS + 1) start = process.cpuUsage();
    const done = once(child, 'message') as Promise<[RoundDone]>;
    for (let i = 0; i < burst; i++) {
      const t0 = process.hrtime.bigint();
      broadcast();
      if (start !== undefined) callNs += process.hrtime.bigint() - t0;
    }
    const [{ round: reported }] = await done;
    if (reported !== round) throw new Error(`round ${round} reported as ${reported}`);
  }
  const used = process.cpuUsage(start);
  child.disconnect();
  await once(child, 'exit');
  await server.close();
  const count = rounds * burst;
  return { cpu: (used.user + used.system) / count, call: Number(callNs) / 1000 / count };
}

async function main(): Promise<void> {
  const options = {
    peers: Number(flag('peers', '1000')),
    rounds: Number(flag('rounds', '200')),
    burst: Number(flag('burst', '10')),
    graph: flag('graph', 'small') as GraphSize,
  };
  const runs = Number(flag('runs', '3'));
  console.log(`${options.peers} peers, ${options.graph} graph, ${options.rounds} rounds of ${options.burst} broadcasts, ${runs} runs per mode`);
  const figures = new Map<string, Array<{ cpu: number; call: number }>>();
  for (let r = 0; r < runs; r++) {
    for (const sessions of [true, false]) {
      for (const mode of ['encode once', 'encode per peer'] as const) {
        const key = `${mode}, sessions ${sessions ? 'on' : 'off'}`;
        const result = await run(mode, sessions, options);
        figures.set(key, [...(figures.get(key) ?? []), result]);
        console.log(`${key}: server CPU ${result.cpu.toFixed(0)} µs, broadcast call ${result.call.toFixed(0)} µs per broadcast`);
      }
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  console.log('\n| per broadcast to all peers | server CPU (µs) | broadcast call (µs) |\n| --- | ---: | ---: |');
  for (const [key, results] of figures) {
    console.log(`| ${key} | ${median(results.map((f) => f.cpu)).toFixed(0)} | ${median(results.map((f) => f.call)).toFixed(0)} |`);
  }
}

const clientsAt = process.argv.indexOf('--clients');
const args = process.argv.slice(clientsAt + 1);
(clientsAt >= 0 ? clients(Number(args[0]), Number(args[1]), Number(args[2]), args[3] === 'true') : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
