/**
 * `server.close()`: stops accepting, lets what is in flight finish within `closeGrace`,
 * destroys what is left, and leaves nothing behind (the suite runs with
 * `--detectOpenHandles`).
 */
import { encodeFrame, FrameKind } from '@oon/wire';
import { VolvoCar } from '../../examples/cars/src/cars';
import { collectEvents, expectOonError, harness, helloFrame, nextEvent, within } from '../support/harness';

const h = harness();
afterEach(() => h.closeAll());

describe('OonServer', () => {
  describe('#close()', () => {
    it('flushes the frames already sent before the clients are disconnected', async () => {
      const { server, port } = await h.listeningServer();
      const client = await h.connectedClient<VolvoCar>(port);
      const [peer] = [...server.peers];
      const count = 300;
      const received = collectEvents(client, 'message', count, 5_000);
      const gone = nextEvent(client, 'disconnect', 5_000);

      const sends = Array.from({ length: count }, (_, i) => peer?.send(new VolvoCar(i, 4)));
      await server.close();

      const cars = (await received).map(([car]) => car);
      expect(cars.map((car) => car.speed)).toEqual(Array.from({ length: count }, (_, i) => i));
      expect(cars.every((car) => car instanceof VolvoCar)).toBe(true);
      await expect(Promise.all(sends)).resolves.toBeDefined();
      expect(await gone).toEqual(['remote close', undefined]);
    });

    it('still delivers what a client sent before it saw the close', async () => {
      const { server, port } = await h.listeningServer();
      const connected = nextEvent(server, 'connection');
      const raw = await h.rawPeer(port);
      await raw.write(helloFrame());
      const [peer] = await connected;
      const arrived = nextEvent(server, 'message');

      const closing = server.close();
      // Written after the server's close began, before this peer has read the server's end.
      await raw.write(encodeFrame(FrameKind.Message, '{"head": {"uuid": "0123456789"}, "body": {"type": "VolvoCar", "speed": 77, "wheels": 3}}'));

      const [car, from] = await arrived;
      expect(car).toBeInstanceOf(VolvoCar);
      expect((car as VolvoCar).speed).toBe(77);
      expect(from).toBe(peer);
      await within(5_000, closing, 'server.close()');
    });

    it('destroys a peer that does not close within closeGrace, then resolves; honest clients left cleanly', async () => {
      const { server, port } = await h.listeningServer({ closeGrace: 300 });
      const honest = await h.connectedClient(port);
      const connected = nextEvent(server, 'connection');
      const stubborn = await h.rawPeer(port);
      await stubborn.write(helloFrame());
      await connected;
      stubborn.socket.pause(); // never reads, so never sees the server's end
      const honestGone = nextEvent(honest, 'disconnect', 5_000);
      const closed = nextEvent(server, 'close', 5_000);

      // The stubborn peer never closes its side: only the destroy after closeGrace lets this resolve.
      await within(5_000, server.close(), 'server.close()');

      stubborn.socket.resume();
      await within(2_000, stubborn.closed, 'the stubborn peer seeing the close');
      expect(await honestGone).toEqual(['remote close', undefined]);
      expect(await closed).toEqual([]);
      expect(server.listening).toBe(false);
      expect(server.peers.size).toBe(0);
    });

    it('accepts no new client once closing, even while a stubborn peer holds the close open', async () => {
      const { server, port } = await h.listeningServer({ closeGrace: 1_000 });
      const connected = nextEvent(server, 'connection');
      const stubborn = await h.rawPeer(port);
      await stubborn.write(helloFrame());
      await connected;
      stubborn.socket.pause();

      const closing = server.close();
      await expectOonError(h.client(port).connect(), 'BadConn');
      expect(server.listening).toBe(false);
      await within(5_000, closing, 'server.close()');
    });
  });
});
