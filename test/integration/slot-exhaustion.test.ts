/**
 * Slots before auth: silent sockets from one address used to fill `maxConnections` and
 * lock out a client with the right token. Connections still in their handshake are
 * bounded in all and per address, and so are connections per address; an address that
 * keeps failing `auth` is answered more and more slowly. Loopback gives the test other
 * source addresses (127.0.0.2, 127.0.0.3) to play the attacker from.
 */
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { NetClass, NetField } from '@oon/core';
import { encodeFrame, FrameKind } from '@oon/wire';
import type { OonServerOptions } from '@oon/server';
import { expectOonError, harness, LOOPBACK, nextEvent } from '../support/harness';
import { lastErrorReport } from '../support/scene';
import { waitUntil } from '../support/wait-until';

@NetClass()
class Echo {
  @NetField() n: number = 0;
}

const h = harness();
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.destroy());
  await h.closeAll();
});

/** A socket from `localAddress` that never says a word; what it receives is kept. */
async function silentSocket(port: number, localAddress: string): Promise<{ socket: Socket; received: () => Buffer }> {
  const socket = createConnection({ host: LOOPBACK, port, localAddress });
  sockets.push(socket);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  await once(socket, 'connect');
  return { socket, received: () => Buffer.concat(chunks) };
}

/** Sends requests for `ms` and returns how many were answered and the p50 latency, in ms. */
async function requestsFor(request: (n: number) => Promise<unknown>, ms: number): Promise<{ requests: number; p50Ms: number }> {
  const latencies: number[] = [];
  const until = Date.now() + ms;
  for (let n = 0; Date.now() < until; n++) {
    const start = process.hrtime.bigint();
    await request(n);
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, p50Ms: latencies[Math.floor(latencies.length / 2)] as number };
}

describe('connection slots before auth', () => {
  it('300 silent sockets from one address: it is refused past maxHandshakingPerAddress, and a client with the token from another address gets in and is served', async () => {
    // A variable, not a literal: the old code did not know the new options.
    const options: OonServerOptions = {
      maxConnections: 200,
      maxHandshaking: 150,
      maxHandshakingPerAddress: 40,
      maxConnectionsPerAddress: 100,
      handshakeTimeout: 30_000,
      auth: (token) => token === 'sesame',
    };
    const { server, port } = await h.listeningServer(options);
    server.on('error', () => {});
    server.handle(Echo, (echo) => echo);

    const started = Date.now();
    const silent = await Promise.all(Array.from({ length: 300 }, () => silentSocket(port, '127.0.0.2')));
    const openedMs = Date.now() - started;
    const refusedFrames = (): number => silent.filter((s) => lastErrorReport(s.received()) !== undefined).length;
    // Every socket is held or refused by now: the server accepts in order.
    await waitUntil(() => refusedFrames() >= 100, 5_000, () => `100 refusals (got ${refusedFrames()})`);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const honest = await h.connectedClient(port, { token: 'sesame' });
    const served = await requestsFor((n) => honest.request(Object.assign(new Echo(), { n }), { reply: Echo }), 300);
    if (process.env.OON_FIGURES) console.log(JSON.stringify({ silentOpened: silent.length, openedMs, refused: refusedFrames(), held: silent.length - refusedFrames(), honest: served }));
    expect(refusedFrames()).toBe(260);
    expect(lastErrorReport(silent.at(-1)?.received() ?? Buffer.alloc(0))).toEqual({
      code: 'BadConn',
      message: expect.stringMatching(/already has maxHandshakingPerAddress \(40\) connections from 127\.0\.0\.2 in their handshake; try again later/),
    });
    expect(served.requests).toBeGreaterThan(0);
    expect(honest.connected).toBe(true);
  });

  it('silent sockets from several addresses are refused past maxHandshaking in all; open clients are not counted', async () => {
    const options: OonServerOptions = { maxHandshaking: 50, maxHandshakingPerAddress: 30, handshakeTimeout: 30_000 };
    const { server, port } = await h.listeningServer(options);
    server.on('error', () => {});
    server.handle(Echo, (echo) => echo);
    const early = await h.connectedClient(port);

    const silent = [
      ...(await Promise.all(Array.from({ length: 30 }, () => silentSocket(port, '127.0.0.2')))),
      ...(await Promise.all(Array.from({ length: 30 }, () => silentSocket(port, '127.0.0.3')))),
    ];
    const refused = (): Buffer[] => silent.map((s) => s.received()).filter((r) => lastErrorReport(r) !== undefined);
    await waitUntil(() => refused().length >= 10, 5_000, () => `10 refusals (got ${refused().length})`);
    expect(lastErrorReport(refused()[0] as Buffer)?.message).toMatch(/has maxHandshaking \(50\) connections in their handshake; try again later/);
    await expect(early.request(new Echo(), { reply: Echo })).resolves.toBeInstanceOf(Echo);
  });

  it('refuses a client past maxConnectionsPerAddress, saying so; another address still gets in', async () => {
    const options: OonServerOptions = { maxConnectionsPerAddress: 2 };
    const { server, port } = await h.listeningServer(options);
    server.on('error', () => {});
    await h.connectedClient(port);
    await h.connectedClient(port);
    await expectOonError(h.client(port).connect(), 'BadConn', /already holds maxConnectionsPerAddress \(2\) connections from 127\.0\.0\.1; close some first/);

    const other = await silentSocket(port, '127.0.0.2');
    other.socket.write(encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'] })));
    await nextEvent(server, 'connection');
  });

  it('answers each failed auth from an address later than the one before; a client with the token is not slowed', async () => {
    const { port } = await h.listeningServer({ auth: (token) => token === 'sesame' });
    const refusals: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = Date.now();
      await expectOonError(h.client(port, { token: 'guess' }).connect(), 'BadConn', /authentication failed: the token was refused/);
      refusals.push(Date.now() - start);
    }
    const start = Date.now();
    await h.connectedClient(port, { token: 'sesame' });
    const admittedMs = Date.now() - start;
    if (process.env.OON_FIGURES) console.log(JSON.stringify({ refusalsMs: refusals, admittedMs }));
    // The waits are 50, 100, 200, 400 and 800 ms.
    expect(refusals[4]).toBeGreaterThanOrEqual(790);
    expect(refusals[3]).toBeGreaterThanOrEqual(390);
    expect(admittedMs).toBeLessThan(refusals[4] as number);
  });

  it('keeps the wait under half of handshakeTimeout, so a refused client still hears why rather than a timeout', async () => {
    const { port } = await h.listeningServer({ auth: () => false, handshakeTimeout: 300 });
    for (let i = 0; i < 5; i++) {
      await expectOonError(h.client(port, { token: 'guess' }).connect(), 'BadConn', /authentication failed: the token was refused/);
    }
  });
});
