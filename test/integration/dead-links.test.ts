/**
 * Faulted links go away on time (docs/limits.md, "Faults"): a peer dropped for a fault
 * (bad frame, handshake or partial-frame deadline, unanswered ping) that neither reads
 * nor closes is destroyed FAULT_CLOSE_GRACE (1 s) after its Error frame, not after
 * `closeGrace` (10 s by default), so a slowloris holds no socket for long. Real sockets
 * throughout; the peers stop reading (`pause()`) and never close their side.
 */
import type { Socket } from 'node:net';
import { DEFAULT_CLOSE_GRACE, encodeFrame, FAULT_CLOSE_GRACE, FrameKind } from '@oon/wire';
import { harness, helloFrame, nextEvent, within, type RawPeer } from '../support/harness';
import { echoScene, roundTrip } from '../support/scene';

const h = harness();
afterEach(() => h.closeAll());

/** Fault grace plus room for a loaded machine; still far below closeGrace. */
const GONE_WITHIN_MS = FAULT_CLOSE_GRACE + 800;

/**
 * Stops reading (the peer never sees our Error frame or FIN, so it never closes) and
 * writes the next byte of `bytes` every 50 ms until its socket closes: writes to a socket
 * the server has destroyed are answered with a reset, which is how the peer learns it.
 */
function trickleUnread(raw: RawPeer, bytes: Uint8Array): void {
  raw.socket.pause();
  let sent = 0;
  const timer = setInterval(() => {
    if (raw.socket.destroyed) clearInterval(timer);
    else raw.socket.write(bytes.subarray(sent % bytes.length, (sent++ % bytes.length) + 1));
  }, 50);
  raw.socket.once('close', () => clearInterval(timer));
}

/** How long each peer took to go, for `OON_FIGURES=1`. */
const figures: number[] = [];
afterAll(() => {
  if (process.env.OON_FIGURES) console.log(`gone after ${figures.join(', ')} ms`);
});

/** Milliseconds from now until `promise` settles. */
async function msUntil(promise: Promise<unknown>): Promise<number> {
  const start = Date.now();
  await promise;
  figures.push(Date.now() - start);
  return Date.now() - start;
}

describe('a peer dropped for a fault that does not read', () => {
  beforeAll(() => expect(DEFAULT_CLOSE_GRACE).toBeGreaterThan(5 * FAULT_CLOSE_GRACE));

  it('after a bad frame: destroyed within FAULT_CLOSE_GRACE of its Error frame, not closeGrace', async () => {
    const s = await echoScene(h);
    const connected = nextEvent(s.server, 'connection');
    const raw = await h.rawPeer(s.port);
    await raw.write(helloFrame());
    const [peer] = await connected;
    const errored = nextEvent(s.server, 'error');
    const gone = nextEvent(s.server, 'disconnect', 15_000);
    trickleUnread(raw, encodeFrame(42 as FrameKind, 'x'));
    const [err] = await errored;
    expect(err.code).toBe('BadData');
    expect(await msUntil(gone)).toBeLessThan(GONE_WITHIN_MS);
    expect(await gone).toEqual([peer, 'bad data']);
    await within(500, raw.closed, 'the peer seeing its socket reset');
    await roundTrip(s.honest, 1);
    expect(s.honestTroubles).toEqual([]);
  });

  it('a slowloris past partialFrameTimeout: destroyed within FAULT_CLOSE_GRACE of the deadline', async () => {
    const s = await echoScene(h, { partialFrameTimeout: 200 });
    const connected = nextEvent(s.server, 'connection');
    const raw = await h.rawPeer(s.port);
    await raw.write(helloFrame());
    await connected;
    const errored = nextEvent(s.server, 'error');
    const gone = nextEvent(s.server, 'disconnect', 15_000);
    trickleUnread(raw, encodeFrame(FrameKind.Message, 'x'.repeat(10_000)));
    const [err] = await errored;
    expect(err.message).toMatch(/within 200 ms \(partialFrameTimeout\)/);
    expect(await msUntil(gone)).toBeLessThan(GONE_WITHIN_MS);
    await within(500, raw.closed, 'the peer seeing its socket reset');
    await roundTrip(s.honest, 2);
  });

  it('a slowloris past handshakeTimeout (no peer yet): its socket is reset within FAULT_CLOSE_GRACE', async () => {
    const s = await echoScene(h, { handshakeTimeout: 200 });
    const errored = nextEvent(s.server, 'error');
    const raw = await h.rawPeer(s.port);
    trickleUnread(raw, helloFrame());
    const [err] = await errored;
    expect(err.message).toMatch(/no OON hello from .* within 200 ms \(handshakeTimeout\)/);
    expect(await msUntil(within(15_000, raw.closed, 'the slowloris being dropped'))).toBeLessThan(GONE_WITHIN_MS);
    await roundTrip(s.honest, 3);
  });

  it('a silent peer past pongTimeout: gone within FAULT_CLOSE_GRACE of the timeout', async () => {
    const s = await echoScene(h, { pingInterval: 60, pongTimeout: 120 });
    const connected = nextEvent(s.server, 'connection');
    const raw = await h.rawPeer(s.port);
    await raw.write(helloFrame());
    await connected;
    raw.socket.pause();
    const errored = nextEvent(s.server, 'error');
    const gone = nextEvent(s.server, 'disconnect', 15_000);
    const [err] = await errored;
    expect(err.message).toMatch(/did not answer a ping within 120 ms \(pongTimeout\)/);
    expect(await msUntil(gone)).toBeLessThan(GONE_WITHIN_MS);
    await roundTrip(s.honest, 4);
  });

  it('a client whose server stalls is free to reconnect within FAULT_CLOSE_GRACE of its heartbeat timeout', async () => {
    // The server says hello, then neither reads nor answers.
    const { port } = await h.rawServer((socket: Socket) => {
      socket.write(helloFrame());
      socket.pause();
    });
    const client = await h.connectedClient(port, { pingInterval: 60, pongTimeout: 120, reconnect: false });
    const errored = nextEvent(client, 'error');
    const down = nextEvent(client, 'disconnect', 15_000);
    const [err] = await errored;
    expect(err.message).toMatch(/did not answer a ping within 120 ms \(pongTimeout\)/);
    expect(await msUntil(down)).toBeLessThan(GONE_WITHIN_MS);
    expect((await down)[0]).toBe('timeout');
  });

  it('a refused client (server full) that keeps trickling bytes is destroyed within FAULT_CLOSE_GRACE', async () => {
    const s = await echoScene(h, { maxConnections: 1 });
    const refused = nextEvent(s.server, 'error');
    const raw = await h.rawPeer(s.port);
    const [err] = await refused;
    expect(err.message).toMatch(/is full: maxConnections \(1\) reached/);
    trickleUnread(raw, helloFrame());
    expect(await msUntil(within(15_000, raw.closed, 'the refused peer being dropped'))).toBeLessThan(GONE_WITHIN_MS);
    await roundTrip(s.honest, 5);
  });
});
