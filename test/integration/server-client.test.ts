/**
 * OonServer and OonClient talking over real loopback sockets: what a user sees on each
 * side when objects go back and forth, and when either side leaves.
 */
import { NetMessage } from '@oon/core';
import { encodeFrame, FrameKind, JsonCodec } from '@oon/wire';
import { Peer } from '@oon/server';
import { CarMark, FordTruck, TrucTrailer, VolvoCar } from '../../examples/cars/src/cars';
import { collectEvents, harness, helloFrame, LOOPBACK, nextEvent, TRANSPORTS } from '../support/harness';

const h = harness();
afterEach(() => h.closeAll());

/** The seed's truck: a FordTruck at 20 carrying a VolvoCar at 35 with 4 wheels. */
function seedTruck(): FordTruck {
  return new FordTruck(20, new VolvoCar(35, 4), 1);
}

describe('listening', () => {
  it('listens on a free port, reports it from listen(), address() and the listening event', async () => {
    const server = h.server();
    expect(server.listening).toBe(false);
    expect(server.address()).toBeNull();
    const listening = nextEvent(server, 'listening');

    const bound = await server.listen();

    expect(bound.port).toBeGreaterThan(0);
    expect(bound.address).toBe(LOOPBACK);
    expect(server.address()).toEqual(bound);
    expect(server.listening).toBe(true);
    const [announced] = await listening;
    expect(announced).toEqual(bound);
  });
});

describe.each(TRANSPORTS)('over %s', (transport) => {
  // Shadows the TCP harness above: every case below runs over each transport.
  const h = harness(transport);
  afterEach(() => h.closeAll());

  describe('connecting', () => {
    it('emits connection on the server (a Peer from 127.0.0.1) and connect on the client', async () => {
      const { server, port } = await h.listeningServer();
      const client = h.client(port);
      const connection = nextEvent(server, 'connection');
      const connected = nextEvent(client, 'connect');

      await client.connect();

      expect(await connected).toEqual([]);
      expect(client.connected).toBe(true);
      const [peer] = await connection;
      expect(peer).toBeInstanceOf(Peer);
      expect(peer.address).toBe(LOOPBACK);
      expect(peer.port).toEqual(expect.any(Number));
      expect(peer.transport).toBe(transport === 'tcp' ? 'socket' : 'websocket');
      expect(peer.connected).toBe(true);
      expect(peer.toString()).toBe(`${LOOPBACK}:${String(peer.port)}`);
      expect([...server.peers]).toEqual([peer]);
    });
  });

  describe('sending objects', () => {
    it('revives a FordTruck carrying a VolvoCar on the server as real instances with equal values', async () => {
      const { server, port } = await h.listeningServer<FordTruck>();
      const connection = nextEvent(server, 'connection');
      const client = await h.connectedClient(port);
      const [peer] = await connection;
      const received = nextEvent(server, 'message');
      const sent = seedTruck();

      await client.send(sent, { uuid: 'abcdef0123' });

      const [truck, from, message] = await received;
      expect(truck).toBeInstanceOf(FordTruck);
      expect(truck).not.toBe(sent);
      expect(truck.trailer).toBeInstanceOf(TrucTrailer);
      expect(truck.trailer?.carInside).toBeInstanceOf(VolvoCar);
      expect(truck.speed).toBe(20);
      expect(truck.mark).toBe(CarMark.Ford);
      expect(truck.trailer?.carCount).toBe(1);
      const car = truck.trailer?.carInside as VolvoCar;
      expect(car.speed).toBe(35);
      expect(car.wheels).toBe(4);
      expect(car.mark).toBe(CarMark.Volvo);
      // Same classes and same values at every depth.
      expect(truck).toStrictEqual(sent);
      // Methods work on what arrived.
      expect(typeof truck.showInfo).toBe('function');

      expect(from).toBe(peer);
      expect(message).toBeInstanceOf(NetMessage);
      expect(message.uuid).toBe('abcdef0123');
      expect(message.object).toBe(truck);
    });

    it('derives the uuid of a message sent without one: <session id>:<seq>, or without a session <link id>:<n>', async () => {
      const { server, port } = await h.listeningServer();
      for (const reconnect of [true, false]) {
        const client = await h.connectedClient(port, { reconnect });
        const received = collectEvents(server, 'message', 2);

        await client.send(new VolvoCar());
        await client.send(new VolvoCar());

        const [[, , first], [, , second]] = (await received) as [[unknown, unknown, NetMessage], [unknown, unknown, NetMessage]];
        const [prefix] = first.uuid.split(':');
        expect(prefix).toMatch(reconnect ? /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ : /^[0-9a-f]{10}$/);
        expect([first.uuid, second.uuid]).toEqual([`${prefix}:1`, `${prefix}:2`]);
        await client.close();
      }
    });

    it('leaves ignored fields at their constructor defaults at every depth (peer.send with ignore)', async () => {
      const { server, port } = await h.listeningServer();
      const connection = nextEvent(server, 'connection');
      const client = await h.connectedClient<FordTruck>(port);
      const [peer] = await connection;
      const received = nextEvent(client, 'message');

      await peer.send(seedTruck(), { ignore: ['speed'] });

      const [truck, message] = await received;
      expect(truck).toBeInstanceOf(FordTruck);
      expect(message.object).toBe(truck);
      // FordTruck() and VolvoCar() both default speed to 10; the sent 20 and 35 stayed home.
      expect(truck.speed).toBe(new FordTruck().speed);
      expect(truck.speed).toBe(10);
      const car = truck.trailer?.carInside;
      expect(car).toBeInstanceOf(VolvoCar);
      expect(car?.speed).toBe(10);
      // Everything else came through.
      expect(truck.mark).toBe(CarMark.Ford);
      expect(truck.trailer?.carCount).toBe(1);
      expect((car as VolvoCar).wheels).toBe(4);
      expect(car?.mark).toBe(CarMark.Volvo);
    });

    it('broadcasts one object to every connected client', async () => {
      const { server, port } = await h.listeningServer();
      const connections = collectEvents(server, 'connection', 2);
      const alice = await h.connectedClient<VolvoCar>(port);
      const bob = await h.connectedClient<VolvoCar>(port);
      await connections;
      const toAlice = nextEvent(alice, 'message');
      const toBob = nextEvent(bob, 'message');

      expect(await server.broadcast(new VolvoCar(77, 6))).toEqual({ delivered: 2, evicted: 0, failed: 0, failures: [] });

      const [[a], [b]] = await Promise.all([toAlice, toBob]);
      for (const car of [a, b]) {
        expect(car).toBeInstanceOf(VolvoCar);
        expect(car.speed).toBe(77);
        expect(car.wheels).toBe(6);
      }
      expect(a).not.toBe(b);
    });

    it('delivers a burst of messages in the order they were sent, both ways', async () => {
      const count = 300;
      const { server, port } = await h.listeningServer<VolvoCar>();
      const connection = nextEvent(server, 'connection');
      const client = await h.connectedClient<VolvoCar>(port);
      const [peer] = await connection;
      const atServer = collectEvents(server, 'message', count);
      const atClient = collectEvents(client, 'message', count);

      await Promise.all(Array.from({ length: count }, (_, i) => client.send(new VolvoCar(i, 4))));
      await Promise.all(Array.from({ length: count }, (_, i) => peer.send(new VolvoCar(i, 8))));

      const serverSpeeds = (await atServer).map(([car]) => (car instanceof VolvoCar ? car.speed : 'not a VolvoCar'));
      const clientSpeeds = (await atClient).map(([car]) => (car instanceof VolvoCar ? car.speed : 'not a VolvoCar'));
      const expected = Array.from({ length: count }, (_, i) => i);
      expect(serverSpeeds).toEqual(expected);
      expect(clientSpeeds).toEqual(expected);
    });

    it('hears a peer that sends its hello and a message in one write', async () => {
      const { server, port } = await h.listeningServer<FordTruck>();
      const connection = nextEvent(server, 'connection');
      const received = nextEvent(server, 'message');
      const raw = await h.rawPeer(port);
      const payload = new JsonCodec().encode(new NetMessage(seedTruck(), { uuid: 'pipelined0' }));

      await raw.write(Buffer.concat([helloFrame(), encodeFrame(FrameKind.Message, payload)]));

      const [peer] = await connection;
      const [truck, from, message] = await received;
      expect(truck).toBeInstanceOf(FordTruck);
      expect(truck.trailer?.carInside).toBeInstanceOf(VolvoCar);
      expect(truck).toStrictEqual(seedTruck());
      expect(from).toBe(peer);
      expect(message.uuid).toBe('pipelined0');
    });

    it('hears a server that sends its hello and a message in one write', async () => {
      const payload = new JsonCodec().encode(new NetMessage(seedTruck(), { uuid: 'fromserver' }));
      const { port } = await h.rawServer((socket) => {
        socket.end(Buffer.concat([helloFrame(), encodeFrame(FrameKind.Message, payload)]));
      });
      const client = h.client<FordTruck>(port);
      const received = nextEvent(client, 'message');
      const disconnected = nextEvent(client, 'disconnect');
      await client.connect();

      const [truck, message] = await received;
      expect(truck).toBeInstanceOf(FordTruck);
      expect(truck).toStrictEqual(seedTruck());
      expect(message.uuid).toBe('fromserver');
      // The server hung up right behind its message: the client hears that too, after it.
      expect(await disconnected).toEqual(['remote close', undefined]);
    });

    it('lets a listener attached right after connect() resolves hear a message sent with the hello', async () => {
      const payload = new JsonCodec().encode(new NetMessage(new VolvoCar(5, 3)));
      const { port } = await h.rawServer((socket) => {
        socket.write(Buffer.concat([helloFrame(), encodeFrame(FrameKind.Message, payload)]));
      });
      const client = h.client<VolvoCar>(port);

      await client.connect();
      const [car] = await nextEvent(client, 'message');

      expect(car).toBeInstanceOf(VolvoCar);
      expect(car.wheels).toBe(3);
    });
  });

  describe('peers and leaving', () => {
    it('keeps server.peers to the clients connected now', async () => {
      const { server, port } = await h.listeningServer();
      expect(server.peers.size).toBe(0);
      const connections = collectEvents(server, 'connection', 2);
      const alice = await h.connectedClient(port);
      await h.connectedClient(port);
      const peers = (await connections).map(([peer]) => peer);

      expect(server.peers.size).toBe(2);
      expect(new Set(server.peers)).toEqual(new Set(peers));

      const disconnect = nextEvent(server, 'disconnect');
      await alice.close();
      const [gone] = await disconnect;
      expect(peers).toContain(gone);
      expect(server.peers.size).toBe(1);
      expect(server.peers.has(gone)).toBe(false);
    });

    it('peer.close() disconnects the client with reason "remote close"', async () => {
      const { server, port } = await h.listeningServer();
      const connection = nextEvent(server, 'connection');
      const client = await h.connectedClient(port);
      const [peer] = await connection;
      const clientGone = nextEvent(client, 'disconnect');
      const serverGone = nextEvent(server, 'disconnect');

      await peer.close();

      expect(await clientGone).toEqual(['remote close', undefined]);
      expect(await serverGone).toEqual([peer, 'local close']);
      expect(client.connected).toBe(false);
      expect(peer.connected).toBe(false);
      expect(server.peers.size).toBe(0);
    });

    it('client.close() disconnects the server side with reason "remote close"', async () => {
      const { server, port } = await h.listeningServer();
      const connection = nextEvent(server, 'connection');
      const client = await h.connectedClient(port);
      const [peer] = await connection;
      const serverGone = nextEvent(server, 'disconnect');
      const clientGone = nextEvent(client, 'disconnect');

      await client.close();

      expect(await serverGone).toEqual([peer, 'remote close']);
      expect(await clientGone).toEqual(['local close', undefined]);
      expect(client.connected).toBe(false);
      expect(server.peers.has(peer)).toBe(false);
    });

    it('close() twice on every endpoint resolves without error', async () => {
      const { server, port } = await h.listeningServer();
      const connection = nextEvent(server, 'connection');
      const client = await h.connectedClient(port);
      const other = await h.connectedClient(port);
      const [peer] = await connection;

      await expect(Promise.all([client.close(), client.close()])).resolves.toBeDefined();
      await expect(client.close()).resolves.toBeUndefined();
      await expect(Promise.all([peer.close(), peer.close()])).resolves.toBeDefined();
      await expect(peer.close()).resolves.toBeUndefined();
      await expect(Promise.all([server.close(), server.close()])).resolves.toBeDefined();
      await expect(server.close()).resolves.toBeUndefined();
      await expect(other.close()).resolves.toBeUndefined();
      // Never connected, or never listening: nothing to close, still no error.
      await expect(h.client(port).close()).resolves.toBeUndefined();
      await expect(h.server().close()).resolves.toBeUndefined();
    });

    it('server.close() stops listening, emits close and disconnects the clients', async () => {
      const { server, port } = await h.listeningServer();
      const client = await h.connectedClient(port);
      const closed = nextEvent(server, 'close');
      const clientGone = nextEvent(client, 'disconnect');

      await server.close();

      expect(await closed).toEqual([]);
      expect(server.listening).toBe(false);
      expect(server.address()).toBeNull();
      expect(await clientGone).toEqual(['remote close', undefined]);
      expect(server.peers.size).toBe(0);
    });
  });
});
