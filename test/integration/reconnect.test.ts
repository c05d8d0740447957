/**
 * Reconnect without loss, over real sockets through a proxy that cuts links mid-frame:
 * every message arrives exactly once, in order, both ways; a missed resume window is
 * reported, never silent.
 */
import { NetMessage, type OonError } from '@oon/core';
import { FRAME_HEADER_BYTES } from '@oon/wire';
import type { Peer } from '@oon/server';
import type { OonClient, ReconnectInfo } from '@oon/client';
import { Tick } from '../../examples/reconnect/src/tick';
import { cutProxy, type CutProxy } from '../support/cut-proxy';
import { linkCodec } from '../support/link-codec';
import { expectOonError, harness, nextEvent, TRANSPORTS } from '../support/harness';
import { waitUntil } from '../support/wait-until';

describe.each(TRANSPORTS)('over %s', (transport) => {
  const h = harness(transport);
  const proxies: CutProxy[] = [];
  afterEach(async () => {
    await h.closeAll();
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });

  async function proxyTo(port: number): Promise<CutProxy> {
    const proxy = await cutProxy(port);
    proxies.push(proxy);
    return proxy;
  }

  /**
   * Sends ticks `0..count-1` in batches, yielding between batches so cuts land mid-stream;
   * `held(n)`, when given, is awaited before the batch that starts at tick `n`.
   */
  async function stream(send: (tick: Tick) => Promise<void>, count: number, held?: (n: number) => Promise<unknown>): Promise<void> {
    for (let n = 0; n < count; n += 100) {
      await held?.(n);
      const batch: Array<Promise<void>> = [];
      for (let i = n; i < Math.min(count, n + 100); i++) batch.push(send(new Tick(i)));
      await Promise.all(batch);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const FAST = { initialDelay: 10, maxDelay: 100 };

  /** Bytes a session holds for a message frame: length, kind and the payload a link writes (no id: none was given; no seq: it keeps NextMessage frames). */
  function sessionFrameBytes(object: object): number {
    return FRAME_HEADER_BYTES + linkCodec().encode(new NetMessage(object)).byteLength;
  }

  /** Cuts the client's link and keeps it down (the proxy refuses new links) until `proxy.refuse = false`. */
  async function takeDown(proxy: CutProxy, client: OonClient<Tick>): Promise<void> {
    proxy.refuse = true;
    const down = nextEvent(client, 'disconnect', 5_000);
    proxy.cutNow();
    await down;
  }
  const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

  /** A server, a client reaching it through a cut proxy, and the ticks the server receives; the link is down when it resolves. */
  async function clientTakenDown(): Promise<{ proxy: CutProxy; client: OonClient<Tick>; atServer: number[] }> {
    const { server, port } = await h.listeningServer<Tick>();
    const proxy = await proxyTo(port);
    const client = await h.connectedClient<Tick>(proxy.port, { reconnect: FAST });
    const atServer: number[] = [];
    server.on('message', (tick) => atServer.push(tick.n));
    await takeDown(proxy, client);
    return { proxy, client, atServer };
  }

  describe('OonClient reconnect', () => {
    // The proxy finds OON frame boundaries in the TCP bytes, which over WebSocket are WebSocket frames.
    if (transport === 'tcp') {
      it('streams 10,000 numbered messages both ways through three mid-frame cuts: each arrives exactly once, in order', async () => {
        const TOTAL = 10_000;
        // Each cut is armed once a side has received its mark, to land in the frames the proxy carries next; neither side
        // sends past mark + 1,000 before that. What the receivers count lags what the proxy has carried by what the sockets
        // hold (thousands of ticks after a resume), and a cut armed once the last frames had gone by waited for traffic
        // that never came: "no 'reconnect' event within 15000 ms".
        const MARKS = [2_000, 5_000, 8_000];
        const arm: Array<() => void> = [];
        const armed = MARKS.map((_, k) => new Promise<void>((resolve) => (arm[k] = resolve)));
        const held = (n: number): Promise<unknown> => Promise.all(armed.filter((_, k) => n >= (MARKS[k] as number) + 1_000));
        const { server, port } = await h.listeningServer<Tick>();
        const proxy = await proxyTo(port);
        const atServer: number[] = [];
        const atClient: number[] = [];
        const serverSide: { peer?: Peer; streamed?: Promise<void> } = {};
        const gone: unknown[] = [];
        const lost: unknown[] = [];
        server.on('message', (tick) => atServer.push(tick.n));
        server.on('disconnect', (peer, reason) => gone.push(reason));
        server.on('loss', (count) => lost.push(count));
        server.on('connection', (peer) => {
          serverSide.peer = peer;
          serverSide.streamed = stream((tick) => peer.send(tick), TOTAL, held);
        });
        const client = h.client<Tick>(proxy.port, { reconnect: FAST });
        client.on('message', (tick) => atClient.push(tick.n));
        const reconnects: ReconnectInfo[] = [];
        client.on('reconnect', (info) => reconnects.push(info));
        await client.connect();

        const streamed = stream((tick) => client.send(tick), TOTAL, held);
        for (const [k, mark] of MARKS.entries()) {
          await waitUntil(() => atServer.length >= mark || atClient.length >= mark, 20_000, () => `${mark} messages (server has ${atServer.length}, client ${atClient.length})`);
          const back = nextEvent(client, 'reconnect', 15_000);
          const cut = proxy.cutMidFrame();
          arm[k]?.();
          await cut;
          await back;
        }
        await streamed;
        await serverSide.streamed;
        await waitUntil(() => atServer.length >= TOTAL && atClient.length >= TOTAL, 20_000, () => `all messages (server has ${atServer.length}, client ${atClient.length})`);

        expect(atServer).toEqual(range(TOTAL));
        expect(atClient).toEqual(range(TOTAL));
        expect(proxy.cuts).toBe(3);
        expect(reconnects).toHaveLength(3);
        expect(reconnects.every((r) => r.resumed)).toBe(true);
        expect(server.peers.size).toBe(1);
        expect(gone).toEqual([]);
        expect(lost).toEqual([]);
        const clientStats = { ...client.stats };
        const peerStats = { ...serverSide.peer?.stats };
        expect(clientStats).toMatchObject({ sent: TOTAL, received: TOTAL, lost: 0 });
        expect(peerStats).toMatchObject({ sent: TOTAL, received: TOTAL, lost: 0 });
        if (process.env.OON_FIGURES) console.log(JSON.stringify({ client: clientStats, server: peerStats }));
      }, 60_000); // 2 to 4 s alone; the deadline is for a machine shared with other test runs
    }

    it('goes reconnecting → connected with events and status, resuming the same Peer without a disconnect', async () => {
      const { server, port } = await h.listeningServer<Tick>();
      const proxy = await proxyTo(port);
      const client = h.client<Tick>(proxy.port, { reconnect: FAST });
      expect(client.status).toBe('idle');
      const connecting = client.connect();
      expect(client.status).toBe('connecting');
      const [peer] = await Promise.all([nextEvent(server, 'connection').then(([p]) => p), connecting]);
      expect(client.status).toBe('connected');
      const disconnected = nextEvent(client, 'disconnect', 5_000);
      const waiting = nextEvent(client, 'reconnecting', 5_000);
      const reconnected = nextEvent(client, 'reconnect');
      const resumedAtServer = nextEvent(server, 'reconnect');

      proxy.cutNow();

      const [reason] = await disconnected;
      expect(['remote close', 'connection error']).toContain(reason);
      const [attempt, delay] = await waiting;
      expect(attempt).toBe(1);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(FAST.initialDelay);
      expect(client.status).toBe('reconnecting');
      const [info] = await reconnected;
      expect(info).toEqual({ attempts: 1, resumed: true, resent: 0 });
      expect((await resumedAtServer)[0]).toBe(peer);
      expect(client.status).toBe('connected');

      const arrived = nextEvent(server, 'message');
      await client.send(new Tick(7));
      const [tick, from] = await arrived;
      expect(tick).toBeInstanceOf(Tick);
      expect(tick.n).toBe(7);
      expect(from).toBe(peer);

      await client.close();
      expect(client.status).toBe('closed');
    });

    it('resumes when the client comes back before the server noticed the old link die: the stale link is dropped', async () => {
      // The stale link's graceful close waits for a client that is gone (its WebSocket close frame is never answered).
      const { server, port } = await h.listeningServer<Tick>({ closeGrace: 500 });
      const proxy = await proxyTo(port);
      const [[peer], client] = await Promise.all([nextEvent(server, 'connection'), h.connectedClient<Tick>(proxy.port, { reconnect: FAST })]);
      const gone: unknown[] = [];
      server.on('disconnect', (p) => gone.push(p));
      const atClient: number[] = [];
      client.on('message', (tick) => atClient.push(tick.n));
      const back = nextEvent(client, 'reconnect', 5_000);
      const resumed = nextEvent(server, 'reconnect', 5_000);

      proxy.cutClientSide();
      await peer.send(new Tick(1)); // goes into the stale link, which no one reads any more
      const [info] = await back;
      expect((await resumed)[0]).toBe(peer);
      await peer.send(new Tick(2));

      await waitUntil(() => atClient.length === 2, 3_000, () => `both ticks (got ${atClient.length})`);
      expect(atClient).toEqual([1, 2]);
      expect(info.resumed).toBe(true);
      expect(gone).toEqual([]);
      expect(server.peers.size).toBe(1);
    });

    it('keeps the uuid derived for each message across a resume, a resent one included: <session id>:<seq>', async () => {
      const { server, port } = await h.listeningServer<Tick>({ closeGrace: 500 });
      const proxy = await proxyTo(port);
      const [[peer], client] = await Promise.all([nextEvent(server, 'connection'), h.connectedClient<Tick>(proxy.port, { reconnect: FAST })]);
      const ids: string[] = [];
      client.on('message', (_tick, message) => ids.push(message.uuid));
      await peer.send(new Tick(0));
      await waitUntil(() => ids.length === 1, 3_000, () => 'the first tick');
      const back = nextEvent(client, 'reconnect', 5_000);

      proxy.cutClientSide();
      await peer.send(new Tick(1)); // into the stale link: sent again on the next one
      const [info] = await back;
      await peer.send(new Tick(2));

      await waitUntil(() => ids.length === 3, 3_000, () => `three ticks (got ${ids.length})`);
      expect(info.resumed).toBe(true);
      const [prefix] = (ids[0] as string).split(':');
      expect(ids).toEqual([`${prefix}:1`, `${prefix}:2`, `${prefix}:3`]);
    });

    it('holds sends made while disconnected and delivers them in order after the reconnect', async () => {
      const { proxy, client, atServer } = await clientTakenDown();

      for (let n = 0; n < 50; n++) await client.send(new Tick(n));
      expect(client.connected).toBe(false);
      const back = nextEvent(client, 'reconnect', 5_000);
      proxy.refuse = false;
      const [info] = await back;

      await waitUntil(() => atServer.length === 50, 5_000, () => `50 held messages (got ${atServer.length})`);
      expect(atServer).toEqual(range(50));
      expect(info.resumed).toBe(true);
      expect(info.resent).toBe(0);
    });

    it('flush() waits through a reconnect until the server has acknowledged everything', async () => {
      const { proxy, client, atServer } = await clientTakenDown();
      for (let n = 0; n < 10; n++) await client.send(new Tick(n));

      await expectOonError(client.flush({ timeout: 50 }), 'Timeout', /10 messages still unacknowledged/);
      let flushed = false;
      const flushing = client.flush().then(() => (flushed = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(flushed).toBe(false);
      proxy.refuse = false;
      await flushing;

      expect(atServer).toEqual(range(10));
      expect(client.stats).toMatchObject({ sent: 10, lost: 0 });
      await expectOonError(h.client(proxy.port, { reconnect: false }).flush(), 'BadConn', /no session/);
    });

    it('rejects send() with BadConn once maxBufferedBytes is held while disconnected', async () => {
      const { port } = await h.listeningServer<Tick>();
      const proxy = await proxyTo(port);
      const client = await h.connectedClient<Tick>(proxy.port, { reconnect: FAST, maxBufferedBytes: 2_000 });
      await takeDown(proxy, client);

      let accepted = 0;
      let refusal: Promise<unknown> | undefined;
      for (let n = 0; n < 1_000 && refusal === undefined; n++) {
        const sent = client.send(new Tick(n));
        await sent.then(
          () => {
            accepted += 1;
          },
          () => {
            refusal = sent;
          },
        );
      }
      expect(refusal).toBeDefined();
      await expectOonError(refusal as Promise<unknown>, 'BadConn', /would pass the send window \(2000: maxBufferedBytes/);
      // Exactly the ticks whose frames (header, seq and binary payload) fit in 2000 bytes together.
      let fitting = 0;
      for (let held = sessionFrameBytes(new Tick(0)); held <= 2_000; held += sessionFrameBytes(new Tick(fitting))) fitting += 1;
      expect(accepted).toBe(fitting);
    });

    it('reports a missed resume window as loss on the server, and a new session on the client', async () => {
      const { server, port } = await h.listeningServer<Tick>({ resumeWindow: 300 });
      const proxy = await proxyTo(port);
      const [[peer], client] = await Promise.all([nextEvent(server, 'connection'), h.connectedClient<Tick>(proxy.port, { reconnect: FAST })]);
      const atServer: number[] = [];
      server.on('message', (tick) => atServer.push(tick.n));
      await takeDown(proxy, client);

      for (let n = 0; n < 5; n++) await peer.send(new Tick(n)); // held for a client that will come back too late
      await client.send(new Tick(100));
      const loss = nextEvent(server, 'loss', 3_000);
      const gone = nextEvent(server, 'disconnect', 3_000);
      const [count, from] = await loss;
      expect(count).toBe(5);
      expect(from).toBe(peer);
      expect((await gone)[0]).toBe(peer);
      expect(peer.connected).toBe(false);
      await expectOonError(peer.send(new Tick(6)), 'BadConn', /session has ended/);

      const back = nextEvent(client, 'reconnect', 5_000);
      const fresh = nextEvent(server, 'connection', 5_000);
      proxy.refuse = false;
      const [info] = await back;
      expect(info.resumed).toBe(false);
      expect((await fresh)[0]).not.toBe(peer);
      // What the client held is delivered to the new session: nothing from the client is lost.
      await waitUntil(() => atServer.length === 1, 3_000, () => 'the held message');
      expect(atServer).toEqual([100]);
    });

    it('keeps at most maxSessions: the client that waited longest is ended (its loss reported), then new clients get no session', async () => {
      const { server, port } = await h.listeningServer<Tick>({ maxSessions: 2 });
      const proxy = await proxyTo(port);
      const [[waiting], away] = await Promise.all([nextEvent(server, 'connection'), h.connectedClient<Tick>(proxy.port, { reconnect: FAST })]);
      const live = await h.connectedClient<Tick>(port, { reconnect: FAST });
      await takeDown(proxy, away);
      await waitUntil(() => !waiting.connected, 5_000, () => 'the server to see the link drop');
      for (let n = 0; n < 3; n++) await waiting.send(new Tick(n));
      const loss = nextEvent(server, 'loss');
      const gone = nextEvent(server, 'disconnect');

      const third = await h.connectedClient<Tick>(port, { reconnect: FAST });

      expect(await loss).toEqual([3, waiting]);
      expect(await gone).toEqual([waiting, 'timeout']);
      expect(third.stats).toBeDefined();
      const fourth = await h.connectedClient<Tick>(port, { reconnect: FAST });
      expect(fourth.stats).toBeUndefined(); // both sessions have live links: none to end
      expect(live.stats).toBeDefined();
      const arrived = nextEvent(server, 'message');
      await fourth.send(new Tick(4));
      expect((await arrived)[0].n).toBe(4);
    });

    it('gives up after maxAttempts: an error event, status closed, and the held messages reported lost', async () => {
      const { port } = await h.listeningServer<Tick>();
      const proxy = await proxyTo(port);
      const client = await h.connectedClient<Tick>(proxy.port, { reconnect: { initialDelay: 5, maxDelay: 10, maxAttempts: 2 } });
      proxy.refuse = true;
      const failed = nextEvent(client, 'error', 5_000);
      const lost = nextEvent(client, 'loss', 5_000);
      proxy.cutNow();
      await nextEvent(client, 'disconnect', 5_000);
      await client.send(new Tick(1));
      await client.send(new Tick(2));

      const [err] = await failed;
      expect((err as OonError).code).toBe('BadConn');
      expect((err as OonError).message).toMatch(/gave up reconnecting to (ws:\/\/)?127\.0\.0\.1:\d+\/? after 2 attempts/);
      expect((await lost)[0]).toBe(2);
      expect(client.status).toBe('closed');
      await expectOonError(client.send(new Tick(3)), 'BadConn');
    });

    it('with reconnect: false, stays down after a cut: status closed, send() rejects with BadConn', async () => {
      const { port } = await h.listeningServer<Tick>();
      const proxy = await proxyTo(port);
      const client = await h.connectedClient<Tick>(proxy.port, { reconnect: false });
      const reconnecting: unknown[] = [];
      client.on('reconnecting', (attempt) => reconnecting.push(attempt));
      const down = nextEvent(client, 'disconnect', 5_000);
      proxy.cutNow();
      await down;

      expect(client.status).toBe('closed');
      expect(client.stats).toBeUndefined();
      // Says what happened to the link, not "connect first".
      await expectOonError(
        client.send(new Tick(1)),
        'BadConn',
        /^the link to (ws:\/\/)?127\.0\.0\.1:\d+\/? was lost \d+ ms ago \((remote close|connection error).*\); reconnect is off \(reconnect: false\), connect\(\) to start again$/,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reconnecting).toEqual([]);
    });

    it('rejects a request in flight when the link drops with BadConn, and serves the next after the reconnect', async () => {
      const { server, port } = await h.listeningServer<Tick>();
      const proxy = await proxyTo(port);
      let answer: ((tick: Tick) => void) | undefined;
      server.handle(Tick, (tick) => (tick.n === 1 ? new Promise<Tick>((resolve) => (answer = resolve)) : new Tick(tick.n * 2)));
      const client = await h.connectedClient<Tick>(proxy.port, { reconnect: FAST });

      const pending = client.request(new Tick(1));
      await waitUntil(() => answer !== undefined, 2_000, () => 'the request to reach the handler');
      const back = nextEvent(client, 'reconnect', 5_000);
      proxy.cutNow();
      await expectOonError(pending, 'BadConn');
      await back;

      const reply = await client.request<Tick>(new Tick(21));
      expect(reply).toBeInstanceOf(Tick);
      expect(reply.n).toBe(42);
    });
  });
});
