import { Car, CarMark, FordTruck, VolvoCar } from '../../examples/cars/src/cars';
import { expectOonError, harness, nextEvent } from '../support/harness';

const h = harness();
afterEach(() => h.closeAll());

describe('the pull API', () => {
  describe('OonServer#accept() and Peer#receive()', () => {
    it('return the next client and the next object it sends, as the origin reads', async () => {
      const { server, port } = await h.listeningServer();
      const accepted = server.accept({ timeout: 2_000 });
      const client = await h.connectedClient(port);
      const peer = await accepted;
      expect(peer.address).toBe('127.0.0.1');

      await client.send(new VolvoCar(35, 4));
      await client.send(new FordTruck(20, new VolvoCar(1, 2), 1));
      const car = await peer.receive({ timeout: 2_000 });
      expect(car).toBeInstanceOf(VolvoCar);
      expect(car).toMatchObject({ speed: 35, wheels: 4, mark: CarMark.Volvo });
      const truck = await peer.receive<FordTruck>({ timeout: 2_000 });
      expect(truck).toBeInstanceOf(FordTruck);
      expect(truck.trailer?.carInside).toBeInstanceOf(VolvoCar);
    });

    it('hold what arrives before anyone reads, in order', async () => {
      const { server, port } = await h.listeningServer();
      const client = await h.connectedClient(port);
      const peer = await server.accept({ timeout: 2_000 });
      for (let speed = 0; speed < 500; speed++) await client.send(new VolvoCar(speed, 4));
      for (let speed = 0; speed < 500; speed++) {
        expect((await peer.receive<VolvoCar>({ timeout: 2_000 })).speed).toBe(speed);
      }
    });

    it('keep a reader that falls behind connected: its full inbox stops reading, it tells the client it lives, and all arrives once read', async () => {
      // A peer silent for pingInterval + pongTimeout (2 s here) is dropped; the reader is let be for 5 s.
      const heartbeat = { pingInterval: 1_000, pongTimeout: 1_000 };
      const { server, port } = await h.listeningServer(heartbeat);
      const client = await h.connectedClient(port, heartbeat);
      const peer = await server.accept({ timeout: 2_000 });
      const drops: string[] = [];
      client.on('disconnect', (reason, error) => drops.push(`${reason}: ${error?.message ?? ''}`));
      // Three times what the inbox holds before it stops reading (DEFAULT_INBOX_HIGH_WATER_MARK, 1,024).
      const sent = Array.from({ length: 3_072 }, (_, speed) => client.send(new VolvoCar(speed, 4)));
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect(drops).toEqual([]);
      for (let speed = 0; speed < 3_072; speed++) {
        expect((await peer.receive<VolvoCar>({ timeout: 5_000 })).speed).toBe(speed);
      }
      await Promise.all(sent);
      expect(drops).toEqual([]);
    }, 20_000);

    it('reject with Timeout when nothing comes in time', async () => {
      const { server, port } = await h.listeningServer();
      await expectOonError(server.accept({ timeout: 30 }), 'Timeout', 'no connection within 30 ms');
      await h.connectedClient(port);
      const peer = await server.accept({ timeout: 2_000 });
      await expectOonError(peer.receive({ timeout: 30 }), 'Timeout', 'no message within 30 ms');
    });

    it('rejects with the signal reason when aborted, and reading goes on afterwards', async () => {
      const { server, port } = await h.listeningServer();
      const client = await h.connectedClient(port);
      const peer = await server.accept({ timeout: 2_000 });
      const controller = new AbortController();
      const pending = peer.receive({ signal: controller.signal });
      controller.abort(new Error('user gave up'));
      await expect(pending).rejects.toThrow('user gave up');
      await client.send(new Car());
      expect(await peer.receive({ timeout: 2_000 })).toBeInstanceOf(Car);
    });

    it('accept() rejects with BadConn once the server is closed', async () => {
      const { server } = await h.listeningServer();
      const rejected = expectOonError(server.accept(), 'BadConn');
      await server.close();
      await rejected;
    });

    it('peer.receive() rejects with BadConn once the client has left', async () => {
      const { server, port } = await h.listeningServer();
      const client = await h.connectedClient(port);
      const peer = await server.accept({ timeout: 2_000 });
      const rejected = expectOonError(peer.receive(), 'BadConn', 'closed');
      await client.close();
      await rejected;
    });
  });

  describe('OonClient#receive() and #messages()', () => {
    it('receive() returns what the server sends', async () => {
      const { server, port } = await h.listeningServer();
      server.on('connection', (peer) => void peer.send(new FordTruck(20, new VolvoCar(35, 4), 1)));
      const client = await h.connectedClient<FordTruck>(port);
      const truck = await client.receive({ timeout: 2_000 });
      expect(truck).toBeInstanceOf(FordTruck);
      expect(truck.speed).toBe(20);
    });

    it('receive() rejects with BadConn when never connected', async () => {
      const { port } = await h.listeningServer();
      await expectOonError(h.client(port).receive(), 'BadConn', 'connect() first');
    });

    it('messages() yields every object in order and ends when the server closes cleanly', async () => {
      const { server, port } = await h.listeningServer();
      server.on('connection', (peer) => {
        void (async () => {
          for (let speed = 1; speed <= 100; speed++) await peer.send(new VolvoCar(speed, 4));
          await peer.close();
        })();
      });
      const client = await h.connectedClient(port);
      const speeds: number[] = [];
      for await (const car of client.messages()) {
        expect(car).toBeInstanceOf(VolvoCar);
        speeds.push((car as VolvoCar).speed as number);
      }
      expect(speeds).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    });

    it("holds nothing for receive() while a 'message' listener takes the events", async () => {
      const { server, port } = await h.listeningServer();
      const client = await h.connectedClient(port);
      const peer = await server.accept({ timeout: 2_000 });
      const seen = nextEvent(client, 'message');
      client.on('message', () => {});
      await peer.send(new VolvoCar());
      await seen;
      await expectOonError(client.receive({ timeout: 50 }), 'Timeout');
    });
  });

  describe('typed dispatch with onMessage(Class, listener)', () => {
    it('gives the listener instances of that class and its subclasses only, typed', async () => {
      const { server, port } = await h.listeningServer();
      const wheels: number[] = [];
      const done = new Promise<void>((resolve) => {
        server.onMessage(VolvoCar, (car, peer) => {
          wheels.push(car.wheels); // typed VolvoCar: no cast
          expect(peer.address).toBe('127.0.0.1');
          if (wheels.length === 2) resolve();
        });
      });
      const client = await h.connectedClient(port);
      await client.send(new Car());
      await client.send(new VolvoCar(1, 3));
      await client.send(new FordTruck());
      await client.send(new VolvoCar(1, 6));
      await done;
      expect(wheels).toEqual([3, 6]);
    });

    it('returns a function that removes the listener', async () => {
      const { server, port } = await h.listeningServer();
      const client = await h.connectedClient(port);
      const peer = await server.accept({ timeout: 2_000 });
      const got: VolvoCar[] = [];
      const off = client.onMessage(VolvoCar, (car) => got.push(car));
      await peer.send(new VolvoCar(1, 1));
      await nextEvent(client, 'message');
      off();
      await peer.send(new VolvoCar(2, 2));
      expect(await client.receive({ timeout: 2_000 })).toMatchObject({ speed: 2 });
      expect(got.map((c) => c.speed)).toEqual([1]);
    });
  });
});
