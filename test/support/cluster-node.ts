/**
 * Nodes of a cluster as real child processes (tools/cluster-node): each an OonServer with
 * the Redis adapter, driven by JSON commands on its stdin, reporting JSON lines.
 */
import { join } from 'node:path';
import type { ClientEndpoint, OonClient, OonClientOptions } from '@oon/client';
import { harness, type Harness } from './harness';
import { runNode, type NodeRun } from './node-process';
import { ROOT } from './packages';
import { redisServers, type RedisServer } from './redis-server';

const NODE = join(ROOT, 'tools', 'cluster-node', 'dist', 'node.js');

/** One running node. */
export interface ClusterNode {
  readonly run: NodeRun;
  readonly port: number;
  /** Its id in the cluster (`server.node`). */
  readonly node: string;
  /** Sends a command and resolves with the node's answer (its JSON line, without `re`). */
  call<R extends object = Record<string, unknown>>(command: Record<string, unknown>): Promise<R>;
  /** The events it printed so far with `event` equal to `name`. */
  events(name: string): Array<Record<string, unknown>>;
  /** Resolves with the first event named `name` for which `match` holds. */
  nextEvent(name: string, match?: (event: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

let commandId = 0;

/** Starts nodes on Redis at `url` and kills (SIGKILL) all left at the end: `afterEach(() => nodes.killAll())`. */
export function clusterNodes(): { start(url: string, args?: string[]): Promise<ClusterNode>; killAll(): Promise<void> } {
  const runs: NodeRun[] = [];
  return {
    async start(url, args = []) {
      const run = runNode(NODE, [url, ...args], { timeoutMs: 60_000, withStdin: true, withStderr: true });
      runs.push(run);
      const [line] = await run.nextLine(/^\{"(port|startError)"/);
      const first = JSON.parse(run.lines.find((l) => l.startsWith(line)) as string) as { port?: number; node?: string; startError?: unknown };
      if (first.port === undefined) throw new Error(`node did not start: ${JSON.stringify(first.startError)}`);
      const parsed = (): Array<Record<string, unknown>> => run.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      return {
        run,
        port: first.port,
        node: first.node as string,
        async call<R extends object>(command: Record<string, unknown>): Promise<R> {
          const id = ++commandId;
          run.child.stdin?.write(`${JSON.stringify({ id, ...command })}\n`);
          await run.nextLine(new RegExp(`^\\{"re":${id}[,}]`));
          const { re: _re, ...answer } = parsed().find((l) => l.re === id) as Record<string, unknown>;
          return answer as R;
        },
        events: (name) => parsed().filter((l) => l.event === name),
        async nextEvent(name, match = () => true) {
          for (;;) {
            const found = parsed().find((l) => l.event === name && match(l));
            if (found !== undefined) return found;
            await run.nextLine(/^\{"event"/).catch(() => {});
            if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`node exited before event ${name}:\n${run.lines.join('\n')}`);
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        },
      };
    },
    async killAll() {
      await Promise.all(
        runs.splice(0).map(async (run) => {
          if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
          await run.exited;
        }),
      );
    },
  };
}

/**
 * Heartbeats of the test nodes: every 100 ms, lapsing after 2 s; questions wait 8 s.
 * A lapse is how a dead node is noticed, so it must outlast the longest a live node goes
 * without beating on a loaded machine: at 500 ms, with the load at 12 to 15 on 2 cores,
 * live nodes were reported down to each other (so left out of counts, rooms and lookups)
 * in 6 runs of 10; their event loops stalled for up to 850 ms while their first clients
 * connected, and at 1.5 s one run of 11 still saw a live node reported down.
 */
export const HEARTBEAT_TIMEOUT = 2_000;
/** How long a node waits for the others' answers: well past {@link HEARTBEAT_TIMEOUT}, so a lapse and a timeout are told apart. */
export const REQUEST_TIMEOUT = 8_000;
/** The heartbeat arguments of tools/cluster-node: interval, timeout, request timeout (ms). */
export const HEARTBEAT = ['100', String(HEARTBEAT_TIMEOUT), String(REQUEST_TIMEOUT)];

/**
 * What a cluster test runs on: a harness for clients, a real redis-server started before
 * each test (`redis()`), and the nodes it starts; all stopped after each test.
 */
export function clusterBed(): { readonly h: Harness; readonly nodes: ReturnType<typeof clusterNodes>; redis(): RedisServer } {
  const h = harness();
  const redises = redisServers();
  const nodes = clusterNodes();
  let redis: RedisServer | undefined;
  beforeEach(async () => {
    redis = await redises.start();
  });
  afterEach(async () => {
    await h.closeAll();
    await nodes.killAll();
    await redises.stopAll();
  });
  return {
    h,
    nodes,
    redis: () => {
      if (redis === undefined) throw new Error('redis() is for use inside a test');
      return redis;
    },
  };
}

/**
 * A client of a cluster: every node's address (`ports`), `first` first, then the others
 * up (or, with `down`, down) from it, reconnecting quickly.
 */
export function clusterClient<T extends object>(h: Harness, first: number, ports: number[], options: { down?: boolean } & OonClientOptions = {}): Promise<OonClient<T>> {
  const { down = false, ...rest } = options;
  const at = (k: number): number => ports[(first + (down ? ports.length - k : k)) % ports.length] as number;
  const endpoints: ClientEndpoint[] = ports.map((_, k) => ({ host: '127.0.0.1', port: at(k) }));
  return h.connectedClient<T>(0, { endpoints, reconnect: { initialDelay: 20, maxDelay: 100 }, ...rest });
}
