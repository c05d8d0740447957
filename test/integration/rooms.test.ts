/**
 * Rooms, per-peer data and identity on one server (docs/rooms.md): `peer.join()`,
 * `server.to(room).send()`, `.except()`, counts, rooms left when a peer is gone (not while
 * it is away), a broadcast encoded once per codec, and `peer.identity` from `auth`.
 * Real clients over loopback; an away peer through a cut proxy.
 */
import type { OonClient } from '@oon/client';
import type { OonServer, Peer } from '@oon/server';
import { Tick } from '../../examples/reconnect/src/tick';
import { cutProxies } from '../support/cut-proxy';
import { expectOonError, harness, nextEvent } from '../support/harness';

const h = harness();
const proxies = cutProxies();
afterEach(async () => {
  await h.closeAll();
  await proxies.closeAll();
});

/** A server with `n` connected clients, each client beside its peer on the server. */
async function withClients(n: number, clientOptions: Parameters<typeof h.client>[1] = {}) {
  const { server, port } = await h.listeningServer<Tick>();
  const pairs: Array<{ client: OonClient<Tick>; peer: Peer }> = [];
  for (let i = 0; i < n; i++) {
    const connected = nextEvent(server, 'connection');
    const client = await h.connectedClient<Tick>(port, clientOptions);
    const [peer] = await connected;
    pairs.push({ client, peer });
  }
  return { server, port, pairs };
}

/**
 * The `n` of every Tick each client received up to and including a marker Tick(-1) sent
 * to all after the test's sends: what a client did not get shows as a missing number.
 */
async function received(server: OonServer<Tick>, clients: readonly OonClient<Tick>[]): Promise<number[][]> {
  await server.broadcast(new Tick(-1));
  return Promise.all(
    clients.map(async (client) => {
      const got: number[] = [];
      for (;;) {
        const tick = await client.receive<Tick>({ timeout: 2_000 });
        if (tick.n === -1) return got;
        got.push(tick.n);
      }
    }),
  );
}

describe('rooms', () => {
  it('reaches the peers in a room, in any of several rooms once each, and counts them', async () => {
    const { server, pairs } = await withClients(3);
    const [a, b, c] = pairs.map((p) => p.peer) as [Peer, Peer, Peer];
    a.join('x');
    b.join(['x', 'y']);
    c.join('y');
    b.join('x'); // again: a no-op
    expect([...b.rooms].sort()).toEqual(['x', 'y']);
    expect(await server.in('x').count()).toBe(2);
    expect(await server.in(['x', 'y']).count()).toBe(3);
    expect(await server.in('nobody').count()).toBe(0);
    expect(new Set(await server.in('y').peers())).toEqual(new Set([b, c]));

    const toX = await server.to('x').send(new Tick(1));
    expect(toX).toEqual({ delivered: 2, evicted: 0, failed: 0, failures: [] });
    await server.to('x').to('y').send(new Tick(2));
    await server.to(['y']).send(new Tick(3));
    expect(await received(server, pairs.map((p) => p.client))).toEqual([[1, 2], [1, 2, 3], [2, 3]]);

    b.leave('x');
    b.leave('never joined');
    expect([...b.rooms]).toEqual(['y']);
    expect(await server.in('x').count()).toBe(1);
    await server.to('x').send(new Tick(4));
    expect(await received(server, pairs.map((p) => p.client))).toEqual([[4], [], []]);
  });

  it('leaves out peers by room and by peer, and a stored operator can be reused', async () => {
    const { server, pairs } = await withClients(3);
    const [a, b, c] = pairs.map((p) => p.peer) as [Peer, Peer, Peer];
    a.join('x');
    b.join(['x', 'muted']);
    c.join('muted');
    const xUnmuted = server.to('x').except('muted');
    await xUnmuted.send(new Tick(1));
    await server.except(a).send(new Tick(2));
    await server.to(['x', 'muted']).except([a, c]).send(new Tick(3));
    await xUnmuted.send(new Tick(4));
    expect(await received(server, pairs.map((p) => p.client))).toEqual([[1, 4], [2, 3], [2]]);
    expect(await server.except('muted').count()).toBe(1);
  });

  it('argument mistakes are TypeErrors, at once', async () => {
    const { server, pairs } = await withClients(1);
    const { peer } = pairs[0]!;
    expect(() => peer.join(42 as unknown as string)).toThrow(new TypeError('peer.join() takes a room name (a string) or an array of them'));
    expect(() => peer.leave([null] as unknown as string[])).toThrow(TypeError);
    expect(() => server.to({} as unknown as string)).toThrow(new TypeError('to() takes a room name (a string) or an array of them'));
    expect(() => server.except(7 as unknown as string)).toThrow(new TypeError('except() takes a room name (a string), a peer, or an array of them'));
    expect([...peer.rooms]).toEqual([]);
  });

  it('a peer that is gone leaves its rooms before disconnect, which still reads what they were', async () => {
    const { server, pairs } = await withClients(2, { reconnect: false });
    const [gone, stays] = pairs as [{ client: OonClient<Tick>; peer: Peer }, { client: OonClient<Tick>; peer: Peer }];
    gone.peer.join(['x', 'y']);
    stays.peer.join('x');
    let inRoomAtDisconnect = -1;
    let roomsAtDisconnect: string[] = [];
    server.on('disconnect', (peer) => {
      roomsAtDisconnect = [...peer.rooms].sort();
      void server.in('x').count().then((n) => (inRoomAtDisconnect = n));
    });
    const disconnected = nextEvent(server, 'disconnect');
    await gone.client.close();
    await disconnected;
    expect(roomsAtDisconnect).toEqual(['x', 'y']);
    expect(inRoomAtDisconnect).toBe(1);
    expect(await server.in('y').count()).toBe(0);
    gone.peer.join('z'); // joining a peer that is gone does nothing
    expect(await server.in('z').count()).toBe(0);
    expect(await server.to('x').send(new Tick(1))).toEqual({ delivered: 1, evicted: 0, failed: 0, failures: [] });
  });

  it('an away peer (session kept) stays in its rooms, and gets what they were sent once it resumes', async () => {
    const { server, port } = await h.listeningServer<Tick>();
    const proxy = await proxies.to(port);
    const connected = nextEvent(server, 'connection');
    const client = await h.connectedClient<Tick>(proxy.port, { reconnect: { initialDelay: 10, maxDelay: 50 } });
    const [peer] = await connected;
    peer.join('x');
    proxy.refuse = true;
    const away = nextEvent(server, 'away');
    proxy.cutNow();
    await away;
    expect([...peer.rooms]).toEqual(['x']);
    expect(await server.in('x').count()).toBe(1);
    expect(await server.to('x').send(new Tick(1))).toEqual({ delivered: 1, evicted: 0, failed: 0, failures: [] });
    await server.to('x').send(new Tick(2));
    const back = nextEvent(server, 'reconnect', 5_000);
    proxy.refuse = false;
    await back;
    expect((await client.receive<Tick>({ timeout: 2_000 })).n).toBe(1);
    expect((await client.receive<Tick>({ timeout: 2_000 })).n).toBe(2);
    expect([...peer.rooms]).toEqual(['x']);
  });

  it('encodes a broadcast once per codec, not once per peer, with and without sessions', async () => {
    // Each read of `n` is counted: a codec reads it when it encodes, however many times per encoding.
    const counted = (): { tick: Tick; reads: () => number } => {
      let reads = 0;
      const tick = new Tick();
      Object.defineProperty(tick, 'n', { enumerable: true, get: () => ((reads += 1), 5) });
      return { tick, reads: () => reads };
    };
    const { server, port, pairs } = await withClients(1);
    const one = counted();
    await server.broadcast(one.tick);
    const perEncoding = one.reads();
    expect(perEncoding).toBeGreaterThan(0);

    for (let i = 0; i < 7; i++) await h.connectedClient<Tick>(port, i % 2 === 0 ? { reconnect: false } : {});
    for (let i = 0; i < 2; i++) await h.connectedClient<Tick>(port, { codec: 'json' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.peers.size).toBe(10);
    const many = counted();
    expect((await server.broadcast(many.tick)).delivered).toBe(10);
    expect(many.reads()).toBe(2 * perEncoding); // binary once, json once
    for (const { peer } of pairs) peer.join('r');
    const room = counted();
    await server.to('r').except('nobody').send(room.tick);
    expect(room.reads()).toBe(perEncoding);
    // Every peer read the same message: one id for all.
    expect((await pairs[0]!.client.receive<Tick>({ timeout: 2_000 })).n).toBe(5);
  });
});

describe('peer.data and peer.identity', () => {
  interface User {
    readonly name: string;
  }
  interface State {
    seen?: number;
  }

  it('identity is what auth resolved to, in every handler; data is the app’s own, per peer', async () => {
    const { port } = await (async () => {
      // The harness takes untyped options; the server's own type says what auth resolves to.
      const server = h.server<Tick>({ auth: (token): User | false => (token === undefined ? false : { name: token }) }) as unknown as OonServer<Tick, State, User>;
      server.on('connection', (peer) => {
        peer.data.seen = 0;
      });
      server.on('message', (tick, peer) => {
        peer.data.seen = (peer.data.seen ?? 0) + tick.n;
        void peer.send(new Tick(peer.data.seen));
      });
      server.handle(Tick, (tick, peer) => new Tick(peer.identity?.name.length ?? -1));
      const bound = await server.listen();
      return { port: bound.port };
    })();
    const ann = await h.connectedClient<Tick>(port, { token: 'ann' });
    const bobby = await h.connectedClient<Tick>(port, { token: 'bobby' });
    await ann.send(new Tick(2));
    await ann.send(new Tick(3));
    await bobby.send(new Tick(10));
    expect((await ann.receive<Tick>()).n).toBe(2);
    expect((await ann.receive<Tick>()).n).toBe(5);
    expect((await bobby.receive<Tick>()).n).toBe(10);
    expect((await ann.request<Tick>(new Tick())).n).toBe(3);
    expect((await bobby.request<Tick>(new Tick())).n).toBe(5);
  });

  it('auth resolving to true gives no identity; anything but true or an object refuses (nothing fails open)', async () => {
    const verdicts: unknown[] = [true, undefined, 'ann', 1];
    const { server, port } = await h.listeningServer<Tick>({ auth: () => verdicts.shift() as boolean });
    const connected = nextEvent(server, 'connection');
    await h.connectedClient(port, { token: 't' });
    const [peer] = await connected;
    expect(peer.identity).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      await expectOonError(h.connectedClient(port, { token: 't', reconnect: false }), 'BadConn', 'authentication failed: the token was refused');
    }
  });
});
