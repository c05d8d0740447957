/**
 * The server process is killed with SIGKILL mid-stream and started again on the same
 * port: the client reconnects, finds its session gone, and resends everything the dead
 * process had not acknowledged. Nothing is lost; what the dead process received but had
 * not yet acknowledged arrives twice, and the test counts it.
 */
import type { ReconnectInfo } from '@oon/client';
import { Tick } from '../../examples/reconnect/src/tick';
import { exampleProcesses, streamTicks, type ExampleProcess } from '../support/example-process';
import { freePort } from '../support/free-port';
import { harness, nextEvent, TRANSPORTS, type TestTransport } from '../support/harness';
import { waitUntil } from '../support/wait-until';

const processes = exampleProcesses();
afterEach(() => processes.killAll());

/**
 * Starts the compiled example server on `port` over `transport` and waits for it to listen;
 * `port` is one the kernel hands no other socket while the server is down (free-port.ts).
 */
async function startServer(transport: TestTransport, port: number): Promise<ExampleProcess & { port: number }> {
  const server = processes.start('server', [port, transport]);
  const listening = await server.line(/^listening \d+$/);
  return { ...server, port: Number(listening.slice(10)) };
}

const isIncreasing = (list: number[]): boolean => list.every((n, i) => i === 0 || n > (list[i - 1] as number));

describe.each(TRANSPORTS)('a server killed with SIGKILL and restarted, over %s', (transport) => {
  const h = harness(transport);
  afterEach(() => h.closeAll());

  it('loses nothing the client streamed: the client resends what was not acknowledged, and the duplicates are counted', async () => {
    const TOTAL = 10_000;
    const first = await startServer(transport, await freePort());
    const client = h.client<Tick>(first.port, { reconnect: { initialDelay: 20, maxDelay: 200 } });
    const reconnects: ReconnectInfo[] = [];
    client.on('reconnect', (info) => reconnects.push(info));
    await client.connect();

    const sending = streamTicks(client, TOTAL);
    await waitUntil(() => first.got.length >= 3_000, 20_000, () => `the first server to get 3000 ticks (has ${first.got.length})`);
    const back = nextEvent(client, 'reconnect', 20_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const second = await startServer(transport, first.port);
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
