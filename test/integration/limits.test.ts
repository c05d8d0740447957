/**
 * The connection limits over real loopback sockets (docs/limits.md): each hostile peer is
 * dropped with the documented code and reason while an honest client, connected at the
 * same time, keeps exchanging messages that all arrive intact.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { OonError } from '@oon/core';
import { encodeFrame, FrameKind } from '@oon/wire';
import { OonServer, type Peer } from '@oon/server';
import { OonClient } from '@oon/client';
import { VolvoCar } from '../../examples/cars/src/cars';
import { Everything } from '../support/extra';
import { decodeFrames, expectOonError, harness, helloFrame, nextEvent, within, TRANSPORTS } from '../support/harness';
import { echoScene, lastErrorReport, roundTrip } from '../support/scene';
import { waitUntil } from '../support/wait-until';

describe.each(TRANSPORTS)('over %s', (transport) => {
  const h = harness(transport);
  afterEach(() => h.closeAll());

  /** Deadlines are small so tests are quick, and waits generous so a loaded machine does not flake them. */
  const DROP_WITHIN_MS = 5_000;

  describe('partialFrameTimeout', () => {
    it('drops a peer that starts a frame and stalls with Timeout, told why; the honest client goes on', async () => {
      const s = await echoScene(h, { partialFrameTimeout: 200 });
      const connected = nextEvent(s.server, 'connection');
      const errored = nextEvent(s.server, 'error', DROP_WITHIN_MS);
      const raw = await h.rawPeer(s.port);
      await raw.write(helloFrame());
      const [hostile] = await connected;
      const disconnected = nextEvent(s.server, 'disconnect', DROP_WITHIN_MS);

      // 10 bytes of a frame that announces 100.
      const frame = encodeFrame(FrameKind.Message, 'x'.repeat(99));
      await raw.write(frame.subarray(0, 10));
      await roundTrip(s.honest, 1);

      const [err, peer] = await errored;
      expect(err.code).toBe('Timeout');
      expect(err.message).toMatch(/started a frame and did not finish it within 200 ms \(partialFrameTimeout\)/);
      expect(peer).toBe(hostile);
      expect(await disconnected).toEqual([hostile, 'timeout']);
      const report = lastErrorReport(await within(DROP_WITHIN_MS, raw.closed, 'the stalled peer being dropped'));
      expect(report?.code).toBe('Timeout');

      await roundTrip(s.honest, 2);
      expect(s.honestTroubles).toEqual([]);
    });

    it('drops a slowloris that trickles a frame a byte at a time, although bytes keep coming', async () => {
      const s = await echoScene(h, { partialFrameTimeout: 300 });
      const errored = nextEvent(s.server, 'error', DROP_WITHIN_MS);
      const raw = await h.rawPeer(s.port);
      await raw.write(helloFrame());
      const frame = encodeFrame(FrameKind.Message, 'x'.repeat(999));
      let sent = 0;
      const trickle = setInterval(() => {
        if (!raw.socket.destroyed && sent < frame.length) void raw.write(frame.subarray(sent, ++sent)).catch(() => {});
      }, 20);
      try {
        const [err] = await errored;
        expect(err.code).toBe('Timeout');
        expect(err.message).toMatch(/partialFrameTimeout/);
        await within(DROP_WITHIN_MS, raw.closed, 'the slowloris being dropped');
      } finally {
        clearInterval(trickle);
      }
      expect(sent).toBeLessThan(frame.length);
      await roundTrip(s.honest, 3);
      expect(s.honestTroubles).toEqual([]);
    });

    it('applies before the handshake too: a half hello is dropped with Timeout, not left to the handshake deadline', async () => {
      const s = await echoScene(h, { partialFrameTimeout: 200, handshakeTimeout: 60_000 });
      const errored = nextEvent(s.server, 'error', DROP_WITHIN_MS);
      const raw = await h.rawPeer(s.port);
      await raw.write(helloFrame().subarray(0, 7));
      const [err, peer] = await errored;
      expect(err.code).toBe('Timeout');
      expect(err.message).toMatch(/^client 127\.0\.0\.1:\d+ failed the handshake: .*partialFrameTimeout/);
      expect(peer).toBeUndefined();
      await within(DROP_WITHIN_MS, raw.closed, 'the peer being dropped');
      await roundTrip(s.honest, 4);
    });
  });

  describe("partialFrameTimeout on the origin's wire", () => {
    it('drops an origin peer that starts a JSON document and stalls, and never pings one', async () => {
      const { server, port } = await h.listeningServer({ protocol: 'oon-0.0.5', partialFrameTimeout: 200, pingInterval: 20, pongTimeout: 20 });
      const connected = nextEvent(server, 'connection');
      const honest = await h.rawPeer(port);
      await connected;
      const stalled = await h.rawPeer(port);
      const errored = nextEvent(server, 'error', DROP_WITHIN_MS);
      await stalled.write('{"head": {"uuid": "01');
      const [err] = await errored;
      expect(err.code).toBe('Timeout');
      expect(err.message).toMatch(/partialFrameTimeout/);
      await within(DROP_WITHIN_MS, stalled.closed, 'the stalled origin peer being dropped');
      // The origin has no Ping: the idle honest peer got nothing and is still there.
      expect(honest.received()).toHaveLength(0);
      expect(honest.socket.destroyed).toBe(false);
    });
  });

  describe('heartbeats', () => {
    it('pings a silent peer and drops it with Timeout when it does not answer; an idle honest client stays', async () => {
      const s = await echoScene(h, { pingInterval: 60, pongTimeout: 120 });
      const connected = nextEvent(s.server, 'connection');
      const raw = await h.rawPeer(s.port);
      await raw.write(helloFrame());
      const [hostile] = await connected;
      const [err, peer] = await nextEvent(s.server, 'error', DROP_WITHIN_MS);

      expect(err.code).toBe('Timeout');
      expect(err.message).toMatch(/did not answer a ping within 120 ms \(pongTimeout\)/);
      expect(peer).toBe(hostile);
      const frames = decodeFrames(await within(DROP_WITHIN_MS, raw.closed, 'the silent peer being dropped'));
      expect(frames.map((f) => f.kind)).toEqual([FrameKind.Hello, FrameKind.Ping, FrameKind.Error]);

      // The honest client was idle just as long, and answered the pings it got.
      expect(s.honestTroubles).toEqual([]);
      expect(s.honest.connected).toBe(true);
      await roundTrip(s.honest, 5);
    });

    it('keeps a peer that answers pings by hand', async () => {
      const s = await echoScene(h, { pingInterval: 40, pongTimeout: 80 });
      const raw = await h.rawPeer(s.port);
      await raw.write(helloFrame());
      let pings = 0;
      const ping = encodeFrame(FrameKind.Ping);
      raw.onData((chunk) => {
        if (chunk.includes(Buffer.from(ping))) {
          pings++;
          void raw.write(encodeFrame(FrameKind.Pong));
        }
      });
      await waitUntil(() => pings >= 3, DROP_WITHIN_MS, () => `three pings (got ${pings})`);
      expect(raw.socket.destroyed).toBe(false);
      expect(s.errors).toEqual([]);
    });

    it('works on the client side too: a server that stops answering is dropped with Timeout', async () => {
      const { port } = await h.rawServer((socket: Socket) => socket.write(helloFrame()));
      const client = await h.connectedClient(port, { pingInterval: 60, pongTimeout: 120 });
      const [reason, error] = await nextEvent(client, 'disconnect', DROP_WITHIN_MS);
      expect(reason).toBe('timeout');
      expect(error?.code).toBe('Timeout');
      expect(error?.message).toMatch(/did not answer a ping/);
    });
  });

  describe("this side's own pause", () => {
    it('is not held against the peer: a client whose reader lags is not dropped by its own deadlines', async () => {
      const { server, port } = await h.listeningServer();
      const client = await h.connectedClient<VolvoCar>(port, { pingInterval: 40, pongTimeout: 80, partialFrameTimeout: 80 });
      const [peer] = [...server.peers] as [Peer];
      const count = 3_000; // past the inbox's high-water mark (1024): the client stops reading
      for (let i = 0; i < count; i++) void peer.send(new VolvoCar(i, 4)).catch(() => {});
      const troubles: unknown[] = [];
      client.on('disconnect', (reason) => troubles.push(reason));
      client.on('error', (err) => troubles.push(err));

      // Idle far past every deadline of the client's, while it is not reading.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(troubles).toEqual([]);

      for (let i = 0; i < count; i++) {
        const car = await client.receive({ timeout: DROP_WITHIN_MS });
        expect(car.speed).toBe(i);
      }
      expect(client.connected).toBe(true);
    });
  });

  describe('the accept() queue', () => {
    it('does not keep peers that left with nothing to read: an event-driven server holds no one', async () => {
      const { server, port } = await h.listeningServer();
      server.on('message', () => {}); // messages go to events; no 'connection' listener, no accept()
      for (let i = 0; i < 20; i++) {
        const client = await h.connectedClient(port);
        await client.send(new VolvoCar(i, 4));
        const gone = nextEvent(server, 'disconnect');
        await client.close();
        await gone;
      }
      await expectOonError(server.accept({ timeout: 50 }), 'Timeout');
    });

    it('keeps a peer that left with messages unread, for accept() and receive() as the origin reads', async () => {
      const { server, port } = await h.listeningServer();
      const client = await h.connectedClient(port);
      await client.send(new VolvoCar(42, 4));
      const gone = nextEvent(server, 'disconnect');
      await client.close();
      await gone;
      const peer = await server.accept({ timeout: 2_000 });
      expect(peer.connected).toBe(false);
      const car = await peer.receive<VolvoCar>({ timeout: 2_000 });
      expect(car).toBeInstanceOf(VolvoCar);
      expect(car.speed).toBe(42);
    });
  });

  describe('maxConnections', () => {
    it('refuses the next connection with BadConn saying the server is full, and admits again once one leaves', async () => {
      const s = await echoScene(h, { maxConnections: 2 });
      const second = await h.connectedClient(s.port);
      const errored = nextEvent(s.server, 'error');

      const third = h.client(s.port);
      const err = await expectOonError(third.connect(), 'BadConn', /is full: maxConnections \(2\) reached; try again later/);
      expect(err).toBeInstanceOf(OonError);
      const [serverErr, peer] = await errored;
      expect(serverErr.code).toBe('BadConn');
      expect(serverErr.message).toMatch(/^refused client 127\.0\.0\.1:\d+: .*maxConnections \(2\) reached/);
      expect(peer).toBeUndefined();
      await roundTrip(s.honest, 6);

      const left = nextEvent(s.server, 'disconnect');
      await second.close();
      await left;
      await third.connect();
      expect(third.connected).toBe(true);
      await roundTrip(s.honest, 7);
      expect(s.honestTroubles).toEqual([]);
    });

    it('counts connections still handshaking, so a flood of silent sockets cannot exceed it', async () => {
      const s = await echoScene(h, { maxConnections: 3 });
      await h.rawPeer(s.port);
      await h.rawPeer(s.port);
      const refused = await h.rawPeer(s.port);
      const report = lastErrorReport(await within(DROP_WITHIN_MS, refused.closed, 'the refused socket being closed'));
      expect(report).toEqual({ code: 'BadConn', message: expect.stringMatching(/maxConnections \(3\) reached/) });
      await roundTrip(s.honest, 8);
    });
  });

  describe('maxPendingBytes', () => {
    /** An object whose frame is about 16 KiB. */
    function bulky(): Everything {
      const e = new Everything();
      e.name = 'z'.repeat(16 * 1024);
      return e;
    }

    it('evicts a peer that does not read as a slow consumer (BadConn) instead of growing memory', async () => {
      const s = await echoScene(h, { maxPendingBytes: 256 * 1024 });
      const connected = nextEvent(s.server, 'connection');
      const raw = await h.rawPeer(s.port);
      await raw.write(helloFrame());
      const [hostile] = (await connected) as [Peer];
      raw.socket.pause(); // and never read again
      const errored = nextEvent(s.server, 'error', DROP_WITHIN_MS);
      const disconnected = nextEvent(s.server, 'disconnect', DROP_WITHIN_MS);

      const sends: Array<Promise<void>> = [];
      // Far more than kernel buffers and the limit hold; eviction must stop it well before.
      for (let i = 0; i < 20_000 && hostile.connected; i++) sends.push(hostile.send(bulky()));
      expect(hostile.connected).toBe(false);
      expect(sends.length).toBeLessThan(20_000);

      const [err, peer] = await errored;
      expect(err.code).toBe('BadConn');
      expect(err.message).toMatch(/is not reading: \d+ bytes are held for it, and more would pass maxPendingBytes \(262144\); evicted as a slow consumer\. Raise maxPendingBytes/);
      expect(peer).toBe(hostile);
      expect(await disconnected).toEqual([hostile, 'slow consumer']);
      const outcomes = await Promise.allSettled(sends);
      const last = outcomes.at(-1);
      expect(last?.status).toBe('rejected');
      expect((last as PromiseRejectedResult).reason).toBe(err);
      expect(outcomes.every((o) => o.status === 'fulfilled' || (o.reason as OonError).code === 'BadConn')).toBe(true);

      await roundTrip(s.honest, 9);
      expect(s.honestTroubles).toEqual([]);
    });

    it('lets a reader that keeps up receive everything, however much is sent', async () => {
      // Without a session: the echo does not wait for acks a session would count (see the session cases below).
      const s = await echoScene(h, { maxPendingBytes: 64 * 1024, resumeWindow: 0 });
      const count = 200;
      const got = new Promise<number>((resolve) => {
        let n = 0;
        s.honest.on('message', () => ++n === count && resolve(n));
      });
      // Each await honours backpressure: the next send waits until the last is handed to the OS.
      for (let i = 0; i < count; i++) await s.honest.send(bulky() as never);
      expect(await within(DROP_WITHIN_MS, got, 'every echo')).toBe(count);
      expect(s.errors).toEqual([]);
    });

    it('works on the client side too: a server that does not read gets the client to drop it', async () => {
      const { port } = await h.rawServer((socket: Socket) => {
        socket.write(helloFrame());
        socket.once('data', () => socket.pause());
      });
      const client = await h.connectedClient(port, { maxPendingBytes: 128 * 1024 });
      const sends: Array<Promise<void>> = [];
      for (let i = 0; i < 20_000 && client.connected; i++) sends.push(client.send(bulky()));
      expect(client.connected).toBe(false);
      const err = await expectOonError(Promise.all(sends), 'BadConn', /slow consumer/);
      expect(err.message).toMatch(/maxPendingBytes \(131072\)/);
    });

    it("counts a session's unacknowledged messages: past the send window they wait, and a peer that acknowledges nothing is evicted once they pass maxPendingBytes", async () => {
      const grant = { protocol: 'oon', version: 1, codecs: ['json'], codec: 'json', session: { id: 's-1', resumed: false, received: 0 } };
      // A server that grants a session, reads everything, and never acknowledges.
      const chunks: Buffer[] = [];
      const { port } = await h.rawServer((socket: Socket) => {
        socket.write(encodeFrame(FrameKind.Hello, JSON.stringify(grant)));
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      });
      const maxPendingBytes = 256 * 1024; // the send window is half of it
      const client = await h.connectedClient(port, { maxPendingBytes });
      const errored = nextEvent(client, 'error', DROP_WITHIN_MS);
      const disconnected = nextEvent(client, 'disconnect', DROP_WITHIN_MS);
      const lossReported = nextEvent(client, 'loss', DROP_WITHIN_MS);

      const sends: Array<Promise<void>> = [];
      for (let i = 0; i < 1_000 && client.connected; i++) sends.push(client.send(bulky()));
      const outcomes = await Promise.allSettled(sends);
      // ~16 KiB frames: the peer was evicted by the one that would have taken what is held past the bound.
      expect(sends.length).toBeGreaterThanOrEqual(Math.floor(maxPendingBytes / (17 * 1024)));
      expect(sends.length).toBeLessThanOrEqual(Math.floor(maxPendingBytes / (16 * 1024)) + 1);

      const [err] = await errored;
      expect(err.code).toBe('BadConn');
      expect(err.message).toMatch(
        /is not reading: \d+ bytes are held for it \(\d+ of them session messages not yet acknowledged\), and more would pass maxPendingBytes \(262144\); evicted as a slow consumer/,
      );
      expect((await disconnected)[0]).toBe('slow consumer');
      // The session ends at once (a slow consumer is not retried): every send settles, none hangs.
      const [lost] = await lossReported;
      expect(lost).toBe(sends.length - 1);
      expect(client.status).toBe('closed');
      // What fit in the window (half the bound) was written and resolved; the rest waited for acks.
      const written = outcomes.findIndex((o) => o.status === 'rejected');
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(sends.length / 2 + 1);
      expect((outcomes.at(-1) as PromiseRejectedResult).reason).toBe(err);
      const waited = outcomes.slice(written, -1);
      expect(waited.map((o) => o.status)).toEqual(waited.map(() => 'rejected'));
      await expectOonError(Promise.reject((waited[0] as PromiseRejectedResult).reason), 'BadConn', /ended before this message was written/);
    });
  });

  describe('maxFrameBytes', () => {
    it('refuses an oversize send with BadData before writing a byte, on both sides; the connection goes on', async () => {
      const s = await echoScene(h, { maxFrameBytes: 4096 }, { maxFrameBytes: 4096 });
      const big = new Everything();
      big.name = 'y'.repeat(5000);
      await expectOonError(s.honest.send(big as never), 'BadData', /over maxFrameBytes \(4096\); nothing was sent/);
      const [peer] = [...s.server.peers] as [Peer];
      await expectOonError(peer.send(big), 'BadData', /over maxFrameBytes \(4096\); nothing was sent/);
      // Nothing of either reached the other side: the next message each way is the small one.
      await roundTrip(s.honest, 10);
      expect(s.errors).toEqual([]);
      expect(s.honestTroubles).toEqual([]);
    });

    it('the client refuses an oversize length from the server before buffering it', async () => {
      const header = Buffer.alloc(5);
      header.writeUInt32BE(4097, 0);
      header.writeUInt8(FrameKind.Message, 4);
      const { port } = await h.rawServer((socket: Socket) => socket.write(Buffer.concat([helloFrame(), header])));
      const client = h.client(port, { maxFrameBytes: 4096 });
      const errored = nextEvent(client, 'error');
      const disconnected = nextEvent(client, 'disconnect');
      await client.connect();
      const [err] = await errored;
      expect(err.code).toBe('BadData');
      expect(err.message).toMatch(/frame of 4097 bytes is over the limit of 4096 bytes/);
      expect((await disconnected)[0]).toBe('bad data');
    });
  });

  describe('limit options', () => {
    it('OonServer and OonClient refuse a bad limit with a RangeError when constructed', () => {
      expect(() => new OonServer({ pingInterval: -1 })).toThrow(RangeError);
      expect(() => new OonClient({ maxPendingBytes: 0 })).toThrow(RangeError);
      expect(() => new OonServer({ maxConnections: 0 })).toThrow(new RangeError('maxConnections must be a positive integer, got 0'));
    });
  });
});
