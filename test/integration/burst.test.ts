/**
 * Bursts: many sends in one tick go out joined into few socket writes (FrameWriter);
 * what the peer sees must not change: every object, revived, in order.
 */
import { VolvoCar } from '../../examples/cars/src/cars';
import { collectEvents, harness, nextEvent } from '../support/harness';

const h = harness();
afterEach(() => h.closeAll());

const BURST = 3_000;

describe('a burst of sends in one tick', () => {
  it('arrives whole and in order on the server, and every send resolves', async () => {
    const { server, port } = await h.listeningServer<VolvoCar>();
    const client = await h.connectedClient(port);
    const arrived = collectEvents(server, 'message', BURST, 15_000);

    const sent = Array.from({ length: BURST }, (_, i) => client.send(new VolvoCar(i, 4)));
    await Promise.all(sent);
    const messages = await arrived;

    expect(messages.every(([car]) => car instanceof VolvoCar)).toBe(true);
    expect(messages.map(([car]) => car.speed)).toEqual(Array.from({ length: BURST }, (_, i) => i));
  });

  it('is delivered before the close that follows it in the same tick', async () => {
    const { server, port } = await h.listeningServer<VolvoCar>();
    const client = await h.connectedClient(port);
    const arrived = collectEvents(server, 'message', 100, 15_000);
    const disconnected = nextEvent(server, 'disconnect', 15_000);

    for (let i = 0; i < 100; i++) void client.send(new VolvoCar(i, 6));
    await client.close();

    expect((await arrived).map(([car]) => car.speed)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    await disconnected;
  });

  it('keeps frames whole when a getter sends while its object is encoded into the batch: the nested one follows', async () => {
    const { server, port } = await h.listeningServer<VolvoCar>();
    // Without a session: its own send path encodes each message apart (session.ts).
    const client = await h.connectedClient(port, { reconnect: false });
    const arrived = collectEvents(server, 'message', 4, 15_000);
    const outer = new VolvoCar(1, 4);
    let nested: Promise<void> | undefined;
    // Read once while `outer` is encoded straight into the write batch.
    Object.defineProperty(outer, 'speed', {
      get: () => {
        nested ??= client.send(new VolvoCar(2, 6));
        return 1;
      },
    });

    const sends = [client.send(new VolvoCar(0, 2)), client.send(outer), client.send(new VolvoCar(3, 8))];
    await Promise.all([...sends, nested]);

    const got = (await arrived).map(([car]) => [car.constructor.name, car.speed, car.wheels]);
    expect(got).toEqual([
      ['VolvoCar', 0, 2],
      ['VolvoCar', 1, 4],
      ['VolvoCar', 2, 6],
      ['VolvoCar', 3, 8],
    ]);
  });

  it('delivers every message when a getter sends while its object is encoded, with a session (the default)', async () => {
    const { server, port } = await h.listeningServer<VolvoCar>();
    // With a session, each message is numbered: a nested send must not break the sequence.
    const client = await h.connectedClient(port);
    const arrived = collectEvents(server, 'message', 4, 15_000);
    const outer = new VolvoCar(1, 4);
    let nested: Promise<void> | undefined;
    // Read once while `outer` is encoded straight into the write batch.
    Object.defineProperty(outer, 'speed', {
      get: () => {
        nested ??= client.send(new VolvoCar(2, 6));
        return 1;
      },
    });

    const sends = [client.send(new VolvoCar(0, 2)), client.send(outer), client.send(new VolvoCar(3, 8))];
    await Promise.all([...sends, nested]);

    const got = (await arrived).map(([car]) => [car.constructor.name, car.speed, car.wheels]);
    // A session numbers a message once it is encoded: the nested send finishes first, so it goes first.
    expect(got).toEqual([
      ['VolvoCar', 0, 2],
      ['VolvoCar', 2, 6],
      ['VolvoCar', 1, 4],
      ['VolvoCar', 3, 8],
    ]);
    expect(client.status).toBe('connected');
  });
});
