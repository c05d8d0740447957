/**
 * A process that stops answering (SIGSTOP: a laptop asleep, a debugger, a stalled VM) is
 * dropped by the heartbeat like any lost link, and when it continues (SIGCONT) the client
 * reconnects and resumes its session: nothing lost, nothing repeated. Real child
 * processes (examples/reconnect), real sockets, heartbeats of 100 ms.
 */
import type { Socket } from 'node:net';
import { encodeFrame, FAULT_CLOSE_GRACE, FrameKind } from '@oon/wire';
import { errorFrame } from '@oon/wire/internal';
import type { ReconnectInfo } from '@oon/client';
import { Tick } from '../../examples/reconnect/src/tick';
import { cutProxies } from '../support/cut-proxy';
import { exampleProcesses, streamTicks } from '../support/example-process';
import { expectOonError, harness, nextEvent } from '../support/harness';
import { waitUntil } from '../support/wait-until';

const h = harness();
const processes = exampleProcesses();
const proxies = cutProxies();
afterEach(async () => {
  await h.closeAll();
  await proxies.closeAll();
  processes.killAll();
});

const HEARTBEAT_MS = 100;
const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

/**
 * Watchdog ticks from a peer's last bytes to its ping timing out: pingInterval, then
 * pongTimeout, four ticks each, and up to two more for where the ticks fall.
 */
const WATCHDOG_TICKS = 10;

/** The times at which an interval of `everyMs` in this process fired, until stopped. */
function tickTimes(everyMs: number): { readonly times: number[]; stop(): void } {
  const times: number[] = [];
  const timer = setInterval(() => times.push(Date.now()), everyMs);
  return { times, stop: () => clearInterval(timer) };
}

describe('a client process stopped past the heartbeat', () => {
  it('is away on the server within a second or so, then reconnects on SIGCONT and resumes: nothing lost either way', async () => {
    const TOTAL = 20_000;
    const { server, port } = await h.listeningServer<Tick>({ pingInterval: HEARTBEAT_MS, pongTimeout: HEARTBEAT_MS });
    const got: number[] = [];
    let lastTickAt = 0;
    const presence: string[] = [];
    server.on('message', (tick) => {
      got.push(tick.n);
      lastTickAt = Date.now();
    });
    server.on('away', () => presence.push('away'));
    server.on('reconnect', () => presence.push('reconnect'));
    server.on('disconnect', (_, reason) => presence.push(`disconnect (${reason})`));
    server.on('loss', (count) => presence.push(`loss ${count}`));
    const connected = nextEvent(server, 'connection', 10_000);
    const client = processes.start('client', [port, TOTAL, HEARTBEAT_MS]);
    const [peer] = await connected;
    await waitUntil(() => got.length >= 3_000, 10_000, () => `3000 ticks from the client process (got ${got.length})`);

    const away = nextEvent(server, 'away', 5_000);
    client.child.kill('SIGSTOP');
    const stoppedAt = Date.now();
    // The watchdog counts its own ticks (a quarter of the heartbeat apart) from the last
    // bytes it heard, which the server may still be reading after the stop; on a loaded
    // machine those ticks run late, and its deadlines stretch by as much as ticks of ours do.
    const ticks = tickTimes(HEARTBEAT_MS / 4);
    const [awayPeer, reason, error] = await away;
    const awayAt = Date.now();
    ticks.stop();
    expect(awayPeer).toBe(peer);
    expect(reason).toBe('timeout');
    expect(error?.message).toMatch(/did not answer a ping within 100 ms \(pongTimeout\)$/);
    // Ping and pong deadlines, then at most FAULT_CLOSE_GRACE for a peer that does not read.
    const lastHeard = Math.max(stoppedAt, lastTickAt);
    const deadlinesEnd = ticks.times.filter((t) => t > lastHeard)[WATCHDOG_TICKS - 1] ?? awayAt;
    expect(awayAt).toBeLessThan(deadlinesEnd + FAULT_CLOSE_GRACE + 250);
    expect(peer.connected).toBe(false);
    for (let n = 0; n < 50; n++) await peer.send(new Tick(n)); // held for the stopped client

    const back = nextEvent(server, 'reconnect', 10_000);
    client.child.kill('SIGCONT');
    expect((await back)[0]).toBe(peer);
    await client.line(/^back: session resumed, \d+ resent$/);
    expect(await client.exited).toBe(0); // it streamed everything, flushed and closed

    expect(got).toEqual(range(TOTAL));
    expect(client.got).toEqual(range(50));
    expect(JSON.parse(client.lines.at(-1) as string)).toMatchObject({ sent: TOTAL, received: 50, duplicates: 0, lost: 0 });
    expect(client.lines.filter((line) => /never acknowledged/.test(line))).toEqual([]);
    // On a loaded machine 100 ms heartbeats may drop a link again after the stop: each
    // drop is a lost link (the server's Error frame says timeout, or a write of the
    // continued process meets the reset of the socket the server destroyed), and each
    // return resumes the session.
    const downs = client.lines.filter((line) => line.startsWith('link down'));
    expect(downs.at(-1)).toBe('link down (local close)'); // its own close() at the end
    expect(downs.slice(0, -1).every((line) => /^link down \((timeout|connection error)\)$/.test(line))).toBe(true);
    expect(client.lines.filter((line) => line.startsWith('back:')).every((line) => /^back: session resumed, \d+ resent$/.test(line))).toBe(true);
    expect(presence.at(-1)).toBe('disconnect (remote close)');
    expect(presence.slice(0, -1)).toEqual(Array.from({ length: presence.length - 1 }, (_, i) => (i % 2 === 0 ? 'away' : 'reconnect')));
    if (process.env.OON_FIGURES) console.log(JSON.stringify({ awayAfter: awayAt - stoppedAt, lastHeard: lastHeard - stoppedAt, deadlinesEnd: deadlinesEnd - stoppedAt, client: client.lines.at(-1), peer: peer.stats }));
  }, 30_000);
});

describe('a server process stopped past the heartbeat', () => {
  it('is dropped by the client, which says so while reconnecting, then resumes on SIGCONT: nothing lost or repeated', async () => {
    const TOTAL = 10_000;
    const serverProcess = processes.start('server', [0]);
    const port = Number((await serverProcess.line(/^listening \d+$/)).slice(10));
    const client = h.client<Tick>(port, {
      pingInterval: HEARTBEAT_MS,
      pongTimeout: HEARTBEAT_MS,
      connectTimeout: 300,
      reconnect: { initialDelay: 20, maxDelay: 200 },
    });
    const reconnects: ReconnectInfo[] = [];
    client.on('reconnect', (info) => reconnects.push(info));
    await client.connect();
    const sending = streamTicks(client, TOTAL);
    await waitUntil(() => serverProcess.got.length >= 2_000, 10_000, () => `2000 ticks at the server (got ${serverProcess.got.length})`);

    const down = nextEvent(client, 'disconnect', 5_000);
    serverProcess.child.kill('SIGSTOP');
    const [reason, error] = await down;
    expect(reason).toBe('timeout');
    expect(error?.message).toBe(`127.0.0.1:${port} did not answer a ping within 100 ms (pongTimeout)`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.status).toBe('reconnecting');
    const refused = await expectOonError(client.request(new Tick(0), { waitForReconnect: false }), 'BadConn');
    expect(refused.message).toMatch(
      new RegExp(
        String.raw`^the link to 127\.0\.0\.1:${port} was lost \d+ ms ago \(timeout: 127\.0\.0\.1:${port} did not answer a ping within 100 ms \(pongTimeout\)\); reconnecting, attempt \d+$`,
      ),
    );

    const back = nextEvent(client, 'reconnect', 10_000);
    serverProcess.child.kill('SIGCONT');
    const [info] = await back;
    expect(info.resumed).toBe(true);
    await sending;
    await client.flush({ timeout: 10_000 });
    await waitUntil(() => serverProcess.got.length >= TOTAL, 10_000, () => `every tick at the server (got ${serverProcess.got.length})`);
    expect(serverProcess.got).toEqual(range(TOTAL));
    expect(client.stats).toMatchObject({ sent: TOTAL, lost: 0 });
    expect(reconnects.every((r) => r.resumed)).toBe(true);
  }, 30_000);
});

/** A hello frame by hand (JSON codec, no schema), with a session asked for or granted. */
function sessionHello(session: object, codec?: string): Uint8Array {
  return encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], ...(codec === undefined ? {} : { codec }), session }));
}

const PING_TIMEOUT_REPORT = '127.0.0.1:1 did not answer a ping within 100 ms (pongTimeout)';

describe('an Error frame saying Timeout: the peer gave up on our heartbeat', () => {
  it('the server keeps the session of a client that dropped it for a heartbeat timeout: away, not disconnect', async () => {
    const { server, port } = await h.listeningServer();
    const connected = nextEvent(server, 'connection');
    const raw = await h.rawPeer(port);
    await raw.write(sessionHello({ received: 0 }));
    const [peer] = await connected;
    const away = nextEvent(server, 'away');
    const gone: unknown[] = [];
    server.on('disconnect', (_, reason) => gone.push(reason));
    await raw.write(errorFrame('Timeout', PING_TIMEOUT_REPORT));
    const [awayPeer, reason, error] = await away;
    expect(awayPeer).toBe(peer);
    expect(reason).toBe('timeout');
    expect(error?.code).toBe('Timeout');
    expect(error?.message).toMatch(new RegExp(String.raw`^127\.0\.0\.1:\d+ dropped the connection: 127\.0\.0\.1:1 did not answer a ping within 100 ms \(pongTimeout\)$`));
    expect(gone).toEqual([]);
    expect(server.peers.has(peer)).toBe(true);
  });

  it('the client reconnects after a server dropped it for a heartbeat timeout, rather than ending closed', async () => {
    // Grants a session, then says the client missed its pings.
    const { port } = await h.rawServer((socket: Socket) => {
      socket.write(sessionHello({ id: 'stopped-1', resumed: false, received: 0 }, 'json'));
      setTimeout(() => socket.end(errorFrame('Timeout', PING_TIMEOUT_REPORT)), 50);
    });
    const client = await h.connectedClient(port, { reconnect: { initialDelay: 500, maxDelay: 500 } });
    const down = nextEvent(client, 'disconnect');
    const retrying = nextEvent(client, 'reconnecting');
    const [reason, error] = await down;
    expect(reason).toBe('timeout');
    expect(error?.message).toBe(`127.0.0.1:${port} dropped the connection: ${PING_TIMEOUT_REPORT}`);
    expect((await retrying)[0]).toBe(1);
    expect(client.status).toBe('reconnecting');
  });
});

/** Blocks this whole process for `ms`, as a suspension does: no timer or socket is served. */
function suspendFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Busy: nothing else of this process runs.
  }
}

describe('a client whose machine slept while the server dropped it', () => {
  it('reconnects as soon as it wakes (its first tick, late, pings), not a pingInterval of silence later', async () => {
    const { server, port } = await h.listeningServer({ pingInterval: HEARTBEAT_MS, pongTimeout: HEARTBEAT_MS });
    const proxy = await proxies.to(port);
    const connected = nextEvent(server, 'connection');
    // Its own heartbeat is slow: without the wake-up ping it would notice after 5 s of silence.
    await h.connectedClient(proxy.port, { pingInterval: 5_000, pongTimeout: 5_000, reconnect: { initialDelay: 10, maxDelay: 50 } });
    const [peer] = await connected;

    const away = nextEvent(server, 'away', 5_000);
    proxy.blackhole = true; // the machine sleeps: nothing passes, and the server's FIN is lost
    await away;
    const back = nextEvent(server, 'reconnect', 10_000);
    suspendFor(2_600); // asleep: the client's timers do not run (its tick is 1.25 s)
    proxy.blackhole = false;
    const wokeAt = Date.now();
    const [backPeer] = await back;
    const backAfter = Date.now() - wokeAt;
    if (process.env.OON_FIGURES) console.log(`back ${backAfter} ms after waking`);
    expect(backPeer).toBe(peer);
    expect(backAfter).toBeLessThan(1_500);
  });
});
