/**
 * The server process is killed with SIGKILL mid-stream and started again on the same
 * port: the client reconnects, finds its session gone, and resends everything the dead
 * process had not acknowledged. Nothing is lost; what the dead process received but had
 * not yet acknowledged arrives twice, and the test counts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ReconnectInfo } from '@oon/client';
import { Tick } from '../../examples/reconnect/src/tick';
import { harness, nextEvent } from '../support/harness';
import { waitUntil } from '../support/wait-until';

const SERVER = join(__dirname, '..', '..', 'examples', 'reconnect', 'dist', 'server.js');

const h = harness();
const children = new Set<ChildProcess>();
afterEach(async () => {
  await h.closeAll();
  for (const child of children) child.kill('SIGKILL');
});

/** A running `examples/reconnect` server process and the ticks it printed. */
interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly got: number[];
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

/** Starts the compiled example server; `pnpm test` builds it first (`tsc -b`). */
async function startServer(port = 0): Promise<ServerProcess> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is not built: run \`tsc -b\` (pnpm test does) first`);
  const child = spawn(process.execPath, [SERVER, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(signal ?? code);
    }),
  );
  const got: number[] = [];
  const listening = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.startsWith('got ')) got.push(Number(line.slice(4)));
      else if (line.startsWith('listening ')) resolve(Number(line.slice(10)));
    });
    void exited.then((end) => reject(new Error(`server process ended (${String(end)}) before listening`)));
  });
  return { child, port: await listening, got, exited };
}


const isIncreasing = (list: number[]): boolean => list.every((n, i) => i === 0 || n > (list[i - 1] as number));

describe('a server killed with SIGKILL and restarted', () => {
  it('loses nothing the client streamed: the client resends what was not acknowledged, and the duplicates are counted', async () => {
    const TOTAL = 10_000;
    const first = await startServer();
    const client = h.client<Tick>(first.port, { reconnect: { initialDelay: 20, maxDelay: 200 } });
    const reconnects: ReconnectInfo[] = [];
    client.on('reconnect', (info) => reconnects.push(info));
    await client.connect();

    const sending = (async () => {
      for (let n = 0; n < TOTAL; n++) {
        const sent = client.send(new Tick(n));
        // About 2 s of streaming, so the kill lands mid-stream; while down, sends are held at once.
        if (n % 100 === 99) await Promise.all([sent, new Promise((resolve) => setTimeout(resolve, 20))]);
      }
    })();
    await waitUntil(() => first.got.length >= 3_000, 20_000, () => `the first server to get 3000 ticks (has ${first.got.length})`);
    const back = nextEvent(client, 'reconnect', 20_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const second = await startServer(first.port);
    const [info] = await back;
    await sending;
    await waitUntil(
      () => new Set([...first.got, ...second.got]).size === TOTAL,
      20_000,
      () => `every tick across both servers (first ${first.got.length}, second ${second.got.length})`,
    );
    await client.close(); // waits for the last acknowledgements

    expect(first.got.length).toBeLessThan(TOTAL); // killed mid-stream
    expect(second.got.length).toBeGreaterThan(0);
    const everything = new Set([...first.got, ...second.got]);
    expect(everything.size).toBe(TOTAL);
    expect([...everything].every((n) => n >= 0 && n < TOTAL)).toBe(true);
    // Each process saw the ticks in order; the second begins with the first's unacknowledged tail.
    expect(isIncreasing(first.got)).toBe(true);
    expect(isIncreasing(second.got)).toBe(true);
    const duplicates = first.got.filter((n) => second.got.includes(n));
    expect(first.got.length + second.got.length - TOTAL).toBe(duplicates.length);
    expect(info.resumed).toBe(false);
    expect(reconnects).toHaveLength(1);
    expect(duplicates.length).toBeLessThanOrEqual(info.resent);
    expect(client.stats).toMatchObject({ sent: TOTAL, lost: 0 });
    if (process.env.OON_FIGURES) {
      console.log(JSON.stringify({ firstGot: first.got.length, secondGot: second.got.length, duplicates: duplicates.length, resent: info.resent, stats: client.stats }));
    }
  }, 60_000); // about 3 s alone; the deadline is for a machine shared with other test runs
});
